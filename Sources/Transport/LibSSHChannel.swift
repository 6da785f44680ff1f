import Foundation
import CLibSSH
#if canImport(Glibc)
import Glibc
#endif

/// One channel of a LibSSHSession, as the byte stream of a shell running at the other end.
final class LibSSHChannel: ShellStream {
    private(set) var raw: ssh_channel?
    private weak var owner: LibSSHSession?
    private var buffer = [UInt8](repeating: 0, count: 1 << 16)

    init(channel: ssh_channel, owner: LibSSHSession) {
        raw = channel
        self.owner = owner
    }

    /// Called by the session before ssh_free, which frees its channels itself.
    func invalidate() { raw = nil }

    /// Closes and frees the channel now (the session stays up).
    func close() {
        if let c = raw {
            ssh_channel_free(c)   // also closes it
            raw = nil
        }
        owner?.release(self)
    }

    var isOpen: Bool {
        guard let c = raw, owner?.raw != nil else { return false }
        if ssh_channel_poll(c, 0) == SSH_ERROR { return false }
        return ssh_channel_is_open(c) != 0 && ssh_channel_is_eof(c) == 0
    }

    private func live() throws -> (ssh_session, ssh_channel) {
        guard let c = raw, let s = owner?.raw else { throw StreamClosed(reason: "not connected") }
        return (s, c)
    }

    private func error(_ s: ssh_session) -> String { owner?.lastError(s) ?? "not connected" }

    func write(_ data: Data, collect: (Data, Data) -> Void) throws {
        let (s, c) = try live()
        try data.withUnsafeBytes { (buf: UnsafeRawBufferPointer) in
            guard let base = buf.baseAddress else { return }
            var off = 0
            while off < buf.count {
                // Write only what the peer's window takes, so ssh_channel_write never blocks on it;
                // with the window shut, read (which also processes the window adjustments).
                let window = Int(ssh_channel_window_size(c))
                if window == 0 {
                    let got = try read(timeoutMs: 100)
                    collect(got.stdout, got.stderr)
                    continue
                }
                let n = min(buf.count - off, window, 1 << 15)
                let w = ssh_channel_write(c, base + off, UInt32(n))
                if w < 0 { throw StreamClosed(reason: "write failed: \(error(s))") }
                off += Int(w)
            }
        }
    }

    func read(timeoutMs: Int32) throws -> (stdout: Data, stderr: Data) {
        let (s, c) = try live()
        var out = Data(), err = Data()
        let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(max(0, timeoutMs)) * 1_000_000
        while true {
            var ended = false
            for isErr in [Int32(0), 1] {
                while true {
                    let n = buffer.withUnsafeMutableBytes { ssh_channel_read_nonblocking(c, $0.baseAddress, UInt32($0.count), isErr) }
                    if n > 0 {
                        if isErr == 1 { err.append(contentsOf: buffer[0..<Int(n)]) } else { out.append(contentsOf: buffer[0..<Int(n)]) }
                        if n < Int32(buffer.count) { break }
                    } else {
                        // < 0: end of channel or error; the other stream may still hold data, so go on.
                        if n < 0 { ended = true }
                        break
                    }
                }
            }
            if !out.isEmpty || !err.isEmpty { break }
            if ended || ssh_channel_is_eof(c) != 0 || ssh_channel_is_open(c) == 0 {
                throw StreamClosed(reason: ssh_channel_is_eof(c) != 0 || ssh_is_connected(s) != 0 ? "the remote shell exited" : "connection lost: \(error(s))")
            }
            let now = DispatchTime.now().uptimeNanoseconds
            if now >= deadline { break }
            // Reading one stream makes libssh take every packet off the socket: reading stderr can
            // bring stdout's next packet into libssh's buffer, after which the socket stays quiet and
            // poll would sleep its whole timeout with the data here. So look again (stdout last), and
            // sleep in short slices, looking again between them, in case a packet came in between.
            if ssh_channel_poll(c, 1) > 0 || ssh_channel_poll(c, 0) > 0 { continue }
            var p = pollfd(fd: ssh_get_fd(s), events: Int16(POLLIN), revents: 0)
            _ = poll(&p, 1, Int32(min(20, (deadline - now + 999_999) / 1_000_000)))
        }
        return (out, err)
    }
}
