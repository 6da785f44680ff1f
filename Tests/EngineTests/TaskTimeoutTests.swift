import Foundation
import XCTest

/// The task keyword `timeout` and task_timeout / ANSIBLE_TASK_TIMEOUT: a task over its time fails with
/// ansible-playbook's message, and the host's next tasks run at once.
final class TaskTimeoutTests: XCTestCase {
    func testTaskOverItsTimeFailsAndTheHostGoesOn() throws {
        let ws = try Workspace()
        let r = try ws.play("""
        - hosts: localhost
          gather_facts: false
          tasks:
            - command: date +%s
              register: t0
            - command: sleep 6
              timeout: 1
              register: slow
              ignore_errors: true
            - command: echo fast
              timeout: 5
              register: fast
            - shell: "sleep 6; echo {{ item }}"
              loop: [a, b]
              timeout: "{{ 1 }}"
              register: items
              ignore_errors: true
            - assert:
                that:
                  - slow is failed
                  - slow.msg == 'The command action failed to execute in the expected time frame (1) and was terminated'
                  - slow.timedout.period == 1
                  - fast.stdout == 'fast'
                  - items.results | map(attribute='failed') | list == [true, true]
            - command: date +%s
              register: t1
            - assert:
                that: (t1.stdout | int) - (t0.stdout | int) < 6
                msg: the sleeps were not cut short
        """, ["-i", "localhost,", "-c", "local"])
        XCTAssertEqual(r.status, 0, r.output)
        XCTAssertEqual(r.recap("localhost")["ignored"], 2, r.stdout)
    }

    func testConfiguredTaskTimeout() throws {
        let ws = try Workspace()
        let r = try ws.play("""
        - hosts: localhost
          gather_facts: false
          tasks:
            - command: sleep 3
        """, ["-i", "localhost,", "-c", "local"], environment: ["ANSIBLE_TASK_TIMEOUT": "1"])
        XCTAssertEqual(r.status, 2, r.output)
        XCTAssertTrue(r.stdout.contains("The command action failed to execute in the expected time frame (1) and was terminated"), r.stdout)
    }

    /// Over SSH the timed task has a connection of its own: the host's session serves the next task.
    func testTimeoutOverSSH() throws {
        let host = try TestHost.first()
        let r = try host.play("""
        - hosts: target
          gather_facts: false
          tasks:
            - command: date +%s
              register: t0
            - command: sleep 8
              timeout: 2
              ignore_errors: true
              register: slow
            - command: date +%s
              register: t1
            - assert:
                that:
                  - slow.msg is search('expected time frame \\(2\\)')
                  - (t1.stdout | int) - (t0.stdout | int) < 6
        """, in: try Workspace())
        XCTAssertEqual(r.status, 0, r.output)
    }
}
