import Foundation
import Jinja
import OrderedCollections
import Transport

/// `archive`: packs host files into a tar (gz/bz2/xz), zip or compressed file on the host.
public enum ArchiveModule: Module {
    public static let name = "archive"
    public static let aliases = ["community.general.archive", "ansible.builtin.archive"]
    public static let documentation = """
    # archive
    Creates `dest` from the host paths in `path` (globs allowed) with the host's tar, gzip, bzip2, xz
    or zip. A single file with `format` gz/bz2/xz is compressed on its own (`state: compress`)
    unless `force_archive`; otherwise members are stored relative to the paths' common parent
    directory (`arcroot`).

    The archive is built into a temporary file next to `dest` and only replaces it when its SHA-1
    differs (gzip without timestamps, so unchanged sources give an identical archive). In check
    mode the temporary build is compared and discarded.

    - `path` (required, list), `dest` (required for several paths or a directory).
    - `format`: gz (default), bz2, xz, tar, zip. `force_archive`: always make an archive.
    - `exclude_path`: paths left out. `exclusion_patterns`: globs left out (tar --exclude / zip -x).
    - `remove`: delete the sources after archiving. `owner`, `group`, `mode` of `dest`.

    Returns state, dest, archived, missing, expanded_paths, arcroot and dest's attributes.
    """
    public static let spec = ArgumentSpec([
        .init("path", .list, required: true, elements: .path),
        .init("dest", .path),
        .init("format", default: "gz", choices: ["bz2", "gz", "tar", "xz", "zip"]),
        .init("exclude_path", .list, default: .list([]), elements: .path),
        .init("exclusion_patterns", .list, default: .list([]), elements: .str),
        .init("force_archive", .bool, default: .bool(false)),
        .init("remove", .bool, default: .bool(false)),
    ] + FileAttributes.options)

    public static func run(_ args: Arguments, _ context: ModuleContext) throws -> ModuleResult {
        let patterns = try RemotePath.expandUser(args.strings("path"), context)
        let format = args.string("format") ?? "gz"
        let attributes = try FileAttributes(args)
        let excluded = Set(args.strings("exclude_path").map { RemotePathText.clean($0) })

        // Read: expand the globs on the host, with the type of each path.
        var script = attributes.lookupScript
        for (i, p) in patterns.enumerated() {
            script += "for sp_f in \(RemotePathText.globQuote(p)); do if [ -e \"$sp_f\" ] || [ -L \"$sp_f\" ]; then if [ -d \"$sp_f\" ]; then printf '#P \(i) d %s\\n' \"$sp_f\"; else printf '#P \(i) f %s\\n' \"$sp_f\"; fi; fi; done\n"
        }
        let destArg = try args.string("dest").map { try RemotePath.expandUser($0, context) }
        if let destArg { script += RemoteFile.probe(destArg) }
        let read = RemoteFile.parse(try RemoteFile.run(script, context, what: "reading archive sources").stdout, paths: destArg.map { [$0] } ?? [])
        let ids = try attributes.resolve(read)
        var expanded: [(path: String, isDir: Bool)] = []
        var found = Set<Int>()
        for line in read.lines where line.hasPrefix("#P ") {
            let parts = line.dropFirst(3).split(separator: " ", maxSplits: 2).map(String.init)
            guard parts.count == 3, let i = Int(parts[0]) else { continue }
            found.insert(i)
            let p = RemotePathText.clean(parts[2])
            if excluded.contains(where: { p == $0 || p.hasPrefix($0 + "/") }) { continue }
            expanded.append((p, parts[1] == "d"))
        }
        let missing = patterns.enumerated().filter { !found.contains($0.offset) }.map(\.element)
        let destState = read.states.first

        let compressOnly = expanded.count == 1 && !expanded[0].isDir && ["gz", "bz2", "xz"].contains(format) && !args.bool("force_archive")
        guard let dest = destArg ?? (compressOnly ? expanded[0].path + "." + format : nil) else {
            if expanded.isEmpty { throw ModuleError("Error, no source paths were found", ["missing": .list(missing.map { .string($0) })]) }
            throw ModuleError("Error, must specify 'dest' when archiving multiple files or trees")
        }
        var result = ModuleResult(changed: false, [
            "dest": .string(dest), "state": .string(compressOnly ? "compress" : "archive"),
            "archived": .list(expanded.map { .string($0.path) }), "missing": .list(missing.map { .string($0) }),
            "expanded_paths": .list(expanded.map { .string($0.path) }),
        ])
        if expanded.isEmpty {
            // Sources gone (e.g. removed by a previous run): nothing to do when the archive exists.
            if destState?.exists == true { return result }
            throw ModuleError("Error, no source paths were found", ["missing": .list(missing.map { .string($0) })])
        }
        if expanded.contains(where: { dest == $0.path || dest.hasPrefix($0.path + "/") }) && args.bool("remove") {
            throw ModuleError("Error, created archive can not be contained in source paths when remove=true")
        }

        // Build into a temporary file next to dest, compare, then rename (or discard).
        let q = shellQuote(dest)
        var s = "sp_t=$(mktemp \"$(dirname -- \(q))/.swiftplay-XXXXXXXX\") || exit 1\ntrap 'rm -f -- \"$sp_t\"' EXIT HUP INT TERM\n"
        let compressor = ["gz": "gzip -n", "bz2": "bzip2", "xz": "xz"][format]
        if compressOnly, let compressor {
            s += "\(compressor) -c -- \(shellQuote(expanded[0].path)) > \"$sp_t\" || exit 1\n"
        } else {
            let root = RemotePathText.commonParent(expanded.map(\.path))
            result["arcroot"] = .string(root)
            let members = expanded.map { shellQuote(RemotePathText.relative($0.path, to: root)) }.joined(separator: " ")
            let excludes = args.strings("exclusion_patterns")
            if format == "zip" {
                let x = excludes.isEmpty ? "" : " -x " + excludes.map(shellQuote).joined(separator: " ")
                s += "(cd \(shellQuote(root)) && zip -q -X -r - \(members)\(x)) > \"$sp_t\" || exit 1\n"
            } else {
                let x = excludes.map { " --exclude=\(shellQuote($0))" }.joined()
                let pipe = compressor.map { " | \($0)" } ?? ""
                s += "(cd \(shellQuote(root)) && tar -cf -\(x) -- \(members))\(pipe) > \"$sp_t\" || exit 1\n"
            }
        }
        s += "sp_new=$(sp_sum sha1 \"$sp_t\"); sp_old=; [ -f \(q) ] && sp_old=$(sp_sum sha1 \(q))\n"
        let current = destState?.info
        let plan = try WritePlan(current: current, umask: destState?.umask ?? 0o022, attributes: attributes, ids: ids)
        var commit = "chmod \(FileMode.octal(plan.mode)) \"$sp_t\" || exit 1\n"
        if plan.uid != nil || plan.gid != nil {
            commit += "chown \((plan.uid.map(String.init) ?? "") + (plan.gid.map { ":\($0)" } ?? "")) \"$sp_t\" || exit 1\n"
        }
        commit += "mv -f -- \"$sp_t\" \(q) || exit 1\n"
        if args.bool("remove") { commit += "rm -rf -- \(expanded.map { shellQuote($0.path) }.joined(separator: " ")) || exit 1\n" }
        s += "if [ \"$sp_new\" = \"$sp_old\" ]; then echo '@@SAME 1'\n"
        if !context.checkMode { s += plan.changes.commands(dest) }
        s += "else echo '@@SAME 0'\n"
        s += context.checkMode ? ":\n" : commit
        s += "fi\n" + RemoteFile.probe(dest)
        let out = RemoteFile.parse(try RemoteFile.run(s, context, what: "creating \(dest)").stdout, paths: [dest])
        result.changed = out.tags["SAME"] != "1" || !plan.changes.isEmpty
        if let info = out.states.first?.info {
            for (k, v) in FileResult.attributes(info, path: dest, pathKey: "dest", state: "file") where k != "dest" && k != "state" { result[k] = v }
        }
        result["dest_state"] = result["state"]
        return result
    }
}
