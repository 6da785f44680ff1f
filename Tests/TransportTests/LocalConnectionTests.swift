import Foundation
import XCTest
@testable import Transport

/// The framing and file transfer through a local long-lived /bin/sh: runs everywhere, no test hosts.
final class LocalConnectionTests: XCTestCase {
    func testFramingKeepsStreamsApartAndBinarySafe() throws {
        let c = LocalConnection(host: "localhost")
        defer { c.close() }
        let r = try c.run("printf 'a\\0b'; printf 'e\\0' >&2; exit 5")
        XCTAssertEqual(r.exitCode, 5)
        XCTAssertEqual(r.stdout, Data([97, 0, 98]))
        XCTAssertEqual(r.stderr, Data([101, 0]))
        let all = Data((0...255).map { UInt8($0) })
        XCTAssertEqual(try c.run("cat", stdin: all).stdout, all)
        XCTAssertEqual(try c.run("printf %s \"$X\"", stdin: nil, become: nil, environment: ["X": "a'b"]).stdoutText, "a'b")
        XCTAssertEqual(try c.run("printf %s \"$X\"").stdoutText, "")
        XCTAssertEqual(try c.run("cd /; exit 0").exitCode, 0)
        XCTAssertNotEqual(try c.run("pwd").stdoutText, "/\n")
        XCTAssertEqual(try c.run("if then").exitCode, 2)
        XCTAssertEqual(try c.run("echo ok").stdoutText, "ok\n")
    }

    func testLargeOutputOnBothStreams() throws {
        let c = LocalConnection(host: "localhost")
        defer { c.close() }
        let r = try c.run("head -c 5000000 /dev/zero; head -c 2000000 /dev/zero >&2; echo end")
        XCTAssertEqual(r.stdout.count, 5_000_004)
        XCTAssertEqual(r.stderr.count, 2_000_000)
        let big = try randomData(3 << 20)
        XCTAssertEqual(try c.run("cat", stdin: big).stdout, big)
    }

    func testPutIsAtomicAndGetReadsBack() throws {
        let c = LocalConnection(host: "localhost")
        defer { c.close() }
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let data = try randomData(100_000)
        try c.put(data, to: dir + "/f", mode: "0600", become: nil)
        XCTAssertEqual(try c.get(dir + "/f", become: nil), data)
        let attrs = try FileManager.default.attributesOfItem(atPath: dir + "/f")
        XCTAssertEqual((attrs[.posixPermissions] as? NSNumber)?.intValue, 0o600)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir), ["f"])
        XCTAssertThrowsError(try c.get(dir + "/missing", become: nil))
    }

    func testShellRestartsAfterItDies() throws {
        let c = LocalConnection(host: "localhost")
        defer { c.close() }
        // Kill the session shell ($$ is its pid, also inside the command's subshell).
        let t0 = Date()
        XCTAssertThrowsError(try c.run("kill -9 $$; sleep 5"))
        XCTAssertLessThan(Date().timeIntervalSince(t0), 3, "a dead shell must be noticed without waiting for its children")
        XCTAssertEqual(try c.run("echo again").stdoutText, "again\n")
    }

    func testBecomeToCurrentUserNeedsNoTool() throws {
        let c = LocalConnection(host: "localhost")
        defer { c.close() }
        let me = try c.run("id -un").stdoutText.trimmingCharacters(in: .newlines)
        XCTAssertEqual(try c.run("id -un", become: Become(user: me)).stdoutText, me + "\n")
    }

    func testBecomePlanWrapsAndRedacts() throws {
        let p = try BecomePlan(Become(user: "o'neil", password: "s3cret", flags: "-E"), host: "h")
        let line = p.wrap("echo hi")
        XCTAssertTrue(line.hasPrefix("sudo -H -S -p "), line)
        XCTAssertTrue(line.contains(" -E -u 'o'\\''neil' /bin/sh -c 'echo hi'"), line)
        XCTAssertFalse(line.contains("s3cret"))
        XCTAssertEqual(p.redact("x s3cret y"), "x ******** y")
        XCTAssertTrue(p.failureMessage(toolOutput: "sudo: a password is required").hasPrefix("Missing sudo password"))
        let n = try BecomePlan(Become(), host: "h")
        XCTAssertTrue(n.wrap("id").hasPrefix("sudo -H -n "))
        XCTAssertEqual(try BecomePlan(Become(method: "su", user: "bob"), host: "h").wrap("id"), "su bob -c id")
        XCTAssertThrowsError(try BecomePlan(Become(method: "su", password: "x"), host: "h"))
        XCTAssertThrowsError(try BecomePlan(Become(method: "pbrun"), host: "h"))
    }
}
