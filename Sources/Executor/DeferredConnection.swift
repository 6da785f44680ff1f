import Foundation
import Transport

/// A connection opened on first use. Actions that run on the controller (debug, set_fact, assert...)
/// never touch it, so, as in Ansible, they still run for a host that cannot be reached; a failed
/// open is tried again by the next task that needs the host.
final class DeferredConnection: Connection {
    let host: String
    private let open: () throws -> Connection
    private var opened: Connection?

    init(host: String, open: @escaping () throws -> Connection) {
        self.host = host
        self.open = open
    }

    private func live() throws -> Connection {
        if let c = opened { return c }
        let c = try open()
        opened = c
        return c
    }

    func run(_ command: String, stdin: Data?, become: Become?, environment: [String: String], textOutput: Bool) throws -> CommandResult {
        try live().run(command, stdin: stdin, become: become, environment: environment, textOutput: textOutput)
    }

    func put(_ data: Data, to path: String, mode: String?, become: Become?) throws {
        try live().put(data, to: path, mode: mode, become: become)
    }

    func get(_ path: String, become: Become?) throws -> Data {
        try live().get(path, become: become)
    }

    func close() {
        opened?.close()
        opened = nil
    }
}
