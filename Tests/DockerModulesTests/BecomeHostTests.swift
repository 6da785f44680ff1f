import Foundation
import Jinja
import OrderedCollections
import XCTest
@testable import Modules
@testable import Transport

/// Modules run as an unprivileged login user with `become` (sudo asking for a password), as
/// playbooks with `become: true` do: every host command and file transfer must go through it.
final class BecomeHostTests: XCTestCase {
    func testModulesWorkThroughSudo() throws {
        let (hosts, kh) = try DMHosts.load()
        let h = hosts[0]
        let pwFile = ((h.keyFile as NSString).deletingLastPathComponent as NSString).appendingPathComponent("tester_password")
        guard let pw = try? String(contentsOfFile: pwFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines) else {
            throw XCTSkip("no tester password at \(pwFile)")
        }
        let ssh = try SSHConnection(host: h.name, options: SSHOptions(host: "127.0.0.1", port: h.port, user: "tester", privateKeyFiles: [h.keyFile],
                                                                     useAgent: false, connectTimeout: 5, knownHostsFile: kh, sshConfigFile: "/nonexistent"))
        defer { ssh.close() }
        let become = Become(method: "sudo", user: "root", password: pw)
        let ctx = { (check: Bool) in
            ModuleContext(connection: ssh, host: h.name, checkMode: check, diffMode: false, become: become, variables: NoVariables(),
                          searchPaths: [], renderTemplate: { s, _ in s }, evaluate: { _ in .none })
        }
        func run(_ m: Module.Type, _ args: OrderedDictionary<String, Value>) throws -> ModuleResult {
            try m.run(try m.spec.validate(args, module: m.name), ctx(false))
        }
        XCTAssertEqual(try ssh.run("id -un", stdin: nil, become: nil, environment: [:]).stdoutText, "tester\n")
        _ = try ssh.run("rm -rf /root/dm-become", stdin: nil, become: become, environment: [:])
        _ = try ssh.run("mkdir -m 0700 /root/dm-become", stdin: nil, become: become, environment: [:])

        XCTAssertTrue(try run(OpenSSLPrivateKeyModule.self, ["path": "/root/dm-become/k.pem", "type": "ECC", "curve": "secp256r1"]).changed)
        XCTAssertFalse(try run(OpenSSLPrivateKeyModule.self, ["path": "/root/dm-become/k.pem", "type": "ECC", "curve": "secp256r1"]).changed)
        XCTAssertTrue(try run(HtpasswdModule.self, ["path": "/root/dm-become/htpasswd", "name": "u", "password": "p", "owner": "tester"]).changed)
        XCTAssertFalse(try run(HtpasswdModule.self, ["path": "/root/dm-become/htpasswd", "name": "u", "password": "p", "owner": "tester"]).changed)
        let stat = try ssh.run("stat -c '%U %a' /root/dm-become/k.pem /root/dm-become/htpasswd", stdin: nil, become: become, environment: [:]).stdoutText
        XCTAssertEqual(stat, "root 600\ntester 644\n")
        // The Docker socket is root's: reachable only through become.
        XCTAssertEqual(try run(DockerContainerInfoModule.self, ["name": "dm-none"])["exists"], false)
        XCTAssertThrowsError(try DockerContainerInfoModule.run(try DockerContainerInfoModule.spec.validate(["name": "dm-none"], module: "x"),
                                                               ModuleContext(connection: ssh, host: h.name, checkMode: false, diffMode: false, become: nil,
                                                                             variables: NoVariables(), searchPaths: [], renderTemplate: { s, _ in s },
                                                                             evaluate: { _ in .none }))) { e in
            XCTAssertTrue("\(e)".contains("Docker daemon"), "\(e)")
        }
        _ = try ssh.run("rm -rf /root/dm-become", stdin: nil, become: become, environment: [:])
    }
}
