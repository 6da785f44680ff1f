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

    func testKeyboardInteractiveAuth() throws {
        let t = try TestHosts.load()
        var o = t.options(0, user: "kbdonly")
        o.privateKeyFiles = []
        o.password = t.testerPassword
        XCTAssertEqual(try SSHConnection(host: "kbd", options: o).run("id -un").stdoutText, "kbdonly\n")
        o.password = "wrong"
        XCTAssertThrowsError(try SSHConnection(host: "kbd", options: o)) { e in
            XCTAssertTrue("\(e)".contains("server accepts: keyboard-interactive"), "\(e)")
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
        var o = t.options(t.pick(1))
        o.privateKeyFiles = []
        o.useAgent = true
        o.agentSocket = sock
        // Empty agent: no way in.
        XCTAssertThrowsError(try SSHConnection(host: "agent", options: o))
        try sh("SSH_AUTH_SOCK=\(sock) ssh-add -q \(t.keyFile) 2>&1")
        let c = try SSHConnection(host: "agent", options: o)
        XCTAssertEqual(try c.run("hostname").stdoutText, t.hosts[t.pick(1)].name + "\n")
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

    func testEncryptedKeyFile() throws {
        let t = try TestHosts.load()
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try sh("ssh-keygen -q -t ed25519 -N 'key pass phrase' -C sp-encrypted -f \(dir)/enc")
        let pub = try String(contentsOfFile: dir + "/enc.pub", encoding: .utf8)
        let admin = try t.connect()
        defer {
            _ = try? admin.run("sed -i '/sp-encrypted/d' /home/tester/.ssh/authorized_keys")
            admin.close()
        }
        XCTAssertEqual(try admin.run("cat >> /home/tester/.ssh/authorized_keys", stdin: Data(pub.utf8)).exitCode, 0)
        var o = t.options(0, user: "tester")
        o.privateKeyFiles = [dir + "/enc"]
        XCTAssertThrowsError(try SSHConnection(host: "enc", options: o)) { e in
            XCTAssertTrue("\(e)".contains("needs a passphrase") || "\(e)".contains("need a passphrase"), "\(e)")
        }
        o.privateKeyPassphrase = "key pass phrase"
        XCTAssertEqual(try SSHConnection(host: "enc", options: o).run("id -un").stdoutText, "tester\n")
    }

    /// Through sp-h1 as a jump host to its own sshd at localhost:22 (no traffic to container addresses).
    func testProxyJump() throws {
        let t = try TestHosts.load()
        let dir = try tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let h = t.hosts[0]
        // known_hosts for the jump host ([127.0.0.1]:port) and the target as the jump host sees it (localhost).
        let known = try String(contentsOfFile: t.knownHosts, encoding: .utf8)
        let local = known.split(separator: "\n").filter { $0.hasPrefix("[\(h.address)]:\(h.port) ") }
            .map { "localhost " + $0.split(separator: " ", maxSplits: 1)[1] }
        try (known + local.joined(separator: "\n") + "\n").write(toFile: dir + "/known", atomically: true, encoding: .utf8)
        var o = SSHOptions(host: "localhost", port: 22, user: "nopass", privateKeyFiles: [t.keyFile], useAgent: false,
                           connectTimeout: 10, knownHostsFile: dir + "/known", sshConfigFile: "/nonexistent",
                           proxyJump: "root@\(h.address):\(h.port)")
        let c = try SSHConnection(host: "jumped", options: o)
        XCTAssertEqual(try c.run("id -un; hostname").stdoutText, "nopass\n\(h.name)\n")
        let from = try c.run("echo $SSH_CONNECTION | cut -d' ' -f1").stdoutText
        XCTAssertTrue(["127.0.0.1\n", "::1\n"].contains(from), "should come in through the jump host's loopback, came from \(from)")
        c.close()
        o.proxyJump = "root@\(h.address):1"
        XCTAssertThrowsError(try SSHConnection(host: "jumped", options: o)) { e in
            guard case TransportError.unreachable = e else { return XCTFail("\(e)") }
        }
    }

    /// A login that works but whose shell refuses to run commands is unreachable, with the reason.
    func testAccountWithoutShell() throws {
        let t = try TestHosts.load()
        let admin = try t.connect()
        defer {
            // -f: sshd may still be tearing down the refused session.
            _ = try? admin.run("userdel -f -r nolog 2>/dev/null")
            admin.close()
        }
        let setup = try admin.run("{ id nolog >/dev/null 2>&1 || useradd -m -s /usr/sbin/nologin nolog; } && install -d -o nolog -m 700 ~nolog/.ssh && install -o nolog -m 600 /root/.ssh/authorized_keys ~nolog/.ssh/")
        XCTAssertEqual(setup.exitCode, 0, setup.stderrText)
        XCTAssertThrowsError(try t.connect(0, user: "nolog")) { e in
            guard case TransportError.unreachable(_, let m) = e else { return XCTFail("\(e)") }
            // The shell's own words when they arrive before libssh sees the channel close (usually).
            XCTAssertTrue(m.contains("not available") || m.contains("closed"), m)
        }
    }

    func testUnreachablePort() throws {
        let t = try TestHosts.load()
        var o = t.options(0)
        o.port = 1
        XCTAssertThrowsError(try SSHConnection(host: "closed", options: o)) { e in
            guard case TransportError.unreachable(let host, let m) = e else { return XCTFail("\(e)") }
            XCTAssertEqual(host, "closed")
            // OpenSSH's wording, which ansible-playbook shows.
            XCTAssertEqual(m, "ssh: connect to host 127.0.0.1 port 1: Connection refused")
            XCTAssertEqual("\(e)", "Failed to connect to the host via ssh: ssh: connect to host 127.0.0.1 port 1: Connection refused")
        }
    }
}
