/// Inventories used both by the unit tests and by the comparison against ansible-inventory.
enum Fixtures {
    static let richINI = """
    # comment
    ; another comment
    loose1 a=1 b=True c='x y' d=[1,2] e="{'k': [1, 'z']}" f=yes g=1.5 h=0755 i=None j=-3 k=0x1F l="'q'" m=1e3 n=(1,2) o={1,2}
    loose2:2201 x="a b" y='"dq"' z=\\#hash w=1#dropped
    127.0.0.1

    [web]
    web[01:03] ansible_user=bob
    db-[a:c]
    s[1:10:4]
    h1:2222
    web02 extra=1

    [web:vars]
    x=1
    y = hello world # comment
    z=[1, 'a']
    w='quoted'
    v=True
    http_port=80

    [dbs]
    db-[a:b] role=db

    [prod:children]
    web
    dbs
    later

    [later]
    lh port=99

    [later:vars]
    ansible_group_priority=5
    shared=later

    [dbs:vars]
    shared=dbs
    ansible_group_priority=3

    [prod:vars]
    shared=prod
    """

    static let nestedYAML = """
    all:
      vars:
        top: 1
        shared: all
      hosts:
        direct1:
          dv: [1, 2]
      children:
        web:
          hosts:
            web[1:3]:
              role: web
              flag: yes
            web9:2222:
          vars:
            shared: web
            nested: {a: 1, b: [x, y]}
        db:
          hosts: dbhost
          children:
            replicas:
              hosts:
                rep[a:b].example.com:
                  ansible_host: 10.0.0.1
        empty:
    other:
      children: solo
      hosts:
        web1:
          extra: 017
          hex: 0x1f
      vars:
        shared: other
        ansible_group_priority: 2
    """

    /// Odd but valid INI values and names.
    static let literals = #"""
    [lit]
    l1 a="1, 2" b=True, c=u'abc' d=b'xyz' e=r'\n' f=1_000 g=.5 h=5. i=-0x10 j="'a' 'b'" k="[1, [2, {'k': (3,)}]]"
    l2 a="{1: 'a'}" b=[ c="'\u00e9'" d='it''s' e="x\"y" f=None g=set() h=... i=--1 j=-(1) k=0o17 l=0b101 m=1+2 n=f'x'
    l3 o=\u00e9 p="'tab\there'" q="'''tri'''" r=café s="{'a': None, 'b': [True, False]}" t="()" u="(1)" v=1.5e3
    élan
    host-with-dash x=y=z
    [lit:vars]
    k==v
    y=  spaced  
    z="double"
    n=- 5
    [dash-group]
    l1
    [lit2:children]
    dash-group
    """#

    static let json = """
    {"all": {"children": {"j": {"hosts": {"jh1": {"n": 1.5, "b": true, "s": "str", "nul": null}, "jh2": null},
                                "vars": {"list": [1, "two"]}}}}}
    """

    static let priorities = """
    [a]
    h1
    [b]
    h1
    h2
    [c:children]
    a
    [a:vars]
    v=a
    [b:vars]
    v=b
    ansible_group_priority=10
    [c:vars]
    v=c
    w=c
    [all:vars]
    v=all
    w=all
    u=all
    """

    /// An inventory directory with vars folders and files Ansible ignores, plus a playbook directory.
    static let directoryTree: [String: String] = [
        "inv/01-hosts.ini": """
        [app]
        app1
        app2 iv=2
        [app:vars]
        v_ini=ini
        shared=ini-app
        [all:vars]
        v_all_ini=1
        """,
        "inv/02-more.yml": """
        all:
          children:
            app:
              hosts:
                app3:
            extra:
              hosts:
                app1:
        """,
        "inv/notes.txt": "this is not an inventory [",
        "inv/old.retry": "[broken",
        "inv/.hidden": "[broken",
        "inv/backup~": "[broken",
        "inv/group_vars/all.yml": "v_all_file: inv\nshared: inv-all\n",
        "inv/group_vars/app/10.yml": "v_app: dir1\nshared: inv-app\n",
        "inv/group_vars/app/20.yaml": "v_app: dir2\n",
        "inv/group_vars/app/ignored.txt": "v_app: txt\n",
        "inv/group_vars/app/.hidden.yml": "v_app: hidden\n",
        "inv/group_vars/extra": "shared: inv-extra\nextra_only: true\n",
        "inv/host_vars/app1.yml": "hv: inv-host\nshared: inv-host\n",
        "inv/host_vars/app2.json": "{\"hv\": \"json\", \"iv\": 3}",
        "inv/host_vars/app3": "---\n# empty document\n",
        "pb/group_vars/all.yml": "shared: pb-all\nv_pb_all: 1\n",
        "pb/group_vars/app.yml": "shared: pb-app\n",
        "pb/host_vars/app1": "shared: pb-host\n",
    ]
}
