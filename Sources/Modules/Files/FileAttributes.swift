import Foundation
import Jinja
import OrderedCollections
import Transport

/// The owner/group/mode options shared by the file modules, and how they change a path.
public struct FileAttributes {
    public var owner: String?
    public var group: String?
    public var mode: FileMode?

    /// The spec entries every file module accepts.
    public static let options: [ArgumentSpec.Option] = [
        .init("owner", help: "Name or uid of the user that should own the file."),
        .init("group", help: "Name or gid of the group that should own the file."),
        .init("mode", .raw, help: "Permissions: octal string (\"0644\"), YAML octal int (0644) or symbolic (\"u=rw,g=r,o=r\")."),
        .init("seuser"), .init("serole"), .init("setype"), .init("selevel"),
        .init("unsafe_writes", .bool, default: .bool(false)),
        .init("attributes", aliases: ["attr"]),
    ]

    public init(_ args: Arguments) throws {
        owner = args.string("owner").flatMap { $0.isEmpty ? nil : $0 }
        group = args.string("group").flatMap { $0.isEmpty ? nil : $0 }
        mode = try FileMode.parse(args["mode"])
    }

    public init(owner: String? = nil, group: String? = nil, mode: FileMode? = nil) {
        self.owner = owner
        self.group = group
        self.mode = mode
    }

    /// The shell lines resolving owner and group names (to be run in the read round trip).
    public var lookupScript: String { RemoteFile.lookup(owner: owner, group: group) }

    /// Numeric ids wanted, from the lookup output; fails like Ansible on unknown names.
    /// `lenient` leaves unknown names unresolved (nil) instead of failing.
    public func resolve(_ out: RemoteFile.Output, lenient: Bool = false) throws -> (uid: Int?, gid: Int?) {
        var uid: Int?, gid: Int?
        if let owner {
            if let n = Int(owner) { uid = n } else if let n = out.tags["OU"].flatMap({ Int($0) }) { uid = n } else if !lenient {
                throw ModuleError("chown failed: failed to look up user \(owner)")
            }
        }
        if let group {
            if let n = Int(group) { gid = n } else if let n = out.tags["OG"].flatMap({ Int($0) }) { gid = n } else if !lenient {
                throw ModuleError("chgrp failed: failed to look up group \(group)")
            }
        }
        return (uid, gid)
    }

    /// Check mode's warnings for an owner or group the host does not know (Ansible's file module
    /// warns instead of failing there, as an earlier task may create them in a real run).
    public func lookupWarnings(_ out: RemoteFile.Output) -> [String] {
        var w: [String] = []
        if let owner, (out.tags["OU"] ?? "").isEmpty {
            w.append("failed to look up user \(Int(owner) != nil ? "with uid " : "")\(owner). Create user up to this point in real play")
        }
        if let group, (out.tags["OG"] ?? "").isEmpty {
            w.append("failed to look up group \(Int(group) != nil ? "with gid " : "")\(group). Create group up to this point in real play")
        }
        return w
    }

    /// What has to change on an existing path (nil fields: nothing to do).
    public func changes(for info: FileInfo, ids: (uid: Int?, gid: Int?)) throws -> AttributeChanges {
        var c = AttributeChanges()
        if let uid = ids.uid, uid != info.uid { c.uid = (info.uid, uid) }
        if let gid = ids.gid, gid != info.gid { c.gid = (info.gid, gid) }
        if let mode {
            let wanted = try mode.apply(to: info.mode, isDirectory: info.isDirectory)
            if wanted != info.mode { c.mode = (info.mode, wanted) }
        }
        return c
    }
}

/// Owner/group/mode differences of one path, as commands and as Ansible's diff entries.
public struct AttributeChanges {
    public var uid: (before: Int, after: Int)?
    public var gid: (before: Int, after: Int)?
    public var mode: (before: Int, after: Int)?

    public init() {}
    public var isEmpty: Bool { uid == nil && gid == nil && mode == nil }

    /// Shell lines applying the changes; `link` changes a symlink itself (chmod cannot, so it is skipped).
    public func commands(_ path: String, link: Bool = false, recursive: Bool = false) -> String {
        let p = shellQuote(path)
        let r = recursive ? "-R " : ""
        var s = ""
        if uid != nil || gid != nil {
            // "uid", ":gid" or "uid:gid" (GNU chown rejects "uid:").
            let spec = (uid.map { String($0.after) } ?? "") + (gid.map { ":\($0.after)" } ?? "")
            s += "chown \(link ? "-h " : "")\(r)\(spec) -- \(p) || exit 1\n"
        }
        if let mode, !link { s += "chmod \(r)\(FileMode.octal(mode.after)) -- \(p) || exit 1\n" }
        return s
    }

    /// Adds owner/group/mode to diff dictionaries the way Ansible's file module shows them.
    public func addDiff(before: inout OrderedDictionary<String, Value>, after: inout OrderedDictionary<String, Value>) {
        if let mode {
            before["mode"] = .string(FileMode.octal(mode.before))
            after["mode"] = .string(FileMode.octal(mode.after))
        }
        if let uid {
            before["owner"] = .int(uid.before)
            after["owner"] = .int(uid.after)
        }
        if let gid {
            before["group"] = .int(gid.before)
            after["group"] = .int(gid.after)
        }
    }
}

/// Result and diff helpers shared by the file modules.
public enum FileResult {
    /// Ansible's common file return values for a path that exists.
    public static func attributes(_ info: FileInfo?, path: String, pathKey: String = "path", state: String? = nil) -> OrderedDictionary<String, Value> {
        var v: OrderedDictionary<String, Value> = [pathKey: .string(path)]
        guard let info else {
            v["state"] = "absent"
            return v
        }
        v["uid"] = .int(info.uid)
        v["gid"] = .int(info.gid)
        v["owner"] = .string(info.owner)
        v["group"] = .string(info.group)
        v["mode"] = .string(FileMode.octal(info.mode))
        v["state"] = .string(state ?? PathState(path: path, info: info).state)
        v["size"] = .int(info.size)
        return v
    }

    /// Ansible's default max_diff_size.
    public static let maxDiffSize = 104_448

    /// Text for diffs: content as UTF-8, or a placeholder for binary or big data as Ansible does.
    public static func diffText(_ data: Data?) -> String {
        guard let data else { return "" }
        if data.count > maxDiffSize { return "[content larger than \(maxDiffSize) bytes, diff skipped]\n" }
        if data.contains(0) { return "[binary file]\n" }
        return String(decoding: data, as: UTF8.self)
    }
}

extension FileResult {
    /// The stat fields Ansible's stat and find modules return for one path.
    public static func statValues(_ info: FileInfo) -> OrderedDictionary<String, Value> {
        let m = info.mode
        return [
            "mode": .string(FileMode.octal(m)),
            "isdir": .bool(info.kind == .directory), "ischr": .bool(info.kind == .char), "isblk": .bool(info.kind == .block),
            "isreg": .bool(info.kind == .file), "isfifo": .bool(info.kind == .fifo), "islnk": .bool(info.kind == .link),
            "issock": .bool(info.kind == .socket),
            "uid": .int(info.uid), "gid": .int(info.gid), "size": .int(info.size), "inode": .int(info.inode),
            "dev": .int(info.dev), "nlink": .int(info.nlink),
            "atime": .double(info.atime), "mtime": .double(info.mtime), "ctime": .double(info.ctime),
            "pw_name": .string(info.owner), "gr_name": .string(info.group),
            "wusr": .bool(m & 0o200 != 0), "rusr": .bool(m & 0o400 != 0), "xusr": .bool(m & 0o100 != 0),
            "wgrp": .bool(m & 0o020 != 0), "rgrp": .bool(m & 0o040 != 0), "xgrp": .bool(m & 0o010 != 0),
            "woth": .bool(m & 0o002 != 0), "roth": .bool(m & 0o004 != 0), "xoth": .bool(m & 0o001 != 0),
            "isuid": .bool(m & 0o4000 != 0), "isgid": .bool(m & 0o2000 != 0),
        ]
    }
}

/// Owner/mode changes of many paths grouped into one chown/chmod per distinct value, because
/// spawning one process per file is what makes big trees slow.
struct AttributeBatch {
    private var chmods: [(mode: Int, words: [String])] = []
    private var chowns: [(spec: String, link: Bool, words: [String])] = []

    var isEmpty: Bool { chmods.isEmpty && chowns.isEmpty }

    /// Adds the changes of one path; `word` is the path already quoted for the shell.
    mutating func add(_ c: AttributeChanges, word: String, link: Bool = false) {
        if c.uid != nil || c.gid != nil {
            let spec = (c.uid.map { String($0.after) } ?? "") + (c.gid.map { ":\($0.after)" } ?? "")
            if let i = chowns.firstIndex(where: { $0.spec == spec && $0.link == link }) { chowns[i].words.append(word) }
            else { chowns.append((spec, link, [word])) }
        }
        if let mode = c.mode, !link {
            if let i = chmods.firstIndex(where: { $0.mode == mode.after }) { chmods[i].words.append(word) }
            else { chmods.append((mode.after, [word])) }
        }
    }

    mutating func chmod(_ mode: Int, word: String) {
        var c = AttributeChanges()
        c.mode = (mode, mode)
        add(c, word: word)
    }

    mutating func chown(uid: Int?, gid: Int?, word: String) {
        var c = AttributeChanges()
        if let uid { c.uid = (uid, uid) }
        if let gid { c.gid = (gid, gid) }
        add(c, word: word)
    }

    /// Ownership first (chown may clear setuid bits), then modes.
    var script: String {
        var s = ""
        for g in chowns { s += "chown \(g.link ? "-h " : "")\(g.spec) -- \(g.words.joined(separator: " ")) || exit 1\n" }
        for g in chmods { s += "chmod \(FileMode.octal(g.mode)) -- \(g.words.joined(separator: " ")) || exit 1\n" }
        return s
    }
}
