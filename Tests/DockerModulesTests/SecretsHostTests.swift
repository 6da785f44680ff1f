import Foundation
import Jinja
import OrderedCollections
import XCTest
@testable import Modules
@testable import Transport

/// Records every command line a module sends, so tests can prove secrets only travel on stdin or
/// through `put`.
final class RecordingConnection: Connection {
    let inner: Connection
    var commands: [String] = []
    init(_ inner: Connection) { self.inner = inner }
    var host: String { inner.host }
    func run(_ command: String, stdin: Data?, become: Become?, environment: [String: String], textOutput: Bool) throws -> CommandResult {
        commands.append(command)
        return try inner.run(command, stdin: stdin, become: become, environment: environment, textOutput: textOutput)
    }
    func put(_ data: Data, to path: String, mode: String?, become: Become?) throws {
        commands.append("<put \(path)>")
        try inner.put(data, to: path, mode: mode, become: become)
    }
    func get(_ path: String, become: Become?) throws -> Data { try inner.get(path, become: become) }
    func close() { inner.close() }
}

final class SecretsHostTests: XCTestCase {
    func testSecretsNeverOnCommandLinesOrInResults() throws {
        let ssh = try DMHosts.connect(0)
        defer { ssh.close() }
        let rec = RecordingConnection(ssh)
        let r = Runner(connection: rec)
        try HostDocker.ensure(r)
        let dir = "/tmp/dm-secrets"
        try r.sh("rm -rf \(dir) && mkdir -p \(dir)")
        rec.commands.removeAll()

        let password = "Pa55-w0rd-n0t-0n-argv"
        var results: [ModuleResult] = []
        results.append(try r.run(HtpasswdModule.self, ["path": "\(dir)/htpasswd", "name": "alice", "password": .string(password)]))
        results.append(try r.run(HtpasswdModule.self, ["path": "\(dir)/htpasswd", "name": "alice", "password": .string(password)], diff: true))
        results.append(try r.run(HtpasswdModule.self, ["path": "\(dir)/htpasswd", "name": "alice", "password": "other"], diff: true))
        let login = try r.run(DockerLoginModule.self, ["registry_url": "127.0.0.1:1", "username": "alice", "password": .string(password),
                                                       "config_path": "\(dir)/config.json"], expectFailure: true)
        XCTAssertTrue(login.failed, "nothing listens on 127.0.0.1:1")
        results.append(login)
        let key = try r.run(OpenSSLPrivateKeyModule.self, ["path": "\(dir)/k.pem", "type": "ECC", "curve": "secp384r1"])
        results.append(key)
        let keyText = try r.sh("cat \(dir)/k.pem")
        let keyBody = keyText.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
        XCTAssertFalse(keyBody.isEmpty)
        results.append(try r.run(OpenSSLCSRModule.self, ["path": "\(dir)/k.csr", "privatekey_path": "\(dir)/k.pem", "common_name": "x"]))

        for c in rec.commands {
            XCTAssertFalse(c.contains(password), "password on a command line: \(c)")
            XCTAssertFalse(c.contains(String(keyBody.prefix(40))), "private key on a command line")
        }
        for res in results {
            let text = res.values.map { "\($0.key)=\($0.value.pythonRepr)" }.joined(separator: " ")
            XCTAssertFalse(text.contains(password), "password in a result: \(text)")
            XCTAssertFalse(text.contains(String(keyBody.prefix(40))), "private key in a result")
        }
        // return_content is the one way to get the key back, as in community.crypto.
        let again = try r.run(OpenSSLPrivateKeyModule.self, ["path": "\(dir)/k.pem", "type": "ECC", "curve": "secp384r1", "return_content": true])
        XCTAssertFalse(again.changed)
        XCTAssertEqual(again["privatekey"]?.pythonStr.trimmingCharacters(in: .whitespacesAndNewlines), keyText.trimmingCharacters(in: .whitespacesAndNewlines))
        try r.sh("rm -rf \(dir)")
    }
}
