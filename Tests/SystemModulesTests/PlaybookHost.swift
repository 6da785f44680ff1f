import Foundation
import XCTest
@testable import Transport

/// Runs the real `swiftplay` binary with playbooks against one real test host (SWIFTPLAY_TEST_HOSTS),
/// and reads the host's state through a separate SSH connection.
final class PlaybookHost {
    let host: SysTestHost
    /// Controller directory holding the playbooks, inventory, files/ and templates/.
    let dir: String
    /// A separate connection for setup and for reading the host's real state.
    let ssh: SSHConnection

    init(index: Int = 0) throws {
        let (hosts, knownHosts) = try SysHosts.load()
        host = hosts[min(index, hosts.count - 1)]
        dir = NSTemporaryDirectory() + "swiftplay-hostplay-" + UUID().uuidString.prefix(8)
        for sub in ["files", "templates"] {
            try FileManager.default.createDirectory(atPath: dir + "/" + sub, withIntermediateDirectories: true)
        }
        let opts = SSHOptions(host: host.address, port: host.port, user: host.user, privateKeyFiles: [host.keyFile],
                              useAgent: false, connectTimeout: 10, knownHostsFile: knownHosts, sshConfigFile: "/nonexistent")
        ssh = try SSHConnection(host: host.name, options: opts)
        try write("inventory.ini", """
            \(host.name) ansible_host=\(host.address) ansible_port=\(host.port) ansible_user=\(host.user) \
            ansible_ssh_private_key_file=\(host.keyFile) ansible_ssh_common_args='-o UserKnownHostsFile=\(knownHosts)'

            """)
    }

    deinit {
        ssh.close()
        try? FileManager.default.removeItem(atPath: dir)
    }

    /// Writes a controller file relative to `dir`.
    func write(_ name: String, _ text: String) throws {
        let path = dir + "/" + name
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }

    /// A shell command on the host that must succeed (setup and reading state); returns stdout.
    @discardableResult
    func sh(_ command: String, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let r = try ssh.run(command, stdin: nil, become: nil, environment: [:])
        XCTAssertEqual(r.exitCode, 0, "`\(command)` failed: \(r.stderrText)", file: file, line: line)
        return r.stdoutText
    }

    /// Everything about a directory tree that a module could change: type, mode, owner, size, link
    /// target of every entry, mtime of files (a directory's changes with temporary files a module
    /// makes and removes) and content checksums (not of empty files: reading would update their atime).
    func snapshot(_ path: String) throws -> String {
        try sh("""
            cd \(shellQuote(path)) && find . -printf '%p %y %m %u:%g %s %l\\n' | sort && find . ! -type d -printf '%p %T@\\n' | sort \\
              && find . -type f -size +0 -exec sha1sum {} + | sort
            """)
    }

    struct Run {
        var status: Int32
        var output: String
        /// Each task's banner name with the text printed under it (first occurrence of a name).
        var tasks: [String: String] {
            var out: [String: String] = [:]
            for chunk in output.components(separatedBy: "\nTASK [").dropFirst() {
                guard let end = chunk.range(of: "] ") else { continue }
                let name = String(chunk[..<end.lowerBound])
                if out[name] == nil { out[name] = chunk }
            }
            return out
        }
        /// "changed", "ok", "failed", "skipped" as shown for the host under a task.
        func status(_ task: String, _ host: String) -> String? {
            guard let text = tasks[task] else { return nil }
            for s in ["changed", "ok", "skipping", "fatal"] where text.contains("\n\(s): [\(host)]") {
                return ["skipping": "skipped", "fatal": "failed"][s] ?? s
            }
            return nil
        }
        /// The task's results from `--output json`: task name -> this host's result.
        func json(_ host: String) -> [String: [String: Any]] {
            guard let start = output.firstIndex(of: "{"),
                  let doc = try? JSONSerialization.jsonObject(with: Data(output[start...].utf8)) as? [String: Any],
                  let plays = doc["plays"] as? [[String: Any]] else { return [:] }
            var out: [String: [String: Any]] = [:]
            for play in plays {
                for task in play["tasks"] as? [[String: Any]] ?? [] {
                    guard let name = (task["task"] as? [String: Any])?["name"] as? String,
                          let r = (task["hosts"] as? [String: Any])?[host] as? [String: Any] else { continue }
                    out[name] = r
                }
            }
            return out
        }
    }

    /// Runs `swiftplay -i inventory.ini PLAYBOOK ARGS` in `dir`; stdout and stderr together.
    func play(_ playbook: String, _ args: [String] = []) throws -> Run {
        let p = Process()
        p.executableURL = Bundle.main.bundleURL.appendingPathComponent("swiftplay")
        p.arguments = ["-i", "inventory.ini", playbook] + args
        p.currentDirectoryURL = URL(fileURLWithPath: dir)
        var env = ProcessInfo.processInfo.environment
        env["NO_COLOR"] = "1"
        p.environment = env
        let out = Pipe()
        p.standardOutput = out
        p.standardError = out
        p.standardInput = FileHandle.nullDevice
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Run(status: p.terminationStatus, output: String(decoding: data, as: UTF8.self))
    }
}
