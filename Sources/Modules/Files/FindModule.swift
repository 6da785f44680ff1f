import Foundation
import Jinja
import OrderedCollections
import Transport
#if canImport(Glibc)
import Glibc
#endif

/// `find`: lists files on the host matching name, type, age, size, content and mode criteria.
public enum FindModule: Module {
    public static let name = "find"
    public static let documentation = """
    # find
    Returns `files`, a list of stat-like dictionaries (path, mode, isdir, isreg, islnk, size, uid,
    gid, pw_name, gr_name, atime, mtime, ctime, inode, nlink...), with `matched` and `examined`.
    Listing happens in one round trip; `contains` reads the candidate files in a second one.

    - `paths` (aliases `name`, `path`, required): directories to search.
    - `patterns` (alias `pattern`): shell globs on the base name, or Python regexes with `use_regex`
      (matched at the start of the name). `excludes` (alias `exclude`): same, to leave out.
    - `file_type`: `file` (default), `directory`, `link`, `any`.
    - `recurse` (default no), `depth` (levels when recursing), `follow` (follow symlinks), `hidden`
      (include dot files).
    - `age`: e.g. `2d`, `-1w` (s, m, h, d, w; negative = at most) on `age_stamp` (mtime, atime, ctime).
    - `size`: e.g. `10k`, `-1m` (b, k, m, g, t; negative = at most); files only.
    - `contains`: a Python regex searched in each line (or the whole file with `read_whole_file`).
    - `get_checksum` (SHA-1 of files), `mode` with `exact_mode` (default yes).
    """
    public static let spec = ArgumentSpec([
        .init("paths", .list, required: true, aliases: ["name", "path"], elements: .str),
        .init("patterns", .list, default: .list([]), aliases: ["pattern"], elements: .str),
        .init("excludes", .list, aliases: ["exclude"], elements: .str),
        .init("contains"),
        .init("read_whole_file", .bool, default: .bool(false)),
        .init("file_type", default: "file", choices: ["any", "directory", "file", "link"]),
        .init("age"),
        .init("age_stamp", default: "mtime", choices: ["atime", "ctime", "mtime"]),
        .init("size"),
        .init("recurse", .bool, default: .bool(false)),
        .init("hidden", .bool, default: .bool(false)),
        .init("follow", .bool, default: .bool(false)),
        .init("get_checksum", .bool, default: .bool(false)),
        .init("checksum_algorithm", default: "sha1", choices: ["md5", "sha1", "sha224", "sha256", "sha384", "sha512"], aliases: ["checksum", "checksum_algo"]),
        .init("use_regex", .bool, default: .bool(false)),
        .init("depth", .int),
        .init("mode", .raw),
        .init("exact_mode", .bool, default: .bool(true)),
        .init("encoding"),
        .init("limit", .int),
    ])

    public static func run(_ args: Arguments, _ context: ModuleContext) throws -> ModuleResult {
        let paths = try RemotePath.expandUser(args.strings("paths"), context)
        let useRegex = args.bool("use_regex")
        let patterns = try NameMatcher(args.strings("patterns"), regex: useRegex)
        let excludes = try NameMatcher(args.strings("excludes"), regex: useRegex)
        let fileType = args.string("file_type") ?? "file"
        let age = try args.string("age").map { try parseQuantity($0, units: ["s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800], what: "age") }
        let size = try args.string("size").map { try parseQuantity($0, units: ["b": 1, "k": 1024, "m": 1_048_576, "g": 1_073_741_824, "t": 1_099_511_627_776], what: "size") }
        let contains = try args.string("contains").map { try PythonRegex($0, multiline: args.bool("read_whole_file")) }
        let mode = try FileMode.parse(args["mode"]).map { try $0.apply(to: 0, isDirectory: false) }
        let follow = args.bool("follow")
        let maxDepth = args.bool("recurse") ? args.int("depth") : 1
        if let d = args.int("depth"), d < 1 { throw ModuleError("depth must be a positive integer") }

        // One listing per path; "@@D" marks which path, "@@N" the host's clock for `age`.
        var script = "printf '@@N '; date +%s\n"
        for (i, p) in paths.enumerated() {
            script += "if [ -d \(shellQuote(p)) ]; then echo '#D \(i)'; else echo '#X \(i)'; fi\n"
            script += RemoteFile.listing(p, follow: follow, maxDepth: maxDepth)
        }
        let out = RemoteFile.parse(try RemoteFile.run(script, context, what: "find").stdout, paths: [])
        let now = Double(out.tags["N"] ?? "") ?? Date().timeIntervalSince1970
        var skipped: OrderedDictionary<String, Value> = [:]
        for line in out.lines where line.hasPrefix("#X ") {
            if let i = Int(line.dropFirst(3)), i < paths.count { skipped[paths[i]] = .string("\(paths[i]) was skipped as it does not seem to be a valid directory or it cannot be accessed") }
        }
        let entries = RemoteFile.parseListing(out.lines)

        var matched: [FileInfo] = []
        for e in entries {
            let base = (e.name as NSString).lastPathComponent
            if !args.bool("hidden") && base.hasPrefix(".") { continue }
            let typeOK: Bool
            switch fileType {
            case "any": typeOK = true
            case "directory": typeOK = e.kind == .directory
            case "link": typeOK = e.kind == .link
            default: typeOK = e.kind == .file
            }
            guard typeOK else { continue }
            if !patterns.isEmpty && !patterns.matches(base) { continue }
            if excludes.matches(base) { continue }
            if let age {
                let stamp = args.string("age_stamp") == "atime" ? e.atime : (args.string("age_stamp") == "ctime" ? e.ctime : e.mtime)
                let elapsed = now - stamp
                if age >= 0 ? elapsed < age : elapsed > -age { continue }
            }
            if let size, e.kind == .file {
                if size >= 0 ? Double(e.size) < size : Double(e.size) > -size { continue }
            }
            if let mode {
                if args.bool("exact_mode") ? e.mode != mode : e.mode & mode != mode { continue }
            }
            matched.append(e)
        }

        var checksums: [String: String] = [:]
        if contains != nil || args.bool("get_checksum") {
            let files = matched.filter { $0.kind == .file }
            (matched, checksums) = try readContents(files: files, all: matched, contains: contains, wholeFile: args.bool("read_whole_file"),
                                                   checksum: args.bool("get_checksum") ? args.string("checksum_algorithm") : nil, context)
        }
        if let limit = args.int("limit"), limit >= 0, matched.count > limit { matched = Array(matched.prefix(limit)) }
        let files: [Value] = matched.map { e in
            var d: OrderedDictionary<String, Value> = ["path": .string(e.name)]
            d.merge(FileResult.statValues(e)) { $1 }
            if let c = checksums[e.name] { d["checksum"] = .string(c) }
            return .dict(d)
        }
        return ModuleResult(changed: false, ["files": .list(files), "matched": .int(files.count), "examined": .int(entries.count),
                                            "msg": "All paths examined", "skipped_paths": .dict(skipped)])
    }

    /// Second round trip: checksums and/or contents of candidate files, each framed by its size.
    private static func readContents(files: [FileInfo], all: [FileInfo], contains: PythonRegex?, wholeFile: Bool, checksum: String?,
                                     _ context: ModuleContext) throws -> ([FileInfo], [String: String]) {
        var script = ""
        for (i, f) in files.enumerated() {
            let p = shellQuote(f.name)
            if let checksum { script += "printf '#S \(i) %s\\n' \"$(sp_sum \(shellQuote(checksum)) \(p))\"\n" }
            if contains != nil { script += "printf '#Z \(i) %s\\n' \"$(wc -c < \(p) | tr -d ' ')\"; cat -- \(p)\n" }
        }
        guard !script.isEmpty else { return (all, [:]) }
        let data = try RemoteFile.run(script, context, binary: contains != nil, what: "reading files").stdout
        var sums: [String: String] = [:]
        var hits = Set<Int>()
        var i = data.startIndex
        while i < data.endIndex {
            guard let nl = data[i...].firstIndex(of: 10) else { break }
            let header = String(decoding: data[i..<nl], as: UTF8.self).split(separator: " ").map(String.init)
            i = data.index(after: nl)
            guard header.count >= 2, let index = Int(header[1]), index < files.count else { continue }
            if header[0] == "#S", header.count == 3 { sums[files[index].name] = header[2] }
            if header[0] == "#Z", header.count == 3, let n = Int(header[2]) {
                let end = min(data.endIndex, i + n)
                let text = String(decoding: data[i..<end], as: UTF8.self)
                i = end
                if let contains {
                    let found = wholeFile ? contains.matches(text) : TextFileEdit.lines(text).contains { contains.matches($0) }
                    if found { hits.insert(index) }
                }
            }
        }
        guard contains != nil else { return (all, sums) }
        // With `contains`, only files whose content matched are kept (directories and links never match).
        let keep = Set(hits.map { files[$0].name })
        return (all.filter { keep.contains($0.name) }, sums)
    }

    /// "2d", "-1w", "10k": a number with an optional unit; negative means "at most".
    static func parseQuantity(_ s: String, units: [String: Double], what: String) throws -> Double {
        let t = s.trimmingCharacters(in: .whitespaces).lowercased()
        var number = t
        var factor = 1.0
        if let last = t.last, let f = units[String(last)] {
            number = String(t.dropLast())
            factor = f
        }
        guard let n = Double(number) else { throw ModuleError("failed to process \(what): \(s)") }
        return n * factor
    }

    /// Globs (fnmatch) or Python regexes matched against base names.
    struct NameMatcher {
        var globs: [String] = []
        var regexes: [PythonRegex] = []
        init(_ patterns: [String], regex: Bool) throws {
            if regex { regexes = try patterns.map { try PythonRegex($0) } } else { globs = patterns }
        }
        var isEmpty: Bool { globs.isEmpty && regexes.isEmpty }
        func matches(_ name: String) -> Bool {
            globs.contains { fnmatch($0, name, 0) == 0 } || regexes.contains { $0.matchesAtStart(name) }
        }
    }
}
