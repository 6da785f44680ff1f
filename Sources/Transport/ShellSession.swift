import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A byte pipe to a long-lived `/bin/sh` reading its script from stdin: an SSH channel or local pipes.
protocol ShellStream: AnyObject {
    /// Writes all of `data` to the shell's stdin. Output arriving meanwhile is handed to `collect`, so a
    /// command producing output while it consumes a large stdin cannot deadlock against us.
    func write(_ data: Data, collect: (Data, Data) -> Void) throws
    /// Waits up to `timeoutMs` for output and returns what arrived (both may be empty).
    /// Throws `StreamClosed` when the shell or the connection under it is gone.
    func read(timeoutMs: Int32) throws -> (stdout: Data, stderr: Data)
    /// Still usable (checked before each command).
    var isOpen: Bool { get }
    func close()
}

/// The stream under a shell ended (connection dropped, shell exited). Internal: connections turn it
/// into `TransportError.unreachable` or reconnect.
struct StreamClosed: Error { var reason: String }

/// Runs commands one after another through one long-lived `sh`, framing each so that exit code,
/// stdout and stderr stay apart and binary-safe:
///
///     ( export 'K=V'; eval '<command>' ) </dev/null; printf '%s' M >&2; printf '%s%d\n' M "$?"
///
/// M is a random per-command marker: stdout ends with M<rc>\n and stderr with M. The command runs in a
/// subshell (its `exit`, `cd`, variables cannot touch the session shell) via `eval` of a single-quoted
/// string (a syntax error in it cannot desynchronise the session), with stdin from /dev/null so it can
/// never read the session's script. A command whose output is text (`textOutput`) runs in a command
/// substitution instead of the subshell, as the same one fork, and its stdout is printed with the end
/// marker by one `printf`: the host's shell writes the whole answer at once, so sshd sends one packet
/// rather than one per `echo` of the command (the figures are in bench/playbook). Given stdin, the
/// command line first prints a READY line and pipes `head -c N` into the command; the raw bytes are
/// sent once READY shows (GNU head reads exactly N bytes from a pipe, checked when stdin is first
/// sent). Without GNU head, stdin goes as a base64 here-document parsed before the command starts.
/// Become uses a separate session whose shell was started through sudo/su (see `become(on:...)`).
/// Limitation: output of background processes that keep the command's stdout open after it ends is
/// dropped before the next command, or lands in it if it comes later.
final class ShellSession {
    let stream: ShellStream
    let host: String

    init(stream: ShellStream, host: String) {
        self.stream = stream
        self.host = host
    }

    /// Set when the stream failed mid-command: the owner must open a new shell.
    private(set) var broken = false
    /// stdin is streamed raw to `head -c N` after a READY line instead of as a base64 here-document.
    /// nil until a command first has stdin (most sessions never send any), then `checkRawStdin()` tells.
    var rawStdin: Bool?

    var usable: Bool { !broken && stream.isOpen }

    /// Checks the shell answers (used right after opening it), with a builtin: no process on the host.
    func handshake() throws {
        let r = try run(":", stdin: nil, environment: [:])
        if r.exitCode != 0 {
            throw StreamClosed(reason: "the remote shell did not start: \(r.stderrText)")
        }
    }

    /// Whether `head -c` reads exactly its count from a pipe (GNU coreutils), which allows raw stdin.
    @discardableResult
    func checkRawStdin() throws -> Bool {
        if let rawStdin { return rawStdin }
        let r = try run("head --version 2>/dev/null; true", stdin: nil, environment: [:])
        let gnu = r.stdoutText.contains("GNU coreutils")
        rawStdin = gnu
        return gnu
    }

    func run(_ command: String, stdin: Data?, environment: [String: String], textOutput: Bool = false) throws -> CommandResult {
        if broken { throw StreamClosed(reason: "shell session was abandoned") }
        if let stdin, !stdin.isEmpty, rawStdin == nil { try checkRawStdin() }
        // Late output of a previous command's background processes is not this command's.
        do { _ = try stream.read(timeoutMs: 0) } catch { broken = true; throw error }
        let marker = "__sp_" + randomHex(16) + "__"
        let body = Self.framedBody(command: command, stdin: stdin, environment: environment, marker: marker, raw: rawStdin ?? false,
                                   textOutput: textOutput)
        let script = Data((body.line + Self.trailer(marker, captured: body.captured) + "\n" + body.heredoc).utf8)
        var stdinGate: (ready: Data, data: Data)?
        if let stdin, let ready = body.stdinReady { stdinGate = (Data((ready + "\n").utf8), stdin) }
        return try readFrame(marker: marker, send: script, stdinGate: stdinGate)
    }

    /// Turns `stream`, which runs `plan.wrap("echo <ready>; exec /bin/sh")`, into a shell session as the
    /// become user: answers the password prompt and waits for READY. sudo exiting instead (the stream
    /// ends) is `becomeFailed` with its message.
    static func become(on stream: ShellStream, plan: BecomePlan, ready: String, host: String, timeoutMs: Int) throws -> ShellSession {
        var out = Data(), err = Data()
        var prompts = 0, promptScan = 0, waited = 0
        var failure: String?
        let prompt = Data(plan.prompt.utf8), readyLine = Data((ready + "\n").utf8)
        func fail(_ message: String) -> TransportError { .becomeFailed(host: host, message: plan.redact(message)) }
        while find(readyLine, in: out, from: 0) == nil {
            let chunk: (stdout: Data, stderr: Data)
            do {
                chunk = try stream.read(timeoutMs: 200)
            } catch {
                let said = String(decoding: err, as: UTF8.self).replacingOccurrences(of: plan.prompt, with: "")
                    .trimmingCharacters(in: .whitespacesAndNewlines)
                throw fail(failure ?? plan.failureMessage(toolOutput: said))
            }
            if chunk.stdout.isEmpty && chunk.stderr.isEmpty {
                waited += 200
                if waited >= timeoutMs { throw fail("Timeout (\(timeoutMs / 1000)s) waiting for privilege escalation prompt") }
                continue
            }
            waited = 0
            out.append(chunk.stdout)
            err.append(chunk.stderr)
            while let r = find(prompt, in: err, from: promptScan) {
                promptScan = r.upperBound
                prompts += 1
                if prompts == 1, let pw = plan.password {
                    // A failed write shows up as the stream's end on the next read.
                    try? stream.write(Data((pw + "\n").utf8)) { _, _ in }
                } else {
                    failure = prompts == 1 ? plan.passwordRequiredMessage : plan.wrongPasswordMessage
                    try? stream.write(Data("\n".utf8)) { _, _ in }   // let sudo give up
                }
            }
        }
        let session = ShellSession(stream: stream, host: host)
        try session.handshake()
        return session
    }

    private static func trailer(_ marker: String, captured: Bool) -> String {
        // stderr marker first, then stdout marker with the exit status of what came before; a captured
        // output goes in front of it, less the marker that kept its trailing newlines.
        "; __sp_rc=$?; printf '%s' '\(marker)' >&2; "
            + (captured ? "printf '%s%s%d\\n' \"${__sp_o%\(marker)}\" '\(marker)' \"$__sp_rc\"; __sp_o=" : "printf '%s%d\\n' '\(marker)' \"$__sp_rc\"")
    }

    /// The command as one shell line, plus the here-document carrying stdin (base64 mode) or the READY
    /// line after which raw stdin is expected (raw mode).
    static func framedBody(command: String, stdin: Data?, environment: [String: String], marker: String, raw: Bool,
                           textOutput: Bool = false) -> (line: String, heredoc: String, stdinReady: String?, captured: Bool) {
        var exports = ""
        for (k, v) in environment.sorted(by: { $0.key < $1.key }) {
            exports += "export \(shellQuote(k + "=" + v)); "
        }
        let eval = "eval \(shellQuote(command))"
        let sub = "( \(exports)\(eval) )"
        guard let stdin, !stdin.isEmpty else {
            guard textOutput else { return (sub + " </dev/null", "", nil, false) }
            // The marker after the output keeps its trailing newlines from the substitution (lost only if
            // the command calls `exit`); the assignment's status is the command's.
            return ("__sp_o=$(exec </dev/null; \(exports)\(eval); __sp_r=$?; printf %s '\(marker)'; exit $__sp_r)", "", nil, true)
        }
        if raw {
            // head reads exactly N bytes and no more; the data is sent only once READY shows, when the
            // shell is waiting for the pipeline and not reading. `cat` drains what the command left
            // unread, so every byte is consumed by head whatever the command does.
            let ready = marker + "in"
            return ("printf '%s\\n' '\(ready)'; head -c \(stdin.count) | ( \(sub); __sp_r=$?; cat >/dev/null; exit $__sp_r )", "", ready, false)
        }
        // '_' is not in the base64 alphabet, so no data line can end the here-document early.
        let end = marker + "in"
        let b64 = stdin.base64EncodedString(options: [.lineLength76Characters, .endLineWithLineFeed])
        return ("base64 -d <<'\(end)' | \(sub)", b64 + "\n" + end + "\n", nil, false)
    }

    /// Sends `script`, then reads until both end markers, sending raw stdin when its READY line shows.
    private func readFrame(marker: String, send script: Data, stdinGate: (ready: Data, data: Data)?) throws -> CommandResult {
        let m = Data(marker.utf8)
        var out = Data(), err = Data()
        var outScan = 0, errDone = false
        var rc: Int32?
        var outEnd = 0
        var gate = stdinGate

        // A closed stream's last words tell why (e.g. "This account is currently not available.").
        func closed(_ e: StreamClosed) -> StreamClosed {
            broken = true
            if let rest = try? stream.read(timeoutMs: 0) { out.append(rest.stdout); err.append(rest.stderr) }
            let last = err.isEmpty ? out : err   // nologin, for one, writes to stdout
            let said = String(decoding: last.suffix(400), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            return said.isEmpty ? e : StreamClosed(reason: "\(e.reason): \(said)")
        }

        func send(_ data: Data) throws {
            do {
                try stream.write(data) { o, e in out.append(o); err.append(e) }
            } catch let e as StreamClosed {
                throw closed(e)
            }
        }

        try send(script)
        while true {
            if let g = gate, let r = find(g.ready, in: out, from: 0) {
                out = Data(out[r.upperBound...])
                gate = nil
                try send(g.data)
            }
            if rc == nil, let r = find(m, in: out, from: max(0, outScan - m.count)) {
                if let nl = out[r.upperBound...].firstIndex(of: UInt8(ascii: "\n")) {
                    rc = Int32(String(decoding: out[r.upperBound..<nl], as: UTF8.self)) ?? -1
                    outEnd = r.lowerBound
                }
            } else if rc == nil {
                outScan = out.count
            }
            if !errDone, err.count >= m.count, err.suffix(m.count).elementsEqual(m) {
                errDone = true
            }
            if rc != nil && errDone { break }
            do {
                let chunk = try stream.read(timeoutMs: 1000)
                out.append(chunk.stdout)
                err.append(chunk.stderr)
            } catch let e as StreamClosed {
                throw closed(e)
            }
        }
        return CommandResult(exitCode: rc ?? -1, stdout: Data(out.prefix(outEnd)), stderr: Data(err.prefix(err.count - m.count)))
    }
}

/// Position of `needle` in `hay` at or after `from`.
func find(_ needle: Data, in hay: Data, from: Int) -> Range<Int>? {
    if needle.isEmpty || hay.count - from < needle.count { return nil }
    return hay.withUnsafeBytes { h -> Range<Int>? in
        needle.withUnsafeBytes { n -> Range<Int>? in
            guard let hb = h.baseAddress, let nb = n.baseAddress else { return nil }
            // memchr for the first byte, memcmp for the rest (memmem is not exported to Swift).
            let first = Int32(nb.load(as: UInt8.self))
            var start = from
            let last = h.count - n.count
            while start <= last {
                guard let hit = memchr(hb + start, first, last - start + 1) else { return nil }
                let at = hb.distance(to: UnsafeRawPointer(hit))
                if memcmp(hb + at, nb, n.count) == 0 { return at..<(at + n.count) }
                start = at + 1
            }
            return nil
        }
    }
}

/// `bytes` random bytes in hex, for markers no output can contain by chance.
public func randomHex(_ bytes: Int) -> String {
    var g = SystemRandomNumberGenerator()
    let digits = Array("0123456789abcdef".utf8)
    var s: [UInt8] = []
    s.reserveCapacity(bytes * 2)
    // Eight bytes per call: the generator asks the kernel each time.
    var word: UInt64 = 0
    for i in 0..<bytes {
        if i % 8 == 0 { word = g.next() }
        let b = UInt8(truncatingIfNeeded: word >> (8 * UInt64(i % 8)))
        s.append(digits[Int(b >> 4)])
        s.append(digits[Int(b & 15)])
    }
    return String(decoding: s, as: UTF8.self)
}
