import Foundation
import XCTest
import Jinja

/// Differential tests: every case in Tests/jinja-oracle/cases must render exactly as Python's
/// jinja2 does. Expected results come from running oracle.py when python3 with jinja2 is available,
/// otherwise from the committed expected.json (which oracle.py regenerates).
final class OracleTests: XCTestCase {
    struct Case {
        var file: String
        var name: String
        var flags: [String] = []
        var vars: [String: Value] = [:]
        var files: [String: String] = [:]
        var template: String?
        var expr: String?
        var key: String { file + "::" + name }
    }

    static var oracleDir: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("jinja-oracle")
    }

    /// Same format as oracle.py's parse_cases.
    static func parseCases(_ text: String, file: String) throws -> [Case] {
        var cases: [Case] = []
        var section: (kind: String, arg: String)?
        var lines: [String] = []
        func flush() {
            defer { section = nil; lines = [] }
            guard let s = section, !cases.isEmpty, !(s.arg == "default" && lines.isEmpty) else { return }
            let content = lines.joined(separator: "\n")
            switch s.kind {
            case "file": cases[cases.count - 1].files[s.arg] = content
            case "template": cases[cases.count - 1].template = content
            case "expr": cases[cases.count - 1].expr = content
            default: break
            }
        }
        var raw = text.components(separatedBy: "\n")
        if raw.last == "" { raw.removeLast() }
        for line in raw {
            if line.hasPrefix("=== ") {
                flush()
                let parts = line.dropFirst(4).split(separator: " ").map(String.init)
                cases.append(Case(file: file, name: parts.first ?? "", flags: Array(parts.dropFirst())))
                section = ("template", "default")
            } else if line.hasPrefix("%vars ") {
                guard case .dict(let d) = try parseJSON(String(line.dropFirst(6))) else { continue }
                cases[cases.count - 1].vars = Dictionary(uniqueKeysWithValues: d.map { ($0.key, $0.value) })
            } else if line.hasPrefix("%file ") {
                flush()
                section = ("file", line.dropFirst(6).trimmingCharacters(in: .whitespaces))
            } else if line == "%template" {
                flush()
                section = ("template", "")
            } else if line == "%expr" {
                flush()
                section = ("expr", "")
            } else if line.hasPrefix("%tjson ") {
                flush()
                cases[cases.count - 1].template = try parseJSON(String(line.dropFirst(7))).stringValue
                section = nil
            } else {
                lines.append(line)
            }
        }
        flush()
        return cases
    }

    static func loadCases() throws -> [Case] {
        let dir = oracleDir.appendingPathComponent("cases")
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".txt") }.sorted()
        var all: [Case] = []
        for n in names {
            let text = try String(contentsOf: dir.appendingPathComponent(n), encoding: .utf8)
            all += try parseCases(text, file: n)
        }
        return all
    }

    /// Runs oracle.py into a temporary file; nil when python3/jinja2 is unavailable.
    static func runOracle() -> URL? {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("jinja-oracle-\(getpid()).json")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", oracleDir.appendingPathComponent("oracle.py").path, "--out", out.path]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        do { try p.run() } catch { return nil }
        p.waitUntilExit()
        return p.terminationStatus == 0 ? out : nil
    }

    static func kindName(_ k: TemplateError.Kind) -> String {
        switch k {
        case .syntax: return "syntax"
        case .undefined: return "undefined"
        case .type: return "type"
        case .runtime: return "runtime"
        }
    }

    /// Our result for a case, in the oracle's shape.
    static func run(_ c: Case) -> [String: Value] {
        var opts = EnvironmentOptions()
        opts.trimBlocks = c.flags.contains("trim")
        opts.lstripBlocks = c.flags.contains("lstrip")
        opts.keepTrailingNewline = c.flags.contains("keepnl")
        if c.flags.contains("strict") { opts.undefined = .strict } else if c.flags.contains("chainable") { opts.undefined = .chainable }
        let env = Environment(options: opts)
        let files = c.files
        env.loader = { name in
            guard let src = files[name] else { throw TemplateError(kind: .runtime, message: "TemplateNotFound: \(name)") }
            return (src, name)
        }
        do {
            if let e = c.expr {
                return ["value": .string(try env.expression(e).evaluate(DictVariables(c.vars)).pythonRepr)]
            }
            return ["output": .string(try env.template(c.template ?? "").render(c.vars))]
        } catch let e as TemplateError {
            var r: [String: Value] = ["error": .string(kindName(e.kind)), "message": .string(e.message)]
            if e.kind == .syntax { r["line"] = e.line.map(Value.int) ?? Value.none }
            return r
        } catch {
            return ["error": .string("foreign"), "message": .string("\(error)")]
        }
    }

    func testAgainstJinja2() throws {
        let cases = try Self.loadCases()
        XCTAssertGreaterThan(cases.count, 300, "expected several hundred oracle cases")
        var expectedURL = Self.oracleDir.appendingPathComponent("expected.json")
        if let fresh = Self.runOracle() {
            expectedURL = fresh
        } else {
            print("note: python3 with jinja2 not available; using committed expected.json")
        }
        guard case .dict(let expected) = try parseJSON(String(contentsOf: expectedURL, encoding: .utf8)) else {
            return XCTFail("expected.json is not an object")
        }
        var failures: [String] = []
        for c in cases {
            guard case .dict(let exp)? = expected[c.key] else {
                failures.append("\(c.key): no expected result (regenerate with oracle.py)")
                continue
            }
            let got = Self.run(c)
            if let out = exp["output"] {
                if got["output"] != out {
                    failures.append("\(c.key): expected output \(out.pythonRepr), got \(got["output"]?.pythonRepr ?? "error \(got["error"]?.pythonStr ?? "") \(got["message"]?.pythonStr ?? "")")")
                }
            } else if let v = exp["value"] {
                if got["value"] != v {
                    failures.append("\(c.key): expected value \(v.pythonStr), got \(got["value"]?.pythonStr ?? "error \(got["message"]?.pythonStr ?? "")")")
                }
            } else if let kind = exp["error"] {
                if got["error"] != kind {
                    failures.append("\(c.key): expected \(kind.pythonStr) error (\(exp["message"]?.pythonStr ?? "")), got \(got["error"].map { "\($0.pythonStr) error \(got["message"]?.pythonStr ?? "")" } ?? "output \(got["output"]?.pythonRepr ?? "")")")
                } else if kind == .string("syntax"), let line = exp["line"], got["line"] != line {
                    failures.append("\(c.key): syntax error expected on line \(line), got line \(got["line"]?.pythonStr ?? "?")")
                }
            }
        }
        if !failures.isEmpty {
            XCTFail("\(failures.count) of \(cases.count) oracle cases differ:\n" + failures.joined(separator: "\n"))
        }
        print("oracle: \(cases.count - failures.count)/\(cases.count) cases match jinja2")
    }
}
