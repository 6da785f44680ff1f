import Foundation
import XCTest

/// Loops of independent file/copy items run side by side (one round trip per step for all items), and
/// a loop's edits of one file are read and written once, on a real SSH host: same results, failures,
/// check mode and idempotence as item by item, and the wire cost counted from -vvvv's EXEC lines.
final class LoopBatchTests: XCTestCase {
    /// EXEC lines per task banner, in order.
    private func execsPerTask(_ output: String) -> [(task: String, execs: Int)] {
        var out: [(String, Int)] = []
        for line in output.split(separator: "\n") {
            if line.hasPrefix("TASK [") {
                out.append((String(line.dropFirst(6).prefix { $0 != "]" }), 0))
            } else if line.contains("> EXEC: "), !out.isEmpty {
                out[out.count - 1].1 += 1
            }
        }
        return out
    }

    func testIndependentItemsShareRoundTrips() throws {
        let host = try TestHost.first()
        let ws = try Workspace()
        let base = "/tmp/swiftplay-batch-\(UUID().uuidString.prefix(8))"
        let play = """
        - hosts: target
          gather_facts: false
          vars: {base: \(base)}
          tasks:
            - name: dirs
              file: path={{ base }}/d{{ item }} state=directory mode=0750
              loop: "{{ range(10) | list }}"
              register: dirs
            - name: files
              copy: dest={{ base }}/{{ item }}/f.conf content="v={{ item }}\\n" mode=0640
              loop: [d0, d1, missing, d3, d4]
              register: files
              ignore_errors: true
            - name: nested
              file: path={{ base }}/{{ item }} state=directory
              loop: [n, n/m, n/m/o]
            - name: registered result used by the items
              file: path={{ base }}/r{{ item }} state=directory
              loop: [1, 2]
              register: reg
              when: reg is not defined or reg.changed is defined
            - copy: dest={{ base }}/lines.conf content="b=old\\n" force=false
            - name: lines
              lineinfile: path={{ base }}/lines.conf line="{{ item }}" regexp=^{{ item[0] }}=
              loop: [a=1, b=2, c=3]
              register: lines
            - slurp: src={{ base }}/lines.conf
              register: text
            - stat: path={{ base }}/{{ item }}
              loop: [d9/., d0/f.conf, missing/f.conf, n/m/o, r2]
              register: st
            - assert:
                that:
                  - dirs.results | map(attribute='state') | unique == ['directory']
                  - dirs.results | map(attribute='mode') | unique == ['0750']
                  - files.results | map(attribute='failed', default=false) | list == [false, false, true, false, false]
                  - files.results[2].msg == 'Destination directory ' ~ base ~ '/missing does not exist'
                  - st.results | map(attribute='stat.exists') | list == [true, true, false, true, true]
                  - st.results[1].stat.mode == '0640'
                  - text.content | b64decode == 'b=2\\na=1\\nc=3\\n'
                  - lines is not changed or lines.results | map(attribute='msg') | list == ['line added', 'line replaced', 'line added']
        """
        let first = try host.play(play, in: ws, ["-vvvv"])
        XCTAssertEqual(first.status, 0, first.output)
        let execs = Dictionary(execsPerTask(first.stdout).map { ($0.task, $0.execs) }) { a, _ in a }
        XCTAssertEqual(execs["dirs"], 2, "10 items: one read and one change for all")
        XCTAssertEqual(execs["files"], 2)
        XCTAssertEqual(execs["nested"], 6, "a path inside another item's path runs item by item")
        XCTAssertEqual(execs["registered result used by the items"], 4, "items that see the previous result run one by one")
        XCTAssertEqual(execs["lines"], 2, "edits of one file: read once, written once")
        XCTAssertGreaterThanOrEqual(first.recap("target")["changed"] ?? 0, 4, first.stdout)

        // Again: nothing changes (the missing directory fails again, ignored), and check mode changes nothing.
        let again = try host.play(play, in: ws)
        XCTAssertEqual(again.status, 0, again.output)
        XCTAssertEqual(again.recap("target")["changed"], 0, again.stdout)
        let check = try host.play("""
        - hosts: target
          gather_facts: false
          tasks:
            - file: path=\(base)/c{{ item }} state=directory
              loop: [1, 2, 3]
              register: c
            - stat: path=\(base)/c2
              register: st
            - assert:
                that: [c is changed, not st.stat.exists]
            - file: path=\(base) state=absent
              check_mode: false
        """, in: ws, file: "check.yml", ["--check"])
        XCTAssertEqual(check.status, 0, check.output)
    }
}
