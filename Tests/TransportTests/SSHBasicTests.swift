import Foundation
import XCTest
@testable import Transport

/// Commands, framing, stdin/stdout sizes and file transfer on a real host.
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

    func testCommandsCannotDisturbTheSessionShell() throws {
        let t = try TestHosts.load()
        let c = try t.connect()
        defer { c.close() }
        // exit, cd, variables and a syntax error stay inside the command.
        XCTAssertEqual(try c.run("cd /tmp; X=1; exit 7").exitCode, 7)
        let r = try c.run("echo \"[$X]\"; pwd")
        XCTAssertEqual(r.stdoutText, "[]\n/root\n")
        let bad = try c.run("echo 'unterminated")
        XCTAssertNotEqual(bad.exitCode, 0)
        XCTAssertFalse(bad.stderrText.isEmpty)
        // A command reading stdin without being given any gets EOF, not the session's script.
        XCTAssertEqual(try c.run("cat; echo done").stdoutText, "done\n")
        XCTAssertEqual(try c.run("echo still here").stdoutText, "still here\n")
        // A background process keeping stdout open neither blocks the command nor leaks into the next.
        let start = Date()
        XCTAssertEqual(try c.run("(sleep 0.3; echo late) & echo early").stdoutText, "early\n")
        XCTAssertLessThan(Date().timeIntervalSince(start), 0.3)
        Thread.sleep(forTimeInterval: 0.6)
        XCTAssertEqual(try c.run("echo now").stdoutText, "now\n")
    }

    /// Output on both streams in quick succession: reading one stream can take the other's packet off
    /// the socket into libssh's buffer, and waiting on the socket then slept a full second (the read
    /// timeout) with the answer already here. Several connections at once make that race likely.
    func testNoStallWhenBothStreamsAnswerAtOnce() throws {
        let t = try TestHosts.load()
        let group = DispatchGroup()
        let lock = NSLock()
        var slowest = 0.0, failures: [String] = []
        for i in 0..<8 {
            group.enter()
            DispatchQueue.global().async {
                defer { group.leave() }
                do {
                    let c = try t.connect(t.pick(i))
                    defer { c.close() }
                    for _ in 0..<250 {
                        let start = Date()
                        let r = try c.run("printf e >&2; printf o")
                        let took = Date().timeIntervalSince(start)
                        lock.lock(); slowest = max(slowest, took); lock.unlock()
                        if r.stdoutText != "o" || r.stderrText != "e" { throw TransportError.unreachable(host: "", message: "wrong output") }
                    }
                } catch {
                    lock.lock(); failures.append("\(error)"); lock.unlock()
                }
            }
        }
        group.wait()
        XCTAssertEqual(failures, [])
        XCTAssertLessThan(slowest, 0.5, "a command waited for the read timeout")
    }

    func testEnvironmentAndStdin() throws {
        let t = try TestHosts.load()
        let c = try t.connect()
        defer { c.close() }
        let env = ["GREETING": "it's \"quoted\" $HOME `x`", "LANG": "en_US.UTF-8"]
        let r = try c.run("printf '%s|%s' \"$GREETING\" \"$LANG\"", stdin: nil, become: nil, environment: env)
        XCTAssertEqual(r.stdoutText, "it's \"quoted\" $HOME `x`|en_US.UTF-8")
        XCTAssertEqual(try c.run("printf %s \"$GREETING\"").stdoutText, "", "environment must not leak to the next command")
        let bad = try c.run("true", stdin: nil, become: nil, environment: ["BAD-NAME": "x"])
        XCTAssertNotEqual(bad.exitCode, 0)
        let stdin = Data("line1\nline2\n".utf8)
        XCTAssertEqual(try c.run("wc -l", stdin: stdin).stdoutText.trimmingCharacters(in: .whitespacesAndNewlines), "2")
        // Unread stdin must not reach the session shell as commands.
        let evil = Data(String(repeating: "echo INJECTED\n", count: 20_000).utf8)
        XCTAssertEqual(try c.run("head -n 1", stdin: evil).stdoutText, "echo INJECTED\n")
        XCTAssertEqual(try c.run("true", stdin: evil).stdoutText, "")
        XCTAssertEqual(try c.run("echo next").stdoutText, "next\n")
    }

    func testBinaryPutAndGetRoundTrip() throws {
        let t = try TestHosts.load()
        let c = try t.connect()
        defer { c.close() }
        let all = Data((0...255).map { UInt8($0) } + (0...255).reversed().map { UInt8($0) })
        try c.put(all, to: "/tmp/all-bytes", mode: "0640", become: nil)
        XCTAssertEqual(try c.get("/tmp/all-bytes", become: nil), all)
        XCTAssertEqual(try c.run("stat -c %a:%s /tmp/all-bytes").stdoutText, "640:512\n")

        let big = try randomData(5 << 20)
        _ = try c.run("rm -f /tmp/big.bin")
        try c.put(big, to: "/tmp/big.bin", mode: nil, become: nil)
        XCTAssertEqual(try c.get("/tmp/big.bin", become: nil), big)
        XCTAssertEqual(try c.run("stat -c %a /tmp/big.bin").stdoutText, "644\n")
        // Existing files keep their mode when none is given; no temporary file is left behind.
        _ = try c.run("chmod 0600 /tmp/big.bin")
        try c.put(Data("small".utf8), to: "/tmp/big.bin", mode: nil, become: nil)
        XCTAssertEqual(try c.run("stat -c %a /tmp/big.bin; cat /tmp/big.bin; ls -a /tmp | grep -c swiftplay-tmp").stdoutText, "600\nsmall0\n")

        XCTAssertThrowsError(try c.get("/nonexistent/file", become: nil)) { e in
            guard case TransportError.transferFailed(_, _, let m) = e else { return XCTFail("\(e)") }
            XCTAssertTrue(m.contains("No such file"), m)
        }
        XCTAssertThrowsError(try c.put(all, to: "/nonexistent/dir/f", mode: nil, become: nil))
        XCTAssertThrowsError(try c.put(all, to: "/tmp/x", mode: "u+x; rm -rf /", become: nil))
    }

    func testLargeStdinAndOutput() throws {
        let t = try TestHosts.load()
        let c = try t.connect()
        defer { c.close() }
        let big = try randomData(10 << 20)
        let start = Date()
        let r = try c.run("cat", stdin: big)
        XCTAssertEqual(r.exitCode, 0)
        XCTAssertEqual(r.stdout.count, big.count)
        XCTAssertTrue(r.stdout == big, "10 MB through stdin and back differ")
        // Output larger than the SSH window on both streams at once.
        let both = try c.run("head -c 10485760 /dev/zero; head -c 3000000 /dev/zero | tr '\\0' e >&2")
        XCTAssertEqual(both.stdout.count, 10 << 20)
        XCTAssertEqual(both.stderr.count, 3_000_000)
        print("10 MB stdin+stdout round trip and 13 MB output: \(String(format: "%.2f", Date().timeIntervalSince(start))) s")
    }
}
