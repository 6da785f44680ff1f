import Foundation
import XCTest

/// add_host, group_by and set_stats on real runs (their output is also compared with ansible-core in
/// Tests/engine-compat: runtime_inventory.yml).
final class RuntimeInventoryTests: XCTestCase {
    let statsPlaybook = """
    - hosts: localhost
      gather_facts: false
      tasks:
        - set_stats:
            data: {count: 2, names: [a]}
        - set_stats:
            data: {count: 3, names: [b]}
        - set_stats:
            data: {mine: yes}
            per_host: true
    """

    /// CUSTOM STATS show only with show_custom_stats (ansible.cfg or the environment).
    func testCustomStatsOnlyWhenEnabled() throws {
        let ws = try Workspace()
        let off = try ws.play(statsPlaybook)
        XCTAssertEqual(off.status, 0, off.output)
        XCTAssertFalse(off.stdout.contains("CUSTOM STATS"), off.stdout)

        try ws.write("ansible.cfg", "[defaults]\nshow_custom_stats = True\n")
        let on = try ws.play(statsPlaybook)
        XCTAssertEqual(on.status, 0, on.output)
        let tail = on.stdout.components(separatedBy: "CUSTOM STATS: ").last ?? ""
        XCTAssertTrue(on.stdout.contains("\nCUSTOM STATS: ****"), on.stdout)
        XCTAssertTrue(tail.contains("\tlocalhost: { \"mine\": true}\n"), tail)
        XCTAssertTrue(tail.contains("\tRUN: { \"count\": 5, \"names\": [  \"a\",  \"b\" ]}\n"), tail)

        let env = try ws.play(statsPlaybook, environment: ["ANSIBLE_SHOW_CUSTOM_STATS": "false"])
        XCTAssertFalse(env.stdout.contains("CUSTOM STATS"), "the environment overrides the config")
    }

    /// add_host makes a host that later plays target, with its variables and groups; group_by's
    /// groups nest under `parents`; a second identical add_host reports no change.
    func testAddHostAndGroupByFeedLaterPlays() throws {
        let ws = try Workspace()
        let r = try ws.play("""
        - hosts: localhost
          gather_facts: false
          tasks:
            - add_host: name=extra:2222 groups=made,other colour=green ansible_connection=local
            - add_host: name=extra:2222 groups=made colour=green ansible_connection=local
            - group_by: key="kind {{ 'one' }}" parents=outer
        - hosts: made
          gather_facts: false
          tasks:
            - copy:
                dest: "{{ playbook_dir }}/extra.txt"
                content: "{{ inventory_hostname }} {{ colour }} {{ ansible_ssh_port }} {{ group_names | join(',') }}"
        - hosts: outer
          gather_facts: false
          tasks:
            - copy:
                dest: "{{ playbook_dir }}/outer.txt"
                content: "{{ inventory_hostname }} {{ group_names | join(',') }} {{ groups['outer'] }}"
        """)
        XCTAssertEqual(r.status, 0, r.output)
        XCTAssertEqual(ws.read("extra.txt"), "extra green 2222 made,other")
        XCTAssertEqual(ws.read("outer.txt"), "localhost kind-one,outer ['localhost']")
        // add_host, group_by and the copy in the last play; the repeated add_host changes nothing.
        XCTAssertEqual(r.recap("localhost")["changed"], 3, r.stdout)
        XCTAssertEqual(r.stdout.components(separatedBy: "TASK [add_host]").dropFirst().map { $0.split(separator: "\n")[1] },
                       ["changed: [localhost]", "ok: [localhost]"], r.stdout)
        XCTAssertEqual(r.recap("extra")["changed"], 1, r.stdout)
    }

    /// add_host without a name fails the task with the argument error, naming the host and task.
    func testAddHostNeedsAName() throws {
        let ws = try Workspace()
        let r = try ws.play("""
        - hosts: localhost
          gather_facts: false
          tasks:
            - add_host: groups=x
        """)
        XCTAssertEqual(r.status, 2, r.output)
        XCTAssertTrue(r.stdout.contains("fatal: [localhost]: FAILED!"), r.stdout)
        XCTAssertTrue(r.stdout.contains("name"), r.stdout)
    }
}
