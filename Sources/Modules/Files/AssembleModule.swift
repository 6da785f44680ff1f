import Foundation
import Jinja
import OrderedCollections
import Transport

/// `assemble`: concatenates the files of a directory (fragments) into one file.
public enum AssembleModule: Module {
    public static let name = "assemble"
    public static let documentation = """
    # assemble
    Builds `dest` from the files in the directory `src`, in name order, written like `copy`
    (atomic, only when the checksum differs, `backup`, `validate`, owner/group/mode).

    - `src` (required): a directory on the host, or on the controller with `remote_src: no`.
    - `dest` (required). `delimiter`: text put between fragments (a newline is added after it).
    - `regexp`: only fragments whose name matches (Python syntax, searched). `ignore_hidden`: skip dot files.

    Fragments are read in the same round trip as the destination (base64 on the host).
    """
    public static let spec = ArgumentSpec([
        .init("src", .path, required: true),
        .init("dest", .path, required: true),
        .init("remote_src", .bool, default: .bool(true)),
        .init("delimiter"),
        .init("regexp"),
        .init("ignore_hidden", .bool, default: .bool(false)),
        .init("backup", .bool, default: .bool(false)),
        .init("validate"),
        .init("decrypt", .bool, default: .bool(true)),
    ] + FileAttributes.options)

    public static func run(_ args: Arguments, _ context: ModuleContext) throws -> ModuleResult {
        let dest = try RemotePath.expandUser(args.string("dest") ?? "", context)
        let regexp = try args.string("regexp").map { try PythonRegex($0) }
        let ignoreHidden = args.bool("ignore_hidden")
        let delimiter = args.string("delimiter")
        func wanted(_ name: String) -> Bool {
            if ignoreHidden && name.hasPrefix(".") { return false }
            return regexp?.matches(name) ?? true
        }
        var copy = SingleFileCopy(dest: dest, basename: nil, source: .data(Data()), displaySource: nil, attributes: try FileAttributes(args))
        copy.backup = args.bool("backup")
        copy.validate = args.string("validate")

        if args.bool("remote_src") {
            let src = try RemotePath.expandUser(args.string("src") ?? "", context)
            let q = shellQuote(src)
            // "#A <base64 name> <base64 content>" per regular file, one line each.
            copy.extraRead = "if [ -d \(q) ]; then for sp_f in \(q)/* \(q)/.[!.]* \(q)/..?*; do [ -f \"$sp_f\" ] || continue; "
                + "printf '#A %s %s\\n' \"$(basename -- \"$sp_f\" | tr -d '\\n' | base64 | tr -d '\\n')\" \"$(base64 < \"$sp_f\" | tr -d '\\n')\"; done; else echo '#NOSRC'; fi\n"
            copy.displaySource = src
            copy.source = .computed { out in
                if out.lines.contains("#NOSRC") { throw ModuleError("Source (\(src)) is not a directory") }
                var fragments: [(String, Data)] = []
                for line in out.lines where line.hasPrefix("#A ") {
                    let parts = line.dropFirst(3).split(separator: " ", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
                    guard parts.count == 2, let n = Data(base64Encoded: parts[0]), let d = Data(base64Encoded: parts[1]) else { continue }
                    fragments.append((String(decoding: n, as: UTF8.self), d))
                }
                return assemble(fragments.filter { wanted($0.0) }, delimiter: delimiter)
            }
        } else {
            let src = args.string("src") ?? ""
            guard let local = context.findFile(src, in: "files") else { throw ModuleError("Source (\(src)) is not a directory") }
            let names = ((try? FileManager.default.contentsOfDirectory(atPath: local)) ?? []).filter(wanted)
            var fragments: [(String, Data)] = []
            for name in names {
                var isDir: ObjCBool = false
                let full = (local as NSString).appendingPathComponent(name)
                if FileManager.default.fileExists(atPath: full, isDirectory: &isDir), !isDir.boolValue, let d = try CopyModule.controllerData(full, decrypt: args.bool("decrypt")) {
                    fragments.append((name, d))
                }
            }
            copy.displaySource = local
            copy.source = .data(assemble(fragments, delimiter: delimiter))
        }
        return try copy.run(context)
    }

    /// Fragments in name order. A newline separates a fragment that does not end with one from the
    /// next; the delimiter (escapes like \\n decoded, a newline added) goes between fragments.
    static func assemble(_ fragments: [(String, Data)], delimiter: String?) -> Data {
        var out = Data()
        let delim = delimiter.map { $0.replacingOccurrences(of: "\\n", with: "\n").replacingOccurrences(of: "\\t", with: "\t") }
        var addNewline = false
        for (i, (_, data)) in fragments.sorted(by: { $0.0 < $1.0 }).enumerated() {
            if addNewline { out.append(10) }
            if i > 0, let delim, !delim.isEmpty {
                out.append(Data(delim.utf8))
                if !delim.hasSuffix("\n") { out.append(10) }
            }
            out.append(data)
            addNewline = data.last != 10
        }
        return out
    }
}
