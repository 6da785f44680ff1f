import DataLoader
import Inventory
import XCTest

/// Malformed inventories are errors naming file, line and column (Ansible only warns and goes on
/// with what it could read; a run against the wrong hosts is worse than a clear stop).
final class ErrorTests: XCTestCase {
    func check(_ text: String, name: String = "hosts", line: Int, column: Int, contains: String,
               file: StaticString = #filePath, lineNumber: UInt = #line) throws {
        let dir = try makeTree([name: text])
        let path = dir + "/" + name
        XCTAssertThrowsError(try Inventory(sources: [path]), file: file, line: lineNumber) { error in
            let message = "\(error)"
            XCTAssertTrue(message.hasPrefix("\(path):\(line):\(column): "), "position in: \(message)", file: file, line: lineNumber)
            XCTAssertTrue(message.contains(contains), "\(contains) in: \(message)", file: file, line: lineNumber)
            XCTAssertTrue(error is SourceError, file: file, line: lineNumber)
        }
    }

    func testINIErrors() throws {
        try check("[g]\nh\n[g:children]\n  bad name here\n", line: 4, column: 3, contains: "Expected group name, got: bad name here")
        try check("[g:children]\nnope\n", line: 2, column: 1, contains: "Section [g:children] includes undefined group 'nope'")
        try check("h\n[g:vars]\nx=1\n", line: 2, column: 1, contains: "Section [g:vars] not valid for undefined group 'g'")
        try check("[web]\nweb[1:]\n", line: 2, column: 1, contains: "host range must specify end value")
        try check("[web]\nweb[01:100]\n", line: 2, column: 1, contains: "equal-length")
        try check("[web]\nweb[c:a]\n", line: 2, column: 1, contains: "begin <= end")
        try check("[web]\nweb[1:5:0]\n", line: 2, column: 1, contains: "step")
        try check("[web]\nhost:\n", line: 2, column: 1, contains: "ending in ':' is not allowed")
        try check("[web:unknown]\n", line: 1, column: 1, contains: "unknown type: unknown")
        try check("[web ]\n", line: 1, column: 1, contains: "Invalid section entry")
        try check("h1 x=1 novalue\n", line: 1, column: 8, contains: "Expected key=value host variable assignment, got: novalue")
        try check("h1 x=\"unclosed\n", line: 1, column: 1, contains: "No closing quotation")
        try check("[a:children]\nb\n[b:children]\na\n", line: 4, column: 1, contains: "recursive dependency loop")
        try check("[g]\nh\n[g:vars]\njustaword\n", line: 4, column: 1, contains: "Expected key=value, got: justaword")
        try check("---\n[web]\nh\n", line: 1, column: 1, contains: "'---' is normally a sign this is a YAML file")
    }

    func testYAMLErrors() throws {
        try check("all:\n  hosts:\n    - a\n", name: "inv.yml", line: 3, column: 5, contains: "Invalid \"hosts\" entry for \"all\" group")
        try check("all:\n  hosts:\n    a: [1]\n", name: "inv.yml", line: 3, column: 8, contains: "expected a dictionary of host variables")
        try check("all:\n  hosts: {a: 1\n", name: "inv.yml", line: 3, column: 1, contains: "YAML syntax error")
        try check("all:\n  children:\n    g:\n      hosts:\n        web[1:]:\n", name: "inv.yml", line: 5, column: 9, contains: "end value")
        try check("- a\n- b\n", name: "inv.yml", line: 1, column: 1, contains: "it should be a dictionary, got: a list")
        try check("all:\n  children:\n    g:\n      children:\n        g:\n", name: "inv.yml", line: 5, column: 9, contains: "to itself")
        try check("plugin: constructed\n", name: "inv.yml", line: 1, column: 9, contains: "inventory plugin configuration")
        try check("[web]\nh1\n", name: "inv.toml", line: 1, column: 1, contains: "TOML")
    }

    func testExecutableScriptsAreRefused() throws {
        let dir = try makeTree(["inv.py": "#!/usr/bin/env python3\nprint('{}')\n"])
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: dir + "/inv.py")
        XCTAssertThrowsError(try Inventory(sources: [dir + "/inv.py"])) { error in
            XCTAssertTrue("\(error)".contains("executable inventory scripts are not supported"), "\(error)")
        }
    }

    func testErrorShowsTheOffendingLine() throws {
        let dir = try makeTree(["hosts": "[web]\nweb[1:]\n"])
        XCTAssertThrowsError(try Inventory(sources: [dir + "/hosts"])) { error in
            XCTAssertTrue("\(error)".contains("\n    web[1:]\n    ^ here"), "\(error)")
        }
    }
}
