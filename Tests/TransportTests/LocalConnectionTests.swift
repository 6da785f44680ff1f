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

    /// Text output is collected by the host's shell and sent with the end marker in one write: same
    /// streams, status and isolation as the subshell framing, under dash and bash.
    func testTextOutputFraming() throws {
        for command in ["exec /bin/sh", "exec /bin/bash --posix"] where FileManager.default.isExecutableFile(atPath: "/bin/bash") {
            let sh = ShellSession(stream: try LocalShellStream(command: command), host: "local")
            defer { sh.stream.close() }
            try sh.handshake()
            func run(_ c: String, _ env: [String: String] = [:]) throws -> CommandResult {
                try sh.run(c, stdin: nil, environment: env, textOutput: true)
            }
            let r = try run("printf 'a\\n\\n'; printf 'e\\n' >&2; X=1; cd /; false")
            XCTAssertEqual([r.exitCode], [1], command)
            XCTAssertEqual(r.stdoutText, "a\n\n", "trailing newlines kept")
            XCTAssertEqual(r.stderrText, "e\n")
            XCTAssertEqual(try run("printf %s \"$X\"; pwd").stdoutText, FileManager.default.currentDirectoryPath + "\n", "nothing leaks")
            XCTAssertEqual(try run("printf %s \"$Y\"", ["Y": "a'b"]).stdoutText, "a'b")
            // `exit` skips the marker that keeps trailing newlines: the status and the text stay.
            let e = try run("echo out; exit 4")
            XCTAssertEqual([e.exitCode], [4])
            XCTAssertEqual(e.stdoutText, "out")
            XCTAssertNotEqual(try run("if then").exitCode, 0)
            let big = try run("i=0; while [ $i -lt 20000 ]; do echo line$i; i=$((i+1)); done")
            XCTAssertEqual(big.stdoutText.split(separator: "\n").count, 20000)
            XCTAssertEqual(try run("echo ok").stdoutText, "ok\n")
            XCTAssertEqual(try sh.run("printf 'a\\0b'", stdin: nil, environment: [:]).stdout, Data([97, 0, 98]), "binary framing after text")
        }
    }

    func testBothStdinModes() throws {
        let data = try randomData(300_000)
        for raw in [true, false] {
            let sh = ShellSession(stream: try LocalShellStream(), host: "local")
            try sh.handshake()
            XCTAssertNil(sh.rawStdin, "checked only when stdin is first sent")
            XCTAssertTrue(try sh.checkRawStdin(), "GNU head expected on the controller")
            sh.rawStdin = raw
            XCTAssertEqual(try sh.run("cat", stdin: data, environment: [:]).stdout, data, "raw=\(raw)")
            // A command that reads none or part of its stdin leaves nothing behind for the shell to execute.
            XCTAssertEqual(try sh.run("true", stdin: data, environment: [:]).exitCode, 0)
            XCTAssertEqual(try sh.run("head -c 10 >/dev/null; echo $?", stdin: data, environment: [:]).stdoutText, "0\n")
            XCTAssertEqual(try sh.run("echo next", stdin: nil, environment: [:]).stdoutText, "next\n")
        }
    }

    /// Hosts whose /bin/sh is bash (RHEL, SUSE) get the same framing.
    func testFramingUnderBash() throws {
        guard FileManager.default.isExecutableFile(atPath: "/bin/bash") else { throw XCTSkip("no /bin/bash") }
        let sh = ShellSession(stream: try LocalShellStream(command: "exec /bin/bash --posix"), host: "bash")
        defer { sh.stream.close() }
        try sh.handshake()
        XCTAssertEqual(try sh.run("echo $BASH_VERSION | cut -c1", stdin: nil, environment: [:]).stdoutText.count, 2)
        // bash reads a script from a pipe byte by byte: the base64 fallback is slow there, keep it small.
        let data = try randomData(20_000)
        for raw in [true, false] {
            sh.rawStdin = raw
            XCTAssertEqual(try sh.run("cat", stdin: data, environment: [:]).stdout, data)
            XCTAssertEqual(try sh.run("true", stdin: data, environment: [:]).exitCode, 0)
        }
        let r = try sh.run("printf 'o\\0'; printf e >&2; exit 9", stdin: nil, environment: ["X": "y"])
        XCTAssertEqual([r.exitCode], [9])
        XCTAssertEqual(r.stdout, Data([111, 0]))
        XCTAssertEqual(r.stderrText, "e")
        XCTAssertNotEqual(try sh.run("if then", stdin: nil, environment: [:]).exitCode, 0)
        XCTAssertEqual(try sh.run("echo ok", stdin: nil, environment: [:]).stdoutText, "ok\n")
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

    /// Local become through su (we are root here, so su asks nothing); the shell is started once.
    func testLocalBecomeWithSu() throws {
        guard geteuid() == 0 else { throw XCTSkip("needs root to su without a password") }
        let c = LocalConnection(host: "localhost")
        defer { c.close() }
        let b = Become(method: "su", user: "nobody", flags: "-s /bin/sh")
        let r = try c.run("id -un; echo $$; cat", stdin: Data("in".utf8), become: b, environment: ["A": "1"])
        XCTAssertEqual(r.exitCode, 0, r.stderrText)
        let lines = r.stdoutText.split(separator: "\n")
        XCTAssertEqual(lines.first, "nobody")
        XCTAssertEqual(lines.last, "in")
        XCTAssertEqual(try c.run("echo $$", become: b).stdoutText, String(lines[1]) + "\n", "one su shell for all commands")
        XCTAssertThrowsError(try c.run("id", become: Become(method: "su", user: "no-such-user-x"))) { e in
            guard case TransportError.becomeFailed(_, let m) = e else { return XCTFail("\(e)") }
            XCTAssertTrue(m.contains("su to user no-such-user-x failed"), m)
        }
    }

    func testDescriptionsHidePasswords() {
        let b = Become(password: "s3cret")
        let o = SSHOptions(host: "h", password: "s3cret", privateKeyPassphrase: "s3cret")
        var dumped = ""
        dump(b, to: &dumped)
        dump(o, to: &dumped)
        for text in ["\(b)", String(describing: b), String(reflecting: b), "\(o)", String(reflecting: o), dumped] {
            XCTAssertFalse(text.contains("s3cret"), text)
        }
        XCTAssertTrue("\(o)".contains("password: ********"))
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
        // su with a password: answered at su's own fixed prompt; the command line never holds it.
        let su = try BecomePlan(Become(method: "su", password: "x-secret"), host: "h")
        XCTAssertEqual(su.prompt, "Password:")
        XCTAssertFalse(su.wrap("id").contains("x-secret"))
        XCTAssertEqual(su.failureMessage(toolOutput: "su: Authentication failure"), "Incorrect su password")
        XCTAssertThrowsError(try BecomePlan(Become(method: "pbrun"), host: "h"))
    }
}
