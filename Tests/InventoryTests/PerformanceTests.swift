import Foundation
import Inventory
import Jinja
import XCTest

/// Parses a generated 5,000-host INI inventory, matches `all` and computes every host's variables.
/// Prints the time (the target is well under 0.1 s in release builds); asserts only correctness.
final class PerformanceTests: XCTestCase {
    static func generatedInventory(hosts: Int = 5000, groups: Int = 50) -> String {
        var lines: [String] = ["# generated"]
        let perGroup = hosts / groups
        for g in 0..<groups {
            lines.append("[app\(g)]")
            for h in 0..<perGroup {
                let n = g * perGroup + h
                lines.append("host\(n).example.com ansible_host=10.\(n / 65536).\(n / 256 % 256).\(n % 256) idx=\(n) tags=\"['a', 'b']\"")
            }
            lines.append("[app\(g):vars]")
            lines.append("group_index=\(g)")
            lines.append("tier='tier\(g % 5)'")
        }
        for t in 0..<5 {
            lines.append("[tier\(t):children]")
            for g in stride(from: t, to: groups, by: 5) { lines.append("app\(g)") }
            lines.append("[tier\(t):vars]")
            lines.append("tier_name=tier\(t)")
            lines.append("tier=from-tier")
        }
        lines.append("[all:vars]")
        lines.append("ansible_user=deploy")
        return lines.joined(separator: "\n") + "\n"
    }

    /// This thread's CPU time in seconds: on a busy machine wall time mostly measures the neighbours.
    static func cpuTime() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    func testFiveThousandHosts() throws {
        let dir = try makeTree(["hosts": Self.generatedInventory(), "group_vars/tier3.yml": "from_file: yes\n"])
        let start = Date()
        let cpuStart = Self.cpuTime()
        let inv = try Inventory(sources: [dir + "/hosts"])
        let parsed = Date()
        let cpuParsed = Self.cpuTime()
        let all = inv.hosts(matching: "all")
        var total = 0
        var sample: [String: Value] = [:]
        for host in all {
            let vars = try inv.variables(for: host, playbookDir: nil)
            total += vars.count
            if host == "host1234.example.com" { sample = Dictionary(uniqueKeysWithValues: vars.map { ($0.key, $0.value) }) }
        }
        let done = Date()
        let cpuDone = Self.cpuTime()
        print(String(format: "5000-host INI inventory: parse %.1f ms, all + variables %.1f ms, total %.1f ms wall; %.1f ms CPU (parse %.1f)",
                     parsed.timeIntervalSince(start) * 1000, done.timeIntervalSince(parsed) * 1000, done.timeIntervalSince(start) * 1000,
                     (cpuDone - cpuStart) * 1000, (cpuParsed - cpuStart) * 1000))

        XCTAssertEqual(all.count, 5000)
        XCTAssertEqual(inv.groups.count, 2 + 50 + 5)
        XCTAssertEqual(total, 5000 * 9 + 1000, "9 vars each, plus from_file for tier3")
        // host1234 is in app12, under tier2: the deeper app group's `tier` wins over tier2's.
        XCTAssertEqual(sample["idx"], .int(1234))
        XCTAssertEqual(sample["tier"], .string("tier2"))
        XCTAssertEqual(sample["tier_name"], .string("tier2"))
        XCTAssertEqual(sample["group_index"], .int(12))
        XCTAssertEqual(sample["tags"], .list([.string("a"), .string("b")]))
        XCTAssertEqual(sample["ansible_user"], .string("deploy"))
        XCTAssertEqual(sample["ansible_host"], .string("10.0.4.210"))
        XCTAssertEqual(inv.groupNames(of: "host1234.example.com"), ["app12", "tier2"])
        XCTAssertEqual(try inv.variables(for: "host1300.example.com", playbookDir: nil)["from_file"], .bool(true))
        XCTAssertEqual(inv.hosts(matching: "tier0:&app5").count, 100)
    }
}
