import Foundation
import Jinja
import OrderedCollections
import Transport
#if canImport(Glibc)
import Glibc
#endif

/// `unarchive`: extracts a tar (gz/bz2/xz) or zip archive into a directory on the host.
public enum UnarchiveModule: Module {
    public static let name = "unarchive"
    public static let documentation = """
    # unarchive
    Extracts `src` into the existing directory `dest` on the host with the host's `tar` (compression
    detected by tar) or `unzip`. `src` is a controller file (role `files/`), or a host file with
    `remote_src: yes`.

    Idempotence: the archive's listing (names, types and file sizes) is compared with what is in
    `dest`; it is extracted only when something is missing or differs (content changes that keep a
    file's size are not detected). A controller archive is streamed to the host for that comparison
    and again for the extraction.

    - `creates`: skip when this path exists. `list_files`: return the archive's `files`.
    - `exclude`: glob patterns of members to leave out. `extra_opts`: extra tar/unzip arguments.
    - `owner`, `group`, `mode`: applied to every extracted member.

    Returns dest, src, handler, extract_results, files (with list_files) and dest's attributes.
    """
    public static let spec = ArgumentSpec([
        .init("src", .path, required: true),
        .init("dest", .path, required: true),
        .init("remote_src", .bool, default: .bool(false)),
        .init("copy", .bool),
        .init("creates", .path),
        .init("list_files", .bool, default: .bool(false)),
        .init("keep_newer", .bool, default: .bool(false)),
        .init("exclude", .list, default: .list([]), elements: .str),
        .init("include", .list, default: .list([]), elements: .str),
        .init("extra_opts", .list, default: .list([]), elements: .str),
        .init("io_buffer_size", .int),
        .init("decrypt", .bool, default: .bool(true)),
        .init("validate_certs", .bool, default: .bool(true)),
    ] + FileAttributes.options, mutuallyExclusive: [["copy", "remote_src"]])

    struct Member {
        var name: String
        var kind: FileInfo.Kind
        var size: Int?
    }

    public static func run(_ args: Arguments, _ context: ModuleContext) throws -> ModuleResult {
        let remote = args.bool("remote_src") || (args.has("copy") && !args.bool("copy"))
        let expanded = try RemotePath.expandUser([remote ? args.string("src") ?? "" : "", args.string("dest") ?? "", args.string("creates") ?? ""], context)
        let src = remote ? expanded[0] : args.string("src") ?? "", dest = expanded[1]
        let creates = args.has("creates") ? expanded[2] : nil
        let attributes = try FileAttributes(args)
        if !args.strings("include").isEmpty { throw ModuleError("include is not supported; use exclude") }
        var upload: Data?
        var source = src
        if !remote {
            guard let local = context.findFile(src, in: "files") else { throw ModuleError(RemotePath.notFoundOnController(src, in: "files", context)) }
            guard let data = try CopyModule.controllerData(local, decrypt: args.bool("decrypt")) else { throw ModuleError("Could not read '\(local)'") }
            upload = data
            source = local
        }
        let q = shellQuote(dest)
        // The archive on the host: a temporary copy of the controller's, or the host file itself.
        let fetchArchive = upload != nil
            ? "sp_a=$(mktemp) || exit 1\ntrap 'rm -f -- \"$sp_a\"' EXIT HUP INT TERM\ncat > \"$sp_a\" || exit 1\n"
            : "sp_a=\(shellQuote(src))\nif [ ! -f \"$sp_a\" ]; then echo '@@E src'; exit 0; fi\n"

        var script = attributes.lookupScript
        if let creates { script += "if [ -e \(shellQuote(creates)) ]; then echo '@@CR 1'; exit 0; fi\n" }
        script += RemoteFile.probe(dest)
        script += "if [ ! -d \(q) ]; then echo '@@E dest'; exit 0; fi\n" + fetchArchive
        script += "if [ \"$(head -c 4 \"$sp_a\" | od -An -c | tr -d ' \\n')\" = 'PK003004' ]; then echo '@@FMT zip'\n"
        script += "  unzip -Z1 \"$sp_a\" | sed 's/^/#N /'; unzip -l \"$sp_a\" | sed 's/^/#V /'\n"
        script += "  sp_names() { unzip -Z1 \"$sp_a\"; }\n"
        script += "elif tar -tf \"$sp_a\" >/dev/null 2>&1; then echo '@@FMT tar'\n"
        script += "  tar -tf \"$sp_a\" | sed 's/^/#N /'; tar -tvf \"$sp_a\" | sed 's/^/#V /'\n"
        script += "  sp_names() { tar -tf \"$sp_a\"; }\n"
        script += "else echo '@@E format'; exit 0; fi\n"
        script += "(cd \(q) && sp_names | tr '\\n' '\\000' | xargs -0 stat $SP_SF \"$SP_FMTN\" 2>/dev/null) || true\n"
        let read = RemoteFile.parse(try RemoteFile.run(script, context, stdin: upload, what: "reading \(src)").stdout, paths: [dest])
        if read.tags["CR"] != nil {
            var r = ModuleResult(changed: false, ["msg": .string("skipped, since \(creates ?? "") exists")])
            r["skipped"] = true
            return r
        }
        switch read.tags["E"] {
        case "src"?: throw ModuleError("Source '\(src)' does not exist")
        case "dest"?: throw ModuleError("Destination '\(dest)' is not a directory")
        case "format"?: throw ModuleError("Failed to find handler for \"\(source)\". Make sure the required command to extract the file is installed.")
        default: break
        }
        let ids = try attributes.resolve(read)
        let isZip = read.tags["FMT"] == "zip"
        let excludes = args.strings("exclude")
        let members = parseMembers(read.lines, zip: isZip).filter { m in !excludes.contains { fnmatch($0, m.name, 0) == 0 } }
        var existing: [String: FileInfo] = [:]
        for info in RemoteFile.parseListing(read.lines) { existing[normalize(info.name)] = info }

        // Anything missing, of another type or size, or with other attributes means extracting.
        var needed = false
        for m in members {
            guard let e = existing[m.name] else { needed = true; break }
            let typeOK = m.kind == e.kind || (m.kind == .other)
            if !typeOK || (m.kind == .file && m.size != nil && m.size != e.size) { needed = true; break }
            var c = try attributes.changes(for: e, ids: ids)
            if e.kind == .link { c.mode = nil }
            if !c.isEmpty { needed = true; break }
        }

        let handler = isZip ? "ZipArchive" : "TgzArchive"
        var extract = isZip ? "unzip -o \"$sp_a\" -d \(q)" : "tar -xf \"$sp_a\" -C \(q)"
        for x in excludes { extract += isZip ? " -x \(shellQuote(x))" : " --exclude=\(shellQuote(x))" }
        for o in args.strings("extra_opts") { extract += " \(shellQuote(o))" }
        var result = ModuleResult(changed: needed, ["dest": .string(dest), "src": .string(source), "handler": .string(handler)])
        if needed && !context.checkMode {
            var change = fetchArchive + extract + " || exit 1\n"
            // Members as listed on the host, without the excluded ones (same globs as tar/unzip use).
            let skip = excludes.isEmpty ? "" : "case \"$n\" in \(excludes.map(RemotePathText.globQuote).joined(separator: "|"))) continue;; esac; "
            let names = "(cd \(q) && \(isZip ? "unzip -Z1" : "tar -tf") \"$sp_a\" | while IFS= read -r n; do \(skip)printf '%s\\n' \"$n\"; done | tr '\\n' '\\000' | xargs -0"
            if ids.uid != nil || ids.gid != nil {
                change += "\(names) chown -h \((ids.uid.map(String.init) ?? "") + (ids.gid.map { ":\($0)" } ?? ""))) || exit 1\n"
            }
            if let mode = attributes.mode {
                let arg: String
                switch mode {
                case .numeric(let n): arg = FileMode.octal(n)
                case .symbolic(let s): arg = shellQuote(s)
                }
                change += "\(names) chmod \(arg)) || exit 1\n"
            }
            let r = try context.run(RemoteFile.preamble + change, stdin: upload)
            result["extract_results"] = ["cmd": .string(extract.replacingOccurrences(of: "\"$sp_a\"", with: shellQuote(source))), "rc": .int(Int(r.exitCode)),
                                         "out": .string(r.stdoutText), "err": .string(r.stderrText)]
            if r.exitCode != 0 {
                throw ModuleError("failed to unpack \(source) to \(dest)", ["extract_results": result["extract_results"] ?? .none])
            }
        }
        if args.bool("list_files") { result["files"] = .list(members.map { .string($0.name) }) }
        if let info = read.states.first?.info {
            for (k, v) in FileResult.attributes(info, path: dest, pathKey: "dest", state: "directory") where k != "dest" { result[k] = v }
        }
        return result
    }

    static func normalize(_ name: String) -> String {
        var n = name
        while n.hasPrefix("./") { n.removeFirst(2) }
        while n.count > 1 && n.hasSuffix("/") { n.removeLast() }
        return n
    }

    /// Members from the "#N" name lines, with types and sizes from the "#V" verbose lines
    /// (GNU tar, bsdtar or `unzip -l`), matched by order.
    static func parseMembers(_ lines: [String], zip: Bool) -> [Member] {
        let names = lines.filter { $0.hasPrefix("#N ") }.map { String($0.dropFirst(3)) }
        var verbose = lines.filter { $0.hasPrefix("#V ") }.map { String($0.dropFirst(3)) }
        if zip {
            // unzip -l: a header up to the first dashes line, a footer from the second.
            if let first = verbose.firstIndex(where: { $0.hasPrefix("---") }) {
                verbose = Array(verbose[(first + 1)...])
                if let last = verbose.firstIndex(where: { $0.hasPrefix("---") }) { verbose = Array(verbose[..<last]) }
            }
        }
        var out: [Member] = []
        for (i, raw) in names.enumerated() {
            let name = normalize(raw)
            if name.isEmpty || name == "." { continue }
            var kind: FileInfo.Kind = raw.hasSuffix("/") ? .directory : .file
            var size: Int?
            if i < verbose.count {
                let f = verbose[i].split(separator: " ", omittingEmptySubsequences: true)
                if zip {
                    size = f.first.flatMap { Int($0) }
                } else if let perms = f.first?.first {
                    switch perms {
                    case "d": kind = .directory
                    case "l": kind = .link
                    case "-": kind = .file
                    default: kind = .other
                    }
                    let sizeIndex = f.count > 1 && f[1].contains("/") ? 2 : 4  // GNU "owner/group size", bsdtar "links owner group size"
                    size = f.count > sizeIndex ? Int(f[sizeIndex]) : nil
                }
            }
            out.append(Member(name: name, kind: kind, size: kind == .file ? size : nil))
        }
        return out
    }
}
