import Foundation
import Jinja
import OrderedCollections
import Transport

/// `dnf` (also answers to `yum`, as in ansible-core 2.17+): RPM packages with dnf/dnf5/yum.
public enum DnfModule: Module {
    public static let name = "dnf"
    public static var aliases: [String] {
        ["ansible.builtin.dnf", "ansible.legacy.dnf", "yum", "ansible.builtin.yum", "ansible.legacy.yum",
         "dnf5", "ansible.builtin.dnf5", "ansible.legacy.dnf5"]
    }
    public static let documentation = """
    # dnf (yum, dnf5)
    Installs, upgrades and removes RPM packages with `dnf` (`dnf5` or `yum` when the
    `ansible_pkg_mgr` fact says so, or when dnf is missing). `yum` is an alias, as in ansible-core.

    - `name` (list, alias `pkg`): package names, `name-version[-release]`, provides such as
      `/usr/bin/tool`, local `.rpm` paths or URLs, `@group` names.
    - `state`: `present`/`installed` (default), `latest`, `absent`/`removed`.
    - `enablerepo`, `disablerepo` (lists), `disable_gpg_check`, `update_cache` (alias
      `expire-cache`: `--refresh`), `conf_file`, `installroot`, `releasever`, `exclude`,
      `install_weak_deps`, `skip_broken`, `nobest`, `security`, `bugfix`, `update_only`,
      `allow_downgrade`, `autoremove`, `download_only`/`download_dir`, `cacheonly`,
      `disable_excludes`, `enable_plugin`/`disable_plugin`, `sslverify`.

    Installed packages are read with `rpm -q` (and `dnf check-update` for `latest`) in one round
    trip; dnf runs only when something must change, with the whole list in one call. Check mode
    reports what would change. Returns `msg`, `rc`, `results` (e.g. `Installed: foo-1.0-1.noarch`)
    and `failures` like Ansible.
    """
    public static let spec = ArgumentSpec([
        .init("name", .list, aliases: ["pkg"], elements: .str),
        .init("state", choices: ["absent", "present", "installed", "removed", "latest"]),
        .init("enablerepo", .list, elements: .str),
        .init("disablerepo", .list, elements: .str),
        .init("conf_file"),
        .init("disable_gpg_check", .bool, default: false),
        .init("installroot", default: "/"),
        .init("releasever"),
        .init("autoremove", .bool, default: false),
        .init("exclude", .list, elements: .str),
        .init("skip_broken", .bool, default: false),
        .init("update_cache", .bool, default: false, aliases: ["expire-cache"]),
        .init("update_only", .bool, default: false),
        .init("security", .bool, default: false),
        .init("bugfix", .bool, default: false),
        .init("enable_plugin", .list, elements: .str),
        .init("disable_plugin", .list, elements: .str),
        .init("disable_excludes"),
        .init("validate_certs", .bool, default: true),
        .init("sslverify", .bool, default: true),
        .init("allow_downgrade", .bool, default: false),
        .init("install_repoquery", .bool, default: true),
        .init("download_only", .bool, default: false),
        .init("download_dir"),
        .init("lock_timeout", .int, default: 30),
        .init("install_weak_deps", .bool, default: true),
        .init("cacheonly", .bool, default: false),
        .init("nobest", .bool),
        .init("best", .bool),
        .init("use_backend", default: "auto"),
        .init("list"),
    ], mutuallyExclusive: [["name", "list"]], requiredOneOf: [["name", "list", "update_cache"]])

    public static func run(_ args: Arguments, _ context: ModuleContext) throws -> ModuleResult {
        if args.has("list") { return .failed("the list option is not supported by swiftplay's dnf module; use the package_facts or command module") }
        var state = args.string("state") ?? (args.bool("autoremove") ? "absent" : "present")
        if state == "installed" { state = "present" }
        if state == "removed" { state = "absent" }
        let names = args.strings("name").map(sysTrim).filter { !$0.isEmpty }
        let opts = dnfOptions(args)
        let preferred: String
        switch context.variable("ansible_pkg_mgr")?.pythonStr ?? "" {
        case "dnf5": preferred = "dnf5 dnf yum"
        case "yum": preferred = "yum dnf"
        default: preferred = "dnf dnf5 yum"
        }
        let root = args.string("installroot") ?? "/"
        let rpmRoot = root == "/" ? "" : " --root \(shellQuote(root))"

        // Round trip 1: the tool, and for each requested spec whether it is installed.
        var read = """
        sp_bin=; for b in \(preferred); do if command -v $b >/dev/null 2>&1; then sp_bin=$b; break; fi; done
        echo '==bin'; echo "$sp_bin"
        echo '==installed'

        """
        for n in names {
            let q = shellQuote(n)
            if n.hasSuffix(".rpm") {
                // a file or URL: compare the package it contains
                read += "sp_nevra=$(rpm -qp --qf '%{NAME}-%{VERSION}-%{RELEASE}.%{ARCH}' -- \(q) 2>/dev/null); if [ -n \"$sp_nevra\" ] && rpm -q\(rpmRoot) --quiet -- \"$sp_nevra\"; then echo \"I \"\(q); else echo \"N \"\(q); fi\n"
            } else if n.hasPrefix("@") {
                read += "echo \"G \"\(q)\n"
            } else {
                read += "if rpm -q\(rpmRoot) --quiet -- \(q) 2>/dev/null || rpm -q\(rpmRoot) --quiet --whatprovides -- \(q) 2>/dev/null; then echo \"I \"\(q); else echo \"N \"\(q); fi\n"
            }
        }
        if state == "latest" && !names.isEmpty {
            let plain = names.filter { !$0.hasSuffix(".rpm") && !$0.hasPrefix("@") }.map(shellQuote).joined(separator: " ")
            if !plain.isEmpty {
                read += "echo '==updates'; [ -n \"$sp_bin\" ] && $sp_bin -q \(opts) check-update \(plain) 2>/dev/null; echo \"rc=$?\"\n"
            }
        }
        let r = try context.run(read)
        let out = SysSections(r.stdoutText)
        guard let bin = out.first("bin"), !bin.isEmpty else {
            return .failed("Could not find dnf, dnf5 or yum on the host")
        }
        var installed = Set<String>(), missing: [String] = [], groups: [String] = []
        for line in out.lines("installed") {
            let parts = line.split(separator: " ", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { continue }
            switch parts[0] {
            case "I": installed.insert(parts[1])
            case "G": groups.append(parts[1])
            default: missing.append(parts[1])
            }
        }
        var updatable: [String] = []
        if state == "latest" {
            let lines = out.lines("updates")
            let rc = lines.last.flatMap { $0.hasPrefix("rc=") ? Int($0.dropFirst(3)) : nil } ?? 0
            if rc == 100 {
                let wanted = Set(names)
                for line in lines.dropLast() {
                    let f = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
                    guard f.count >= 3, let dot = f[0].lastIndex(of: ".") else { continue }
                    let n = String(f[0][..<dot])
                    if wanted.contains(n) || wanted.contains(f[0]) { updatable.append(wanted.contains(n) ? n : f[0]) }
                }
            }
        }

        var commands: [String] = []
        switch state {
        case "absent":
            let present = names.filter { installed.contains($0) } + groups
            if !present.isEmpty { commands.append("$sp_bin -y \(opts) remove " + present.map(shellQuote).joined(separator: " ")) }
            else if args.bool("autoremove") && names.isEmpty { commands.append("$sp_bin -y \(opts) autoremove") }
        case "latest":
            if !missing.isEmpty || !groups.isEmpty {
                commands.append("$sp_bin -y \(opts) install " + (missing + groups).map(shellQuote).joined(separator: " "))
            }
            if !updatable.isEmpty { commands.append("$sp_bin -y \(opts) upgrade " + updatable.map(shellQuote).joined(separator: " ")) }
        default:
            let todo = (args.bool("update_only") ? [] : missing) + groups
            if !todo.isEmpty { commands.append("$sp_bin -y \(opts) install " + todo.map(shellQuote).joined(separator: " ")) }
        }
        var result = ModuleResult(changed: false, ["msg": "", "rc": 0, "results": .list([])])
        if commands.isEmpty && !args.bool("update_cache") {
            result["msg"] = "Nothing to do"
            return result
        }
        if commands.isEmpty {
            // update_cache alone
            if !context.checkMode {
                let r2 = try context.run("sp_bin=\(shellQuote(bin)); $sp_bin -q \(opts) makecache")
                if r2.exitCode != 0 { return sysCommandFailure("\(bin) makecache", r2) }
            }
            result["msg"] = "Cache updated"
            return result
        }
        if context.checkMode {
            result.changed = true
            let verb = state == "absent" ? "Removed" : "Installed"
            let items = state == "absent" ? names.filter { installed.contains($0) } + groups : missing + groups
            result["results"] = .list(items.map { .string("\(verb): \($0)") } + updatable.map { .string("Upgraded: \($0)") })
            result["msg"] = "Check mode: No changes made, but would have if not in check mode"
            return result
        }
        let script = "sp_bin=\(shellQuote(bin))\nexport LC_ALL=C\n" + commands.map { "\($0) || exit $?" }.joined(separator: "\n")
        let r2 = try context.run(script)
        let text = r2.stdoutText
        if r2.exitCode != 0 {
            let failures = sysLines(r2.stderrText + "\n" + text).filter {
                $0.contains("No match for argument") || $0.contains("Unable to find a match") || $0.hasPrefix("Error")
            }.map { Value.string(sysTrim($0)) }
            var f = ModuleResult.failed(state == "absent" ? "Failed to remove some of the specified packages" : "Failed to install some of the specified packages",
                                        ["failures": .list(failures), "rc": .int(Int(r2.exitCode)), "results": .list([])])
            f["stderr"] = .string(r2.stderrText)
            return f
        }
        let changes = parseTransaction(text)
        result.changed = !changes.isEmpty || !text.contains("Nothing to do")
        result["results"] = .list(changes.map { .string($0) })
        return result
    }

    static func dnfOptions(_ args: Arguments) -> String {
        var o: [String] = []
        for r in args.strings("enablerepo") { o.append("--enablerepo=\(shellQuote(r))") }
        for r in args.strings("disablerepo") { o.append("--disablerepo=\(shellQuote(r))") }
        if let c = args.string("conf_file") { o.append("--config=\(shellQuote(c))") }
        if args.bool("disable_gpg_check") { o.append("--nogpgcheck") }
        if let r = args.string("installroot"), r != "/" { o.append("--installroot=\(shellQuote(r))") }
        if let v = args.string("releasever") { o.append("--releasever=\(shellQuote(v))") }
        for e in args.strings("exclude") { o.append("--exclude=\(shellQuote(e))") }
        if args.bool("skip_broken") { o.append("--skip-broken") }
        if args.bool("update_cache") { o.append("--refresh") }
        if args.bool("security") { o.append("--security") }
        if args.bool("bugfix") { o.append("--bugfix") }
        for p in args.strings("enable_plugin") { o.append("--enableplugin=\(shellQuote(p))") }
        for p in args.strings("disable_plugin") { o.append("--disableplugin=\(shellQuote(p))") }
        if let d = args.string("disable_excludes") { o.append("--disableexcludes=\(shellQuote(d))") }
        if !args.bool("sslverify") { o.append("--setopt=sslverify=False") }
        if !args.bool("install_weak_deps") { o.append("--setopt=install_weak_deps=False") }
        if args.bool("download_only") { o.append("--downloadonly") }
        if let d = args.string("download_dir") { o.append("--downloaddir=\(shellQuote(d))") }
        if args.bool("cacheonly") { o.append("--cacheonly") }
        if args.has("nobest") && args.bool("nobest") { o.append("--nobest") }
        if args.has("best") { o.append("--setopt=best=\(args.bool("best") ? "True" : "False")") }
        if args.bool("allow_downgrade") { o.append("--setopt=allow_downgrade=True") }
        return o.joined(separator: " ")
    }

    /// "Installed:", "Upgraded:", "Removed:"... sections of dnf's transaction summary.
    static func parseTransaction(_ text: String) -> [String] {
        var out: [String] = []
        var current: String?
        let headers = ["Installed:", "Upgraded:", "Removed:", "Downgraded:", "Reinstalled:"]
        for line in sysLines(text) {
            let t = sysTrim(line)
            if headers.contains(t) { current = String(t.dropLast()); continue }
            if t.isEmpty || t == "Complete!" { current = nil; continue }
            if let c = current, line.hasPrefix(" ") {
                for pkg in t.split(separator: " ", omittingEmptySubsequences: true) { out.append("\(c): \(pkg)") }
            }
        }
        return out
    }
}
