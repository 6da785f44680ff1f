import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `ansible_connection=local`: commands run on the controller through one long-lived /bin/sh, with the
/// same framing, become handling and file transfer as SSHConnection.
public final class LocalConnection: Connection {
    public let host: String
    private var stream: LocalShellStream?
    private var shell: ShellSession?

    public init(host: String) { self.host = host }

    private func liveShell() throws -> ShellSession {
        if let sh = shell, let s = stream, s.isRunning, !sh.broken { return sh }
        close()
        do {
            let s = try LocalShellStream()
            let sh = ShellSession(stream: s, host: host)
            try sh.handshake()
            stream = s
            shell = sh
            return sh
        } catch let e as StreamClosed {
            throw TransportError.unreachable(host: host, message: "local /bin/sh: \(e.reason)")
        } catch {
            throw TransportError.unreachable(host: host, message: "cannot start local /bin/sh: \(error)")
        }
    }

    public func run(_ command: String, stdin: Data?, become: Become?, environment: [String: String]) throws -> CommandResult {
        let sh = try liveShell()
        // Becoming the user we already are needs no tool (and may have no sudo rights at all).
        let effective = become.flatMap { $0.user == currentUser() ? nil : $0 }
        do {
            return try sh.run(command, stdin: stdin, become: effective, environment: environment)
        } catch let e as StreamClosed {
            close()
            throw TransportError.unreachable(host: host, message: "local /bin/sh ended during the command (\(e.reason))")
        }
    }

    public func put(_ data: Data, to path: String, mode: String?, become: Become?) throws {
        try ShellFiles.put(self, data, to: path, mode: mode, become: become)
    }

    public func get(_ path: String, become: Become?) throws -> Data {
        try ShellFiles.get(self, path, become: become)
    }

    public func close() {
        stream?.terminate()
        stream = nil
        shell = nil
    }

    deinit { close() }

    private func currentUser() -> String {
        if let pw = getpwuid(geteuid()), let name = pw.pointee.pw_name { return String(cString: name) }
        return ProcessInfo.processInfo.environment["USER"] ?? ""
    }
}

/// A local /bin/sh child. Its stdin is a socket (send with MSG_NOSIGNAL: a dead shell gives an error,
/// not SIGPIPE); stdout and stderr are pipes read with poll.
final class LocalShellStream: ShellStream {
    private let process = Process()
    private let input: Int32
    private let out: FileHandle
    private let err: FileHandle

    init() throws {
        var fds: [Int32] = [0, 0]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &fds) == 0 else {
            throw StreamClosed(reason: "socketpair failed: \(String(cString: strerror(errno)))")
        }
        input = fds[0]
        let childIn = FileHandle(fileDescriptor: fds[1], closeOnDealloc: true)
        let o = Pipe(), e = Pipe()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.standardInput = childIn
        process.standardOutput = o
        process.standardError = e
        out = o.fileHandleForReading
        err = e.fileHandleForReading
        do {
            try process.run()
        } catch {
            Glibc.close(input)
            throw StreamClosed(reason: "cannot run /bin/sh: \(error)")
        }
        try? childIn.close()
        try? o.fileHandleForWriting.close()
        try? e.fileHandleForWriting.close()
    }

    var isRunning: Bool { process.isRunning }

    func terminate() {
        Glibc.close(input)   // EOF ends the shell
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }

    deinit { if process.isRunning { terminate() } }

    func write(_ data: Data) throws {
        try data.withUnsafeBytes { (buf: UnsafeRawBufferPointer) in
            guard let base = buf.baseAddress else { return }
            var off = 0
            while off < buf.count {
                let n = send(input, base + off, buf.count - off, Int32(MSG_NOSIGNAL))
                if n < 0 {
                    if errno == EINTR { continue }
                    throw StreamClosed(reason: "write to /bin/sh failed: \(String(cString: strerror(errno)))")
                }
                off += n
            }
        }
    }

    func read(timeoutMs: Int32) throws -> (stdout: Data, stderr: Data) {
        var fds = [pollfd(fd: out.fileDescriptor, events: Int16(POLLIN), revents: 0),
                   pollfd(fd: err.fileDescriptor, events: Int16(POLLIN), revents: 0)]
        let r = poll(&fds, 2, timeoutMs)
        if r <= 0 {
            // A dead shell whose children still hold the pipes open gives no EOF: check it directly.
            if !process.isRunning { throw StreamClosed(reason: "/bin/sh exited") }
            return (Data(), Data())
        }
        var result = [Data(), Data()]
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        for i in 0..<2 where fds[i].revents != 0 {
            let n = Glibc.read(fds[i].fd, &buffer, buffer.count)
            if n > 0 {
                result[i].append(contentsOf: buffer[0..<n])
            } else if n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN) {
                throw StreamClosed(reason: "/bin/sh exited")
            }
        }
        return (result[0], result[1])
    }
}
