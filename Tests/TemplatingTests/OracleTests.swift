import Foundation
import XCTest
import Jinja
@testable import Templating

/// Differential test: every case in oracle/cases.json is evaluated by ansible-core (through
/// oracle/ansible_oracle.py) and by our engine; results must agree. Skipped when no Python
/// with ansible is available (set ANSIBLE_ORACLE_PYTHON to point at one, e.g. a venv's python).
final class OracleTests: TemplatingTestCase {
    static let oracleDir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("oracle")

    func findPython() -> String? {
        var candidates = ["/tmp/ans/bin/python", "/usr/bin/python3"]
        if let p = ProcessInfo.processInfo.environment["ANSIBLE_ORACLE_PYTHON"] { candidates.insert(p, at: 0) }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) && canImportAnsible($0) }
    }

    func canImportAnsible(_ python: String) -> Bool {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: python)
        p.arguments = ["-c", "import ansible.template"]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        guard (try? p.run()) != nil else { return false }
        p.waitUntilExit()
        return p.terminationStatus == 0
    }

    /// Tuples become lists, as they do in the oracle's JSON.
    func plain(_ v: Value) -> Value {
        switch v {
        case .list(let l), .tuple(let l): return .list(l.map(plain))
        case .dict(let d): return .dict(d.mapValues(plain))
        case .object(let o) where o.keys == nil: return .string(o.stringValue)
        default: return v
        }
    }

    /// File lookups search oracle/fixtures; `vars` and `template` see the case's variables.
    func oracleEnv(_ vars: [String: Value]) -> Environment {
        let fixtures = OracleTests.oracleDir.appendingPathComponent("fixtures").path
        let e = Environment()
        let ctx = TemplatingContext(
            searchPaths: { [fixtures] },
            variable: { vars[$0] },
            renderTemplate: { [unowned e] source, _, extra in
                var all = vars
                for (k, v) in extra { all[k] = v }
                return try e.template(source).render(all)
            })
        AnsibleExtensions.install(into: e, context: ctx)
        return e
    }

    func testAgainstAnsible() throws {
        guard let python = findPython() else { throw XCTSkip("no Python with ansible-core available") }
        let casesURL = OracleTests.oracleDir.appendingPathComponent("cases.json")
        let cases = try parseJSON(String(contentsOf: casesURL, encoding: .utf8)).listValue ?? []
        let p = Process()
        p.executableURL = URL(fileURLWithPath: python)
        p.arguments = [OracleTests.oracleDir.appendingPathComponent("ansible_oracle.py").path, casesURL.path]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 0, "oracle failed")
        let results = try parseJSON(String(decoding: data, as: UTF8.self)).listValue ?? []
        XCTAssertEqual(results.count, cases.count)
        var agreed = 0
        for (c, r) in zip(cases, results) {
            let expr = c["expr"]?.stringValue ?? ""
            var vars: [String: Value] = [:]
            for (k, v) in c["vars"]?.dictValue ?? [:] { vars[k] = v }
            let ours: Result<Value, Error> = Result { try oracleEnv(vars).expression(expr).evaluate(vars) }
            switch (ours, r["value"], r["error"]) {
            case (.success(let v), let expected?, nil):
                if plain(v) == expected {
                    agreed += 1
                } else {
                    XCTFail("\(expr)\n ours:    \(String(describing: try? valueToJSON(plain(v))))\n ansible: \(String(describing: try? valueToJSON(expected)))")
                }
            case (.failure, nil, _?):
                agreed += 1
            case (.success(let v), nil, let err?):
                XCTFail("\(expr): ansible failed (\(err.text)) but we returned \(v.pythonRepr)")
            case (.failure(let e), let expected?, _):
                XCTFail("\(expr): we failed (\(e)) but ansible returned \(expected.pythonRepr)")
            default:
                XCTFail("\(expr): malformed oracle result \(r.pythonRepr)")
            }
        }
        print("oracle: \(agreed) of \(cases.count) cases agree with ansible-core")
    }

    /// `with_<lookup>` loops: ansible-playbook runs each case as a looped debug task (see
    /// `ansible_oracle.py --loops`); `Lookups.run` must produce the same items.
    func testLoopsAgainstAnsible() throws {
        guard let python = findPython() else { throw XCTSkip("no Python with ansible-core available") }
        let loopsURL = OracleTests.oracleDir.appendingPathComponent("loops.json")
        let cases = try parseJSON(String(contentsOf: loopsURL, encoding: .utf8)).listValue ?? []
        let p = Process()
        p.executableURL = URL(fileURLWithPath: python)
        p.arguments = [OracleTests.oracleDir.appendingPathComponent("ansible_oracle.py").path, "--loops", loopsURL.path]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw XCTSkip("ansible-playbook could not run the loop cases here") }
        let results = try parseJSON(String(decoding: data, as: UTF8.self)).listValue ?? []
        XCTAssertEqual(results.count, cases.count)
        let env = oracleEnv([:])
        let fixtures = OracleTests.oracleDir.appendingPathComponent("fixtures").path
        let context = TemplatingContext(searchPaths: { [fixtures] })
        var agreed = 0
        for (c, r) in zip(cases, results) {
            let name = c["with"]?.stringValue ?? ""
            let value = c["value"] ?? .none
            do {
                let items = try Lookups.run(name, terms: Lookups.loopTerms(value), kwargs: [:], env: env, context: context, taskAction: "debug")
                if let expected = r["items"], plain(.list(items)) == expected {
                    agreed += 1
                } else {
                    XCTFail("with_\(name) \(value.pythonRepr): ours \(plain(.list(items)).pythonRepr), ansible \(r.pythonRepr)")
                }
            } catch {
                if r["error"] != nil { agreed += 1 } else { XCTFail("with_\(name) \(value.pythonRepr): we failed (\(error)), ansible \(r.pythonRepr)") }
            }
        }
        print("oracle loops: \(agreed) of \(cases.count) with_X loops agree with ansible-playbook")
    }
}
