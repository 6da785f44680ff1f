import Foundation
import Jinja
import OrderedCollections
import Transport

/// `service`: generic service control; systemd hosts go through `systemd_service`, others through
/// SysV init scripts.
public enum ServiceModule: Module {
    public static let name = "service"
    public static let documentation = """
    # service
    Starts, stops, restarts or reloads a service and enables it at boot.

    - `name` (required), `state` (`started`, `stopped`, `restarted`, `reloaded`), `enabled` (bool).
    - `use`: `auto` (default) picks the backend from the `ansible_service_mgr` fact: `systemd`
      hands over to `systemd_service`; anything else uses SysV init.
    - SysV: the script `/etc/init.d/NAME` (or `service NAME ...` when there is no script) with
      `status` telling running (exit 0) from stopped (any other code); `pattern` looks for a
      process (`pgrep -f`) instead. `arguments` are appended to every script call; `sleep`
      seconds between stop and start on restart. Boot links through `update-rc.d` or
      `chkconfig`, whichever the host has (enabled = an S link in the `runlevel` rc directory,
      in any runlevel by default).

    Idempotent: status and boot links are read in one round trip, changed in one more.
    Check mode reports what would change. Returns `name`, `state`, `enabled`, `changed`.
    """
    public static let spec = ArgumentSpec([
        .init("name", required: true),
        .init("state", choices: ["reloaded", "restarted", "started", "stopped"]),
        .init("enabled", .bool),
        .init("sleep", .int),
        .init("pattern"),
        .init("arguments", default: "", aliases: ["args"]),
        .init("runlevel", default: "default"),
        .init("use", default: "auto"),
    ], requiredOneOf: [["state", "enabled"]])

    public static func run(_ args: Arguments, _ context: ModuleContext) throws -> ModuleResult {
        var backend = args.string("use") ?? "auto"
        if backend == "auto" { backend = context.variable("ansible_service_mgr")?.pythonStr ?? "auto" }
        if backend == "auto" {
            let r = try context.run("[ -d /run/systemd/system ] && echo systemd || echo sysvinit")
            backend = sysTrim(r.stdoutText)
        }
        if backend == "systemd" {
            var raw: OrderedDictionary<String, Value> = ["name": .string(args.string("name") ?? "")]
            if let s = args.string("state") { raw["state"] = .string(s) }
            if args.has("enabled") { raw["enabled"] = .bool(args.bool("enabled")) }
            let sargs = try SystemdModule.spec.validate(raw, module: SystemdModule.name)
            return try SystemdModule.run(sargs, context)
        }
        return try sysv(args, context)
    }

    static func sysv(_ args: Arguments, _ context: ModuleContext) throws -> ModuleResult {
        let name = args.string("name") ?? ""
        let n = shellQuote(name)
        let script = shellQuote("/etc/init.d/" + name)
        let extra = (args.string("arguments") ?? "").isEmpty ? "" : " " + (args.string("arguments") ?? "")
        // How to run an action: the init script when present, else `service`.
        let control = "if [ -x \(script) ]; then \(script) \"$1\"\(extra); elif command -v service >/dev/null 2>&1; then service \(n) \"$1\"\(extra); else echo 'no init script or service command for \(name)' >&2; return 127; fi"
        var read = "sp_ctl() { \(control); }\n"
        read += "\(SysScript.section("exists")); { [ -x \(script) ] || { command -v service >/dev/null 2>&1 && service --status-all 2>/dev/null | grep -qw \(n); }; } && echo yes\n"
        if let pattern = args.string("pattern") {
            read += "\(SysScript.section("status")); pgrep -f \(shellQuote(pattern)) >/dev/null 2>&1; echo $?\n"
        } else {
            read += "\(SysScript.section("status")); sp_ctl status >/dev/null 2>&1; echo $?\n"
        }
        read += "\(SysScript.section("tools")); command -v update-rc.d chkconfig 2>/dev/null\n"
        read += "\(SysScript.section("links")); ls /etc/rc?.d/S??\(n) 2>/dev/null\n"
        read += "\(SysScript.section("chkconfig")); command -v chkconfig >/dev/null 2>&1 && { chkconfig \(n) 2>/dev/null; echo $?; }\n"
        let r = try context.run(read)
        let out = SysSections(r.stdoutText)
        guard out.first("exists") == "yes" else {
            return .failed("Could not find the requested service \(name): cannot find an init script or service command")
        }
        let running = out.first("status") == "0"
        let tools = out.lines("tools").map(sysTrim)
        let hasUpdateRc = tools.contains { $0.hasSuffix("/update-rc.d") }
        let hasChkconfig = tools.contains { $0.hasSuffix("/chkconfig") }
        // Enabled: chkconfig's answer, or a start link in the given runlevel (any runlevel by default).
        let level = args.string("runlevel") ?? "default"
        let enabled: Bool
        if hasChkconfig {
            enabled = out.first("chkconfig") == "0"
        } else {
            let links = out.lines("links")
            enabled = level == "default" ? !links.isEmpty : links.contains { $0.hasPrefix("/etc/rc\(level).d/") }
        }

        var result = ModuleResult(changed: false, ["name": .string(name)])
        var commands: [String] = []
        if let state = args.string("state") {
            result["state"] = .string(state)
            switch state {
            case "started": if !running { commands.append("sp_ctl start") }
            case "stopped": if running { commands.append("sp_ctl stop") }
            case "restarted":
                if let s = args.int("sleep") {
                    commands.append("sp_ctl stop; sleep \(s)")
                    commands.append("sp_ctl start")
                } else {
                    commands.append("sp_ctl restart")
                }
            case "reloaded": commands.append(running ? "sp_ctl reload" : "sp_ctl start")
            default: break
            }
        }
        if args.has("enabled") {
            let want = args.bool("enabled")
            result["enabled"] = .bool(want)
            if want != enabled {
                if hasUpdateRc {
                    commands.append(want ? "update-rc.d \(n) defaults >/dev/null && update-rc.d \(n) enable" : "update-rc.d \(n) disable")
                } else if hasChkconfig {
                    commands.append("chkconfig \(n) \(want ? "on" : "off")")
                } else {
                    return .failed("Neither update-rc.d nor chkconfig is available to enable or disable \(name) at boot", result.values)
                }
            }
        }
        if commands.isEmpty { return result }
        result.changed = true
        if context.checkMode { return result }
        let change = "sp_ctl() { \(control); }\n" + commands.map { "\($0) || exit $?" }.joined(separator: "\n")
        let r2 = try context.run(change)
        if r2.exitCode != 0 {
            var f = sysCommandFailure("Changing service \(name)", r2, result.values)
            f["changed"] = .bool(false)
            return f
        }
        return result
    }
}
