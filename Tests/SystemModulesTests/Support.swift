import Foundation
import XCTest
import Jinja
import OrderedCollections
@testable import Modules
@testable import Transport

/// The real test hosts: SWIFTPLAY_TEST_HOSTS names the inventory written by Tests/hosts/start.sh.
struct SysTestHost {
    var name: String
    var address: String
    var port: Int
    var user: String
    var keyFile: String
}

enum SysHosts {
    static func load() throws -> (hosts: [SysTestHost], knownHosts: String) {
        guard let path = ProcessInfo.processInfo.environment["SWIFTPLAY_TEST_HOSTS"], !path.isEmpty else {
            throw XCTSkip("SWIFTPLAY_TEST_HOSTS is not set: run Tests/hosts/start.sh N PREFIX and export SWIFTPLAY_TEST_HOSTS=<the inventory it prints>")
        }
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var hosts: [SysTestHost] = []
        var knownHosts = ""
        for raw in text.split(separator: "\n") {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix("[") { continue }
            let fields = line.split(separator: " ").map(String.init)
            if fields.count == 1, fields[0].hasPrefix("swiftplay_known_hosts_file=") {
                knownHosts = String(fields[0].dropFirst("swiftplay_known_hosts_file=".count))
                continue
            }
            if fields.count == 1 { continue }
            var kv: [String: String] = [:]
            for f in fields.dropFirst() {
                if let eq = f.firstIndex(of: "=") { kv[String(f[..<eq])] = String(f[f.index(after: eq)...]) }
            }
            hosts.append(SysTestHost(name: fields[0], address: kv["ansible_host"] ?? fields[0],
                                     port: Int(kv["ansible_port"] ?? "22") ?? 22, user: kv["ansible_user"] ?? "root",
                                     keyFile: kv["ansible_ssh_private_key_file"] ?? ""))
        }
        guard !hosts.isEmpty, !knownHosts.isEmpty else { throw XCTSkip("\(path) lists no test hosts") }
        return (hosts, knownHosts)
    }

    /// A counting connection to test host `index` (the last host when there are fewer).
    static func connect(_ index: Int = 0) throws -> CountingConnection {
        let (hosts, kh) = try load()
        let h = hosts[min(index, hosts.count - 1)]
        let opts = SSHOptions(host: h.address, port: h.port, user: h.user, privateKeyFiles: [h.keyFile],
                              useAgent: false, connectTimeout: 10, knownHostsFile: kh, sshConfigFile: "/nonexistent")
        return CountingConnection(try SSHConnection(host: h.name, options: opts))
    }
}

/// Wraps a connection and counts the commands sent through it.
final class CountingConnection: Connection {
    let inner: Connection
    var count = 0
    var log: [String] = []
    init(_ inner: Connection) { self.inner = inner }
    var host: String { inner.host }
    func run(_ command: String, stdin: Data?, become: Become?, environment: [String: String], textOutput: Bool) throws -> CommandResult {
        count += 1
        log.append(command)
        return try inner.run(command, stdin: stdin, become: become, environment: environment, textOutput: textOutput)
    }
    func put(_ data: Data, to path: String, mode: String?, become: Become?) throws {
        count += 1
        try inner.put(data, to: path, mode: mode, become: become)
    }
    func get(_ path: String, become: Become?) throws -> Data {
        count += 1
        return try inner.get(path, become: become)
    }
    func close() { inner.close() }
}

/// Runs modules on one host like the executor does: validate, run, turn ModuleError into a failure.
final class SysRunner {
    let conn: CountingConnection
    var vars: [String: Value]
    /// Remote commands used by the last module run.
    private(set) var lastCount = 0

    init(_ conn: CountingConnection, vars: [String: Value] = [:]) {
        self.conn = conn
        self.vars = vars
    }

    @discardableResult
    func run(_ module: Module.Type, _ raw: OrderedDictionary<String, Value>, check: Bool = false, diff: Bool = false) throws -> ModuleResult {
        let context = ModuleContext(connection: conn, host: conn.host, checkMode: check, diffMode: diff, become: nil,
                                    variables: DictVariables(vars), searchPaths: [],
                                    renderTemplate: { s, _ in s }, evaluate: { _ in .none })
        let before = conn.count
        defer { lastCount = conn.count - before }
        do {
            let args = try module.spec.validate(raw, module: module.name)
            return try module.run(args, context)
        } catch let e as ModuleError {
            var r = ModuleResult.failed(e.message)
            for (k, v) in e.values { r[k] = v }
            return r
        }
    }

    /// Runs a module and fails the test if the module failed.
    @discardableResult
    func ok(_ module: Module.Type, _ raw: OrderedDictionary<String, Value>, check: Bool = false, diff: Bool = false,
            file: StaticString = #filePath, line: UInt = #line) throws -> ModuleResult {
        let r = try run(module, raw, check: check, diff: diff)
        XCTAssertFalse(r.failed, "\(module.name) failed: \(r["msg"]?.pythonStr ?? "") \(r.values)", file: file, line: line)
        return r
    }

    /// A shell command on the host (test setup and assertions), not counted against modules.
    @discardableResult
    func sh(_ command: String) throws -> String {
        let r = try conn.inner.run(command, stdin: nil, become: nil, environment: [:])
        return r.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Exit code of a shell command on the host.
    func rc(_ command: String) throws -> Int32 {
        try conn.inner.run(command, stdin: nil, become: nil, environment: [:]).exitCode
    }
}
