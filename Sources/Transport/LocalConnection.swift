import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `ansible_connection=local`: commands run on the controller through one long-lived /bin/sh, with the
/// same framing, become handling and file transfer as SSHConnection.
public final class LocalConnection: Connection {
    public let host: String
    private var shell: ShellSession?
    private let becomeShells = BecomeShells()

    public init(host: String) { self.host = host }

    private func liveShell() throws -> ShellSession {
        if let sh = shell, sh.usable { return sh }
        close()
        do {
            let sh = ShellSession(stream: try LocalShellStream(), host: host)
            try sh.handshake()
            shell = sh
            return sh
        } catch let e as StreamClosed {
            throw TransportError.unreachable(host: host, message: "local /bin/sh: \(e.reason)")
        } catch {
            throw TransportError.unreachable(host: host, message: "cannot start local /bin/sh: \(error)")
        }
    }

    public func run(_ command: String, stdin: Data?, become: Become?, environment: [String: String], textOutput: Bool) throws -> CommandResult {
        var sh = try liveShell()
        // Becoming the user we already are needs no tool (and may have no sudo rights at all).
        if let become, become.user != currentUser() {
            sh = try becomeShells.shell(for: become, host: host) { command in
                do {
                    return try LocalShellStream(command: command)
                } catch let e as StreamClosed {
                    throw TransportError.unreachable(host: host, message: "local: \(e.reason)")
                }
            }
        }
        do {
            return try sh.run(command, stdin: stdin, environment: environment, textOutput: textOutput)
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
        becomeShells.closeAll()
        shell?.stream.close()
        shell = nil
    }

    deinit { close() }

    private func currentUser() -> String {
        if let pw = getpwuid(geteuid()), let name = pw.pointee.pw_name { return String(cString: name) }
        return ProcessInfo.processInfo.environment["USER"] ?? ""
    }
}

/// A local /bin/sh child, spawned directly so that its death is seen at once with waitpid (Foundation's
/// Process may report it running while its children still hold the pipes). Its stdin is a socket (send
/// with MSG_NOSIGNAL: a dead shell gives an error, not SIGPIPE); stdout and stderr are pipes read with poll.
final class LocalShellStream: ShellStream {
    private var pid: pid_t = 0
    private var exited = false
    private let input: Int32
    private let out: Int32
    private let err: Int32

    /// `/bin/sh`, or `/bin/sh -c command` (which then runs the shell, e.g. through sudo).
    init(command: String? = nil) throws {
        var sock: [Int32] = [-1, -1], o: [Int32] = [-1, -1], e: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &sock) == 0,
              pipe(&o) == 0, pipe(&e) == 0 else {
            let why = String(cString: strerror(errno))
            for fd in sock + o + e where fd >= 0 { Glibc.close(fd) }
            throw StreamClosed(reason: "cannot create pipes: \(why)")
        }
        // Only the child's 0/1/2 may stay open in it (a leaked write end would hide its EOF).
        for fd in o + e { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, sock[1], 0)
        posix_spawn_file_actions_adddup2(&actions, o[1], 1)
        posix_spawn_file_actions_adddup2(&actions, e[1], 2)
        let args = ["/bin/sh"] + (command.map { ["-c", $0] } ?? [])
        let argv: [UnsafeMutablePointer<CChar>?] = args.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let rc = posix_spawn(&pid, "/bin/sh", &actions, nil, argv, environ)
        Glibc.close(sock[1]); Glibc.close(o[1]); Glibc.close(e[1])
        input = sock[0]; out = o[0]; err = e[0]
        if rc != 0 {
            Glibc.close(input); Glibc.close(out); Glibc.close(err)
            throw StreamClosed(reason: "cannot run /bin/sh: \(String(cString: strerror(rc)))")
        }
    }

    var isOpen: Bool { !closed && isRunning }

    var isRunning: Bool {
        if exited { return false }
        var status: Int32 = 0
        if waitpid(pid, &status, WNOHANG) == pid { exited = true }
        return !exited
    }

    private var closed = false

    func close() {
        guard !closed else { return }
        closed = true
        Glibc.close(input)   // EOF ends an idle shell
        Glibc.close(out)
        Glibc.close(err)
        if isRunning {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            exited = true
        }
    }

    deinit { close() }

    func write(_ data: Data, collect: (Data, Data) -> Void) throws {
        try data.withUnsafeBytes { (buf: UnsafeRawBufferPointer) in
            guard let base = buf.baseAddress else { return }
            var off = 0
            while off < buf.count {
                let n = send(input, base + off, buf.count - off, Int32(MSG_NOSIGNAL | MSG_DONTWAIT))
                if n >= 0 { off += n; continue }
                if errno == EINTR { continue }
                guard errno == EAGAIN || errno == EWOULDBLOCK else {
                    throw StreamClosed(reason: "write to /bin/sh failed: \(String(cString: strerror(errno)))")
                }
                // The shell is not reading (its command may be busy writing output): wait until it reads
                // again, draining output meanwhile.
                var fds = [pollfd(fd: input, events: Int16(POLLOUT), revents: 0),
                           pollfd(fd: out, events: Int16(POLLIN), revents: 0),
                           pollfd(fd: err, events: Int16(POLLIN), revents: 0)]
                _ = poll(&fds, 3, 1000)
                if fds[1].revents != 0 || fds[2].revents != 0 {
                    let got = try read(timeoutMs: 0)
                    collect(got.stdout, got.stderr)
                } else if fds[0].revents == 0 && !isRunning {
                    throw StreamClosed(reason: "/bin/sh exited")
                }
            }
        }
    }

    func read(timeoutMs: Int32) throws -> (stdout: Data, stderr: Data) {
        var fds = [pollfd(fd: out, events: Int16(POLLIN), revents: 0),
                   pollfd(fd: err, events: Int16(POLLIN), revents: 0)]
        let r = poll(&fds, 2, timeoutMs)
        if r <= 0 {
            // A dead shell whose children still hold the pipes open gives no EOF: check it directly.
            if !isRunning { throw StreamClosed(reason: "/bin/sh exited") }
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
