import Foundation
import Jinja
import OrderedCollections
import Transport

/// `apt_repository`: one-line APT sources in /etc/apt/sources.list(.d/*.list).
public enum AptRepositoryModule: Module {
    public static let name = "apt_repository"
    public static let documentation = """
    # apt_repository
    Adds or removes a one-line APT source (`deb [options] URI SUITE COMPONENTS...`).

    - `repo` (required): the source line. Lines are compared with their whitespace normalized.
    - `state`: `present` (default): nothing happens when an enabled identical line exists in
      /etc/apt/sources.list or any /etc/apt/sources.list.d/*.list; a commented-out copy is
      enabled in place; otherwise the line is appended to `filename`. `absent`: the line is
      removed from every file, and a file of sources.list.d left empty is deleted.
    - `filename`: name of the file in sources.list.d, without `.list`; by default derived from
      the URI like Ansible (`deb http://deb.debian.org/debian ...` -> `deb_debian_org_debian.list`).
    - `mode` (default 0644) of a new file; `update_cache` (default yes) runs `apt-get update`
      after a change, with `update_cache_retries` / `update_cache_retry_max_delay`.
    - `codename`, `validate_certs`, `install_python_apt` are accepted; `ppa:` sources are
      Ubuntu-only and not supported.

    One round trip reads all source files, one more writes and updates the cache. Check mode
    reports; diff mode shows each changed file. Returns `repo`, `state`, `sources_added`,
    `sources_removed`.
    """
    public static let spec = ArgumentSpec([
        .init("repo", required: true),
        .init("state", default: "present", choices: ["absent", "present"]),
        .init("mode", .raw),
        .init("update_cache", .bool, default: true, aliases: ["update-cache"]),
        .init("update_cache_retries", .int, default: 5),
        .init("update_cache_retry_max_delay", .int, default: 12),
        .init("validate_certs", .bool, default: true),
        .init("filename"),
        .init("codename"),
        .init("install_python_apt", .bool, default: true),
    ])

    static let listDir = "/etc/apt/sources.list.d"

    public static func run(_ args: Arguments, _ context: ModuleContext) throws -> ModuleResult {
        let repo = sysTrim(args.string("repo") ?? "")
        let state = args.string("state") ?? "present"
        if repo.hasPrefix("ppa:") { return .failed("ppa: repositories are only supported on Ubuntu; give the full 'deb ...' line") }
        let wanted = normalize(repo)
        guard wanted.hasPrefix("deb ") || wanted.hasPrefix("deb-src ") else {
            return .failed("Invalid repository string: \(repo)")
        }
        let target = "\(listDir)/\(args.string("filename") ?? suggestedName(repo)).list"

        let read = "for f in /etc/apt/sources.list \(listDir)/*.list; do [ -f \"$f\" ] && { printf '==file:%s\\n' \"$f\"; cat \"$f\"; echo; }; done; true"
        let r = try context.run(read)
        let out = SysSections(r.stdoutText)
        var files: OrderedDictionary<String, [String]> = [:]
        for (name, lines) in out.sections.sorted(by: { $0.key < $1.key }) where name.hasPrefix("file:") {
            files[String(name.dropFirst(5))] = lines
        }
        let enabledSomewhere = files.values.contains { $0.contains { normalize($0) == wanted } }

        var newFiles: OrderedDictionary<String, [String]> = [:]
        var added: [String] = [], removed: [String] = []
        if state == "present" {
            if !enabledSomewhere {
                // re-enable a commented copy, preferring the target file
                let order = [target] + files.keys.filter { $0 != target }
                var done = false
                for path in order {
                    guard var lines = files[path] else { continue }
                    if let i = lines.firstIndex(where: { commentedCopy($0) == wanted }) {
                        lines[i] = repo
                        newFiles[path] = lines
                        done = true
                        break
                    }
                }
                if !done {
                    newFiles[target] = (files[target] ?? []) + [repo]
                    added.append(target)
                }
            }
        } else {
            for (path, lines) in files where lines.contains(where: { normalize($0) == wanted }) {
                newFiles[path] = lines.filter { normalize($0) != wanted }
                removed.append(path)
            }
        }
        var result = ModuleResult(changed: !newFiles.isEmpty, [
            "repo": .string(repo), "state": .string(state),
            "sources_added": .list(added.map { .string($0) }), "sources_removed": .list(removed.map { .string($0) }),
        ])
        if newFiles.isEmpty { return result }
        if context.diffMode {
            for (path, lines) in newFiles {
                let before = files[path].map { $0.joined(separator: "\n") + "\n" } ?? ""
                let after = lines.allSatisfy({ sysTrim($0).isEmpty }) && path != "/etc/apt/sources.list" ? "" : lines.joined(separator: "\n") + "\n"
                result.addDiff(before: before, after: after, beforeHeader: path, afterHeader: path)
            }
        }
        if context.checkMode { return result }

        var script = ""
        for (path, lines) in newFiles {
            let meaningful = lines.contains { !sysTrim($0).isEmpty }
            if !meaningful && path.hasPrefix(listDir + "/") {
                script += "rm -f \(shellQuote(path))\n"
            } else {
                let mode = files[path] == nil ? modeString(args["mode"]) ?? "0644" : nil
                script += SysScript.writeFile(path, lines.joined(separator: "\n") + "\n", mode: mode)
            }
        }
        if args.bool("update_cache") {
            script += updateScript(retries: args.int("update_cache_retries") ?? 5, maxDelay: args.int("update_cache_retry_max_delay") ?? 12)
        }
        let r2 = try context.run(script)
        if r2.exitCode != 0 { return sysCommandFailure("Updating the APT sources", r2, result.values) }
        return result
    }

    /// apt-get update with retries and a growing delay; touches the success stamp apt's
    /// cache_valid_time reads.
    static func updateScript(retries: Int, maxDelay: Int) -> String {
        """
        sp_try=0; sp_delay=1
        until DEBIAN_FRONTEND=noninteractive apt-get -q -o DPkg::Lock::Timeout=60 update >/dev/null 2>/tmp/.swiftplay-aptupd.$$; do
          sp_try=$((sp_try + 1))
          if [ $sp_try -ge \(max(1, retries)) ]; then cat /tmp/.swiftplay-aptupd.$$ >&2; rm -f /tmp/.swiftplay-aptupd.$$; exit 100; fi
          sleep $sp_delay; sp_delay=$((sp_delay * 2)); [ $sp_delay -gt \(max(1, maxDelay)) ] && sp_delay=\(max(1, maxDelay))
        done
        rm -f /tmp/.swiftplay-aptupd.$$
        mkdir -p /var/lib/apt/periodic && touch /var/lib/apt/periodic/update-success-stamp

        """
    }

    static func modeString(_ v: Value?) -> String? {
        guard let v else { return nil }
        if case .int(let i) = v { return "0" + String(i, radix: 8) }
        return v.pythonStr
    }

    /// Whitespace-normalized source line; "" for comments and blanks.
    static func normalize(_ line: String) -> String {
        let t = sysTrim(line)
        if t.isEmpty || t.hasPrefix("#") { return "" }
        return t.split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ")
    }

    /// The normalized source of a commented-out line ("# deb http://..."), or "".
    static func commentedCopy(_ line: String) -> String {
        var t = sysTrim(line)
        guard t.hasPrefix("#") else { return "" }
        while t.hasPrefix("#") { t.removeFirst() }
        return normalize(t)
    }

    /// The default file name: the URI's host and path (without scheme, options or credentials),
    /// non-alphanumeric runs turned into "_".
    static func suggestedName(_ repo: String) -> String {
        var s = repo
        while let open = s.firstIndex(of: "["), let close = s[open...].firstIndex(of: "]") {
            s.removeSubrange(open...close)
        }
        let words = s.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init).filter { $0 != "deb" && $0 != "deb-src" }
        guard var uri = words.first else { return "repository" }
        if let scheme = uri.range(of: "://") { uri = String(uri[scheme.upperBound...]) }
        if let at = uri.firstIndex(of: "@"), !uri[..<at].contains("/") { uri = String(uri[uri.index(after: at)...]) }
        let parts = uri.split(whereSeparator: { !($0.isASCII && ($0.isLetter || $0.isNumber)) }).map(String.init)
        return parts.isEmpty ? "repository" : parts.joined(separator: "_")
    }
}
