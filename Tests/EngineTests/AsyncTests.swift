import Foundation
import XCTest

/// `async`/`poll` and `async_status`, run for real: polled jobs, fire-and-forget jobs checked later,
/// time limits, and (over SSH) a job that runs while the host's next tasks go on.
final class AsyncTests: XCTestCase {
    func testPolledJobsReturnTheModuleResultOrFailAtTheTimeLimit() throws {
        let ws = try Workspace()
        let r = try ws.play("""
        - hosts: localhost
          gather_facts: false
          tasks:
            - shell: sleep 1; echo polled
              async: 20
              poll: 1
              register: polled
            - command: sleep 10
              async: 2
              poll: 1
              register: late
              ignore_errors: true
            - assert:
                that:
                  - polled is changed and polled.finished == 1 and polled.started == 1
                  - polled.stdout == 'polled' and polled.rc == 0
                  - polled.ansible_job_id is match('j[0-9]{12}[.][0-9]+$')
                  - late is failed
                  - late.msg == 'async task did not complete within the requested time - 2s'
        """)
        XCTAssertEqual(r.status, 0, r.output)
        XCTAssertTrue(r.stdout.contains("ASYNC OK on localhost: jid=j"), r.stdout)
        XCTAssertTrue(r.stdout.contains("ASYNC FAILED on localhost: jid=j"), r.stdout)
        XCTAssertEqual(r.stdout.components(separatedBy: "ASYNC POLL on localhost").count - 1 >= 3, true, r.stdout)
    }

    func testFireAndForgetJobsAreCheckedWithAsyncStatus() throws {
        let ws = try Workspace()
        let r = try ws.play("""
        - hosts: localhost
          gather_facts: false
          tasks:
            - shell: sleep 1; echo later; exit 3
              async: 30
              poll: 0
              register: job
            - async_status: jid={{ job.ansible_job_id }}
              register: status
              until: status.finished == 1
              retries: 20
              delay: 1
              failed_when: false
            - async_status: jid={{ job.ansible_job_id }} mode=cleanup
              register: cleaned
            - async_status: jid={{ job.ansible_job_id }}
              register: gone
              ignore_errors: true
            - assert:
                that:
                  - job is changed and job.finished == 0 and job.started == 1
                  - status.finished == 1 and status.stdout == 'later' and status.rc == 3
                  - status.attempts > 1
                  - cleaned.erased == job.ansible_job_id
                  - gone is failed and gone.msg == 'could not find job'
        """)
        XCTAssertEqual(r.status, 0, r.output)
    }

    /// The job has a connection of its own: the host's next task (on the main session) creates the
    /// file the job waits for. Were the session shared, the job would never see it and time out.
    func testJobRunsBesideTheHostsNextTasksOverSSH() throws {
        let h = try TestHost.first()
        let r = try h.play("""
        - hosts: target
          gather_facts: false
          vars: {flag: /tmp/swiftplay-async-flag}
          tasks:
            - file: path={{ flag }} state=absent
            - shell: while [ ! -e {{ flag }} ]; do sleep 0.1; done; echo seen
              async: 20
              poll: 0
              register: job
            - file: path={{ flag }} state=touch
            - async_status: jid={{ job.ansible_job_id }}
              register: status
              until: status.finished == 1
              retries: 30
              delay: 1
            - file: path={{ flag }} state=absent
            - assert:
                that: status.stdout == 'seen'
        """, in: try Workspace())
        XCTAssertEqual(r.status, 0, r.output)
    }
}
