import Foundation
import XCTest
@testable import Transport

/// The real test hosts: SWIFTPLAY_TEST_HOSTS names the inventory written by Tests/hosts/start.sh.
/// Without it, the host tests skip.
struct TestHost {
    var name: String
    var address: String
    var port: Int
    var user: String
    var keyFile: String
}

struct TestHosts {
    var hosts: [TestHost]
    var knownHosts: String
    var testerPassword: String
    var keyFile: String { hosts[0].keyFile }

    /// The test hosts, skipping the test when there are fewer than `minimum`.
    static func load(minimum: Int = 1) throws -> TestHosts {
        guard let path = ProcessInfo.processInfo.environment["SWIFTPLAY_TEST_HOSTS"], !path.isEmpty else {
            throw XCTSkip("SWIFTPLAY_TEST_HOSTS is not set: run Tests/hosts/start.sh N and export SWIFTPLAY_TEST_HOSTS=<inventory it prints>")
        }
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var hosts: [TestHost] = []
        var vars: [String: String] = [:]
        for raw in text.split(separator: "\n") {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix("[") { continue }
            let fields = line.split(separator: " ").map(String.init)
            var kv: [String: String] = [:]
            for f in fields.dropFirst() {
                if let eq = f.firstIndex(of: "=") { kv[String(f[..<eq])] = String(f[f.index(after: eq)...]) }
            }
            if let eq = fields[0].firstIndex(of: "="), fields.count == 1 {
                vars[String(fields[0][..<eq])] = String(fields[0][fields[0].index(after: eq)...])
                continue
            }
            hosts.append(TestHost(name: fields[0], address: kv["ansible_host"] ?? fields[0],
                                  port: Int(kv["ansible_port"] ?? "22") ?? 22, user: kv["ansible_user"] ?? "root",
                                  keyFile: kv["ansible_ssh_private_key_file"] ?? ""))
        }
        guard !hosts.isEmpty, let kh = vars["swiftplay_known_hosts_file"], let pwFile = vars["swiftplay_tester_password_file"] else {
            throw XCTSkip("\(path) has no test hosts or lacks swiftplay_known_hosts_file / swiftplay_tester_password_file")
        }
        if hosts.count < minimum {
            throw XCTSkip("needs \(minimum) test hosts, \(path) has \(hosts.count): Tests/hosts/start.sh \(minimum)")
        }
        let pw = try String(contentsOfFile: pwFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        return TestHosts(hosts: hosts, knownHosts: kh, testerPassword: pw)
    }

    /// Host index `i`, or the last host when there are fewer (tests spread over hosts when they can).
    func pick(_ i: Int) -> Int { min(i, hosts.count - 1) }

    /// Key-authenticated options for host `i` as `user`; no agent, no ssh config, so tests are hermetic.
    func options(_ i: Int = 0, user: String? = nil) -> SSHOptions {
        let h = hosts[i]
        return SSHOptions(host: h.address, port: h.port, user: user ?? h.user, privateKeyFiles: [h.keyFile],
                          useAgent: false, connectTimeout: 5, knownHostsFile: knownHosts,
                          sshConfigFile: "/nonexistent")
    }

    func connect(_ i: Int = 0, user: String? = nil) throws -> SSHConnection {
        try SSHConnection(host: hosts[i].name, options: options(i, user: user))
    }
}

/// Runs a local program and returns its stdout; fails the test on a non-zero exit.
@discardableResult
func sh(_ command: String, file: StaticString = #filePath, line: UInt = #line) throws -> String {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/bin/sh")
    p.arguments = ["-c", command]
    let out = Pipe()
    p.standardOutput = out
    try p.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    if p.terminationStatus != 0 {
        XCTFail("local command failed (\(p.terminationStatus)): \(command)", file: file, line: line)
    }
    return String(decoding: data, as: UTF8.self)
}

func tempDir() throws -> String {
    let dir = NSTemporaryDirectory() + "swiftplay-test-" + UUID().uuidString.prefix(8)
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
}

/// Random bytes from the kernel (fast even for megabytes in a debug build).
func randomData(_ count: Int) throws -> Data {
    guard let f = FileHandle(forReadingAtPath: "/dev/urandom") else { throw XCTSkip("no /dev/urandom") }
    defer { try? f.close() }
    return f.readData(ofLength: count)
}
