import Foundation
import Jinja
import OrderedCollections
import XCTest
@testable import Modules
@testable import Transport

/// The real test hosts named by SWIFTPLAY_TEST_HOSTS (the inventory Tests/hosts/start.sh writes);
/// tests that need them skip without it.
struct DMHost {
    var name: String
    var port: Int
    var user: String
    var keyFile: String
}

enum DMHosts {
    static func load() throws -> (hosts: [DMHost], knownHosts: String) {
        guard let path = ProcessInfo.processInfo.environment["SWIFTPLAY_TEST_HOSTS"], !path.isEmpty else {
            throw XCTSkip("SWIFTPLAY_TEST_HOSTS is not set: run Tests/hosts/start.sh N PREFIX and export SWIFTPLAY_TEST_HOSTS=<inventory>")
        }
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var hosts: [DMHost] = []
        var knownHosts = ""
        for raw in text.split(separator: "\n") {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix("[") { continue }
            if line.hasPrefix("swiftplay_known_hosts_file=") { knownHosts = String(line.dropFirst("swiftplay_known_hosts_file=".count)); continue }
            let fields = line.split(separator: " ").map(String.init)
            if fields.count < 2 { continue }
            var kv: [String: String] = [:]
            for f in fields.dropFirst() {
                if let eq = f.firstIndex(of: "=") { kv[String(f[..<eq])] = String(f[f.index(after: eq)...]) }
            }
            hosts.append(DMHost(name: fields[0], port: Int(kv["ansible_port"] ?? "22") ?? 22, user: kv["ansible_user"] ?? "root",
                                keyFile: kv["ansible_ssh_private_key_file"] ?? ""))
        }
        guard !hosts.isEmpty, !knownHosts.isEmpty else { throw XCTSkip("\(path) lists no hosts") }
        return (hosts, knownHosts)
    }

    static func connect(_ i: Int = 0) throws -> SSHConnection {
        let (hosts, kh) = try load()
        guard i < hosts.count else { throw XCTSkip("needs \(i + 1) test hosts") }
        let h = hosts[i]
        let options = SSHOptions(host: "127.0.0.1", port: h.port, user: h.user, privateKeyFiles: [h.keyFile], useAgent: false,
                                 connectTimeout: 5, knownHostsFile: kh, sshConfigFile: "/nonexistent")
        return try SSHConnection(host: h.name, options: options)
    }
}

final class NoVariables: VariableSource {
    func lookup(_ name: String) throws -> Value? { nil }
}

/// Runs modules the way the executor does: validate the arguments with the spec, run, turn a
/// ModuleError into a failed result.
struct Runner {
    let connection: Connection
    var searchPaths: [String] = []

    func context(check: Bool, diff: Bool) -> ModuleContext {
        ModuleContext(connection: connection, host: connection.host, checkMode: check, diffMode: diff, become: nil,
                      variables: NoVariables(), searchPaths: searchPaths,
                      renderTemplate: { s, _ in s }, evaluate: { _ in .none })
    }

    @discardableResult
    func run(_ module: Module.Type, _ args: OrderedDictionary<String, Value>, check: Bool = false, diff: Bool = false,
             file: StaticString = #filePath, line: UInt = #line, expectFailure: Bool = false) throws -> ModuleResult {
        let result: ModuleResult
        do {
            let validated = try module.spec.validate(args, module: module.name)
            result = try module.run(validated, context(check: check, diff: diff))
        } catch let e as ModuleError {
            result = .failed(e.message, e.values)
        }
        if !expectFailure && result.failed {
            XCTFail("\(module.name) failed: \(result["msg"]?.pythonStr ?? "")", file: file, line: line)
        }
        return result
    }

    /// A shell command on the host that must succeed; returns stdout.
    @discardableResult
    func sh(_ command: String, stdin: Data? = nil, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let r = try connection.run(command, stdin: stdin)
        if r.exitCode != 0 {
            XCTFail("`\(command)` exited \(r.exitCode): \(r.stderrText)", file: file, line: line)
        }
        return r.stdoutText
    }

    func exitCode(_ command: String) throws -> Int32 { try connection.run(command, stdin: nil).exitCode }
}

/// Docker engine on the host, installed and started once.
enum HostDocker {
    static func ensure(_ r: Runner) throws {
        let ok = try r.exitCode("docker info >/dev/null 2>&1 && command -v curl >/dev/null && command -v openssl >/dev/null && command -v htpasswd >/dev/null")
        if ok == 0 { return }
        try r.sh("export DEBIAN_FRONTEND=noninteractive; (command -v docker && command -v curl && command -v openssl && command -v htpasswd) >/dev/null || { apt-get update -qq && apt-get install -y -qq docker.io curl openssl apache2-utils >/dev/null; }; systemctl start docker; for i in $(seq 60); do docker info >/dev/null 2>&1 && exit 0; sleep 1; done; exit 1")
    }

    /// The registry:2 tarball from Tests/hosts/registry-image.sh (built once on the controller,
    /// cached where the registry end-to-end scenarios find it too).
    static func registryTarball() throws -> String {
        let env = ProcessInfo.processInfo.environment
        let cache = env["SWIFTPLAY_CACHE"] ?? (env["HOME"] ?? "/root") + "/.cache/swiftplay"
        let tarball = cache + "/rg-registry-2.tar"
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../hosts/registry-image.sh").standardized.path
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/bash")
        p.arguments = [script, tarball]
        try p.run()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw XCTSkip("registry-image.sh failed (apt-get download docker-registry or a local Docker engine missing)") }
        return tarball
    }
}

/// Runs a program on the controller; returns (exit code, stdout).
func controller(_ args: [String], stdin: String? = nil) throws -> (Int32, String) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = args
    let out = Pipe()
    p.standardOutput = out
    p.standardError = Pipe()
    let input = Pipe()
    p.standardInput = input
    try p.run()
    if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
    try input.fileHandleForWriting.close()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: data, as: UTF8.self))
}

// Lets tests write ["path": "\(dir)/ca.key"] for module arguments.
extension Value: ExpressibleByStringInterpolation {}
