import Foundation
import XCTest

/// The engine bugs found while writing the registry roles (Tests/e2e/engine-repro/, each file names
/// ansible-playbook's result) stay fixed: every repro gives ansible-playbook's answer.
final class EngineReproTests: XCTestCase {
    static let repro = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("e2e/engine-repro")

    func run(_ name: String) throws -> Run {
        let ws = try Workspace()
        return try ws.swiftplay(["-i", "localhost,", "-c", "local", Self.repro.appendingPathComponent(name).path])
    }

    func testAssertThatStringWithCommas() throws {
        let r = try run("assert-that-string-with-commas.yml")
        XCTAssertEqual(r.status, 0, r.output)
        XCTAssertTrue(r.stdout.contains("All assertions passed"), r.stdout)
    }

    func testFQCNLookup() throws {
        let r = try run("fqcn-lookup.yml")
        XCTAssertEqual(r.status, 0, r.output)
        XCTAssertTrue(r.stdout.contains("ok=1    changed=0"), r.stdout)
    }

    func testIncludeRoleVarsNotReused() throws {
        let r = try run("include-role-vars-reused.yml")
        XCTAssertEqual(r.status, 0, r.output)
        let stopped = try XCTUnwrap(r.stdout.range(of: "\"msg\": \"stopped\""))
        let started = try XCTUnwrap(r.stdout.range(of: "\"msg\": \"started\""))
        XCTAssertLessThan(stopped.lowerBound, started.lowerBound)
    }

    func testRoleDependencyRunsOnce() throws {
        let r = try run("role-dependency-dedup.yml")
        XCTAssertEqual(r.status, 0, r.output)
        XCTAssertEqual(r.stdout.components(separatedBy: "\"msg\": \"common ran\"").count, 2, r.stdout)
        XCTAssertTrue(r.stdout.contains("ok=2    changed=0"), r.stdout)
    }

    func testAnsibleManagedInTemplateLookup() throws {
        let r = try run("template-lookup-ansible-managed.yml")
        XCTAssertEqual(r.status, 0, r.output)
        XCTAssertTrue(r.stdout.contains("\"msg\": \"Ansible managed\""), r.stdout)
    }
}
