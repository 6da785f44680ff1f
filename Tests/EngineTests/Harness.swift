import Foundation
import XCTest

/// Runs the real `swiftplay` binary on playbooks written into a fresh directory.
struct Run {
    var status: Int32
    var stdout: String
    var stderr: String
    var output: String { stdout + stderr }

    /// The PLAY RECAP counters of a host.
    func recap(_ host: String) -> [String: Int] {
        guard let line = stdout.split(separator: "\n").last(where: { $0.hasPrefix(host + " ") && $0.contains(" : ok=") }) else { return [:] }
        var out: [String: Int] = [:]
        for part in line.split(separator: " ") where part.contains("=") {
            let kv = part.split(separator: "=")
            if kv.count == 2, let n = Int(kv[1]) { out[String(kv[0])] = n }
        }
        return out
    }
}

final class Workspace {
    let dir: URL

    init() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("swiftplay-engine-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: dir) }

    var path: String { dir.path }

    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        let url = dir.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    func read(_ name: String) -> String? {
        try? String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8)
    }

    static var binary: URL {
        #if os(Linux)
        let products = Bundle.main.bundleURL
        #else
        let products = Bundle.allBundles.first { $0.bundlePath.hasSuffix(".xctest") }!.bundleURL.deletingLastPathComponent()
        #endif
        return products.appendingPathComponent("swiftplay")
    }

    /// Runs `swiftplay ARGS` in the workspace; the default inventory is the implicit localhost.
    /// It runs without a controlling terminal (setsid), so nothing asks questions (--step,
    /// vars_prompt) even when the tests run from one.
    func swiftplay(_ args: [String], environment: [String: String] = [:], timeout: TimeInterval = 120) throws -> Run {
        let p = Process()
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/setsid") {
            p.executableURL = URL(fileURLWithPath: "/usr/bin/setsid")
            p.arguments = ["-w", Workspace.binary.path] + args
        } else {
            p.executableURL = Workspace.binary
            p.arguments = args
        }
        p.currentDirectoryURL = dir
        var env = ProcessInfo.processInfo.environment
        env["NO_COLOR"] = "1"
        for (k, v) in environment { env[k] = v }
        p.environment = env
        let (outData, errData) = try Workspace.capture(p)
        return Run(status: p.terminationStatus, stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self))
    }

    /// Runs `p` with stdin /dev/null until it exits; its stdout and stderr (read concurrently, so
    /// neither pipe can fill up and block it).
    static func capture(_ p: Process) throws -> (stdout: Data, stderr: Data) {
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        try p.run()
        var errData = Data()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async { errData = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        p.waitUntilExit()
        return (outData, errData)
    }

    /// Writes `playbook` as play.yml and runs it against localhost with a local connection.
    func play(_ playbook: String, _ extra: [String] = [], environment: [String: String] = [:]) throws -> Run {
        try write("play.yml", playbook)
        return try swiftplay(["-i", "localhost,", "-c", "local", "play.yml"] + extra, environment: environment)
    }
}

/// A run of the binary on a real pseudo-terminal (Python's pty module makes it the controlling
/// terminal), answering prompts: each (prompt, answer) is sent once the output ends with the prompt.
struct TerminalRun {
    var status: Int32
    /// Everything the terminal showed (the program's output and the echo of what was typed), \r removed.
    var transcript: String
    /// Prompts that were never shown, so never answered.
    var unanswered: Int
}

extension Workspace {
    private static let ptyDriver = """
    import json, os, pty, select, sys, time
    spec = json.loads(os.environ["PTY_SPEC"])
    pid, fd = pty.fork()
    if pid == 0:
        os.chdir(spec["cwd"])
        os.execve(spec["argv"][0], spec["argv"], spec["env"])
    buf, answers = b"", spec["answers"]
    deadline = time.time() + spec["timeout"]
    while time.time() < deadline:
        r, _, _ = select.select([fd], [], [], 0.2)
        if r:
            try:
                data = os.read(fd, 65536)
            except OSError:
                break
            if not data:
                break
            buf += data
        if answers and buf.endswith(answers[0][0].encode()):
            buf += b"\\x00"  # marks the answered prompt so it is not matched twice
            os.write(fd, answers.pop(0)[1].encode())
    else:
        os.kill(pid, 9)
    _, status = os.waitpid(pid, 0)
    sys.stdout.buffer.write(buf.replace(b"\\x00", b""))
    sys.stderr.write(str(len(answers)))
    sys.exit(os.waitstatus_to_exitcode(status) & 255)
    """

    /// Runs `swiftplay ARGS` in the workspace on a pseudo-terminal, answering `answers` in order.
    func swiftplayOnTerminal(_ args: [String], answers: [(String, String)], environment: [String: String] = [:],
                             timeout: TimeInterval = 120) throws -> TerminalRun {
        var env = ProcessInfo.processInfo.environment
        env["NO_COLOR"] = "1"
        for (k, v) in environment { env[k] = v }
        let spec: [String: Any] = ["cwd": path, "argv": [Workspace.binary.path] + args, "env": env,
                                   "answers": answers.map { [$0.0, $0.1] }, "timeout": timeout]
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", Workspace.ptyDriver]
        var driverEnv = ProcessInfo.processInfo.environment
        driverEnv["PTY_SPEC"] = String(decoding: try JSONSerialization.data(withJSONObject: spec), as: UTF8.self)
        p.environment = driverEnv
        let (outData, errData) = try Workspace.capture(p)
        let transcript = String(decoding: outData, as: UTF8.self).replacingOccurrences(of: "\r", with: "")
        let errText = String(decoding: errData, as: UTF8.self)
        guard let unanswered = Int(errText.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw XCTSkip("the pseudo-terminal driver (python3 pty) did not run: \(errText)")
        }
        return TerminalRun(status: p.terminationStatus, transcript: transcript, unanswered: unanswered)
    }

    /// Runs `swiftplay ARGS` without a controlling terminal, stdin /dev/null (what `swiftplay` does).
    func swiftplayWithoutTerminal(_ args: [String]) throws -> Run {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/setsid") else { throw XCTSkip("no /usr/bin/setsid") }
        return try swiftplay(args)
    }
}

/// An SSH test host started by Tests/hosts/start.sh (SWIFTPLAY_TEST_HOSTS names its inventory):
/// address, port, the root key, and the password of its test users.
struct TestHost {
    var address: String
    var port: String
    var key: String
    var password: String

    /// Writes an inventory (inv.ini) with this host as `target`, logging in as `user` (with the key only when `withKey`).
    func writeInventory(to ws: Workspace, user: String = "root", withKey: Bool = true, file: String = "inv.ini") throws {
        let key = withKey ? " ansible_ssh_private_key_file=\(key)" : ""
        try ws.write(file, "target ansible_host=\(address) ansible_port=\(port) ansible_user=\(user) ansible_host_key_checking=false\(key)\n")
    }

    /// Writes `playbook` as `file` and runs it over SSH on this host (as `target` of inv.ini), not on the
    /// local connection `Workspace.play` uses.
    func play(_ playbook: String, in ws: Workspace, file: String = "play.yml", _ extra: [String] = []) throws -> Run {
        try writeInventory(to: ws)
        try ws.write(file, playbook)
        return try ws.swiftplay(["-i", "inv.ini", file] + extra)
    }

    /// The first test host of SWIFTPLAY_TEST_HOSTS, or a skip.
    static func first() throws -> TestHost {
        guard let path = ProcessInfo.processInfo.environment["SWIFTPLAY_TEST_HOSTS"], !path.isEmpty else {
            throw XCTSkip("SWIFTPLAY_TEST_HOSTS is not set: run Tests/hosts/start.sh N and export SWIFTPLAY_TEST_HOSTS=<inventory>")
        }
        let text = try String(contentsOfFile: path, encoding: .utf8)
        func field(_ name: String, in line: Substring) -> String? {
            line.split(separator: " ").first { $0.hasPrefix(name + "=") }.map { String($0.dropFirst(name.count + 1)) }
        }
        let lines = text.split(separator: "\n")
        guard let line = lines.first(where: { $0.contains("ansible_port=") }),
              let address = field("ansible_host", in: line), let port = field("ansible_port", in: line),
              let key = field("ansible_ssh_private_key_file", in: line),
              let pwFile = lines.compactMap({ field("swiftplay_tester_password_file", in: $0) }).first else {
            throw XCTSkip("\(path) has no usable test host")
        }
        let pw = try String(contentsOfFile: pwFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        return TestHost(address: address, port: port, key: key, password: pw)
    }
}
