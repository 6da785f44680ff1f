import XCTest

/// `swiftplay adhoc` on the implicit localhost: expected texts are what `ansible` 2.18 prints.
final class AdhocCommandTests: XCTestCase {
    func testModuleResultsAsMinimalCallback() throws {
        let ws = try Workspace()
        let ping = try ws.swiftplay(["adhoc", "localhost", "-m", "ping"])
        XCTAssertEqual(ping.status, 0, ping.output)
        XCTAssertEqual(ping.stdout, "localhost | SUCCESS => {\n    \"changed\": false,\n    \"ping\": \"pong\"\n}\n")
        let debug = try ws.swiftplay(["adhoc", "localhost", "-m", "debug", "-a", "var=x", "-e", "x=5"])
        XCTAssertEqual(debug.stdout, "localhost | SUCCESS => {\n    \"x\": \"5\"\n}\n")
        let fact = try ws.swiftplay(["adhoc", "localhost", "-m", "set_fact", "-a", "{\"x\": {\"y\": 1}}", "-o"])
        XCTAssertEqual(fact.stdout, "localhost | SUCCESS => {\"ansible_facts\": {\"x\": {\"y\": 1}},\"changed\": false}\n")
        let fail = try ws.swiftplay(["adhoc", "localhost", "-m", "fail", "-a", "msg=boom"])
        XCTAssertEqual(fail.status, 2)
        XCTAssertEqual(fail.stdout, "localhost | FAILED! => {\n    \"changed\": false,\n    \"msg\": \"boom\"\n}\n")
        let unknown = try ws.swiftplay(["adhoc", "localhost", "-m", "nosuch"])
        XCTAssertEqual(unknown.status, 2, unknown.output)
        XCTAssertEqual(unknown.stdout, "localhost | FAILED! => {\n    \"msg\": \"The module nosuch was not found in configured module paths\"\n}\n")
    }

    func testCommandsPrintTheirOutput() throws {
        let ws = try Workspace()
        let hi = try ws.swiftplay(["adhoc", "localhost", "-a", "echo hi"])
        XCTAssertEqual(hi.status, 0, hi.output)
        XCTAssertEqual(hi.stdout, "localhost | CHANGED | rc=0 >>\nhi\n")
        let bad = try ws.swiftplay(["adhoc", "localhost", "-m", "shell", "-a", "echo out; echo err >&2; exit 3"])
        XCTAssertEqual(bad.status, 2)
        XCTAssertEqual(bad.stdout, "localhost | FAILED | rc=3 >>\nouterrnon-zero return code\n")
        let one = try ws.swiftplay(["adhoc", "localhost", "-m", "shell", "-a", "echo a; echo b", "-o"])
        XCTAssertEqual(one.stdout, "localhost | CHANGED | rc=0 | (stdout) a\\nb\n")
        let none = try ws.swiftplay(["adhoc", "localhost", "-m", "command"])
        XCTAssertEqual(none.status, 5)
        XCTAssertTrue(none.stderr.contains("ERROR! No argument passed to command module"), none.stderr)
    }

    func testIncludeRoleShowsIncludeThenRoleTasks() throws {
        let ws = try Workspace()
        try ws.write("roles/r/tasks/main.yml", "- debug: msg=\"in role {{ v | default(0) }}\"\n- command: echo role\n")
        let r = try ws.swiftplay(["adhoc", "localhost", "-m", "include_role", "-a", "name=r", "-e", "v=5", "-o"])
        XCTAssertEqual(r.status, 0, r.output)
        XCTAssertEqual(r.stdout, """
            localhost | SUCCESS => {"changed": false,"include_args": {"name": "r"}}
            localhost | SUCCESS => {    "changed": false,    "msg": "in role 5"}
            localhost | CHANGED | rc=0 | (stdout) role

            """)
    }

    func testHostSelectionAndUnreachable() throws {
        let ws = try Workspace()
        let list = try ws.swiftplay(["adhoc", "all", "-i", "a,b,c", "--list-hosts"])
        XCTAssertEqual(list.status, 0, list.output)
        XCTAssertEqual(list.stdout, "  hosts (3):\n    a\n    b\n    c\n")
        let nomatch = try ws.swiftplay(["adhoc", "nomatch", "-i", "a,b", "-m", "ping"])
        XCTAssertEqual(nomatch.status, 0, nomatch.output)
        XCTAssertTrue(nomatch.stderr.contains("[WARNING]: No hosts matched, nothing to do"), nomatch.stderr)
        let limited = try ws.swiftplay(["adhoc", "nomatch", "-i", "a,b", "-l", "a", "-m", "ping"])
        XCTAssertEqual(limited.status, 1)
        XCTAssertTrue(limited.stderr.contains("ERROR! Specified inventory, host pattern and/or --limit leaves us with no hosts to target."), limited.stderr)
        try ws.write("unreachable.ini", "h ansible_host=127.0.0.1 ansible_port=1\n")
        let down = try ws.swiftplay(["adhoc", "h", "-i", "unreachable.ini", "-m", "ping", "-o"],
                                    environment: ["ANSIBLE_HOST_KEY_CHECKING": "false"])
        XCTAssertEqual(down.status, 4, down.output)
        XCTAssertTrue(down.stdout.hasPrefix("h | UNREACHABLE!: Failed to connect to the host via ssh: "), down.stdout)
        XCTAssertTrue(down.stdout.contains("Connection refused"), down.stdout)
    }
}
