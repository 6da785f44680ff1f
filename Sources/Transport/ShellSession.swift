import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A byte pipe to a long-lived `/bin/sh` reading its script from stdin: an SSH channel or local pipes.
protocol ShellStream: AnyObject {
    /// Writes all of `data` to the shell's stdin.
    func write(_ data: Data) throws
    /// Waits up to `timeoutMs` for output and returns what arrived (both may be empty).
    /// Throws `StreamClosed` when the shell or the connection under it is gone.
    func read(timeoutMs: Int32) throws -> (stdout: Data, stderr: Data)
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
/// string (a syntax error in it cannot desynchronise the session). stdin is sent as a base64 here-document,
/// parsed by the shell before the command starts, so the command can never read the session's script.
/// Become wraps the command as `sudo ... /bin/sh -c 'echo READY; exec /bin/sh -s'`: the password is written
/// only after sudo's random prompt shows on stderr, and the framed command is sent to the inner shell once
/// READY shows on stdout.
/// Limitation: background processes that keep the command's stdout open may write after the marker.
final class ShellSession {
    let stream: ShellStream
    let host: String
    /// How long sudo/su may take to either prompt or start the command.
    var becomeTimeoutMs = 30_000

    init(stream: ShellStream, host: String) {
        self.stream = stream
        self.host = host
    }

    /// Checks the shell answers (used right after opening it).
    func handshake() throws {
        let r = try run("true", stdin: nil, become: nil, environment: [:])
        if r.exitCode != 0 {
            throw StreamClosed(reason: "the remote shell did not start: \(r.stderrText)")
        }
    }

    /// Set when a command was interrupted in a way that leaves the shell in an unknown state
    /// (e.g. sudo still waiting for a password): the owner must open a new shell.
    private(set) var broken = false

    func run(_ command: String, stdin: Data?, become: Become?, environment: [String: String]) throws -> CommandResult {
        if broken { throw StreamClosed(reason: "shell session was abandoned") }
        let marker = "__sp_" + randomHex(16) + "__"
        let body = Self.framedBody(command: command, stdin: stdin, environment: environment, marker: marker)
        guard let become else {
            try stream.write(Data((body.line + Self.trailer(marker) + "\n" + body.heredoc).utf8))
            let frame = try readFrame(marker: marker, plan: nil)
            return CommandResult(exitCode: frame.exitCode, stdout: frame.stdout, stderr: frame.stderr)
        }
        let plan = try BecomePlan(become, host: host)
        // Outer line: the become tool starting an inner shell that reads the framed command from stdin.
        let ready = "__sp_ready_" + randomHex(8) + "__"
        let outer = plan.wrap("echo \(ready); exec /bin/sh -s") + Self.trailer(marker) + "\n"
        try stream.write(Data(outer.utf8))
        let inner = Data((body.line + "\n" + body.heredoc + "exit $?\n").utf8)
        let frame = try readFrame(marker: marker, plan: (plan, ready, inner))
        return CommandResult(exitCode: frame.exitCode, stdout: frame.stdout, stderr: frame.stderr)
    }

    private static func trailer(_ marker: String) -> String {
        // stderr marker first, then stdout marker with the exit status of what came before.
        "; __sp_rc=$?; printf '%s' '\(marker)' >&2; printf '%s%d\\n' '\(marker)' \"$__sp_rc\""
    }

    /// The command line (one shell line) and its here-document, if any.
    static func framedBody(command: String, stdin: Data?, environment: [String: String], marker: String) -> (line: String, heredoc: String) {
        var sub = "( "
        for (k, v) in environment.sorted(by: { $0.key < $1.key }) {
            sub += "export \(shellQuote(k + "=" + v)); "
        }
        sub += "eval \(shellQuote(command)) )"
        guard let stdin, !stdin.isEmpty else { return (sub + " </dev/null", "") }
        // '_' is not in the base64 alphabet, so no data line can end the here-document early.
        let end = marker + "in"
        let b64 = stdin.base64EncodedString(options: [.lineLength76Characters, .endLineWithLineFeed])
        return ("base64 -d <<'\(end)' | \(sub)", b64 + "\n" + end + "\n")
    }

    private struct Frame { var exitCode: Int32; var stdout: Data; var stderr: Data }

    private func readFrame(marker: String, plan: (plan: BecomePlan, ready: String, inner: Data)?) throws -> Frame {
        let m = Data(marker.utf8)
        var out = Data(), err = Data()
        var outScan = 0, errDone = false
        var rc: Int32?
        var outEnd = 0
        // Become state.
        var started = plan == nil
        var promptsSeen = 0
        var promptScan = 0
        var failure: String?
        var waitedMs = 0

        while rc == nil || !errDone {
            let chunk: (stdout: Data, stderr: Data)
            do {
                chunk = try stream.read(timeoutMs: 200)
            } catch let e as StreamClosed {
                if !started { broken = true }
                throw e
            }
            if chunk.stdout.isEmpty && chunk.stderr.isEmpty {
                waitedMs += 200
                if !started && waitedMs >= becomeTimeoutMs {
                    broken = true
                    throw TransportError.becomeFailed(host: host, message: "Timeout (\(becomeTimeoutMs / 1000)s) waiting for privilege escalation prompt")
                }
                continue
            }
            waitedMs = 0
            out.append(chunk.stdout)
            err.append(chunk.stderr)

            if let p = plan, !started {
                // Prompt detection on stderr: feed the password once; a second prompt means it was wrong.
                let prompt = Data(p.plan.prompt.utf8)
                while let r = find(prompt, in: err, from: promptScan) {
                    promptScan = r.upperBound
                    promptsSeen += 1
                    if promptsSeen == 1, let pw = p.plan.password {
                        try stream.write(Data((pw + "\n").utf8))
                    } else {
                        failure = promptsSeen == 1 ? p.plan.passwordRequiredMessage : p.plan.wrongPasswordMessage
                        // Answer the remaining prompts with empty lines so sudo gives up and the frame completes.
                        try stream.write(Data("\n".utf8))
                    }
                }
                if let r = find(Data((p.ready + "\n").utf8), in: out, from: 0) {
                    started = true
                    // Everything before READY (sudo lecture, prompts) belongs to the become tool, not the command.
                    out = Data(out[r.upperBound...])
                    err = Data()
                    promptScan = 0
                    try stream.write(p.inner)
                }
            }

            if rc == nil, let r = find(m, in: out, from: max(0, outScan - m.count)) {
                if let nl = out[r.upperBound...].firstIndex(of: UInt8(ascii: "\n")) {
                    let digits = String(decoding: out[r.upperBound..<nl], as: UTF8.self)
                    rc = Int32(digits) ?? -1
                    outEnd = r.lowerBound
                }
            } else if rc == nil {
                outScan = out.count
            }
            if !errDone, err.count >= m.count, err.suffix(m.count).elementsEqual(m) {
                errDone = true
            }
        }
        let stdout = out.prefix(outEnd)
        let stderr = err.prefix(err.count - m.count)
        if let p = plan {
            if !started {
                // The become tool exited without starting the command.
                let said = String(decoding: stderr, as: UTF8.self)
                    .replacingOccurrences(of: p.plan.prompt, with: "")
                    .trimmingCharacters(in: .whitespacesAndNewlines)
                let message = failure ?? p.plan.failureMessage(toolOutput: said)
                throw TransportError.becomeFailed(host: host, message: message)
            }
            // The prompt text can only appear here if the command itself printed it; sudo's are gone.
        }
        return Frame(exitCode: rc ?? -1, stdout: Data(stdout), stderr: Data(stderr))
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

func randomHex(_ bytes: Int) -> String {
    var g = SystemRandomNumberGenerator()
    return (0..<bytes).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &g)) }.joined()
}
