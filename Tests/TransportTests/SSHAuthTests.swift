import Foundation
import XCTest
@testable import Transport

/// Authentication methods, ssh config and host key checking against real sshd.
final class SSHAuthTests: XCTestCase {
    func testPasswordAuth() throws {
        let t = try TestHosts.load()
        var o = t.options(0, user: "tester")
        o.privateKeyFiles = []
        o.password = t.testerPassword
        let c = try SSHConnection(host: "pw", options: o)
        XCTAssertEqual(try c.run("id -un").stdoutText, "tester\n")
        c.close()

        o.password = "wrong-" + t.testerPassword
        XCTAssertThrowsError(try SSHConnection(host: "pw", options: o)) { e in
            guard case TransportError.unreachable(_, let m) = e else { return XCTFail("\(e)") }
            XCTAssertTrue(m.contains("authentication failed"), m)
            XCTAssertFalse(m.contains(o.password!), "password leaked into: \(m)")
        }
    }

    func testAgentAuth() throws {
        let t = try TestHosts.load()
        let dir = try tempDir()
        let sock = dir + "/agent.sock"
        // ssh-agent in the foreground (-D) as our child, so we can stop it by pid.
        let agent = Process()
        agent.executableURL = URL(fileURLWithPath: "/usr/bin/ssh-agent")
        agent.arguments = ["-D", "-a", sock]
        agent.standardOutput = FileHandle.nullDevice
        try agent.run()
        defer { agent.terminate(); agent.waitUntilExit(); try? FileManager.default.removeItem(atPath: dir) }
        for _ in 0..<50 where !FileManager.default.fileExists(atPath: sock) { Thread.sleep(forTimeInterval: 0.05) }
        var o = t.options(1)
        o.privateKeyFiles = []
        o.useAgent = true
        o.agentSocket = sock
        // Empty agent: no way in.
        XCTAssertThrowsError(try SSHConnection(host: "agent", options: o))
        try sh("SSH_AUTH_SOCK=\(sock) ssh-add -q \(t.keyFile) 2>&1")
        let c = try SSHConnection(host: "agent", options: o)
        XCTAssertEqual(try c.run("hostname").stdoutText, t.hosts[1].name + "\n")
        c.close()
        // The agent is ignored when disabled.
        o.useAgent = false
        XCTAssertThrowsError(try SSHConnection(host: "agent", options: o))
    }

    func testSSHConfigAlias() throws {
        let t = try TestHosts.load()
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let config = dir + "/config"
        try """
        Host other
            Port 1
        Host sp-alias
            HostName \(t.hosts[0].address)
            Port \(t.hosts[0].port)
            User nopass
            IdentityFile \(t.keyFile)
        """.write(toFile: config, atomically: true, encoding: .utf8)
        let o = SSHOptions(host: "sp-alias", useAgent: false, connectTimeout: 5,
                           knownHostsFile: t.knownHosts, sshConfigFile: config)
        let c = try SSHConnection(host: "alias", options: o)
        XCTAssertEqual(c.endpoint, "nopass@\(t.hosts[0].address):\(t.hosts[0].port)")
        XCTAssertEqual(try c.run("id -un; hostname").stdoutText, "nopass\n\(t.hosts[0].name)\n")
        c.close()
        // Explicit options win over the config file.
        var o2 = o
        o2.user = "tester"
        o2.privateKeyFiles = [t.keyFile]
        let c2 = try SSHConnection(host: "alias", options: o2)
        XCTAssertEqual(try c2.run("id -un").stdoutText, "tester\n")
    }

    func testKnownHosts() throws {
        let t = try TestHosts.load()
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let h = t.hosts[0]
        var o = t.options(0)

        // Unknown host: refused, with the reason.
        o.knownHostsFile = dir + "/empty"
        FileManager.default.createFile(atPath: dir + "/empty", contents: Data())
        XCTAssertThrowsError(try SSHConnection(host: h.name, options: o)) { e in
            guard case TransportError.unreachable(_, let m) = e else { return XCTFail("\(e)") }
            XCTAssertTrue(m.contains("UNKNOWN"), m)
        }
        // Checking off: accepted.
        o.hostKeyChecking = false
        XCTAssertEqual(try SSHConnection(host: h.name, options: o).run("true").exitCode, 0)

        // Hashed entries (ssh-keygen -H) are matched.
        try sh("cp \(t.knownHosts) \(dir)/hashed && ssh-keygen -q -H -f \(dir)/hashed 2>/dev/null && rm -f \(dir)/hashed.old")
        XCTAssertFalse(try String(contentsOfFile: dir + "/hashed", encoding: .utf8).contains("127.0.0.1"))
        o.hostKeyChecking = true
        o.knownHostsFile = dir + "/hashed"
        XCTAssertEqual(try SSHConnection(host: h.name, options: o).run("true").exitCode, 0)

        // Changed key: same [host]:port with another key of the same type.
        try sh("ssh-keygen -q -t ed25519 -N '' -f \(dir)/other")
        let otherKey = try String(contentsOfFile: dir + "/other.pub", encoding: .utf8).split(separator: " ").prefix(2).joined(separator: " ")
        try "[\(h.address)]:\(h.port) \(otherKey)\n".write(toFile: dir + "/changed", atomically: true, encoding: .utf8)
        o.knownHostsFile = dir + "/changed"
        XCTAssertThrowsError(try SSHConnection(host: h.name, options: o)) { e in
            guard case TransportError.unreachable(_, let m) = e else { return XCTFail("\(e)") }
            XCTAssertTrue(m.contains("CHANGED"), m)
        }
        // accept-new adds unknown hosts but never replaces a changed key.
        o.acceptNewHostKeys = true
        XCTAssertThrowsError(try SSHConnection(host: h.name, options: o))
        o.knownHostsFile = dir + "/new"
        XCTAssertEqual(try SSHConnection(host: h.name, options: o).run("true").exitCode, 0)
        XCTAssertTrue(try String(contentsOfFile: dir + "/new", encoding: .utf8).contains("[\(h.address)]:\(h.port)"))
        o.acceptNewHostKeys = false
        XCTAssertEqual(try SSHConnection(host: h.name, options: o).run("true").exitCode, 0)
    }

    func testUnreachablePort() throws {
        let t = try TestHosts.load()
        var o = t.options(0)
        o.port = 1
        XCTAssertThrowsError(try SSHConnection(host: "closed", options: o)) { e in
            guard case TransportError.unreachable(let host, let m) = e else { return XCTFail("\(e)") }
            XCTAssertEqual(host, "closed")
            XCTAssertTrue(m.contains("127.0.0.1:1") || m.contains(":1"), m)
        }
    }
}
