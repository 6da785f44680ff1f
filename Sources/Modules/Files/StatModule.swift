import Foundation
import Jinja
import OrderedCollections
import Transport

/// `stat`: facts about a path on the host, in one round trip.
public enum StatModule: LoopBatchable {
    public static let name = "stat"
    public static let documentation = """
    # stat
    Returns `stat` with facts about `path`: `exists`, and when it exists path, mode ("0644"), isdir,
    isreg, islnk, lnk_source/lnk_target, size, uid, gid, pw_name, gr_name, atime/mtime/ctime, inode,
    dev, nlink, blocks, block_size, device_type, permission flags (rusr, wgrp...), readable/writeable/executable (for the connecting
    user), checksum and mimetype/charset. Never changes anything.

    - `path` (aliases `dest`, `name`, required); `follow`: stat through a symlink.
    - `get_checksum` (default yes) with `checksum_algorithm` (sha1 default, md5, sha224, sha256, sha384, sha512).
    - `get_mime` (default yes): uses the host's `file` command when present.
    """
    public static let spec = ArgumentSpec([
        .init("path", .path, required: true, aliases: ["dest", "name"]),
        .init("follow", .bool, default: .bool(false)),
        .init("get_checksum", .bool, default: .bool(true)),
        .init("checksum_algorithm", default: "sha1", choices: ["md5", "sha1", "sha224", "sha256", "sha384", "sha512"],
              aliases: ["checksum", "checksum_algo"]),
        .init("get_mime", .bool, default: .bool(true), aliases: ["mime", "mime_type", "mime-type"]),
        .init("get_attributes", .bool, default: .bool(true), aliases: ["attr", "attributes"]),
        .init("get_md5", .bool, default: .bool(false)),
    ])

    public static func run(_ args: Arguments, _ context: ModuleContext) throws -> ModuleResult {
        let path = try RemotePath.expandUser(args.string("path") ?? "", context)
        let follow = args.bool("follow")
        let p = shellQuote(path)
        var script = RemoteFile.probe(path, follow: follow, checksum: args.bool("get_checksum") ? args.string("checksum_algorithm") : nil,
                                      access: true, realPath: true)
        // Blocks, I/O block size and device number (GNU %r is recent; BSD %r is the device number too).
        let l = follow ? "-L " : ""
        script += "if [ -e \(p) ] || [ -L \(p) ]; then printf '@@BL '; { stat \(l)-c '%b %o %r' -- \(p) 2>/dev/null || stat \(l)-f '%b %k %r' -- \(p) 2>/dev/null || echo; } | head -n 1; fi\n"
        if args.bool("get_mime") {
            script += "if [ -e \(p) ] && command -v file >/dev/null 2>&1; then printf '@@MT '; file -b --mime-type -- \(p) 2>/dev/null || echo; printf '@@MC '; file -b --mime-encoding -- \(p) 2>/dev/null || echo; fi\n"
        }
        let out = RemoteFile.parse(try RemoteFile.run(script, context, what: "stat \(path)").stdout, paths: [path])
        guard let state = out.states.first, let lstat = state.info else {
            return ModuleResult(changed: false, ["stat": ["exists": false]])
        }
        let info = follow ? state.target ?? lstat : lstat
        var stat: OrderedDictionary<String, Value> = ["exists": true, "path": .string(path)]
        stat.merge(FileResult.statValues(info)) { $1 }
        stat["readable"] = .bool(state.readable)
        stat["writeable"] = .bool(state.writeable)
        stat["executable"] = .bool(state.executable)
        if info.kind == .link {
            stat["lnk_source"] = .string(state.realPath ?? "")
            stat["lnk_target"] = .string(state.linkTarget ?? "")
        }
        if info.kind == .file, let sum = state.checksum { stat["checksum"] = .string(sum) }
        let blocks = (out.tags["BL"] ?? "").split(separator: " ").map { Int($0) }
        if blocks.count == 3 {
            if let b = blocks[0] { stat["blocks"] = .int(b) }
            if let b = blocks[1] { stat["block_size"] = .int(b) }
            if let d = blocks[2] { stat["device_type"] = .int(d) }
        }
        if let mt = out.tags["MT"], !mt.isEmpty { stat["mimetype"] = .string(mt) }
        if let mc = out.tags["MC"], !mc.isEmpty { stat["charset"] = .string(mc) }
        return ModuleResult(changed: false, ["stat": .dict(stat)])
    }

    /// Reads only: no item can change what another reads.
    public static func independent(_ items: [Arguments]) -> Bool { true }
}
