import Foundation
import Jinja
import OrderedCollections
import Transport

/// `systemd_service` (alias `systemd`): controls systemd units with systemctl.
public enum SystemdModule: Module {
    public static let name = "systemd_service"
    public static var aliases: [String] {
        ["systemd", "ansible.builtin.systemd", "ansible.legacy.systemd",
         "ansible.builtin.systemd_service", "ansible.legacy.systemd_service"]
    }
    public static let documentation = """
    # systemd_service (systemd)
    Starts, stops, restarts, reloads, enables, disables, masks and unmasks systemd units with
    `systemctl`.

    - `name` (aliases `service`, `unit`): the unit; `.service` is implied without a suffix.
    - `state`: `started`, `stopped`, `restarted` (always acts), `reloaded` (starts a stopped unit).
    - `enabled`, `masked` (bools); `daemon_reload`, `daemon_reexec` run before anything else.
    - `scope`: `system` (default), `user` (the connecting user's manager), `global` (enable only).
    - `no_block`: do not wait for jobs; `force`: override conflicting symlinks when enabling.

    The unit's state is read in one round trip (`systemctl show` and `is-enabled`), the changes
    are made in one more, and nothing runs when the unit is already as requested. Check mode
    reports what would change. Returns `name`, `state`, `enabled` and `status` (the unit's
    properties from `systemctl show`, read before any change, as Ansible does).
    """
    public static let spec = ArgumentSpec([
        .init("name", aliases: ["service", "unit"], help: "Unit name."),
        .init("state", choices: ["reloaded", "restarted", "started", "stopped"]),
        .init("enabled", .bool),
        .init("force", .bool),
        .init("masked", .bool),
        .init("daemon_reload", .bool, default: false, aliases: ["daemon-reload"]),
        .init("daemon_reexec", .bool, default: false, aliases: ["daemon-reexec"]),
        .init("scope", default: "system", choices: ["system", "user", "global"]),
        .init("no_block", .bool, default: false),
    ], requiredOneOf: [["state", "enabled", "masked", "daemon_reload", "daemon_reexec"]])

    public static func run(_ args: Arguments, _ context: ModuleContext) throws -> ModuleResult {
        let scope = args.string("scope") ?? "system"
        var systemctl = "systemctl"
        if scope == "user" { systemctl += " --user" } else if scope == "global" { systemctl += " --global" }
        if scope == "global" && args.has("state") {
            return .failed("state cannot be used with scope=global; only enabled and masked are supported")
        }
        var result = ModuleResult(changed: false, ["name": args["name"] ?? .none])

        // daemon-reload / daemon-reexec come first and are part of the read round trip.
        var prelude = ""
        if !context.checkMode {
            if args.bool("daemon_reload") { prelude += "\(systemctl) daemon-reload || { echo '==reloadfailed'; exit 1; }\n" }
            if args.bool("daemon_reexec") { prelude += "\(systemctl) daemon-reexec || { echo '==reexecfailed'; exit 1; }\n" }
        }
        guard let unit = args.string("name") else {
            if !prelude.isEmpty {
                let r = try context.run(prelude)
                if r.exitCode != 0 { return sysCommandFailure("systemctl daemon-reload", r) }
            }
            result["status"] = .dict([:])
            return result
        }
        let u = shellQuote(unit)
        let read = prelude + """
        \(SysScript.section("show")); \(scope == "global" ? "systemctl" : systemctl) show \(u) 2>/dev/null
        \(SysScript.section("enabled")); \(systemctl) is-enabled \(u) 2>/dev/null; echo "rc=$?"
        """
        let r = try context.run(read)
        let out = SysSections(r.stdoutText)
        if out.has("reloadfailed") || out.has("reexecfailed") { return sysCommandFailure("systemctl daemon-reload", r) }
        var status = OrderedDictionary<String, Value>()
        for line in out.lines("show") {
            guard let eq = line.firstIndex(of: "=") else { continue }
            status[String(line[..<eq])] = .string(String(line[line.index(after: eq)...]))
        }
        var enabledLines = out.lines("enabled")
        let rcLine = enabledLines.popLast() ?? "rc=1"
        let enabledRC = Int(rcLine.dropFirst(3)) ?? 1
        let enabledOut = enabledLines.map(sysTrim).filter { !$0.isEmpty }
        let loadState = status["LoadState"]?.pythonStr ?? ""
        let isMasked = enabledOut.first == "masked" || enabledOut.first == "masked-runtime" || loadState == "masked"
        // As Ansible: is-enabled's exit status decides, except that a lone "indirect" or "alias"
        // means not enabled. (SysV scripts answer through systemd-sysv-install on Debian.)
        let isEnabled = enabledRC == 0 && enabledOut != ["indirect"] && enabledOut != ["alias"]
        let loaded = !loadState.isEmpty && loadState != "not-found"
        let hasUnitFile = !enabledOut.isEmpty && enabledOut.first != "not-found"
        let found = loaded || hasUnitFile || isMasked
        if !found && scope != "global" && (args.has("state") || args.has("enabled") || (args.has("masked") && !args.bool("masked"))) {
            return .failed("Could not find the requested service \(unit): host")
        }
        result["status"] = .dict(status)

        var commands: [String] = []
        let noBlock = args.bool("no_block") ? " --no-block" : ""
        let force = args.bool("force") ? " --force" : ""
        if args.has("masked") {
            let want = args.bool("masked")
            if want != isMasked {
                commands.append("\(systemctl)\(noBlock) \(want ? "mask" : "unmask") \(u)")
            }
        }
        if args.has("enabled") {
            let want = args.bool("enabled")
            if want != isEnabled {
                commands.append("\(systemctl)\(force) \(want ? "enable" : "disable") \(u)")
            }
            result["enabled"] = .bool(want)
        }
        if let state = args.string("state") {
            let active = status["ActiveState"]?.pythonStr ?? "inactive"
            let running = ["active", "activating", "reloading", "deactivating"].contains(active)
            switch state {
            case "started":
                if !running || active == "deactivating" { commands.append("\(systemctl)\(noBlock) start \(u)") }
            case "stopped":
                if running { commands.append("\(systemctl)\(noBlock) stop \(u)") }
            case "restarted":
                commands.append("\(systemctl)\(noBlock) restart \(u)")
            case "reloaded":
                commands.append("\(systemctl)\(noBlock) \(running ? "reload" : "start") \(u)")
            default: break
            }
            result["state"] = .string(state)
        }
        if commands.isEmpty { return result }
        result.changed = true
        if context.checkMode { return result }
        let change = commands.map { "\($0) || exit $?" }.joined(separator: "\n")
        let r2 = try context.run(change)
        if r2.exitCode != 0 {
            let err = sysTrim(r2.stderrText)
            var failed = ModuleResult.failed("Unable to change the state of \(unit): \(err.isEmpty ? sysTrim(r2.stdoutText) : err)", result.values)
            failed["rc"] = .int(Int(r2.exitCode))
            failed["changed"] = .bool(false)
            return failed
        }
        return result
    }
}
