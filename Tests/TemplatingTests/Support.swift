import Foundation
import XCTest
import Jinja
@testable import Templating

/// Base class: a fresh environment with Ansible's extensions, and helpers that go through the
/// real Jinja engine (parse, filters, tests, globals).
class TemplatingTestCase: XCTestCase {
    var context = TemplatingContext()
    lazy var env: Environment = makeEnv()

    func makeEnv() -> Environment {
        let e = Environment()
        AnsibleExtensions.install(into: e, context: context)
        return e
    }

    /// Renders a template string.
    func render(_ source: String, _ vars: [String: Value] = [:], file: StaticString = #filePath, line: UInt = #line) -> String? {
        do {
            return try env.template(source).render(vars)
        } catch {
            XCTFail("render failed for \(source): \(error)", file: file, line: line)
            return nil
        }
    }

    /// Evaluates an expression to a native value.
    func eval(_ source: String, _ vars: [String: Value] = [:], file: StaticString = #filePath, line: UInt = #line) -> Value? {
        do {
            return try env.expression(source).evaluate(vars)
        } catch {
            XCTFail("evaluate failed for \(source): \(error)", file: file, line: line)
            return nil
        }
    }

    /// Expects the expression to fail with a message containing `fragment`.
    func assertFails(_ source: String, _ vars: [String: Value] = [:], containing fragment: String,
                     file: StaticString = #filePath, line: UInt = #line) {
        do {
            let v = try env.expression(source).evaluate(vars)
            XCTFail("expected \(source) to fail, got \(v.pythonRepr)", file: file, line: line)
        } catch {
            XCTAssertTrue("\(error)".contains(fragment), "error for \(source) was: \(error)", file: file, line: line)
        }
    }

    func tempDir() throws -> String {
        let dir = NSTemporaryDirectory() + "templating-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: dir) }
        return dir
    }
}

/// JSON text → Value, for compact expectations.
func json(_ s: String) -> Value {
    (try? parseJSON(s)) ?? .string("<bad test json>")
}
