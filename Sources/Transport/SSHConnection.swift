import Foundation

/// `ansible_connection=ssh` on libssh. One authenticated session per host, kept for the whole run,
/// with every command going through one long-lived `sh` (see ShellSession for the framing), and
/// become commands through one long-lived shell per become user (sudo/su started once).
/// A connection found dropped before a command is re-established once; a failure then, or a drop
/// during a command, is `TransportError.unreachable`.
public final class SSHConnection: Connection {
    public let host: String
    public let options: SSHOptions
    private var session: LibSSHSession?
    private var shell: ShellSession?
    /// Long-lived shells as become users, one per (method, user, flags, password), each on its own
    /// channel: a become command then costs what a plain one does, not a sudo start (tens of ms).
    private let becomeShells = BecomeShells()
    /// How long sudo/su may take to prompt or start.
    public var becomeTimeout: TimeInterval {
        get { Double(becomeShells.timeoutMs) / 1000 }
        set { becomeShells.timeoutMs = Int(newValue * 1000) }
    }

    /// Connects and authenticates now, so an unreachable host is reported at once.
    public init(host: String, options: SSHOptions) throws {
        self.host = host
        self.options = options
        try connect()
    }

    /// Where the connection goes, e.g. "root@127.0.0.1:2201" (after ssh config resolution).
    public var endpoint: String { session?.endpoint ?? options.host }

    private func connect() throws {
        disconnect()
        let s = try LibSSHSession(options: options, label: host)
        guard let channel = s.shell else { throw TransportError.unreachable(host: host, message: "\(s.endpoint): no shell channel") }
        let sh = ShellSession(stream: channel, host: host)
        do {
            try sh.handshake()
        } catch let e as StreamClosed {
            s.close()
            throw TransportError.unreachable(host: host, message: "\(s.endpoint): \(e.reason)")
        }
        session = s
        shell = sh
    }

    private func disconnect() {
        becomeShells.closeAll()
        session?.close()
        session = nil
        shell = nil
    }

    /// The shell to use for the next command, reconnecting once if the previous one died.
    private func liveShell() throws -> ShellSession {
        if let sh = shell, let s = session, s.isAlive, sh.usable { return sh }
        try connect()
        guard let sh = shell else { throw TransportError.unreachable(host: host, message: "not connected") }
        return sh
    }

    private func becomeShell(_ become: Become) throws -> ShellSession {
        guard let s = session else { throw TransportError.unreachable(host: host, message: "not connected") }
        return try becomeShells.shell(for: become, host: host) { command in
            do {
                return try s.openChannel(command: command)
            } catch let e as StreamClosed {
                throw TransportError.unreachable(host: host, message: "\(s.endpoint): \(e.reason)")
            }
        }
    }

    public func run(_ command: String, stdin: Data?, become: Become?, environment: [String: String], textOutput: Bool) throws -> CommandResult {
        var sh = try liveShell()
        // Becoming the user we log in as needs no tool (which may not even be installed).
        if let become, become.user != session?.loginUser { sh = try becomeShell(become) }
        do {
            return try sh.run(command, stdin: stdin, environment: environment, textOutput: textOutput)
        } catch let e as StreamClosed {
            // The command may or may not have run: report it, reconnect on the next command.
            let at = endpoint
            disconnect()
            throw TransportError.unreachable(host: host, message: "\(at): connection lost during the command (\(e.reason))")
        }
    }

    public func put(_ data: Data, to path: String, mode: String?, become: Become?) throws {
        try ShellFiles.put(self, data, to: path, mode: mode, become: become)
    }

    public func get(_ path: String, become: Become?) throws -> Data {
        try ShellFiles.get(self, path, become: become)
    }

    public func close() { disconnect() }

    deinit { disconnect() }
}
