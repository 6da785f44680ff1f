import Foundation
import Jinja
import OrderedCollections
import Transport

/// `group`: local groups with groupadd/groupmod/groupdel.
public enum GroupModule: Module {
    public static let name = "group"
    public static let documentation = """
    # group
    Creates, changes or removes a local group (`groupadd`, `groupmod`, `groupdel`).

    - `name` (required), `gid`, `system` (create a system group), `non_unique` (allow a
      duplicate gid), `state` (`present`/`absent`), `force` (remove even when it is a user's
      primary group), `local` (accepted; the shadow tools already act on local files).

    One round trip reads the group (`getent group`), one more changes it when needed. Check mode
    reports the change. Returns `name`, `gid`, `state`, `system`.
    """
    public static let spec = ArgumentSpec([
        .init("name", required: true),
        .init("gid", .int),
        .init("state", default: "present", choices: ["absent", "present"]),
        .init("system", .bool, default: false),
        .init("local", .bool, default: false),
        .init("non_unique", .bool, default: false),
        .init("force", .bool, default: false),
        .init("gid_min", .int),
        .init("gid_max", .int),
    ])

    public static func run(_ args: Arguments, _ context: ModuleContext) throws -> ModuleResult {
        let name = args.string("name") ?? ""
        let n = shellQuote(name)
        let state = args.string("state") ?? "present"
        let r = try context.run("getent group \(n) || true")
        let fields = sysTrim(r.stdoutText).split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        let exists = fields.count >= 3 && fields[0] == name
        let currentGid = exists ? Int(fields[2]) : nil

        if state == "absent" {
            var result = ModuleResult(changed: exists, ["name": .string(name), "state": "absent"])
            if !exists || context.checkMode { return result }
            let r2 = try context.run("groupdel\(args.bool("force") ? " -f" : "") \(n)")
            if r2.exitCode != 0 { return sysCommandFailure("groupdel", r2, ["name": .string(name)]) }
            result.changed = true
            return result
        }

        var command: String?
        if !exists {
            var c = "groupadd"
            if let gid = args.int("gid") { c += " -g \(gid)" }
            if args.bool("non_unique") { c += " -o" }
            if args.bool("system") { c += " -r" }
            if let v = args.int("gid_min") { c += " -K GID_MIN=\(v)" }
            if let v = args.int("gid_max") { c += " -K GID_MAX=\(v)" }
            command = c + " \(n)"
        } else if let gid = args.int("gid"), gid != currentGid {
            command = "groupmod -g \(gid)\(args.bool("non_unique") ? " -o" : "") \(n)"
        }
        var result = ModuleResult(changed: command != nil, ["name": .string(name), "state": "present", "system": .bool(args.bool("system"))])
        if let g = args.int("gid") ?? currentGid { result["gid"] = .int(g) }
        guard let command, !context.checkMode else { return result }
        let r2 = try context.run("\(command) || exit $?\ngetent group \(n) | cut -d: -f3")
        if r2.exitCode != 0 { return sysCommandFailure(exists ? "groupmod" : "groupadd", r2, ["name": .string(name)]) }
        if let gid = Int(sysTrim(r2.stdoutText)) { result["gid"] = .int(gid) }
        return result
    }
}
