import Foundation
import Jinja
import OrderedCollections
import Transport

/// `authorized_key`: SSH public keys in a user's authorized_keys file.
public enum AuthorizedKeyModule: Module {
    public static let name = "authorized_key"
    public static var aliases: [String] {
        ["ansible.posix.authorized_key", "ansible.builtin.authorized_key", "ansible.legacy.authorized_key"]
    }
    public static let documentation = """
    # authorized_key
    Adds or removes SSH public keys in a user's `authorized_keys`.

    - `user` (required): whose file; `path` overrides `~user/.ssh/authorized_keys`.
    - `key` (required): one or more public key lines (newline separated); a key is identified by
      its type and base64 blob, so a changed comment or options line replaces the old one.
      An `https://` URL is fetched on the host (curl/wget), e.g. https://github.com/NAME.keys.
    - `state`: `present` (default) or `absent`; `exclusive`: remove every other key.
    - `key_options`: options put in front of each key (`from="10.0.0.1",no-pty`);
      `comment`: replaces the keys' comment.
    - `manage_dir` (default yes): create `~/.ssh` (0700, owned by the user) when missing.
    - `validate_certs` for the URL form; `follow` is accepted.

    One round trip reads the file; one more writes it (mode 0600, owned by the user) when it
    changes. Check mode reports the change; diff mode shows the file before and after.
    Returns `user`, `key`, `key_options`, `keyfile`, `state`, `exclusive`, `manage_dir`.
    """
    public static let spec = ArgumentSpec([
        .init("user", required: true),
        .init("key", required: true, noLog: false),
        .init("path", .path),
        .init("manage_dir", .bool, default: true),
        .init("state", default: "present", choices: ["absent", "present"]),
        .init("key_options"),
        .init("exclusive", .bool, default: false),
        .init("validate_certs", .bool, default: true),
        .init("comment"),
        .init("follow", .bool, default: false),
    ])

    /// One authorized_keys line, split into options, type, blob and comment.
    struct KeyLine {
        var options: String?
        var type: String
        var blob: String
        var comment: String?
        var identity: String { type + " " + blob }
        var text: String {
            var s = ""
            if let o = options, !o.isEmpty { s += o + " " }
            s += type + " " + blob
            if let c = comment, !c.isEmpty { s += " " + c }
            return s
        }

        static func isKeyType(_ s: String) -> Bool {
            s.hasPrefix("ssh-") || s.hasPrefix("ecdsa-sha2-") || s.hasPrefix("sk-ssh-") || s.hasPrefix("sk-ecdsa-")
        }

        init?(_ raw: String) {
            let line = sysTrim(raw)
            if line.isEmpty || line.hasPrefix("#") { return nil }
            // Options come first unless the line starts with the key type; they end at the first
            // blank outside double quotes.
            var rest = Substring(line)
            var opts: String?
            let firstWord = line.split(separator: " ", maxSplits: 1).first.map(String.init) ?? ""
            if !KeyLine.isKeyType(firstWord) {
                var inQuote = false
                var end = line.endIndex
                for i in line.indices {
                    let c = line[i]
                    if c == "\"" { inQuote.toggle() }
                    if (c == " " || c == "\t") && !inQuote { end = i; break }
                }
                opts = String(line[..<end])
                rest = line[end...]
            }
            let parts = rest.split(maxSplits: 2, whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard parts.count >= 2, KeyLine.isKeyType(parts[0]) else { return nil }
            options = opts
            type = parts[0]
            blob = parts[1]
            comment = parts.count > 2 ? sysTrim(parts[2]) : nil
        }
    }

    public static func run(_ args: Arguments, _ context: ModuleContext) throws -> ModuleResult {
        let user = args.string("user") ?? ""
        let u = shellQuote(user)
        var keyText = args.string("key") ?? ""
        let state = args.string("state") ?? "present"
        let pathExpr = args.string("path").map(shellQuote) ?? "\"$h/.ssh/authorized_keys\""
        var read = """
        h=$(getent passwd \(u) | cut -d: -f6)
        [ -n "$h" ] || { echo '==nouser'; exit 0; }
        f=\(pathExpr)
        echo '==path'; printf '%s\\n' "$f"
        echo '==file'; [ -f "$f" ] && cat "$f" && echo

        """
        if keyText.hasPrefix("http://") || keyText.hasPrefix("https://") {
            read += "echo '==url'; \(SysDownload.fetchCommand(url: keyText, to: "/dev/stdout", validateCerts: args.bool("validate_certs"))) || echo '==urlfailed'\n"
        }
        let r = try context.run(read)
        let out = SysSections(r.stdoutText)
        if out.has("nouser") { return .failed("Failed to lookup user \(user): no such user") }
        if out.has("urlfailed") { return .failed("Error getting key from: \(keyText)") }
        if out.has("url") { keyText = out.text("url") }
        let path = out.first("path") ?? ""
        let existingText = out.has("file") ? out.text("file") : ""
        let existingLines = sysLines(existingText)

        var wanted: [KeyLine] = []
        for line in sysSplitLines(keyText) where !sysTrim(String(line)).isEmpty && !sysTrim(String(line)).hasPrefix("#") {
            guard var k = KeyLine(String(line)) else { return .failed("invalid key specified: \(line)") }
            if let o = args.string("key_options") { k.options = o }
            if let c = args.string("comment") { k.comment = c }
            wanted.append(k)
        }
        let wantedIds = Set(wanted.map(\.identity))

        var newLines: [String] = []
        var seen = Set<String>()
        for line in existingLines {
            guard let k = KeyLine(line) else {
                // comments and blank lines stay, except that exclusive keeps only the keys
                if !args.bool("exclusive") || state == "absent" { newLines.append(line) }
                continue
            }
            if state == "absent" {
                if !wantedIds.contains(k.identity) { newLines.append(line) }
                continue
            }
            if let w = wanted.first(where: { $0.identity == k.identity }) {
                if seen.contains(k.identity) { continue }   // duplicate of a managed key
                seen.insert(k.identity)
                newLines.append(sysTrim(line) == w.text ? line : w.text)
            } else if !args.bool("exclusive") {
                newLines.append(line)
            }
        }
        if state == "present" {
            for w in wanted where !seen.contains(w.identity) {
                newLines.append(w.text)
                seen.insert(w.identity)
            }
        }
        let newText = newLines.isEmpty ? "" : newLines.joined(separator: "\n") + "\n"
        let oldNormalized = existingLines.isEmpty ? "" : existingLines.joined(separator: "\n") + "\n"
        let changed = newText != oldNormalized || (state == "present" && !out.has("file"))

        var result = ModuleResult(changed: changed, [
            "user": .string(user), "key": .string(keyText), "key_options": args["key_options"] ?? .none,
            "keyfile": .string(path), "path": args["path"] ?? .none, "state": .string(state),
            "exclusive": .bool(args.bool("exclusive")), "manage_dir": .bool(args.bool("manage_dir")),
            "validate_certs": .bool(args.bool("validate_certs")), "follow": .bool(args.bool("follow")),
            "comment": args["comment"] ?? .none,
        ])
        if context.diffMode && changed {
            result.addDiff(before: oldNormalized, after: newText, beforeHeader: path, afterHeader: path)
        }
        if !changed || context.checkMode { return result }

        var write = ""
        let dir = (path as NSString).deletingLastPathComponent
        if args.bool("manage_dir") {
            write += "if [ ! -d \(shellQuote(dir)) ]; then mkdir -p \(shellQuote(dir)) && chmod 0700 \(shellQuote(dir)) && chown \(u): \(shellQuote(dir)) || exit 1; fi\n"
        } else {
            write += "[ -d \(shellQuote(dir)) ] || { echo 'directory \(dir) does not exist and manage_dir is off' >&2; exit 1; }\n"
        }
        write += SysScript.writeFile(path, newText, mode: "0600", owner: user, group: "")
        let r2 = try context.run(write)
        if r2.exitCode != 0 { return sysCommandFailure("Writing \(path)", r2) }
        return result
    }
}
