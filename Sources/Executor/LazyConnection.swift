import Foundation
import Transport

/// A connection opened on first use: actions that run on the controller (debug, fail, assert,
/// set_fact...) never contact the host, so an unreachable host only shows when a module needs it.
final class LazyConnection: Connection {
    let host: String
    private let open: () throws -> Connection
    private var real: Connection?
    private let lock = NSLock()

    init(host: String, open: @escaping () throws -> Connection) {
        self.host = host
        self.open = open
    }

    private func connection() throws -> Connection {
        lock.lock()
        defer { lock.unlock() }
        if let real { return real }
        let c = try open()
        real = c
        return c
    }

    func run(_ command: String, stdin: Data?, become: Become?, environment: [String: String]) throws -> CommandResult {
        try connection().run(command, stdin: stdin, become: become, environment: environment)
    }

    func put(_ data: Data, to path: String, mode: String?, become: Become?) throws {
        try connection().put(data, to: path, mode: mode, become: become)
    }

    func get(_ path: String, become: Become?) throws -> Data {
        try connection().get(path, become: become)
    }

    func close() {
        lock.lock()
        let c = real
        real = nil
        lock.unlock()
        c?.close()
    }
}
