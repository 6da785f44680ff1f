import Foundation
import XCTest

/// ansible-vault, the reference implementation, run as a process.
enum Oracle {
    static var ansibleVault: String? {
        let env = ProcessInfo.processInfo.environment
        let cache = env["SWIFTPLAY_CACHE"] ?? (NSHomeDirectory() + "/.cache/swiftplay")
        var candidates = [cache + "/ansible-venv/bin/ansible-vault"]
        candidates += (env["PATH"] ?? "").split(separator: ":").map { "\($0)/ansible-vault" }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Runs ansible-vault with `input` on stdin; skips the test when it is not installed.
    static func run(_ args: [String], input: String = "", in dir: String,
                    environment: [String: String] = [:]) throws -> (status: Int32, stdout: String, stderr: String) {
        guard let tool = ansibleVault else {
            throw XCTSkip("ansible-vault is not installed (looked in ~/.cache/swiftplay/ansible-venv/bin and PATH)")
        }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tool)
        p.arguments = args
        p.currentDirectoryURL = URL(fileURLWithPath: dir)
        p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let stdin = Pipe(), out = Pipe(), err = Pipe()
        p.standardInput = stdin
        p.standardOutput = out
        p.standardError = err
        try p.run()
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        var errData = Data()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async { errData = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
    }
}

/// A scratch directory removed afterwards.
final class Scratch {
    let path: String
    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("swiftplay-vault-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }

    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        let file = path + "/" + name
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }
}
