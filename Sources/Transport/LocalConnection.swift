import Foundation

/// `ansible_connection=local`: commands run on the controller through /bin/sh.
public final class LocalConnection: Connection {
    public let host: String
    public init(host: String) { self.host = host }

    public func run(_ command: String, stdin: Data?, become: Become?, environment: [String: String]) throws -> CommandResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        var line = command
        if let become, become.user != currentUser() {
            line = "sudo -H -n -u \(shellQuote(become.user)) /bin/sh -c \(shellQuote(command))"
        }
        process.arguments = ["-c", line]
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        // Read both pipes concurrently so a full stderr cannot block a large stdout.
        var errData = Data()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            errData = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        if let stdin { input.fileHandleForWriting.write(stdin) }
        try? input.fileHandleForWriting.close()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return CommandResult(exitCode: process.terminationStatus, stdout: outData, stderr: errData)
    }

    public func put(_ data: Data, to path: String, mode: String?, become: Become?) throws {
        let dir = (path as NSString).deletingLastPathComponent
        let tmp = (dir.isEmpty ? "." : dir) + "/.swiftplay-tmp-\(UUID().uuidString.prefix(8))"
        var script = "umask 077; cat > \(shellQuote(tmp))"
        if let mode { script += " && chmod \(shellQuote(mode)) \(shellQuote(tmp))" }
        script += " && mv -f \(shellQuote(tmp)) \(shellQuote(path)) || { rm -f \(shellQuote(tmp)); exit 1; }"
        let r = try run(script, stdin: data, become: become, environment: [:])
        if r.exitCode != 0 { throw TransportError.transferFailed(host: host, path: path, message: r.stderrText) }
    }

    public func get(_ path: String, become: Become?) throws -> Data {
        let r = try run("cat \(shellQuote(path))", stdin: nil, become: become, environment: [:])
        if r.exitCode != 0 { throw TransportError.transferFailed(host: host, path: path, message: r.stderrText) }
        return r.stdout
    }

    public func close() {}

    private func currentUser() -> String {
        ProcessInfo.processInfo.environment["USER"] ?? (getuid() == 0 ? "root" : "")
    }
}
