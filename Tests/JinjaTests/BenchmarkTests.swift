import Foundation
import XCTest
import Jinja

/// The benchmark template (bench/jinja/template.j2, ~2,000 lines) renders exactly as Python's jinja2
/// did (expected.txt). Timing lives in bench/jinja/run.sh, not here.
final class BenchmarkTests: XCTestCase {
    func testBenchmarkTemplateMatchesJinja2() throws {
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
        XCTAssertEqual(try template.render(vars), expected)
    }
}
