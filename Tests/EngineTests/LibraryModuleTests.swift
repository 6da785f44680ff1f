import Foundation
import XCTest

/// Users' own modules from `library/` directories (and -M / ANSIBLE_LIBRARY), run for real: Python
/// modules on ansible.module_utils with swiftplay's implementation of that API, WANT_JSON and
/// old-style scripts, over a local connection and over SSH with become.
final class LibraryModuleTests: XCTestCase {
    /// A Python module with its own state (a file), a role's module_utils package, check mode and no_log.
    let marker = """
    #!/usr/bin/python
    import os
    from ansible.module_utils.basic import AnsibleModule
    from ansible.module_utils.six import string_types
    from ansible.module_utils.text_tools.shout import shout

    def main():
        module = AnsibleModule(
            argument_spec=dict(
                path=dict(type='path', required=True),
                text=dict(type='str', default='hi'),
                times=dict(type='int', default=1),
                state=dict(type='str', choices=['present', 'absent'], default='present'),
                token=dict(type='str', no_log=True),
            ),
            supports_check_mode=True,
        )
        p = module.params
        want = shout(p['text']) * p['times']
        have = open(p['path']).read() if os.path.exists(p['path']) else None
        changed = (have != want) if p['state'] == 'present' else have is not None
        if changed and not module.check_mode:
            if p['state'] == 'present':
                with open(p['path'], 'w') as f:
                    f.write(want)
            else:
                os.unlink(p['path'])
        assert isinstance(p['text'], string_types)
        module.exit_json(changed=changed, content=want, token_seen=p['token'], uid=os.geteuid())

    if __name__ == '__main__':
        main()
    """

    func workspaceWithRole() throws -> Workspace {
        let ws = try Workspace()
        try ws.write("roles/marks/library/marker.py", marker)
        try ws.write("roles/marks/module_utils/text_tools/__init__.py", "")
        try ws.write("roles/marks/module_utils/text_tools/shout.py", "def shout(s):\n    return s.upper() + '!'\n")
        try ws.write("roles/marks/tasks/main.yml", """
        - marker: path={{ out }} text=hello times=2 token=s3cr3t-value
          register: first
        - marker: path={{ out }} text=hello times=2
          register: second
        """)
        return ws
    }

    func testPythonModuleFromARoleRunsIdempotentlyWithModuleUtilsAndHidesNoLogValues() throws {
        let ws = try workspaceWithRole()
        let play = """
        - hosts: localhost
          gather_facts: false
          vars: {out: "{{ playbook_dir }}/marked"}
          roles: [marks]
          tasks:
            - assert:
                that:
                  - first is changed and second is not changed
                  - first.content == 'HELLO!HELLO!'
                  - first.token_seen == '********'
                  - first.invocation.module_args.token == 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER'
                  - first.invocation.module_args.times == 2
        """
        let r = try ws.play(play, ["-v"])
        XCTAssertEqual(r.status, 0, r.output)
        XCTAssertEqual(ws.read("marked"), "HELLO!HELLO!")
        XCTAssertFalse(r.output.contains("s3cr3t-value"), r.output)
        XCTAssertEqual(r.recap("localhost")["changed"], 1, r.stdout)
    }

    func testCheckModeChangesNothingAndModulesWithoutCheckSupportAreSkipped() throws {
        let ws = try workspaceWithRole()
        try ws.write("library/plain.py", """
        from ansible.module_utils.basic import AnsibleModule
        AnsibleModule(argument_spec={}).exit_json(changed=True, msg='ran')
        """)
        let r = try ws.play("""
        - hosts: localhost
          gather_facts: false
          vars: {out: "{{ playbook_dir }}/marked"}
          roles: [marks]
          tasks:
            - plain:
              register: plain
            - assert:
                that:
                  - first is changed and second is changed
                  - plain is skipped
                  - plain.msg == 'remote module (plain) does not support check mode'
        """, ["--check"])
        XCTAssertEqual(r.status, 0, r.output)
        XCTAssertNil(ws.read("marked"), "check mode wrote the file")
    }

    /// The module next to the playbook this time (library/, module_utils/ beside play.yml).
    func testArgumentErrorsFailTheTaskWithAnsiblesMessages() throws {
        let ws = try Workspace()
        try ws.write("library/marker.py", marker)
        try ws.write("module_utils/text_tools/__init__.py", "")
        try ws.write("module_utils/text_tools/shout.py", "def shout(s):\n    return s.upper() + '!'\n")
        let r = try ws.play("""
        - hosts: localhost
          gather_facts: false
          tasks:
            - marker: {text: x}
              register: missing
              ignore_errors: true
            - marker: {path: /tmp/x, state: maybe}
              register: choice
              ignore_errors: true
            - marker: {path: /tmp/x, times: many}
              register: typed
              ignore_errors: true
            - marker: {path: /tmp/x, colour: red}
              register: unknown
              ignore_errors: true
            - assert:
                that:
                  - "missing is failed and missing.msg == 'missing required arguments: path'"
                  - "choice.msg == 'value of state must be one of: present, absent, got: maybe'"
                  - "'unable to convert to int' in typed.msg"
                  - "unknown.msg.startswith('Unsupported parameters for (marker) module: colour.')"
        """)
        XCTAssertEqual(r.status, 0, r.output)
        XCTAssertEqual(r.recap("localhost")["ignored"], 4, r.stdout)
    }

    func testScriptModulesGetTheirArgumentsAsJSONOrWordsAndBadOutputIsAModuleFailure() throws {
        let ws = try Workspace()
        try ws.write("mods/echoargs", """
        #!/bin/sh
        # WANT_JSON
        printf '{"changed": false, "given": %s}\\n' "$(cat "$1")"
        """)
        try ws.write("mods/oldstyle.sh", """
        #!/bin/sh
        . "$1"
        printf '{"changed": true, "msg": "hello %s"}\\n' "$name"
        """)
        try ws.write("mods/noisy", """
        #!/bin/sh
        # WANT_JSON
        echo 'not json at all'; echo 'to stderr' >&2; exit 3
        """)
        let r = try ws.play("""
        - hosts: localhost
          gather_facts: false
          tasks:
            - echoargs: {a: 1, b: [x, "y z"]}
              register: j
            - oldstyle: name="big world"
              register: o
            - noisy:
              register: n
              ignore_errors: true
            - assert:
                that:
                  - j.given.a == 1 and j.given.b == ['x', 'y z'] and j.given._ansible_check_mode == false
                  - o is changed and o.msg == 'hello big world'
                  - n is failed and n.module_stdout == 'not json at all\\n' and n.module_stderr == 'to stderr\\n' and n.rc == 3
                  - n.msg.startswith('MODULE FAILURE')
        """, ["-M", "mods"])
        XCTAssertEqual(r.status, 0, r.output)

        // The ad-hoc command runs them as well.
        let adhoc = try ws.swiftplay(["adhoc", "localhost", "-i", "localhost,", "-c", "local", "-M", "mods", "-m", "echoargs", "-a", "greeting=hi"])
        XCTAssertEqual(adhoc.status, 0, adhoc.output)
        XCTAssertTrue(adhoc.stdout.contains("\"greeting\": \"hi\""), adhoc.stdout)

        // ANSIBLE_LIBRARY finds them too; without any library path the task is a load error.
        let env = try ws.swiftplay(["-i", "localhost,", "-c", "local", "play.yml"], environment: ["ANSIBLE_LIBRARY": ws.path + "/mods"])
        XCTAssertEqual(env.status, 0, env.output)
        let none = try ws.swiftplay(["-i", "localhost,", "-c", "local", "play.yml"])
        XCTAssertNotEqual(none.status, 0)
        XCTAssertTrue(none.output.contains("couldn't resolve module/action 'echoargs'"), none.output)
    }

    func testModuleHelpersRunCommandsWarnAndFailWithValues() throws {
        let ws = try Workspace()
        try ws.write("library/helpers.py", """
        from ansible.module_utils.basic import AnsibleModule
        from ansible.module_utils.common.text.converters import to_text
        m = AnsibleModule(argument_spec=dict(words=dict(type='list', elements='str'), fail=dict(type='bool', default=False)))
        rc, out, err = m.run_command([m.get_bin_path('printf', required=True), '%s|', *m.params['words']])
        shell_rc, shell_out, _ = m.run_command('echo $((6 * 7)) | tr 4 X', use_unsafe_shell=True)
        m.warn('careful with ' + to_text(b'bytes'))
        if m.params['fail']:
            m.fail_json(msg='asked to fail', rc=rc, out=out)
        m.exit_json(rc=rc, out=out, shell=shell_out.strip())
        """)
        let r = try ws.play("""
        - hosts: localhost
          gather_facts: false
          tasks:
            - helpers: words="a b,c"
              register: ok
            - helpers: {words: [x], fail: yes}
              register: bad
              ignore_errors: true
            - assert:
                that:
                  - ok.rc == 0 and ok.out == 'a b|c|' and ok.shell == 'X2'
                  - bad is failed and bad.msg == 'asked to fail' and bad.out == 'x|'
        """)
        XCTAssertEqual(r.status, 0, r.output)
        XCTAssertTrue(r.output.contains("[WARNING]: careful with bytes"), r.output)
    }

    func testAMissingInterpreterIsAClearFailure() throws {
        let ws = try Workspace()
        try ws.write("library/hello.py", "from ansible.module_utils.basic import AnsibleModule\nAnsibleModule({}).exit_json()\n")
        let r = try ws.play("""
        - hosts: localhost
          gather_facts: false
          tasks:
            - hello:
              vars: {ansible_python_interpreter: /nonexistent/python9}
        """)
        XCTAssertEqual(r.status, 2, r.output)
        XCTAssertTrue(r.stdout.contains("/nonexistent/python9"), r.stdout)
    }

    /// Over SSH on a real host: the module runs with the host's Python, as the become user.
    func testPythonModuleRunsOverSSHWithBecome() throws {
        let h = try TestHost.first()
        let ws = try workspaceWithRole()
        let r = try h.play("""
        - hosts: target
          gather_facts: false
          vars: {out: /tmp/swiftplay-library-module-test}
          pre_tasks:
            - file: path={{ out }} state=absent
          roles: [marks]
          post_tasks:
            - marker: path=/tmp/swiftplay-library-module-nobody text=x
              become: true
              become_user: nobody
              register: as_nobody
            - command: cat {{ out }}
              register: content
            - file: path={{ item }} state=absent
              loop: ["{{ out }}", /tmp/swiftplay-library-module-nobody]
            - assert:
                that:
                  - first is changed and second is not changed and first.uid == 0
                  - content.stdout == 'HELLO!HELLO!'
                  - as_nobody.uid == 65534
        """, in: ws)
        XCTAssertEqual(r.status, 0, r.output)
    }
}
