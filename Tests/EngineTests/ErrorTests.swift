import Foundation
import XCTest

/// Bad input: clear errors naming file, line and column (or host and task), and the right exit code.
final class ErrorTests: XCTestCase {
    func testYAMLSyntaxErrorNamesFileLineColumn() throws {
        let ws = try Workspace()
        let r = try ws.play("""
        - hosts: localhost
          tasks:
            - debug: msg=ok
             - broken: [
        """)
        XCTAssertEqual(r.status, 4, r.output)
        XCTAssertTrue(r.stderr.contains("play.yml': line 4,"), r.stderr)
        XCTAssertTrue(r.stderr.contains("^ here"), r.stderr)
        XCTAssertFalse(r.stderr.contains("Fatal error"), r.stderr)
    }

    func testUnknownModuleSuggestsClosest() throws {
        let ws = try Workspace()
        let r = try ws.play("""
        - hosts: localhost
          tasks:
            - name: typo
              copyy: src=a dest=b
        """)
        XCTAssertEqual(r.status, 4, r.output)
        XCTAssertTrue(r.stderr.contains("play.yml': line 3, column 7"), r.stderr)
        XCTAssertTrue(r.stderr.contains("Did you mean 'copy'?"), r.stderr)
    }

    func testUnknownOptionSuggestsClosest() throws {
        let ws = try Workspace()
        let r = try ws.play("""
        - hosts: localhost
          gather_facts: false
          tasks:
            - file: pth=/tmp/x state=directory
        """)
        XCTAssertEqual(r.status, 2, r.output)
        XCTAssertTrue(r.stdout.contains("Unsupported parameters for (file) module: pth"), r.stdout)
        XCTAssertTrue(r.stdout.contains("did you mean 'path'?"), r.stdout)
    }

    func testUndefinedVariableNamesVariable() throws {
        let ws = try Workspace()
        let r = try ws.play("""
        - hosts: localhost
          gather_facts: false
          tasks:
            - name: uses a missing variable
              debug: msg="{{ nowhere_defined }}"
        """)
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stdout.contains("'nowhere_defined' is undefined"), r.stdout)
        XCTAssertTrue(r.stdout.contains("TASK [uses a missing variable]"))
    }

    func testBadCommandLineOptionExitsFive() throws {
        let ws = try Workspace()
        try ws.write("play.yml", "- hosts: localhost\n  tasks: []\n")
        let r = try ws.swiftplay(["--no-such-flag", "play.yml"])
        XCTAssertEqual(r.status, 5, r.output)
        let missing = try ws.swiftplay(["-i", "localhost,"])
        XCTAssertEqual(missing.status, 5, missing.output)
    }

    func testMissingPlaybookAndRoleAreReported() throws {
        let ws = try Workspace()
        let r = try ws.swiftplay(["-i", "localhost,", "nope.yml"])
        XCTAssertEqual(r.status, 4)
        XCTAssertTrue(r.stderr.contains("'nope.yml' could not be found"), r.stderr)
        let role = try ws.play("- hosts: localhost\n  roles: [ghost]\n")
        XCTAssertEqual(role.status, 4)
        XCTAssertTrue(role.stderr.contains("the role 'ghost' was not found"), role.stderr)
        XCTAssertTrue(role.stderr.contains("play.yml': line 2,"), role.stderr)
    }

    func testInvalidPlayKeywordSuggests() throws {
        let ws = try Workspace()
        let r = try ws.play("- hosts: localhost\n  taks: []\n")
        XCTAssertEqual(r.status, 4)
        XCTAssertTrue(r.stderr.contains("'taks' is not a valid attribute for a Play"), r.stderr)
        XCTAssertTrue(r.stderr.contains("play.yml': line 2, column 3"), r.stderr)
    }

    func testBadInventoryLine() throws {
        let ws = try Workspace()
        try ws.write("hosts.ini", "[web\nh1\n")
        try ws.write("play.yml", "- hosts: all\n  tasks: []\n")
        let r = try ws.swiftplay(["-i", "hosts.ini", "play.yml"])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("hosts.ini': line 1,"), r.stderr)
    }
}
