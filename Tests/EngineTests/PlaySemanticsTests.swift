import Foundation
import XCTest

/// Behaviours checked by ansible-core's own integration targets (loop_control, assert, tags,
/// blocks, handlers), each reduced to a small playbook run by the real binary.
final class PlaySemanticsTests: XCTestCase {
    func testLoopControlBreakWhenAndExtendedKeys() throws {
        let ws = try Workspace()
        let r = try ws.play("""
        - hosts: localhost
          gather_facts: false
          tasks:
            - debug: var=item
              loop: [1, 2, 3, 4]
              loop_control:
                break_when: item >= 2
              register: counted
            - debug:
                msg: "{{ ansible_loop.previtem is defined }}/{{ ansible_loop.nextitem is defined }}/{{ ansible_loop.allitems is defined }}"
              loop: [a, b]
              loop_control:
                extended: true
                extended_allitems: false
            - assert:
                that: counted.results | length == 2
        """)
        XCTAssertEqual(r.status, 0, r.output)
        XCTAssertTrue(r.stdout.contains("(item=a) => {\n    \"msg\": \"False/True/False\""), r.stdout)
        XCTAssertTrue(r.stdout.contains("(item=b) => {\n    \"msg\": \"True/False/False\""), r.stdout)
    }

    func testAssertKeepsTemplatesInConditionsAndWarnsOnce() throws {
        let ws = try Workspace()
        let r = try ws.play("""
        - hosts: localhost
          gather_facts: false
          vars:
            foo: bar
          tasks:
            - assert:
                that:
                  - '"{{ foo }}" == "bar"'
            - assert:
                that:
                  - '"{{ foo }}" == "bar"'
              loop: [1]
        """)
        XCTAssertEqual(r.status, 0, r.output)
        // On stderr, wrapped at 79 columns, once however often the condition is evaluated.
        let warning = "[WARNING]: conditional statements should not include jinja2 templating\ndelimiters such as {{ }} or {% %}. Found: \"{{ foo }}\" == \"bar\"\n"
        XCTAssertEqual(r.stderr.components(separatedBy: warning).count, 2, r.stderr)
        XCTAssertFalse(r.stdout.contains("[WARNING]"), r.stdout)
        // Loop results show the loop variable, as ansible-playbook's do.
        XCTAssertTrue(r.stdout.contains("\"ansible_loop_var\": \"item\""), r.stdout)
    }

    func testTemplatedTagsSelectAndList() throws {
        let ws = try Workspace()
        let playbook = """
        - hosts: localhost
          gather_facts: false
          vars:
            the_tags: [tag3]
          tasks:
            - name: Templated
              debug: msg=templated-ran
              tags: "{{ the_tags }}"
            - name: Plain
              debug: msg=plain-ran
        """
        let listed = try ws.play(playbook, ["--list-tasks"])
        XCTAssertTrue(listed.stdout.contains("Templated\tTAGS: [tag3]"), listed.stdout)
        let run = try ws.play(playbook, ["--tags", "tag3"])
        XCTAssertEqual(run.status, 0, run.output)
        XCTAssertTrue(run.stdout.contains("templated-ran"), run.stdout)
        XCTAssertFalse(run.stdout.contains("plain-ran"), run.stdout)
    }

    func testClearHostErrorsInAlwaysLetsThePlayContinue() throws {
        let ws = try Workspace()
        let r = try ws.play("""
        - hosts: localhost
          gather_facts: false
          tasks:
            - block:
                - block:
                    - fail: msg=expected
                  any_errors_fatal: true
              always:
                - meta: clear_host_errors
            - debug: msg=after-the-block
        """, ["-vv"])
        XCTAssertEqual(r.status, 0, r.output)
        XCTAssertTrue(r.stdout.contains("after-the-block"), r.stdout)
        XCTAssertTrue(r.stdout.contains("TASK [meta] ***"), r.stdout)
        XCTAssertTrue(r.stdout.contains("META: cleared host errors"), r.stdout)
        XCTAssertEqual(r.recap("localhost")["failed"], 1)
    }

    func testControllerActionsDoNotContactTheHost() throws {
        let ws = try Workspace()
        try ws.write("play.yml", """
        - hosts: nowhere
          gather_facts: false
          tasks:
            - debug: msg=no-connection-needed
            - command: "true"
        """)
        let r = try ws.swiftplay(["-i", "nowhere,", "-e", "ansible_host=127.0.0.1 ansible_port=1", "play.yml"])
        XCTAssertEqual(r.status, 4, r.output)
        XCTAssertTrue(r.stdout.contains("no-connection-needed"), r.stdout)
        XCTAssertTrue(r.stdout.contains("UNREACHABLE!"), r.stdout)
    }

    func testHandlerLookupListenAndTags() throws {
        let ws = try Workspace()
        try ws.write("roles/r/handlers/main.yml", """
        - name: role topic
          debug: msg=role-listener-ran
          listen: topic
        """)
        try ws.write("roles/r/tasks/main.yml", "- debug: msg=role-task\n")
        let r = try ws.play("""
        - hosts: localhost
          gather_facts: false
          roles: [r]
          tasks:
            - command: echo
              notify: [twin, "r : topic"]
              tags: chosen
          handlers:
            - name: twin
              debug: msg=first-twin-ran
            - name: twin
              debug: msg=second-twin-ran
        """, ["--tags", "chosen"])
        XCTAssertEqual(r.status, 0, r.output)
        // The first handler of a section with the name wins; a role's topic can be qualified by the
        // role; handlers run even though they do not carry the selected tag.
        XCTAssertTrue(r.stdout.contains("first-twin-ran"), r.stdout)
        XCTAssertFalse(r.stdout.contains("second-twin-ran"), r.stdout)
        XCTAssertTrue(r.stdout.contains("role-listener-ran"), r.stdout)
        XCTAssertFalse(r.stdout.contains("role-task"), r.stdout)
    }

    func testInvalidHandlersAreParseErrors() throws {
        let ws = try Workspace()
        let r = try ws.play("""
        - hosts: localhost
          gather_facts: false
          tasks: []
          handlers:
            - name: bad
              include_role:
                name: whatever
        """)
        XCTAssertEqual(r.status, 4, r.output)
        XCTAssertTrue(r.stderr.contains("ERROR! Using 'include_role' as a handler is not supported."), r.stderr)
        XCTAssertTrue(r.stderr.contains("play.yml': line 5,"), r.stderr)
    }

    /// throttle: 1 runs the task on one host at a time although forks would allow all: each host
    /// holds a lock directory for a moment, and mkdir fails for a host that finds it held.
    func testThrottleLimitsHowManyHostsRunATaskAtOnce() throws {
        let ws = try Workspace()
        try ws.write("play.yml", """
        - hosts: all
          gather_facts: false
          tasks:
            - shell: mkdir {{ playbook_dir }}/lock && sleep 0.3 && rmdir {{ playbook_dir }}/lock
              throttle: 1
        """)
        let throttled = try ws.swiftplay(["-i", "a,b,c,d,", "-c", "local", "-f", "10", "play.yml"])
        XCTAssertEqual(throttled.status, 0, throttled.output)
        XCTAssertEqual(throttled.recap("d")["changed"], 1, throttled.stdout)
    }
}
