import Foundation
import XCTest
import Jinja

/// Renders bench/jinja/template.j2 (~2,000 lines) 20 times and prints the median time. Only the
/// output is asserted (against jinja2's rendering in expected.txt); timing is informational.
final class BenchmarkTests: XCTestCase {
    func testBenchmarkRender() throws {
        let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("bench/jinja")
        let source = try String(contentsOf: dir.appendingPathComponent("template.j2"), encoding: .utf8)
        let expected = try String(contentsOf: dir.appendingPathComponent("expected.txt"), encoding: .utf8)
        guard case .dict(let data) = try parseJSON(String(contentsOf: dir.appendingPathComponent("data.json"), encoding: .utf8)) else {
            return XCTFail("data.json must be an object")
        }
        var opts = EnvironmentOptions()
        opts.trimBlocks = true
        opts.lstripBlocks = true
        let template = try Environment(options: opts).template(source, name: "template.j2")
        let vars = DictVariables(Dictionary(uniqueKeysWithValues: data.map { ($0.key, $0.value) }))
        var wall: [Double] = []
        var cpu: [Double] = []
        var output = ""
        for _ in 0..<20 {
            let start = DispatchTime.now().uptimeNanoseconds
            let cpuStart = Self.threadCPUms()
            output = try template.render(vars)
            cpu.append(Self.threadCPUms() - cpuStart)
            wall.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1_000_000)
        }
        XCTAssertEqual(output, expected)
        // CPU time is reported too because the shared build machine is often oversubscribed.
        print(String(format: "benchmark: swift Jinja median %.2f ms wall, %.2f ms CPU over 20 renders (%d template lines)",
                     Self.median(wall), Self.median(cpu), source.split(separator: "\n").count))
    }

    static func median(_ xs: [Double]) -> Double {
        let s = xs.sorted()
        return (s[(s.count - 1) / 2] + s[s.count / 2]) / 2
    }

    static func threadCPUms() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) * 1000 + Double(ts.tv_nsec) / 1_000_000
    }
}
