import Foundation
import Jinja
import OrderedCollections
import Transport

/// `apt`: Debian/Ubuntu packages with apt-get and dpkg.
public enum AptModule: Module {
    public static let name = "apt"
    public static let documentation = """
    # apt
    Manages Debian packages with `apt-get` and `dpkg` on the host.

    - `name` (list, aliases `package`, `pkg`): packages; `name=VERSION` pins a version (shell
      wildcards allowed, e.g. `nginx=1.22*`). The whole list goes to one `apt-get` call.
    - `state`: `present` (default), `absent`, `latest`, `fixed` (repair broken dependencies),
      `build-dep`.
    - `update_cache`: run `apt-get update` first; with `cache_valid_time` (seconds) only when the
      cache is older (age from /var/lib/apt/periodic/update-success-stamp, else /var/lib/apt/lists).
    - `deb`: install a `.deb` file from a path on the host or a URL (downloaded on the host with curl
      or wget); skipped when that version is already installed.
    - `upgrade`: `no` (default), `yes`/`safe`, `full`, `dist`.
    - `autoremove`, `autoclean`, `clean`, `purge`, `force`, `install_recommends`, `default_release`,
      `only_upgrade`, `allow_unauthenticated`, `allow_downgrade`, `allow_change_held_packages`,
      `dpkg_options`, `fail_on_autoremove`.
    - `lock_timeout` (seconds, default 60): waits while another process holds the dpkg or lists lock.

    Idempotent: installed packages are read with `dpkg-query` first; `apt-get` runs only when
    something must change, and `changed` comes from apt-get's own summary. Check mode runs
    `apt-get --simulate`. In diff mode, `diff.prepared` holds apt-get's plan.
    Returns `cache_updated`, `cache_update_time`, `stdout`, `stderr` like Ansible.
    """
    public static let spec = ArgumentSpec([
        .init("name", .list, aliases: ["package", "pkg"], elements: .str, help: "Packages to manage."),
        .init("state", default: "present", choices: ["absent", "build-dep", "latest", "present", "fixed"]),
        .init("update_cache", .bool, aliases: ["update-cache"]),
        .init("update_cache_retries", .int, default: 5),
        .init("update_cache_retry_max_delay", .int, default: 12),
        .init("cache_valid_time", .int, default: 0),
        .init("purge", .bool, default: false),
        .init("default_release", aliases: ["default-release"]),
        .init("install_recommends", .bool, aliases: ["install-recommends"]),
        .init("force", .bool, default: false),
        .init("clean", .bool, default: false),
        .init("upgrade", default: "no", choices: ["dist", "full", "no", "safe", "yes"]),
        .init("dpkg_options", default: "force-confdef,force-confold"),
        .init("deb", .path, help: "A .deb file on the host, or a URL."),
        .init("autoremove", .bool, default: false),
        .init("autoclean", .bool, default: false),
        .init("policy_rc_d", .int),
        .init("only_upgrade", .bool, default: false),
        .init("fail_on_autoremove", .bool, default: false),
        .init("force_apt_get", .bool, default: false),
        .init("allow_unauthenticated", .bool, default: false, aliases: ["allow-unauthenticated"]),
        .init("allow_downgrade", .bool, default: false, aliases: ["allow-downgrade", "allow_downgrades", "allow-downgrades"]),
        .init("allow_change_held_packages", .bool, default: false),
        .init("lock_timeout", .int, default: 60),
        .init("auto_install_module_deps", .bool, default: true),
    ], mutuallyExclusive: [["deb", "name", "upgrade"]],
       requiredOneOf: [["autoremove", "deb", "name", "upgrade", "update_cache", "clean", "autoclean"]])

    /// One requested package: `name`, optional `=version` pin.
    struct Request {
        var name: String
        var version: String?
        var spec: String { version.map { "\(name)=\($0)" } ?? name }
    }

    /// What dpkg knows about an installed (or config-files) package.
    struct Installed {
        var status: String
        var version: String
        var isInstalled: Bool { status.hasSuffix(" installed") && status.hasPrefix("install ") || status == "hold ok installed" }
        var hasConfig: Bool { status.hasSuffix("config-files") }
    }

    public static func run(_ args: Arguments, _ context: ModuleContext) throws -> ModuleResult {
        let state = args.string("state") ?? "present"
        var requests: [Request] = []
        for spec in args.strings("name") where !sysTrim(spec).isEmpty {
            let s = sysTrim(spec)
            if let eq = s.firstIndex(of: "=") {
                requests.append(Request(name: String(s[..<eq]), version: String(s[s.index(after: eq)...])))
            } else {
                requests.append(Request(name: s, version: nil))
            }
        }
        let lockTimeout = max(0, args.int("lock_timeout") ?? 60)

        // Round trip 1: cache age, dpkg status of the requested packages, and for `latest` the candidates.
        var read = """
        \(SysScript.section("now")); date +%s
        \(SysScript.section("stamp")); stat -c %Y /var/lib/apt/periodic/update-success-stamp 2>/dev/null || stat -c %Y /var/lib/apt/lists 2>/dev/null || echo 0
        ls /var/lib/apt/lists/ 2>/dev/null | grep -q '_Packages' || echo '==nolists'
        \(SysScript.section("lists")); stat -c %Y /var/lib/apt/lists 2>/dev/null || echo 0
        \(SysScript.section("aptget")); command -v apt-get || true

        """
        let names = requests.map { shellQuote($0.name) }.joined(separator: " ")
        if !requests.isEmpty {
            read += "\(SysScript.section("dpkg")); dpkg-query -W -f='${Package}\\t${Architecture}\\t${Status}\\t${Version}\\n' \(names) 2>/dev/null || true\n"
            if state == "latest" {
                read += "\(SysScript.section("policy")); LC_ALL=C apt-cache policy \(names) 2>/dev/null || true\n"
            }
        }
        var debFile: String?
        if let deb = args.string("deb") {
            if deb.contains("://") {
                let tmp = "/tmp/.swiftplay-deb-\(UUID().uuidString.prefix(8)).deb"
                debFile = tmp
                read += "\(SysScript.section("download")); \(SysDownload.fetchCommand(url: deb, to: tmp)) || echo FAILED\n"
            } else {
                debFile = deb
            }
            if let debFile {
                let f = shellQuote(debFile)
                read += "\(SysScript.section("debinfo")); dpkg-deb -f \(f) Package Version Architecture 2>&1 || echo FAILED\n"
                read += "\(SysScript.section("debinstalled")); dpkg-query -W -f='${Status}\\t${Version}\\n' \"$(dpkg-deb -f \(f) Package 2>/dev/null)\" 2>/dev/null || true\n"
            }
        }
        let r1 = try context.run(read)
        let out = SysSections(r1.stdoutText)
        guard out.first("aptget").map({ !$0.isEmpty }) ?? false else {
            return .failed("apt-get is not available on this host")
        }
        let now = Int(out.first("now") ?? "") ?? 0
        let stamp = Int(out.first("stamp") ?? "") ?? 0
        let listsBefore = Int(out.first("lists") ?? "") ?? 0
        var installed: [String: Installed] = [:]
        for line in out.lines("dpkg") {
            let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard f.count >= 4 else { continue }
            let info = Installed(status: f[2], version: f[3])
            installed[f[0]] = info
            installed["\(f[0]):\(f[1])"] = info
        }

        // Does the cache need an update?
        let validTime = args.int("cache_valid_time") ?? 0
        var updateNeeded = false
        // As in Ansible, cache_valid_time alone implies update_cache.
        if args.bool("update_cache") || (!args.has("update_cache") && validTime > 0) {
            // An empty lists directory is never "recent", whatever its mtime.
            updateNeeded = validTime <= 0 || now - stamp > validTime || out.has("nolists")
        }

        // Decide what apt-get must do.
        var actions: [String] = []          // apt-get sub-commands, each a full command line
        let opts = aptOptions(args, lockTimeout: lockTimeout)
        var pending = false                 // a package change is needed (decided on the controller)

        if let debFile {
            if out.text("download").contains("FAILED") || out.text("debinfo").contains("FAILED") {
                return .failed("Unable to read the .deb package \(args.string("deb") ?? ""): \(out.text("debinfo"))")
            }
            let info = out.lines("debinfo").map { $0.trimmingCharacters(in: .whitespaces) }
            var fields: [String: String] = [:]
            for l in info { if let c = l.firstIndex(of: ":") { fields[String(l[..<c])] = sysTrim(String(l[l.index(after: c)...])) } }
            let current = out.first("debinstalled").map { $0.split(separator: "\t").map(String.init) } ?? []
            let same = current.count == 2 && current[0].hasSuffix(" installed") && current[1] == (fields["Version"] ?? "?")
            if !same || args.bool("force") {
                pending = true
                actions.append("apt-get \(opts) install \(shellQuote(debFile.hasPrefix("/") ? debFile : "./" + debFile))")
            }
        }

        switch state {
        case "present":
            let missing = requests.filter { req in
                guard let i = installed[req.name], i.isInstalled else { return true }
                if let v = req.version { return !sysGlobMatch(v, i.version) }
                return false
            }
            if !missing.isEmpty {
                pending = true
                let extra = args.bool("only_upgrade") ? " --only-upgrade" : ""
                actions.append("apt-get \(opts)\(extra) install " + missing.map { shellQuote($0.spec) }.joined(separator: " "))
            }
        case "latest":
            let policy = parsePolicy(out.lines("policy"))
            let stale = requests.filter { req in
                guard let i = installed[req.name], i.isInstalled else { return true }
                guard let cand = policy[req.name] else { return true }
                return cand != "(none)" && cand != i.version
            }
            if !stale.isEmpty || updateNeeded {
                if !stale.isEmpty { pending = true }
                let extra = args.bool("only_upgrade") ? " --only-upgrade" : ""
                let targets = (stale.isEmpty ? requests : stale).map { shellQuote($0.name) }.joined(separator: " ")
                actions.append("apt-get \(opts)\(extra) install \(targets)")
            }
        case "absent":
            let purge = args.bool("purge")
            let present = requests.filter { req in
                guard let i = installed[req.name] else { return false }
                if let v = req.version, !sysGlobMatch(v, i.version) { return false }
                return i.isInstalled || (purge && i.hasConfig)
            }
            if !present.isEmpty {
                pending = true
                let autoremove = args.bool("autoremove") ? " --auto-remove" : ""
                actions.append("apt-get \(opts)\(purge ? " --purge" : "")\(autoremove) remove " + present.map { shellQuote($0.name) }.joined(separator: " "))
            }
        case "fixed":
            actions.append("apt-get \(opts) --fix-broken install " + requests.map { shellQuote($0.spec) }.joined(separator: " "))
        case "build-dep":
            actions.append("apt-get \(opts) build-dep " + requests.map { shellQuote($0.spec) }.joined(separator: " "))
        default:
            break
        }
        switch args.string("upgrade") ?? "no" {
        case "yes", "safe":
            actions.append("apt-get \(opts) --with-new-pkgs upgrade")
        case "full", "dist":
            actions.append("apt-get \(opts) dist-upgrade")
        default: break
        }
        if args.bool("autoremove") && state != "absent" {
            actions.append("apt-get \(opts)\(args.bool("purge") ? " --purge" : "") autoremove")
        }

        var base: OrderedDictionary<String, Value> = ["cache_updated": .bool(false), "cache_update_time": .int(stamp)]
        if actions.isEmpty && !updateNeeded && !args.bool("clean") && !args.bool("autoclean") {
            if let debFile, debFile.hasPrefix("/tmp/.swiftplay-deb-") { _ = try? context.run("rm -f \(shellQuote(debFile))") }
            return ModuleResult(changed: false, base)
        }

        // Check mode with a stale cache: apt-get cannot simulate against lists it does not have yet,
        // so report the update (and whatever the controller found missing) without asking apt.
        if context.checkMode && updateNeeded {
            base["cache_updated"] = .bool(true)
            return ModuleResult(changed: true, base)
        }

        // Round trip 2: update the cache, then run the actions (simulated in check mode).
        var script = lockHelper(timeout: lockTimeout)
        script += "export DEBIAN_FRONTEND=noninteractive NEEDRESTART_MODE=a\n"
        if let p = args.int("policy_rc_d") {
            script += "sp_prc=0; if [ ! -e /usr/sbin/policy-rc.d ]; then sp_prc=1; printf '#!/bin/sh\\nexit %d\\n' \(p) > /usr/sbin/policy-rc.d; chmod 0755 /usr/sbin/policy-rc.d; fi\n"
        }
        if updateNeeded {
            if context.checkMode {
                script += "\(SysScript.section("updated")); echo checkmode\n"
            } else {
                let tries = max(1, args.int("update_cache_retries") ?? 5)
                let maxDelay = max(1, args.int("update_cache_retry_max_delay") ?? 12)
                script += """
                sp_try=0; sp_delay=1
                while :; do
                  sp_apt apt-get -q -o DPkg::Lock::Timeout=\(lockTimeout) update >/tmp/.swiftplay-aptupd.$$ 2>&1 && break
                  sp_try=$((sp_try + 1))
                  if [ $sp_try -ge \(tries) ]; then cat /tmp/.swiftplay-aptupd.$$ >&2; rm -f /tmp/.swiftplay-aptupd.$$; echo '==updatefailed'; exit 101; fi
                  sleep $sp_delay; sp_delay=$((sp_delay * 2)); [ $sp_delay -gt \(maxDelay) ] && sp_delay=\(maxDelay)
                done
                rm -f /tmp/.swiftplay-aptupd.$$
                mkdir -p /var/lib/apt/periodic && touch /var/lib/apt/periodic/update-success-stamp
                \(SysScript.section("updated")); stat -c %Y /var/lib/apt/lists

                """
            }
        }
        if args.bool("clean") && !context.checkMode { script += "sp_apt apt-get clean >&2\n" }
        if args.bool("autoclean") && !context.checkMode { script += "sp_apt apt-get -y autoclean >&2\n" }
        script += "\(SysScript.section("actions"))\n"
        for a in actions {
            let line = context.checkMode ? a.replacingOccurrences(of: "apt-get ", with: "apt-get --simulate ", options: .anchored) : a
            script += "sp_apt \(line) || { sp_rc=$?; echo \"==failed $sp_rc\"; exit $sp_rc; }\n"
        }
        if args.int("policy_rc_d") != nil { script += "[ \"$sp_prc\" = 1 ] && rm -f /usr/sbin/policy-rc.d\n" }
        if let debFile, debFile.hasPrefix("/tmp/.swiftplay-deb-") { script += "rm -f \(shellQuote(debFile))\n" }
        script += "\(SysScript.section("stamp")); stat -c %Y /var/lib/apt/periodic/update-success-stamp 2>/dev/null || stat -c %Y /var/lib/apt/lists 2>/dev/null || echo 0\n"

        let r2 = try context.run(script)
        let o2 = SysSections(r2.stdoutText)
        if o2.has("updatefailed") {
            return sysCommandFailure("Failed to update apt cache", r2)
        }
        var cacheUpdated = false
        if updateNeeded {
            if context.checkMode {
                cacheUpdated = true
            } else if let after = Int(o2.first("updated") ?? "") {
                cacheUpdated = after != listsBefore
            }
        }
        base["cache_updated"] = .bool(cacheUpdated)
        base["cache_update_time"] = .int(Int(o2.first("stamp") ?? "") ?? stamp)

        let actionOutput = o2.text("actions")
        var result = ModuleResult(changed: false, base)
        if actions.isEmpty {
            result.changed = cacheUpdated || args.bool("clean")
            return result
        }
        // apt-get's summary line is the truth; without one, trust the controller's decision.
        let hasSummary = !summaryLines(actionOutput).isEmpty
        result.changed = summaryShowsChange(actionOutput) || (!hasSummary && pending)
        let outValues = sysOutputValues(CommandResult(exitCode: r2.exitCode, stdout: Data(actionOutput.utf8), stderr: r2.stderr))
        for (k, v) in outValues { result[k] = v }
        if context.diffMode { result["diff"] = .dict(["prepared": .string(actionOutput)]) }
        if r2.exitCode != 0 {
            result["failed"] = .bool(true)
            result["rc"] = .int(Int(r2.exitCode))
            let err = sysTrim(r2.stderrText)
            let what = state == "absent" ? "remove" : "install"
            result["msg"] = .string("'apt-get \(what) \(requests.map(\.spec).joined(separator: " "))' failed: \(err.isEmpty ? sysTrim(actionOutput) : err)")
            result.changed = false
        }
        return result
    }

    /// apt-get options shared by every action.
    static func aptOptions(_ args: Arguments, lockTimeout: Int) -> String {
        var o = ["-y", "-o", "DPkg::Lock::Timeout=\(lockTimeout)"]
        for d in (args.string("dpkg_options") ?? "").split(separator: ",") where !sysTrim(String(d)).isEmpty {
            o += ["-o", shellQuote("Dpkg::Options::=--\(sysTrim(String(d)))")]
        }
        if args.has("install_recommends") {
            o.append(args.bool("install_recommends") ? "-o APT::Install-Recommends=yes" : "--no-install-recommends")
        }
        if let rel = args.string("default_release") { o += ["-t", shellQuote(rel)] }
        if args.bool("force") {
            o += ["--allow-unauthenticated", "--allow-downgrades", "--allow-remove-essential", "--allow-change-held-packages"]
        } else {
            if args.bool("allow_unauthenticated") { o.append("--allow-unauthenticated") }
            if args.bool("allow_downgrade") { o.append("--allow-downgrades") }
            if args.bool("allow_change_held_packages") { o.append("--allow-change-held-packages") }
        }
        if args.bool("fail_on_autoremove") { o.append("--no-remove") }
        return o.joined(separator: " ")
    }

    /// Shell function `sp_apt CMD...`: runs CMD, retrying while another process holds an apt or dpkg
    /// lock, for up to `timeout` seconds.
    static func lockHelper(timeout: Int) -> String {
        """
        sp_apt() {
          sp_end=$(( $(date +%s) + \(timeout) ))
          sp_e=$(mktemp)
          while :; do
            LC_ALL=C "$@" 2>"$sp_e"; sp_rc=$?
            if [ $sp_rc -ne 0 ] && grep -qE 'Could not get lock|Unable to lock|Unable to acquire the dpkg frontend lock|is another process using it' "$sp_e" && [ "$(date +%s)" -lt "$sp_end" ]; then
              sleep 1; continue
            fi
            cat "$sp_e" >&2; rm -f "$sp_e"; return $sp_rc
          done
        }

        """
    }

    /// "N upgraded, N newly installed, N to remove and N not upgraded." lines from apt-get.
    static func summaryLines(_ text: String) -> [String] {
        sysSplitLines(text).filter { $0.contains(" upgraded, ") && $0.contains(" newly installed") }
    }

    static func summaryShowsChange(_ text: String) -> Bool {
        for line in summaryLines(text) {
            // "0 upgraded, 1 newly installed, 0 to remove and 3 not upgraded."
            let parts = line.split(separator: ",").map { sysTrim(String($0)) }
            guard parts.count >= 3 else { continue }
            let upgraded = Int(parts[0].split(separator: " ").first ?? "") ?? 0
            let installed = Int(parts[1].split(separator: " ").first ?? "") ?? 0
            let removed = Int(parts[2].split(separator: " ").first ?? "") ?? 0
            if upgraded + installed + removed > 0 { return true }
        }
        // dpkg-level changes without the summary line (e.g. reinstalling a .deb)
        return text.contains("\nSetting up ") || text.hasPrefix("Setting up ") || text.contains("\nRemoving ") || text.contains("\nPurging configuration files")
    }

    /// Candidate versions from `apt-cache policy NAMES`.
    static func parsePolicy(_ lines: [String]) -> [String: String] {
        var result: [String: String] = [:]
        var current: String?
        for line in lines {
            if !line.hasPrefix(" "), line.hasSuffix(":") {
                current = String(line.dropLast())
                continue
            }
            let t = sysTrim(line)
            if let c = current, t.hasPrefix("Candidate:") {
                result[c] = sysTrim(String(t.dropFirst("Candidate:".count)))
            }
        }
        return result
    }
}
