import Foundation
import XCTest

/// Many hosts templating at once share the template cache and the variable machinery: a regression
/// test for the crash once seen in the registry end-to-end S3 scenario (unsynchronised cache).
final class ParallelHostsTests: XCTestCase {
    func testManyHostsTemplatingAtOnce() throws {
        let ws = try Workspace()
        let hosts = (1...8).map { "p\($0) ansible_connection=local" }.joined(separator: "\n")
        try ws.write("hosts.ini", "[all]\n" + hosts + "\n")
        try ws.write("play.yml", """
        - hosts: all
          gather_facts: false
          tasks:
            - name: many distinct expressions templated on all hosts at once
              debug:
                msg: "{{ item }}"
              when: "(item ~ inventory_hostname) | length > {{ item }} or {{ item }} >= 0"
              loop: "{{ range(300) | list }}"
        """)
        for _ in 0..<3 {
            let r = try ws.swiftplay(["-i", "hosts.ini", "-f", "8", "play.yml"])
            XCTAssertEqual(r.status, 0, r.output)
            for h in 1...8 {
                XCTAssertTrue(r.stdout.contains("p\(h)                         : ok=1    changed=0"), r.stdout)
            }
        }
    }
}
