import Foundation

/// How a command gains privileges on the host (`become`).
public struct Become: Equatable {
    public var method: String      // "sudo" or "su"
    public var user: String        // target user, "root" by default
    public var password: String?   // never printed
    public var flags: String?      // extra flags for the method (become_flags)
    public init(method: String = "sudo", user: String = "root", password: String? = nil, flags: String? = nil) {
        self.method = method
        self.user = user
        self.password = password
        self.flags = flags
    }
}

/// The outcome of one remote command. stdout and stderr are kept apart and binary-safe.
public struct CommandResult {
    public var exitCode: Int32
    public var stdout: Data
    public var stderr: Data
    public init(exitCode: Int32, stdout: Data, stderr: Data) {
        self.exitCode = exitCode
        self.stdout = stdout
        self.stderr = stderr
    }
    public var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
    public var stderrText: String { String(decoding: stderr, as: UTF8.self) }
}

public enum TransportError: Error, CustomStringConvertible {
    /// The host cannot be reached or authenticated: the task reports UNREACHABLE.
    case unreachable(host: String, message: String)
    /// Privilege escalation failed (wrong password, sudo not allowed...).
    case becomeFailed(host: String, message: String)
    case transferFailed(host: String, path: String, message: String)

    public var description: String {
        switch self {
        // As ansible-playbook words it; the host is already named where the result is shown.
        case .unreachable(_, let m): return "Failed to connect to the host via ssh: \(m)"
        case .becomeFailed(_, let m): return m
        case .transferFailed(_, let path, let m): return "transfer of \(path) failed: \(m)"
        }
    }
}

/// How commands reach a host. One Connection per host, used by one thread at a time; the executor
/// keeps it open for the whole run. Commands are POSIX `sh` command lines.
public protocol Connection: AnyObject {
    var host: String { get }
    /// Runs a shell command line and waits for it. `stdin` is fed to the command then closed.
    /// With `become`, the command runs as `become.user` through `become.method`.
    /// `textOutput` says the command prints text (module probe scripts): the host may then collect its
    /// stdout and send it in one piece, which costs the host and the wire a fraction of the packets.
    /// NUL bytes are then dropped, and trailing newlines are lost when the command ends with `exit`.
    func run(_ command: String, stdin: Data?, become: Become?, environment: [String: String], textOutput: Bool) throws -> CommandResult
    /// Writes `data` to `path` on the host atomically (temporary file in the same directory, then rename),
    /// with the given octal mode string (e.g. "0644") when not nil.
    func put(_ data: Data, to path: String, mode: String?, become: Become?) throws
    /// Reads a whole file from the host.
    func get(_ path: String, become: Become?) throws -> Data
    func close()
}

public extension Connection {
    func run(_ command: String, stdin: Data?, become: Become?, environment: [String: String]) throws -> CommandResult {
        try run(command, stdin: stdin, become: become, environment: environment, textOutput: false)
    }

    func run(_ command: String, stdin: Data? = nil, become: Become? = nil) throws -> CommandResult {
        try run(command, stdin: stdin, become: become, environment: [:], textOutput: false)
    }
}

/// Quotes a string for POSIX sh: 'it'\''s'.
public func shellQuote(_ s: String) -> String {
    // Byte-wise: whole scripts are quoted for every command, and Foundation's
    // replacingOccurrences goes through UTF-16 on Linux.
    let safe = !s.isEmpty && s.utf8.allSatisfy { b in
        (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || "-_./=:@%+,".utf8.contains(b)
    }
    if safe { return s }
    var out: [UInt8] = [0x27]
    out.reserveCapacity(s.utf8.count + 16)
    for b in s.utf8 {
        if b == 0x27 { out += [0x27, 0x5C, 0x27, 0x27] } else { out.append(b) }  // ' -> '\''
    }
    out.append(0x27)
    return String(decoding: out, as: UTF8.self)
}
