import Foundation
import XCTest
@testable import Transport

/// sudo and su on a real host. The password must never come back in output or errors.
final class SSHBecomeTests: XCTestCase {
    func testSudoWithoutPassword() throws {
        let t = try TestHosts.load()
        let c = try t.connect(0, user: "nopass")
        defer { c.close() }
        let r = try c.run("id -un; echo \"$HOME\"; cat", stdin: Data("in".utf8), become: Become(), environment: ["V": "1"])
        XCTAssertEqual(r.exitCode, 0, r.stderrText)
        XCTAssertEqual(r.stdoutText, "root\n/root\nin")
        XCTAssertEqual(r.stderrText, "")
        XCTAssertEqual(try c.run("id -un").stdoutText, "nopass\n")
        XCTAssertEqual(try c.run("id -un", become: Become(user: "tester")).stdoutText, "tester\n")
        XCTAssertEqual(try c.run("exit 4", become: Become()).exitCode, 4)
    }

    /// sudo starts once per become user: later commands reuse that shell ($$ is the session shell's pid).
    func testBecomeShellIsReusedAndRecovers() throws {
        let t = try TestHosts.load()
        let c = try t.connect(0, user: "nopass")
        defer { c.close() }
        let root1 = try c.run("echo $$", become: Become()).stdoutText
        let root2 = try c.run("echo $$", become: Become()).stdoutText
        let plain = try c.run("echo $$").stdoutText
        let tester = try c.run("echo $$", become: Become(user: "tester")).stdoutText
        XCTAssertEqual(root1, root2)
        XCTAssertEqual(Set([root1, plain, tester]).count, 3)
        // The become shell killed under us: that command fails, the next one gets a new shell.
        XCTAssertThrowsError(try c.run("kill -9 $$", become: Become())) { e in
            guard case TransportError.unreachable = e else { return XCTFail("\(e)") }
        }
        let root3 = try c.run("echo $$; id -un", become: Become()).stdoutText
        XCTAssertNotEqual(root3.split(separator: "\n").first.map(String.init), root1.trimmingCharacters(in: .newlines))
        XCTAssertTrue(root3.hasSuffix("root\n"), root3)
    }

    func testSudoWithPassword() throws {
        let t = try TestHosts.load()
        let c = try t.connect(t.pick(1), user: "tester")
        defer { c.close() }
        let b = Become(password: t.testerPassword)
        for _ in 0..<3 {
            let r = try c.run("id -un; cat", stdin: Data("data\n".utf8), become: b, environment: [:])
            XCTAssertEqual(r.exitCode, 0, r.stderrText)
            XCTAssertEqual(r.stdoutText, "root\ndata\n")
            XCTAssertFalse(r.stdoutText.contains(t.testerPassword))
            XCTAssertFalse(r.stderrText.contains(t.testerPassword))
            XCTAssertFalse(r.stderrText.contains("password"), r.stderrText)
        }
        // put/get through sudo into a root-only place.
        try c.put(Data([0, 1, 2, 255]), to: "/root/secret.bin", mode: "0600", become: b)
        XCTAssertEqual(try c.get("/root/secret.bin", become: b), Data([0, 1, 2, 255]))
        XCTAssertThrowsError(try c.get("/root/secret.bin", become: nil))
        XCTAssertEqual(try c.run("stat -c %U:%a /root/secret.bin", become: b).stdoutText, "root:600\n")
    }

    func testSudoFailures() throws {
        let t = try TestHosts.load()
        let c = try t.connect(t.pick(1), user: "tester")
        defer { c.close() }
        let wrong = "not-the-" + t.testerPassword
        XCTAssertThrowsError(try c.run("id", stdin: nil, become: Become(password: wrong), environment: [:])) { e in
            guard case TransportError.becomeFailed(_, let m) = e else { return XCTFail("\(e)") }
            print("wrong become password gives: \(m)")
            XCTAssertTrue(m.contains("Incorrect sudo password"), m)
            XCTAssertFalse(m.contains(wrong))
            XCTAssertFalse("\(e)".contains(wrong))
        }
        XCTAssertThrowsError(try c.run("id", become: Become())) { e in
            guard case TransportError.becomeFailed(_, let m) = e else { return XCTFail("\(e)") }
            XCTAssertTrue(m.contains("Missing sudo password"), m)
        }
        // The connection stays usable after a failed become.
        XCTAssertEqual(try c.run("id -un").stdoutText, "tester\n")
        XCTAssertEqual(try c.run("id -un", stdin: nil, become: Become(password: t.testerPassword), environment: [:]).stdoutText, "root\n")
    }

    func testSu() throws {
        let t = try TestHosts.load()
        let c = try t.connect(0)   // root: su asks no password
        defer { c.close() }
        let r = try c.run("id -un; cat", stdin: Data("x".utf8), become: Become(method: "su", user: "nopass"), environment: [:])
        XCTAssertEqual(r.stdoutText, "nopass\nx")
        XCTAssertThrowsError(try c.run("id", become: Become(method: "doas", user: "nopass")))
        // root becoming root: no sudo started at all.
        XCTAssertEqual(try c.run("echo $$", become: Become()).stdoutText, try c.run("echo $$").stdoutText)
    }

    /// su with a password: su reads it from stdin after its `Password:` prompt (no terminal needed).
    /// nopass becomes tester with tester's password; the password never shows in results or errors.
    func testSuWithPassword() throws {
        let t = try TestHosts.load()
        let c = try t.connect(0, user: "nopass")
        defer { c.close() }
        let b = Become(method: "su", user: "tester", password: t.testerPassword)
        for _ in 0..<2 {
            let r = try c.run("id -un; echo \"$HOME\"; cat; echo err >&2", stdin: Data("in\n".utf8), become: b, environment: [:])
            XCTAssertEqual(r.exitCode, 0, r.stderrText)
            XCTAssertEqual(r.stdoutText, "tester\n/home/tester\nin\n")
            XCTAssertEqual(r.stderrText, "err\n")
        }
        try c.put(Data("x".utf8), to: "/home/tester/su-put.txt", mode: "0600", become: b)
        XCTAssertEqual(try c.run("stat -c %U:%a /home/tester/su-put.txt", become: b).stdoutText, "tester:600\n")
        let wrong = "wrong-" + t.testerPassword
        XCTAssertThrowsError(try c.run("id", become: Become(method: "su", user: "tester", password: wrong))) { e in
            guard case TransportError.becomeFailed(_, let m) = e else { return XCTFail("\(e)") }
            XCTAssertTrue(m.contains("Incorrect su password"), m)
            XCTAssertFalse("\(e)".contains(wrong))
        }
        XCTAssertThrowsError(try c.run("id", become: Become(method: "su", user: "tester"))) { e in
            guard case TransportError.becomeFailed(_, let m) = e else { return XCTFail("\(e)") }
            XCTAssertTrue(m.contains("Missing su password"), m)
        }
        XCTAssertEqual(try c.run("id -un").stdoutText, "nopass\n")
    }
}
