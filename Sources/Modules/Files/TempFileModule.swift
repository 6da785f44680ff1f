import Foundation
import Jinja
import OrderedCollections
import Transport

/// `tempfile`: creates a uniquely named temporary file or directory on the host.
public enum TempFileModule: Module {
    public static let name = "tempfile"
    public static let documentation = """
    # tempfile
    Creates a temporary file (`state: file`, default) or directory (`state: directory`) named
    `prefix` + random characters + `suffix` in `path` (default: the host's $TMPDIR or /tmp), and
    returns its `path`. Always changed; not run in check mode.
    """
    public static let spec = ArgumentSpec([
        .init("state", default: "file", choices: ["directory", "file"]),
        .init("path", .path),
        .init("prefix", default: "ansible."),
        .init("suffix", default: ""),
    ])

    public static func run(_ args: Arguments, _ context: ModuleContext) throws -> ModuleResult {
        if context.checkMode {
            var r = ModuleResult(changed: false, ["msg": "remote module (tempfile) does not support check mode"])
            r["skipped"] = true
            return r
        }
        let prefix = args.string("prefix") ?? "", suffix = args.string("suffix") ?? ""
        if prefix.contains("/") || suffix.contains("/") { throw ModuleError("prefix and suffix must not contain '/'") }
        let dir = try args.string("path").map { shellQuote(try RemotePath.expandUser($0, context)) } ?? "\"${TMPDIR:-/tmp}\""
        let directory = args.string("state") == "directory"
        // GNU mktemp randomizes the last X run even with a suffix after it; BSD mktemp may not.
        let template = "\(dir)/\(shellQuote(prefix + "XXXXXXXX" + suffix))"
        var script = "umask 077; sp_t=$(mktemp \(directory ? "-d " : "")\(template)) || exit 1\n"
        script += RemoteFile.probe("$sp_t").replacingOccurrences(of: shellQuote("$sp_t"), with: "\"$sp_t\"")
        script += "printf '@@TP %s\\n' \"$sp_t\"\n"
        let r = try RemoteFile.run(script, context, what: "creating a temporary \(directory ? "directory" : "file")")
        let out = RemoteFile.parse(r.stdout, paths: [""])
        guard let path = out.tags["TP"], !path.isEmpty else { throw ModuleError("mktemp did not return a path") }
        var result = ModuleResult(changed: true)
        result.values.merge(FileResult.attributes(out.states.first?.info, path: path, state: directory ? "directory" : "file")) { $1 }
        return result
    }
}
