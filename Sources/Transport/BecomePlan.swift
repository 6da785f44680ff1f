import Foundation

/// How a become shell is started, shared by every connection type.
/// sudo runs with `-S` (password on stdin) and a random prompt that the session watches for on stderr;
/// without a password it runs with `-n` so it fails at once instead of waiting for one.
/// su (util-linux) reads the password from stdin when it has no terminal, after its fixed PAM prompt
/// `Password:` on stderr: it is answered the same way.
struct BecomePlan {
    let method: String
    let prompt: String
    let password: String?
    private let become: Become

    init(_ become: Become, host: String) throws {
        self.become = become
        method = become.method
        password = become.password
        guard method == "sudo" || method == "su" else {
            throw TransportError.becomeFailed(host: host, message: "Unsupported become method '\(method)': use sudo or su")
        }
        // sudo takes our own random prompt, so output can never be mistaken for it; su's is fixed.
        prompt = method == "su" ? "Password:" : "[sudo via swiftplay, key=\(randomHex(12))] password:"
    }

    /// The command line that runs `inner` (a sh command line) as the become user.
    func wrap(_ inner: String) -> String {
        let flags = become.flags.map { " " + $0 } ?? ""
        switch method {
        case "su":
            // Ansible's form: su FLAGS USER -c CMD, CMD run by the user's login shell.
            return "su\(flags) \(shellQuote(become.user)) -c \(shellQuote(inner))"
        default:
            let mode = password == nil ? "-n" : "-S"
            return "sudo -H \(mode) -p \(shellQuote(prompt))\(flags) -u \(shellQuote(become.user)) /bin/sh -c \(shellQuote(inner))"
        }
    }

    /// Removes the password from text that may be shown (belt and braces: tools do not echo it).
    func redact(_ text: String) -> String {
        guard let password, !password.isEmpty else { return text }
        return text.replacingOccurrences(of: password, with: "********")
    }

    var passwordRequiredMessage: String { "Missing \(method) password" }
    var wrongPasswordMessage: String { "Incorrect \(method) password" }

    /// The error for a become tool that exited without starting the command; `toolOutput` is its stderr
    /// with our prompt removed (the password is never echoed: sudo -S does not echo).
    func failureMessage(toolOutput raw: String) -> String {
        let toolOutput = redact(raw)
        // Worded as ansible-playbook words them.
        if toolOutput.contains("a password is required") || toolOutput.contains("a terminal is required") {
            return passwordRequiredMessage
        }
        if toolOutput.contains("incorrect password") || toolOutput.contains("Sorry, try again")
            || toolOutput.contains("Authentication failure") {
            return wrongPasswordMessage
        }
        let said = toolOutput.isEmpty ? "no output" : toolOutput
        return "\(method) to user \(become.user) failed: \(said)"
    }
}

/// Long-lived shells as become users, one per (method, user, flags, password), each on its own stream:
/// sudo/su starts once, then a become command costs what a plain one does. Used by both connections.
final class BecomeShells {
    private var shells: [String: ShellSession] = [:]
    /// How long sudo/su may take to prompt or start.
    var timeoutMs = 30_000

    /// The shell for `become`, started with `open(commandLine)` when there is no usable one.
    func shell(for become: Become, host: String, open: (String) throws -> ShellStream) throws -> ShellSession {
        let key = [become.method, become.user, become.flags ?? "", become.password ?? ""].joined(separator: "\u{0}")
        if let sh = shells[key] {
            if sh.usable { return sh }
            sh.stream.close()
            shells[key] = nil
        }
        let plan = try BecomePlan(become, host: host)
        let ready = "__sp_ready_" + randomHex(8) + "__"
        let stream = try open(plan.wrap("echo \(ready); exec /bin/sh"))
        do {
            let sh = try ShellSession.become(on: stream, plan: plan, ready: ready, host: host, timeoutMs: timeoutMs)
            shells[key] = sh
            return sh
        } catch let e as StreamClosed {
            stream.close()
            throw TransportError.unreachable(host: host, message: "become shell as \(become.user): \(e.reason)")
        } catch {
            stream.close()
            throw error
        }
    }

    func closeAll() {
        for sh in shells.values { sh.stream.close() }
        shells = [:]
    }
}
