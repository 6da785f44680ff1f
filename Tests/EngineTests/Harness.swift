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
    func swiftplay(_ args: [String], environment: [String: String] = [:], timeout: TimeInterval = 120) throws -> Run {
        let p = Process()
        p.executableURL = Workspace.binary
        p.arguments = args
        p.currentDirectoryURL = dir
        var env = ProcessInfo.processInfo.environment
        env["NO_COLOR"] = "1"
        for (k, v) in environment { env[k] = v }
        p.environment = env
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
        return Run(status: p.terminationStatus, stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self))
    }

    /// Writes `playbook` as play.yml and runs it against localhost with a local connection.
    func play(_ playbook: String, _ extra: [String] = [], environment: [String: String] = [:]) throws -> Run {
        try write("play.yml", playbook)
        return try swiftplay(["-i", "localhost,", "-c", "local", "play.yml"] + extra, environment: environment)
    }
}
