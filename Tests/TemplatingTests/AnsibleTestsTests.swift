import Foundation
import XCTest
import Jinja
@testable import Templating

final class AnsibleTestsTests: TemplatingTestCase {
    func testVersion() {
        let cases: [(String, String, String, Bool)] = [
            ("1.2.3", "1.2.0", ">", true), ("1.2.3", "1.2.3", "eq", true), ("1.2", "1.10", "lt", true),
            ("2.0", "2.0.0", "==", false), ("2.0", "2.1", "<", true), ("2.0", "2.1", "lt", true),
            ("2.1", "2.1", "<=", true), ("2.2", "2.1", "le", false), ("2.2", "2.1", ">", true), ("2.1", "2.1", "gt", false),
            ("2.1", "2.1", ">=", true), ("2.0", "2.1", "ge", false), ("2.1", "2.1", "=", true), ("2.1", "2.1", "!=", false),
            ("2.0", "2.1", "<>", true), ("2.0", "2.1", "ne", true), ("1.0rc1", "1.0", "<", false),
        ]
        for (a, b, op, expected) in cases {
            XCTAssertEqual(eval("a is version(b, op)", ["a": .string(a), "b": .string(b), "op": .string(op)]), .bool(expected), "\(a) \(op) \(b)")
        }
        XCTAssertEqual(eval("'1.0a1' is version('1.0', '<', strict=True)"), .bool(true))
        XCTAssertEqual(eval("'1.0.0-rc.1' is version('1.0.0', '<', version_type='semver')"), .bool(true))
        XCTAssertEqual(eval("'1.0.0-alpha.2' is version('1.0.0-alpha.10', '<', version_type='semantic')"), .bool(true))
        XCTAssertEqual(eval("'1.0rc1' is version('1.0', '<', version_type='pep440')"), .bool(true))
        XCTAssertEqual(eval("'1.0.post1' is version('1.0', '>', version_type='pep440')"), .bool(true))
        XCTAssertEqual(eval("'1.0.dev1' is version('1.0a1', '<', version_type='pep440')"), .bool(true))
        XCTAssertEqual(eval("'2.9' is version_compare('2.10', '<')"), .bool(true))
        XCTAssertEqual(eval("'2.9' | version_compare('2.10', '<')"), .bool(true))
        assertFails("'1.0' is version('1.0', 'bogus')", containing: "Invalid operator type (bogus)")
        assertFails("'x.y' is version('1', '<', strict=True)", containing: "invalid version number 'x.y'")
        assertFails("'1.0' is version('1.0', '<', version_type='nope')", containing: "Invalid version type")
        assertFails("'' is version('1.0')", containing: "cannot be empty")
        assertFails("'1.a' is version('1.0', '<')", containing: "Version comparison failed")
    }

    func testRegexTests() {
        XCTAssertEqual(eval("['abc' is match('ab'), 'abc' is match('bc'), 'abc' is search('bc'), 'ABC' is search('b', ignorecase=True), 'abc' is regex('^a.c$'), 'abc' is regex('b', match_type='match'), 'abc' is regex('abc', match_type='fullmatch')]"),
                       json("[true, false, true, true, true, false, true]"))
        XCTAssertEqual(eval("'x\\nfoo' is match('^foo', multiline=True)"), .bool(false), "match anchors at the start of the string")
        XCTAssertEqual(eval("'x\\nfoo' is search('^foo', multiline=True)"), .bool(true))
        XCTAssertEqual(eval("1 is match('1')"), .bool(false))
    }

    func testCollectionsAndTruth() {
        XCTAssertEqual(eval("[[1, 2] is contains(2), [1, 2] is contains(3), [1] is subset([1, 2]), [1, 2] is superset([2]), [1, 3] is subset([1, 2])]"),
                       json("[true, false, true, true, false]"))
        XCTAssertEqual(eval("[[0, 1] is any, [0, 1] is all, [1, 'a'] is all, [] is any, [] is all]"), json("[true, false, true, false, true]"))
        XCTAssertEqual(eval("[1 is truthy, 0 is truthy, '' is falsy, 'no' is falsy, 'no' is falsy(convert_bool=True), 'yes' is truthy(convert_bool=True)]"),
                       json("[true, false, true, false, true, true]"))
        XCTAssertEqual(eval("[x is nan, 1.0 is nan, 'nan' is nan]", ["x": .double(.nan)]), json("[true, false, false]"))
        XCTAssertEqual(eval("['$ANSIBLE_VAULT;1.1;AES256\\n6162' is vault_encrypted, 'plain' is vault_encrypted]"), json("[true, false]"))
        XCTAssertEqual(eval("['a' is string, 1 is number]"), json("[true, true]"), "Jinja builtins stay available")
    }

    func testFileTests() throws {
        let dir = try tempDir()
        let file = dir + "/f.txt"
        try "x".write(toFile: file, atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: dir + "/l", withDestinationPath: file)
        try FileManager.default.createSymbolicLink(atPath: dir + "/dangling", withDestinationPath: dir + "/nope")
        let v: [String: Value] = ["d": .string(dir), "f": .string(file), "l": .string(dir + "/l"), "x": .string(dir + "/dangling")]
        XCTAssertEqual(eval("[f is file, d is file, d is directory, f is directory, l is link, f is link, l is file]", v),
                       json("[true, false, true, false, true, false, true]"))
        XCTAssertEqual(eval("[f is exists, (d ~ '/nope') is exists, x is exists, x is link]", v), json("[true, false, true, true]"))
        XCTAssertEqual(eval("[f is abs, 'rel' is abs, f is same_file(l), f is same_file(d), '/' is mount]", v), json("[true, false, true, false, true]"))
    }

    func testResultTests() {
        let ok: [String: Value] = ["r": json(#"{"failed": false, "changed": true}"#)]
        XCTAssertEqual(eval("[r is failed, r is succeeded, r is success, r is successful, r is changed, r is change, r is skipped, r is skip, r is finished, r is unreachable, r is reachable]", ok),
                       json("[false, true, true, true, true, true, false, false, true, false, true]"))
        XCTAssertEqual(eval("[r is failed, r is failure, r is changed, r is skipped, r is unreachable, r is reachable]", ["r": json(#"{"failed": true, "skipped": true, "unreachable": true}"#)]),
                       json("[true, true, false, true, true, false]"))
        XCTAssertEqual(eval("r is changed", ["r": json(#"{"results": [{"changed": false}, {"changed": true}]}"#)]), .bool(true))
        XCTAssertEqual(eval("[r is finished, r is started]", ["r": json(#"{"finished": 0, "started": 1}"#)]), json("[false, true]"))
        assertFails("'x' is failed", containing: "The 'failed' test expects a dictionary")
        assertFails("[] is changed", containing: "The 'changed' test expects a dictionary")
    }
}
