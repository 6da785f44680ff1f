import Foundation
import Jinja
import Playbook
import Transport

/// One open connection per host for the whole run, created on first use from the host's
/// connection variables (ansible_connection, ansible_host, ansible_port, ansible_user...).
final class ConnectionPool {
    let options: RunOptions
    private var open: [String: Connection] = [:]
    private let lock = NSLock()
    /// Set at -vvvv: every connection then reports each remote operation through it.
    var trace: ((String) -> Void)?

    init(options: RunOptions) { self.options = options }

    /// `on`: the play host the connection works for. A connection is used by one thread at a time,
    /// so each play host delegating to the same target gets its own. `dedicated`: a new connection
    /// that the pool does not keep (an async job's); the caller closes it.
    func connection(for host: String, on playHost: String, scope: VarScope, task: Task?, templar: Templar,
                    dedicated: Bool = false) throws -> Connection {
        let key = host == playHost ? host : "\(host)\u{0}\(playHost)"
        lock.lock()
        if !dedicated, let c = open[key] { lock.unlock(); return c }
        lock.unlock()
        func v(_ name: String) throws -> String? {
            guard let value = try scope.lookup(name), !value.isNone else { return nil }
            return value.pythonStr
        }
        let kind = try task?.inherited.connection.map { try templar.render($0.pythonStr, scope).pythonStr }
            ?? options.connection ?? v("ansible_connection") ?? "ssh"
        var connection: Connection
        switch kind {
        case "local":
            connection = LocalConnection(host: host)
        case "ssh", "paramiko", "smart", "libssh", "ansible.builtin.ssh":
            let o = try sshOptions(host: host, lookup: v)
            connection = DeferredConnection(host: host) { try SSHConnection(host: host, options: o) }
        default:
            throw TransportError.unreachable(host: host, message: "unsupported connection type '\(kind)' (swiftplay supports ssh and local)")
        }
        if let trace { connection = TracedConnection(connection, log: trace) }
        if dedicated { return connection }
        lock.lock()
        open[key] = connection
        lock.unlock()
        return connection
    }

    func reset(_ host: String) {
        lock.lock()
        let c = open.removeValue(forKey: host)
        lock.unlock()
        c?.close()
    }

    func closeAll() {
        lock.lock()
        let all = open.values
        open.removeAll()
        lock.unlock()
        for c in all { c.close() }
    }
}
