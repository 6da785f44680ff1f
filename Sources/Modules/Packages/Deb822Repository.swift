import Foundation
import Jinja
import OrderedCollections
import Transport

/// `deb822_repository`: an APT source in deb822 format (/etc/apt/sources.list.d/NAME.sources).
public enum Deb822RepositoryModule: Module {
    public static let name = "deb822_repository"
    public static let documentation = """
    # deb822_repository
    Writes or removes `/etc/apt/sources.list.d/FILENAME.sources` in deb822 format.

    - `name` (required; `X-Repolib-Name`), `types` (default `deb`), `uris`, `suites`,
      `components` (lists), `architectures`, `languages`, `targets`, `by_hash`, `pdiffs`,
      `check_date`, `check_valid_until`, `date_max_future`, `inrelease_path`, `trusted`,
      `allow_insecure`, `allow_weak`, `allow_downgrade_to_insecure`, `enabled`.
    - `signed_by`: a path to a keyring on the host, a URL (downloaded on the host with curl or
      wget), or ASCII-armored key text; URLs and key text are written to
      `/etc/apt/keyrings/FILENAME.asc` (or `.gpg` for binary keys) and `Signed-By:` points there.
    - `filename`: default is `name` lower-cased with other characters than letters, digits,
      `-` and `_` turned into `_`. `mode` (default 0644). `state`: `present`/`absent` (removes the
      file and a key this module wrote).

    One round trip reads the file (and fetches a signing key URL), one more writes when the file
    or the key differs. Does not update the APT cache (use `apt: update_cache`). Check mode
    reports; diff mode shows the file. Returns `dest`, `key_filename`, `repo`, `state`.
    """
    public static let spec = ArgumentSpec([
        .init("name", required: true),
        .init("types", .list, default: ["deb"], elements: .str),
        .init("uris", .list, elements: .str),
        .init("suites", .list, elements: .str),
        .init("components", .list, elements: .str),
        .init("architectures", .list, elements: .str),
        .init("languages", .list, elements: .str),
        .init("targets", .list, elements: .str),
        .init("signed_by"),
        .init("state", default: "present", choices: ["absent", "present"]),
        .init("enabled", .bool),
        .init("by_hash", .bool),
        .init("pdiffs", .bool),
        .init("check_date", .bool),
        .init("check_valid_until", .bool),
        .init("date_max_future", .int),
        .init("inrelease_path"),
        .init("trusted", .bool),
        .init("allow_insecure", .bool),
        .init("allow_weak", .bool),
        .init("allow_downgrade_to_insecure", .bool),
        .init("filename"),
        .init("mode", .raw, default: "0644"),
        .init("install_python_debian", .bool, default: false),
    ])

    public static func run(_ args: Arguments, _ context: ModuleContext) throws -> ModuleResult {
        let name = args.string("name") ?? ""
        let state = args.string("state") ?? "present"
        let filename = args.string("filename") ?? defaultFilename(name)
        let dest = "/etc/apt/sources.list.d/\(filename).sources"
        if state == "present" {
            for req in ["uris", "suites"] where args.strings(req).isEmpty {
                return .failed("state is present but all of the following are missing: \(req)")
            }
        }
        // The signing key: a path stays; a URL or key text becomes a file in /etc/apt/keyrings.
        let signed = args.string("signed_by").map(sysTrim)
        var keyPath: String?
        var keyText: String?
        var keyURL: String?
        if let s = signed, !s.isEmpty {
            if s.contains("-----BEGIN PGP PUBLIC KEY BLOCK-----") {
                keyText = s + "\n"
                keyPath = "/etc/apt/keyrings/\(filename).asc"
            } else if s.hasPrefix("http://") || s.hasPrefix("https://") {
                keyURL = s
                keyPath = "/etc/apt/keyrings/\(filename).asc"
            } else {
                keyPath = s
            }
        }
        var read = SysScript.catFile(dest) + "\n"
        let managedKeys = ["/etc/apt/keyrings/\(filename).asc", "/etc/apt/keyrings/\(filename).gpg"]
        for k in managedKeys { read += "[ -f \(shellQuote(k)) ] && { echo '==keyfile'; echo \(shellQuote(k)); sha256sum \(shellQuote(k)) | cut -d' ' -f1; }\n" }
        var tmpKey: String?
        if let keyURL, state == "present" {
            let tmp = "/tmp/.swiftplay-key-\(UUID().uuidString.prefix(8))"
            tmpKey = tmp
            read += "echo '==fetched'; if \(SysDownload.fetchCommand(url: keyURL, to: tmp)); then sha256sum \(shellQuote(tmp)) | cut -d' ' -f1; if head -c 64 \(shellQuote(tmp)) | grep -q 'BEGIN PGP'; then echo armored; else echo binary; fi; else echo FAILED; fi\n"
        }
        let r = try context.run(read)
        let out = SysSections(r.stdoutText)
        let exists = out.has("file:" + dest)
        let oldText = exists ? out.text("file:" + dest) + "\n" : ""
        let keyLines = out.lines("keyfile")
        var existingKeys: [String: String] = [:]
        var i = 0
        while i + 1 < keyLines.count { existingKeys[keyLines[i]] = keyLines[i + 1]; i += 2 }

        var result = ModuleResult(changed: false, ["dest": .string(dest), "state": .string(state), "key_filename": keyPath.map { .string($0) } ?? .none])
        var script = ""
        func cleanup() -> String { tmpKey.map { "rm -f \(shellQuote($0))\n" } ?? "" }

        if state == "absent" {
            var changed = exists
            script += "rm -f \(shellQuote(dest))\n"
            for (k, _) in existingKeys { script += "rm -f \(shellQuote(k))\n"; changed = true }
            result.changed = changed
            if context.diffMode && exists { result.addDiff(before: oldText, after: "", beforeHeader: dest, afterHeader: dest) }
            if changed && !context.checkMode {
                let r2 = try context.run(script)
                if r2.exitCode != 0 { return sysCommandFailure("Removing \(dest)", r2) }
            }
            return result
        }

        var keyChanged = false
        if let keyText, let keyPath {
            let sum = sha256Hex(keyText)
            if existingKeys[keyPath] != sum {
                keyChanged = true
                script += "mkdir -p /etc/apt/keyrings && chmod 0755 /etc/apt/keyrings\n"
                script += SysScript.writeFile(keyPath, keyText, mode: "0644")
            }
        }
        if let tmpKey, var keyPathURL = keyPath {
            let fetched = out.lines("fetched")
            if fetched.first == "FAILED" || fetched.count < 2 {
                _ = try? context.run(cleanup())
                return .failed("Failed to download the signing key from \(keyURL ?? "")")
            }
            if fetched[1] == "binary" { keyPathURL = "/etc/apt/keyrings/\(filename).gpg"; keyPath = keyPathURL }
            result["key_filename"] = .string(keyPathURL)
            if existingKeys[keyPathURL] != fetched[0] {
                keyChanged = true
                script += "mkdir -p /etc/apt/keyrings && chmod 0755 /etc/apt/keyrings && install -m 0644 \(shellQuote(tmpKey)) \(shellQuote(keyPathURL)) || exit 1\n"
            }
        }

        var fields: [(String, String)] = [("X-Repolib-Name", name)]
        fields.append(("Types", args.strings("types").joined(separator: " ")))
        fields.append(("URIs", args.strings("uris").joined(separator: " ")))
        fields.append(("Suites", args.strings("suites").joined(separator: " ")))
        if args.has("components") { fields.append(("Components", args.strings("components").joined(separator: " "))) }
        if args.has("architectures") { fields.append(("Architectures", args.strings("architectures").joined(separator: " "))) }
        if args.has("languages") { fields.append(("Languages", args.strings("languages").joined(separator: " "))) }
        if args.has("targets") { fields.append(("Targets", args.strings("targets").joined(separator: " "))) }
        let bools: [(String, String)] = [("allow_downgrade_to_insecure", "Allow-Downgrade-To-Insecure"), ("allow_insecure", "Allow-Insecure"),
                                         ("allow_weak", "Allow-Weak"), ("by_hash", "By-Hash"), ("check_date", "Check-Date"),
                                         ("check_valid_until", "Check-Valid-Until"), ("enabled", "Enabled"), ("pdiffs", "PDiffs"), ("trusted", "Trusted")]
        for (opt, field) in bools where args.has(opt) { fields.append((field, args.bool(opt) ? "yes" : "no")) }
        if let d = args.int("date_max_future") { fields.append(("Date-Max-Future", String(d))) }
        if let p = args.string("inrelease_path") { fields.append(("InRelease-Path", p)) }
        if let keyPath { fields.append(("Signed-By", keyPath)) }
        let newText = fields.map { "\($0.0): \($0.1)" }.joined(separator: "\n") + "\n"
        result["repo"] = .string(newText)

        let fileChanged = newText != oldText
        result.changed = fileChanged || keyChanged
        if context.diffMode && fileChanged { result.addDiff(before: oldText, after: newText, beforeHeader: dest, afterHeader: dest) }
        if !result.changed || context.checkMode {
            if tmpKey != nil { _ = try? context.run(cleanup()) }
            return result
        }
        if fileChanged { script += SysScript.writeFile(dest, newText, mode: AptRepositoryModule.modeString(args["mode"]) ?? "0644") }
        script += cleanup()
        let r2 = try context.run(script)
        if r2.exitCode != 0 { return sysCommandFailure("Writing \(dest)", r2) }
        return result
    }

    static func defaultFilename(_ name: String) -> String {
        String(name.lowercased().map { ($0.isASCII && ($0.isLetter || $0.isNumber)) || $0 == "-" || $0 == "_" ? $0 : "_" })
    }

    static func sha256Hex(_ s: String) -> String {
        SysSHA256.hex(Data(s.utf8))
    }
}
