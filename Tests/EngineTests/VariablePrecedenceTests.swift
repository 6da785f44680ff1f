import XCTest

/// Variable precedence cases from ansible-core's var_precedence target, on the real binary.
final class VariablePrecedenceTests: XCTestCase {
    /// A role dependency sees its parent role's params; include vars beat set_fact; a relative
    /// vars_files name is looked up in the play's vars/ folder first.
    func testDependencyParamsIncludeParamsAndVarsFolder() throws {
        let ws = try Workspace()
        try ws.write("roles/parent/meta/main.yml", "dependencies:\n  - child\n")
        try ws.write("roles/parent/tasks/main.yml", "- debug: msg=\"parent {{ p }}\"\n")
        try ws.write("roles/child/tasks/main.yml", "- debug: msg=\"child {{ p }}\"\n")
        try ws.write("inc.yml", "- debug: msg=\"inc {{ findme }}\"\n")
        try ws.write("vars/common.yml", "from_vars_dir: yes\n")
        try ws.write("common.yml", "- not: a mapping\n")
        let r = try ws.play("""
        - hosts: localhost
          gather_facts: false
          vars:
            p: play
          vars_files:
            - common.yml
          roles:
            - { role: parent, p: param }
          tasks:
            - set_fact: findme=set_fact
            - include_tasks: inc.yml
              vars:
                findme: include_params
            - debug: var=from_vars_dir
        """)
        XCTAssertEqual(r.status, 0, r.output)
        XCTAssertTrue(r.stdout.contains("\"msg\": \"child param\""), r.stdout)
        XCTAssertTrue(r.stdout.contains("\"msg\": \"parent param\""), r.stdout)
        XCTAssertTrue(r.stdout.contains("\"msg\": \"inc include_params\""), r.stdout)
        XCTAssertTrue(r.stdout.contains("\"from_vars_dir\": true"), r.stdout)
    }

    /// `ansible_become=no` in an INI inventory is a string that Ansible reads as false.
    func testBecomeNoFromINIIsFalse() throws {
        let ws = try Workspace()
        try ws.write("hosts.ini", "testhost ansible_connection=local ansible_become=no ansible_become_user=nosuchuser\n")
        try ws.write("play.yml", """
        - hosts: testhost
          gather_facts: false
          tasks:
            - command: id -un
              register: who
            - assert: { that: "who.stdout != 'nosuchuser'" }
        """)
        let r = try ws.swiftplay(["-i", "hosts.ini", "play.yml"])
        XCTAssertEqual(r.status, 0, r.output)
    }

    /// A YAML inventory host written as a number is refused, as Ansible does.
    func testIntegerHostNameInYAMLInventory() throws {
        let ws = try Workspace()
        try ws.write("inv.yml", "all:\n  children:\n    kids:\n      hosts:\n        1234: {}\n")
        let r = try ws.swiftplay(["inventory", "-i", "inv.yml", "--list"])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("Host pattern 1234 must be a string. Enclose integers/floats in quotation marks."), r.stderr)
    }
}
