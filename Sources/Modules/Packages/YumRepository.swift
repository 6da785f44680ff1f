import Foundation
import Jinja
import OrderedCollections
import Transport

/// `yum_repository`: a repository section in /etc/yum.repos.d/FILE.repo.
public enum YumRepositoryModule: Module {
    public static let name = "yum_repository"
    public static let documentation = """
    # yum_repository
    Adds, changes or removes one repository section `[name]` in `reposdir/file.repo`
    (default `/etc/yum.repos.d/NAME.repo`), for dnf and yum.

    - `name` (required; the section), `description` (the repo's `name =`), `baseurl` (list),
      `mirrorlist`, `metalink`, `enabled`, `gpgcheck`, `gpgkey` (list), `repo_gpgcheck`,
      `priority`, `cost`, `exclude`/`includepkgs` (lists), `skip_if_unavailable`, `sslverify`
      (alias `validate_certs`), `module_hotfixes`, `metadata_expire`, `timeout`, `proxy`,
      `proxy_username`/`proxy_password`, `username`/`password` (never shown in diffs or results),
      `sslcacert`, `sslclientcert`, `sslclientkey`, `countme`, `keepalive`, `mirrorlist_expire`,
      `deltarpm_percentage`, `ip_resolve`, `throttle`, `bandwidth`, `retries`, `failovermethod`,
      `protect`, `http_caching`, `ui_repoid_vars`, `gpgcakey`, `async`, `enablegroups`,
      `keepcache`, `deltarpm_metadata_percentage`, `s3_enabled`.
    - `state`: `present` (default) or `absent` (the section; the file goes when it is empty).
    - `file`, `reposdir`, `mode`, `owner`, `group` for the file.

    Written like Ansible: `key = value` lines sorted by key, booleans as 1/0, lists joined by
    spaces. Other sections of the file are kept. One round trip reads the file, one writes it
    when the section differs. Check mode reports, diff mode shows the file before and after.
    Returns `repo`, `state`.
    """
    /// Options written into the section, with their kind.
    static let keys: [(String, ArgumentSpec.Kind)] = [
        ("async", .bool), ("bandwidth", .str), ("baseurl", .list), ("cost", .str), ("countme", .bool),
        ("deltarpm_metadata_percentage", .str), ("deltarpm_percentage", .str), ("enabled", .bool),
        ("enablegroups", .bool), ("exclude", .list), ("failovermethod", .str), ("gpgcakey", .str),
        ("gpgcheck", .bool), ("gpgkey", .list), ("http_caching", .str), ("includepkgs", .list),
        ("ip_resolve", .str), ("keepalive", .bool), ("keepcache", .str), ("metadata_expire", .str),
        ("metadata_expire_filter", .str), ("metalink", .str), ("mirrorlist", .str),
        ("mirrorlist_expire", .str), ("module_hotfixes", .bool), ("password", .str), ("priority", .str),
        ("protect", .bool), ("proxy", .str), ("proxy_password", .str), ("proxy_username", .str),
        ("repo_gpgcheck", .bool), ("retries", .str), ("s3_enabled", .bool), ("skip_if_unavailable", .bool),
        ("sslcacert", .str), ("sslclientcert", .str), ("sslclientkey", .str), ("sslverify", .bool),
        ("throttle", .str), ("timeout", .str), ("ui_repoid_vars", .str), ("username", .str),
    ]
    static let secretKeys: Set<String> = ["password", "proxy_password"]

    public static let spec: ArgumentSpec = {
        var opts: [ArgumentSpec.Option] = [
            .init("name", required: true),
            .init("description"),
            .init("state", default: "present", choices: ["absent", "present"]),
            .init("file"),
            .init("reposdir", .path, default: "/etc/yum.repos.d"),
            .init("mode", .raw),
            .init("owner"),
            .init("group"),
            .init("attributes"),
            .init("unsafe_writes", .bool),
            .init("params", .dict),
        ]
        for (k, kind) in keys {
            let aliases = k == "sslverify" ? ["validate_certs"] : []
            opts.append(.init(k, kind, aliases: aliases, elements: kind == .list ? .str : nil, noLog: secretKeys.contains(k)))
        }
        return ArgumentSpec(opts)
    }()

    struct Section {
        var name: String
        var lines: [String]     // as read (for other sections)
        var values: OrderedDictionary<String, String>
    }

    public static func run(_ args: Arguments, _ context: ModuleContext) throws -> ModuleResult {
        let repo = args.string("name") ?? ""
        let state = args.string("state") ?? "present"
        var file = args.string("file") ?? repo
        if !file.hasSuffix(".repo") { file += ".repo" }
        let path = (args.string("reposdir") ?? "/etc/yum.repos.d") + "/" + file
        let r = try context.run(SysScript.catFile(path))
        let out = SysSections(r.stdoutText)
        let exists = out.has("file:" + path)
        let oldText = exists ? out.text("file:" + path) : ""
        var sections = parse(oldText)

        var desired = OrderedDictionary<String, String>()
        if state == "present" {
            var values: [String: String] = [:]
            for (k, kind) in keys where args.has(k) {
                switch kind {
                case .bool: values[k] = args.bool(k) ? "1" : "0"
                case .list: values[k] = args.strings(k).joined(separator: " ")
                default: values[k] = args.string(k) ?? ""
                }
            }
            if let d = args.string("description") { values["name"] = d }
            for (k, v) in args.dict("params") { values[k] = v.pythonStr }
            for k in values.keys.sorted() { desired[k] = values[k] }
        }
        let index = sections.firstIndex { $0.name == repo }
        var changed = false
        if state == "absent" {
            if let index { sections.remove(at: index); changed = true }
        } else if let index {
            if sections[index].values != desired {
                sections[index] = Section(name: repo, lines: render(repo, desired), values: desired)
                changed = true
            }
        } else {
            if desired["baseurl"] == nil && desired["mirrorlist"] == nil && desired["metalink"] == nil {
                return .failed("one of the following is required: baseurl, mirrorlist, metalink")
            }
            sections.append(Section(name: repo, lines: render(repo, desired), values: desired))
            changed = true
        }
        let newText = sections.map { $0.lines.joined(separator: "\n") + "\n" }.joined(separator: "\n")
        let attrsChange = try attributesScript(args, path: path)
        var result = ModuleResult(changed: changed, ["repo": .string(repo), "state": .string(state)])
        if context.diffMode && changed {
            result.addDiff(before: redact(oldText), after: redact(newText), beforeHeader: path, afterHeader: path)
        }
        if changed && !context.checkMode {
            var script: String
            if sections.isEmpty {
                script = "rm -f \(shellQuote(path))\n"
            } else {
                script = "mkdir -p \(shellQuote((path as NSString).deletingLastPathComponent)) || exit 1\n"
                script += SysScript.writeFile(path, newText, mode: nil)
                script += attrsChange
            }
            let r2 = try context.run(script)
            if r2.exitCode != 0 { return sysCommandFailure("Writing \(path)", r2) }
        } else if !changed && !attrsChange.isEmpty && exists && state == "present" {
            // mode/owner/group of an unchanged file: change only when they differ
            let probe = "sp_b=$(stat -c '%a %U %G' \(shellQuote(path)))\n" + (context.checkMode ? "" : attrsChange) + "sp_a=$(stat -c '%a %U %G' \(shellQuote(path)))\n[ \"$sp_b\" = \"$sp_a\" ] || echo '==changed'"
            if context.checkMode {
                result.changed = false
            } else {
                let r3 = try context.run(probe)
                if r3.exitCode != 0 { return sysCommandFailure("Setting attributes on \(path)", r3) }
                result.changed = SysSections(r3.stdoutText).has("changed")
            }
        }
        return result
    }

    static func render(_ name: String, _ values: OrderedDictionary<String, String>) -> [String] {
        ["[\(name)]"] + values.map { "\($0.key) = \($0.value)" }
    }

    static func redact(_ text: String) -> String {
        sysLines(text).map { line in
            for k in secretKeys where line.hasPrefix(k + " =") || line.hasPrefix(k + "=") { return "\(k) = ********" }
            return line
        }.joined(separator: "\n") + (text.isEmpty ? "" : "\n")
    }

    static func attributesScript(_ args: Arguments, path: String) throws -> String {
        var s = ""
        let p = shellQuote(path)
        if let m = args["mode"] {
            let mode: String
            if case .int(let i) = m { mode = "0" + String(i, radix: 8) } else { mode = m.pythonStr }
            s += "chmod \(shellQuote(mode)) \(p) || exit 1\n"
        }
        if let o = args.string("owner") { s += "chown \(shellQuote(o)) \(p) || exit 1\n" }
        if let g = args.string("group") { s += "chgrp \(shellQuote(g)) \(p) || exit 1\n" }
        return s
    }

    /// INI sections; continuation lines (leading blanks) belong to the previous key.
    static func parse(_ text: String) -> [Section] {
        var sections: [Section] = []
        var lastKey: String?
        for line in sysLines(text) {
            let t = sysTrim(line)
            if t.hasPrefix("[") && t.hasSuffix("]") {
                sections.append(Section(name: String(t.dropFirst().dropLast()), lines: [t], values: [:]))
                lastKey = nil
                continue
            }
            guard !sections.isEmpty else { continue }
            if t.isEmpty { continue }
            let i = sections.count - 1
            sections[i].lines.append(line)
            if t.hasPrefix("#") || t.hasPrefix(";") { continue }
            if (line.hasPrefix(" ") || line.hasPrefix("\t")), let k = lastKey {
                sections[i].values[k, default: ""] += " " + t
                continue
            }
            if let eq = t.firstIndex(of: "=") {
                let k = sysTrim(String(t[..<eq]))
                sections[i].values[k] = sysTrim(String(t[t.index(after: eq)...]))
                lastKey = k
            }
        }
        for i in sections.indices {
            let sorted = sections[i].values.keys.sorted()
            var v = OrderedDictionary<String, String>()
            for k in sorted { v[k] = sections[i].values[k] }
            sections[i].values = v
        }
        return sections
    }
}
