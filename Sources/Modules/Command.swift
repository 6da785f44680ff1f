import Foundation
import Jinja
import OrderedCollections
import Transport

/// `command`: runs a program with arguments, without a shell. `shell` (below) runs through /bin/sh.
public enum CommandModule: Module {
    public static let name = "command"
    public static let freeForm = true
    public static let documentation = """
    # command
    Runs a command on the host without shell processing (no pipes, redirects or variables).
    Free-form (`command: ls -l /tmp`) or `cmd:` / `argv:`. Always reports changed unless `creates`
    or `removes` decide it is not needed, or `changed_when` says otherwise.
    In check mode it is skipped unless `creates`/`removes` tell that it would not run.
    """
    public static let spec = ArgumentSpec([
        .init("_raw_params", help: "The command line (free form)."),
        .init("cmd", help: "The command line."),
        .init("argv", .list, elements: .str, help: "The command as a list of arguments."),
        .init("creates", .path, help: "Skip when this path exists."),
        .init("removes", .path, help: "Run only when this path exists."),
        .init("chdir", .path, help: "Change into this directory first."),
        .init("stdin", help: "Text fed to the command's standard input."),
        .init("stdin_add_newline", .bool, default: .bool(true)),
        .init("strip_empty_ends", .bool, default: .bool(true)),
        .init("executable", .path, help: "Shell used by `shell`."),
        .init("expand_argument_vars", .bool, default: .bool(true)),
    ], mutuallyExclusive: [["_raw_params", "cmd", "argv"]])

    public static func run(_ args: Arguments, _ context: ModuleContext) throws -> ModuleResult {
        let line: String
        if args.has("argv") {
            line = args.strings("argv").map(shellQuote).joined(separator: " ")
        } else if let raw = args.string("_raw_params") ?? args.string("cmd"), !raw.trimmingCharacters(in: .whitespaces).isEmpty {
            // Without a shell: split into words the way a shell would quote them, then re-quote each,
            // so shell metacharacters stay literal.
            line = try splitWords(raw).map(shellQuote).joined(separator: " ")
        } else {
            return .failed("no command given")
        }
        // command reports its argv as a list, as Ansible does.
        let argv = args.has("argv") ? args.strings("argv") : (try splitWords(args.string("_raw_params") ?? args.string("cmd") ?? ""))
        return try execute(line, display: .list(argv.map { .string($0) }), args, context)
    }

    /// Shared by command and shell: creates/removes, chdir, stdin, check mode, result shape.
    static func execute(_ line: String, display: Value, _ args: Arguments, _ context: ModuleContext) throws -> ModuleResult {
        var guardScript = ""
        if let creates = args.string("creates") { guardScript += "if [ -e \(shellQuote(creates)) ]; then echo creates; exit 0; fi; " }
        if let removes = args.string("removes") { guardScript += "if [ ! -e \(shellQuote(removes)) ]; then echo removes; exit 0; fi; " }
        if !guardScript.isEmpty {
            let r = try context.run(guardScript + "echo run")
            let verdict = r.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)
            if verdict == "creates" {
                return ModuleResult(changed: false, ["msg": .string("Did not run command since '\(args.string("creates") ?? "")' exists"), "rc": .int(0), "stdout": .string("skipped, since \(args.string("creates") ?? "") exists"), "stderr": "", "cmd": display])
            }
            if verdict == "removes" {
                return ModuleResult(changed: false, ["msg": .string("Did not run command since '\(args.string("removes") ?? "")' does not exist"), "rc": .int(0), "stdout": .string("skipped, since \(args.string("removes") ?? "") does not exist"), "stderr": "", "cmd": display])
            }
        }
        if context.checkMode {
            var r = ModuleResult(changed: false, ["msg": "Command would have run if not in check mode"])
            r["skipped"] = .bool(true)
            return r
        }
        var full = line
        if let dir = args.string("chdir") { full = "cd \(shellQuote(dir)) && \(line)" }
        var stdin: Data?
        if let text = args.string("stdin") {
            stdin = Data((text + (args.bool("stdin_add_newline") ? "\n" : "")).utf8)
        }
        let start = Date()
        let r = try context.run(full, stdin: stdin)
        let end = Date()
        var out = r.stdoutText, err = r.stderrText
        if args.bool("strip_empty_ends") {
            while out.hasSuffix("\n") { out.removeLast() }
            while err.hasSuffix("\n") { err.removeLast() }
        }
        var result = ModuleResult(changed: true, [
            "cmd": display, "rc": .int(Int(r.exitCode)),
            "stdout": .string(out), "stderr": .string(err),
            "stdout_lines": .list(out.split(separator: "\n", omittingEmptySubsequences: false).map { .string(String($0)) }.filter { !(out.isEmpty && $0 == .string("")) }),
            "stderr_lines": .list(err.split(separator: "\n", omittingEmptySubsequences: false).map { .string(String($0)) }.filter { !(err.isEmpty && $0 == .string("")) }),
            "start": .string(timestamp(start)), "end": .string(timestamp(end)), "delta": .string(delta(end.timeIntervalSince(start))),
        ])
        if r.exitCode != 0 {
            result["failed"] = .bool(true)
            result["msg"] = .string(r.exitCode == 127 ? "[Errno 2] No such file or directory" : "non-zero return code")
        }
        return result
    }

    /// Python's str(datetime.now()): local time with microseconds (command's start/end, pause's start/stop).
    static func timestamp(_ date: Date) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.dateFormat = "yyyy-MM-dd HH:mm:ss"
        // DateFormatter rounds to milliseconds: the microseconds are added here.
        let micros = Int((date.timeIntervalSince1970 * 1_000_000).truncatingRemainder(dividingBy: 1_000_000))
        return f.string(from: date) + String(format: ".%06d", micros)
    }

    static func delta(_ t: TimeInterval) -> String {
        let h = Int(t) / 3600, m = Int(t) / 60 % 60
        let s = t - Double(h * 3600 + m * 60)
        return String(format: "%d:%02d:%09.6f", h, m, s)
    }

    /// Splits a command line into words with POSIX-style quoting ('...', "...", backslash).
    static func splitWords(_ s: String) throws -> [String] {
        var words: [String] = []
        var current = ""
        var inWord = false
        var quote: Character?
        var escape = false
        for ch in s {
            if escape { current.append(ch); escape = false; continue }
            if let q = quote {
                if ch == q { quote = nil } else if ch == "\\" && q == "\"" { escape = true } else { current.append(ch) }
                continue
            }
            switch ch {
            case "'", "\"": quote = ch; inWord = true
            case "\\": escape = true; inWord = true
            case " ", "\t", "\n":
                if inWord { words.append(current); current = ""; inWord = false }
            default: current.append(ch); inWord = true
            }
        }
        if quote != nil { throw ModuleError("unbalanced quotes in command line: \(s)") }
        if inWord { words.append(current) }
        return words
    }
}

/// `shell`: like command, but through /bin/sh (pipes, redirects, variables work).
public enum ShellModule: Module {
    public static let name = "shell"
    public static let freeForm = true
    public static let documentation = """
    # shell
    Runs a command line through the host's /bin/sh (or `executable`). Same options and results as
    `command`.
    """
    public static var spec: ArgumentSpec { CommandModule.spec }

    public static func run(_ args: Arguments, _ context: ModuleContext) throws -> ModuleResult {
        guard let raw = args.string("_raw_params") ?? args.string("cmd") else { return .failed("no command given") }
        var line = raw
        if let exe = args.string("executable") { line = "\(shellQuote(exe)) -c \(shellQuote(raw))" }
        return try CommandModule.execute(line, display: .string(raw), args, context)
    }
}
