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
        var times: [Double] = []
        var output = ""
        for _ in 0..<20 {
            let start = DispatchTime.now().uptimeNanoseconds
            output = try template.render(vars)
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1_000_000)
        }
        XCTAssertEqual(output, expected)
        times.sort()
        let median = (times[9] + times[10]) / 2
        print(String(format: "benchmark: swift Jinja median %.2f ms over 20 renders (%d lines of template)", median, source.split(separator: "\n").count))
    }
}
