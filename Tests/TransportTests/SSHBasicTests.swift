import Foundation
import XCTest
@testable import Transport

final class SSHBasicTests: XCTestCase {
    func testKeyAuthRunsFramedCommands() throws {
        let t = try TestHosts.load()
        let c = try t.connect()
        defer { c.close() }
        let r = try c.run("printf out; printf err >&2; exit 3")
        XCTAssertEqual(r.exitCode, 3)
        XCTAssertEqual(r.stdoutText, "out")
        XCTAssertEqual(r.stderrText, "err")
        XCTAssertEqual(try c.run("hostname").stdoutText, t.hosts[0].name + "\n")
        XCTAssertEqual(try c.run("id -un").stdoutText, "root\n")
    }
}
