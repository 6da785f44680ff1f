import XCTest

/// `swiftplay inventory`: expected texts are what ansible-inventory 2.18 prints for the same files.
final class InventoryCommandTests: XCTestCase {
    func workspace() throws -> Workspace {
        let ws = try Workspace()
        try ws.write("hosts.ini", """
            ungr1 x=1
            [web]
            w1 ansible_host=10.0.0.1 a="q" b=2 c=[1,2]
            w2
            [db:children]
            dbm
            [dbm]
            d1
            [db:vars]
            dbv=yes
            [web:vars]
            ansible_group_priority=5

            """)
        try ws.write("group_vars/web.yml", "gv: 1\n")
        try ws.write("host_vars/w1.yml", "hv: {a: [1]}\n")
        return ws
    }

    func testListIsAnsibleInventoryJSON() throws {
        let ws = try workspace()
        let r = try ws.swiftplay(["inventory", "-i", "hosts.ini", "--list", "-e", "ev=3"])
        XCTAssertEqual(r.status, 0, r.output)
        XCTAssertEqual(r.stdout, """
            {
                "_meta": {
                    "hostvars": {
                        "d1": {
                            "dbv": "yes",
                            "ev": "3"
                        },
                        "ungr1": {
                            "ev": "3",
                            "x": 1
                        },
                        "w1": {
                            "a": "q",
                            "ansible_host": "10.0.0.1",
                            "b": 2,
                            "c": [
                                1,
                                2
                            ],
                            "ev": "3",
                            "gv": 1,
                            "hv": {
                                "a": [
                                    1
                                ]
                            }
                        },
                        "w2": {
                            "ev": "3",
                            "gv": 1
                        }
                    }
                },
                "all": {
                    "children": [
                        "ungrouped",
                        "web",
                        "db"
                    ]
                },
                "db": {
                    "children": [
                        "dbm"
                    ]
                },
                "dbm": {
                    "hosts": [
                        "d1"
                    ]
                },
                "ungrouped": {
                    "hosts": [
                        "ungr1"
                    ]
                },
                "web": {
                    "hosts": [
                        "w1",
                        "w2"
                    ]
                }
            }

            """)
    }

    func testGraphWithVarsAndHost() throws {
        let ws = try workspace()
        let g = try ws.swiftplay(["inventory", "-i", "hosts.ini", "--graph", "--vars"])
        XCTAssertEqual(g.status, 0, g.output)
        XCTAssertEqual(g.stdout, """
            @all:
              |--@ungrouped:
              |  |--ungr1
              |  |  |--{x = 1}
              |--@web:
              |  |--w1
              |  |  |--{a = q}
              |  |  |--{ansible_host = 10.0.0.1}
              |  |  |--{b = 2}
              |  |  |--{c = [1, 2]}
              |  |  |--{gv = 1}
              |  |  |--{hv = {'a': [1]}}
              |  |--w2
              |  |  |--{gv = 1}
              |  |--{ansible_group_priority = 5}
              |  |--{gv = 1}
              |--@db:
              |  |--@dbm:
              |  |  |--d1
              |  |  |  |--{dbv = yes}
              |  |--{dbv = yes}

            """)
        let h = try ws.swiftplay(["inventory", "-i", "hosts.ini", "--host", "w2"])
        XCTAssertEqual(h.status, 0, h.output)
        XCTAssertEqual(h.stdout, "{\n    \"gv\": 1\n}\n")
    }

    func testExportAsYAML() throws {
        let ws = try workspace()
        let r = try ws.swiftplay(["inventory", "-i", "hosts.ini", "--list", "--export", "-y"])
        XCTAssertEqual(r.status, 0, r.output)
        XCTAssertEqual(r.stdout, """
            all:
              children:
                db:
                  children:
                    dbm:
                      hosts:
                        d1: {}
                  vars:
                    dbv: 'yes'
                ungrouped:
                  hosts:
                    ungr1:
                      x: 1
                web:
                  hosts:
                    w1:
                      a: q
                      ansible_host: 10.0.0.1
                      b: 2
                      c:
                      - 1
                      - 2
                      hv:
                        a:
                        - 1
                    w2: {}
                  vars:
                    ansible_group_priority: 5
                    gv: 1

            """)
    }

    func testLimitAndErrors() throws {
        let ws = try workspace()
        let r = try ws.swiftplay(["inventory", "-i", "hosts.ini", "--list", "--limit", "db", "--output", "out.json"])
        XCTAssertEqual(r.status, 0, r.output)
        let written = ws.read("out.json") ?? ""
        XCTAssertTrue(written.contains("\"d1\""), written)
        XCTAssertFalse(written.contains("\"w1\""), written)
        let none = try ws.swiftplay(["inventory", "-i", "hosts.ini"])
        XCTAssertEqual(none.status, 5)
        XCTAssertTrue(none.stderr.contains("ERROR! No action selected"), none.stderr)
        let bad = try ws.swiftplay(["inventory", "-i", "hosts.ini", "--host", "w*"])
        XCTAssertEqual(bad.status, 5)
        XCTAssertTrue(bad.stderr.contains("You must pass a single valid host to --host parameter"), bad.stderr)
    }
}
