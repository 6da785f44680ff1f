import Foundation
import Jinja
import OrderedCollections
import Transport

/// `mount` (ansible.posix.mount): /etc/fstab entries and active mounts.
public enum MountModule: Module {
    public static let name = "mount"
    public static var aliases: [String] { ["ansible.posix.mount", "ansible.builtin.mount", "ansible.legacy.mount"] }
    public static let documentation = """
    # mount
    Controls active mounts and their /etc/fstab entries.

    - `path` (required, alias `name`): the mount point. `src`, `fstype` (required for `present`,
      `mounted`, `ephemeral`), `opts` (default `defaults`), `dump` (0), `passno` (0), `boot`
      (default yes; `no` adds `noauto`), `fstab` (default /etc/fstab), `backup`.
    - `state`: `mounted` (entry present, mounted; remounted when the entry changed), `present`
      (entry only), `unmounted` (unmount, entry kept), `absent` (entry removed, unmounted, mount
      point removed when empty), `absent_from_fstab` (entry only), `remounted` (always remounts),
      `ephemeral` (mounted without touching fstab; an existing mount of the same source is kept).

    Entries are `src path fstype opts dump passno` lines (blanks in the path as `\\040`).
    One round trip reads fstab and `findmnt`, one more makes the changes. Check mode reports;
    diff mode shows the fstab change. Returns `name`, `src`, `fstype`, `opts`, `dump`, `passno`,
    `fstab`, `boot`, `state`.
    """
    public static let spec = ArgumentSpec([
        .init("path", .path, required: true, aliases: ["name"]),
        .init("src", .path),
        .init("fstype"),
        .init("opts"),
        .init("dump", default: "0"),
        .init("passno", default: "0"),
        .init("state", required: true, choices: ["absent", "absent_from_fstab", "mounted", "present", "unmounted", "remounted", "ephemeral"]),
        .init("fstab", default: "/etc/fstab"),
        .init("boot", .bool, default: true),
        .init("backup", .bool, default: false),
        .init("opts_no_log", .bool, default: false),
    ], requiredIf: [("state", "present", ["src", "fstype"]), ("state", "mounted", ["src", "fstype"]), ("state", "ephemeral", ["src", "fstype"])])

    public static func run(_ args: Arguments, _ context: ModuleContext) throws -> ModuleResult {
        var path = args.string("path") ?? ""
        while path.count > 1 && path.hasSuffix("/") { path.removeLast() }
        let state = args.string("state") ?? "mounted"
        let fstab = args.string("fstab") ?? "/etc/fstab"
        var opts = args.string("opts") ?? "defaults"
        if !args.bool("boot") && !opts.split(separator: ",").contains("noauto") { opts += ",noauto" }
        let p = shellQuote(path)
        let read = """
        \(SysScript.section("fstab")); cat \(shellQuote(fstab)) 2>/dev/null
        \(SysScript.section("mnt")); findmnt -n -P -o SOURCE,FSTYPE --mountpoint \(p) 2>/dev/null
        """
        let r = try context.run(read)
        let out = SysSections(r.stdoutText)
        let fstabLines = out.lines("fstab")
        let mountedLine = out.first("mnt") ?? ""
        let mounted = !mountedLine.isEmpty
        let mountedSource = field("SOURCE", in: mountedLine)

        let escaped = path.replacingOccurrences(of: " ", with: "\\040").replacingOccurrences(of: "\t", with: "\\011")
        let entryIndex = fstabLines.firstIndex { line in
            let f = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            return !line.hasPrefix("#") && f.count >= 2 && (f[1] == escaped || f[1] == path)
        }
        var newLines = fstabLines
        let desired = [args.string("src") ?? "", escaped, args.string("fstype") ?? "", opts,
                       args.string("dump") ?? "0", args.string("passno") ?? "0"].joined(separator: " ")
        var fstabChanged = false
        switch state {
        case "present", "mounted":
            if let i = entryIndex {
                let have = fstabLines[i].split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
                let want = desired.split(separator: " ").map(String.init)
                // dump/passno may be omitted in fstab (they default to 0)
                let padded = have + Array(repeating: "0", count: max(0, 6 - have.count))
                if Array(padded.prefix(6)) != want { newLines[i] = desired; fstabChanged = true }
            } else {
                newLines.append(desired)
                fstabChanged = true
            }
        case "absent", "absent_from_fstab":
            if let i = entryIndex { newLines.remove(at: i); fstabChanged = true }
        default: break
        }

        var commands: [String] = []
        let src = shellQuote(args.string("src") ?? "")
        let mountCmd = "mkdir -p \(p) && mount -t \(shellQuote(args.string("fstype") ?? "auto")) -o \(shellQuote(opts)) \(src) \(p)"
        switch state {
        case "mounted":
            if !mounted { commands.append(mountCmd) }
            else if fstabChanged {
                if mountedSource != args.string("src") { commands.append("umount \(p) && \(mountCmd)") }
                else { commands.append("mount -o \(shellQuote("remount," + opts)) \(p)") }
            }
        case "ephemeral":
            if !mounted { commands.append(mountCmd) }
            else if mountedSource != args.string("src") {
                return .failed("\(path) is already mounted from \(mountedSource ?? "another source")")
            }
        case "unmounted":
            if mounted { commands.append("umount \(p)") }
        case "absent":
            if mounted { commands.append("umount \(p)") }
            if mounted || fstabChanged { commands.append("rmdir \(p) 2>/dev/null; true") }
        case "remounted":
            commands.append(mounted ? "mount -o remount \(p)" : "{ echo '\(path) is not mounted' >&2; false; }")
        default: break
        }

        var result = ModuleResult(changed: fstabChanged || !commands.isEmpty, [
            "name": .string(path), "src": args["src"] ?? .none, "fstype": args["fstype"] ?? .none, "opts": .string(opts),
            "dump": .string(args.string("dump") ?? "0"), "passno": .string(args.string("passno") ?? "0"),
            "fstab": .string(fstab), "boot": .bool(args.bool("boot")), "state": .string(state),
        ])
        let before = fstabLines.isEmpty ? "" : fstabLines.joined(separator: "\n") + "\n"
        let after = newLines.isEmpty ? "" : newLines.joined(separator: "\n") + "\n"
        if context.diffMode && fstabChanged { result.addDiff(before: before, after: after, beforeHeader: fstab, afterHeader: fstab) }
        if !result.changed || context.checkMode { return result }

        var script = ""
        if fstabChanged {
            if args.bool("backup") {
                script += "[ -f \(shellQuote(fstab)) ] && cp -p \(shellQuote(fstab)) \(shellQuote(fstab)).$(date +%Y-%m-%d@%H:%M:%S~)\n"
            }
            script += SysScript.writeFile(fstab, after, mode: nil)
        }
        for c in commands { script += "\(c) || exit $?\n" }
        let r2 = try context.run(script)
        if r2.exitCode != 0 {
            var f = sysCommandFailure("Error mounting \(path)", r2, result.values)
            f["changed"] = .bool(fstabChanged)
            return f
        }
        return result
    }

    /// KEY="value" from findmnt -P output.
    static func field(_ key: String, in line: String) -> String? {
        guard let r = line.range(of: key + "=\"") else { return nil }
        let rest = line[r.upperBound...]
        guard let end = rest.firstIndex(of: "\"") else { return nil }
        return String(rest[..<end])
    }
}
