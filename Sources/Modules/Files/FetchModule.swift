import Foundation
import Jinja
import OrderedCollections
import Transport

/// `fetch`: copies a file from the host to the controller.
public enum FetchModule: Module {
    public static let name = "fetch"
    public static let documentation = """
    # fetch
    Copies the host file `src` to the controller, by default to `dest/<inventory_hostname>/<src>`;
    with `flat: yes` to `dest` itself (or `dest/<basename>` when `dest` ends with `/`). The file is
    only transferred when the SHA-1 checksums differ, and is written atomically on the controller.

    - `src`, `dest` (required; relative to the playbook's directory, `~` is the controller user's home). `fail_on_missing` (default yes): fail when `src` is missing.
    - `validate_checksum` (default yes): compare the transferred data with the host's checksum.

    Returns changed, dest, checksum, remote_checksum, md5sum is not computed.
    """
    public static let spec = ArgumentSpec([
        .init("src", required: true),
        .init("dest", required: true),
        .init("flat", .bool, default: .bool(false)),
        .init("fail_on_missing", .bool, default: .bool(true)),
        .init("validate_checksum", .bool, default: .bool(true)),
    ])

    public static func run(_ args: Arguments, _ context: ModuleContext) throws -> ModuleResult {
        let src = try RemotePath.expandUser(args.string("src") ?? "", context)
        // A relative dest is relative to the playbook's directory (the last search path), as Ansible's is.
        var destArg = NSString(string: args.string("dest") ?? "").expandingTildeInPath
        if !destArg.hasPrefix("/"), let base = context.searchPaths.last { destArg = (base as NSString).appendingPathComponent(destArg) + (destArg.hasSuffix("/") ? "/" : "") }
        let hostname = context.variable("inventory_hostname")?.pythonStr ?? context.host
        var dest: String
        if args.bool("flat") {
            dest = destArg.hasSuffix("/") ? destArg + (src as NSString).lastPathComponent : destArg
        } else {
            dest = (destArg as NSString).appendingPathComponent(hostname) + "/" + (src.hasPrefix("/") ? String(src.dropFirst()) : src)
        }
        dest = (dest as NSString).standardizingPath
        let local = FileManager.default.contents(atPath: dest)
        let localSum = local.map { SHA1.hex($0) } ?? "-"

        // One round trip: the checksum, and the content only when it differs from ours.
        let p = shellQuote(src)
        var script = "if [ -d \(p) ]; then echo '@@E dir'; exit 0; elif [ ! -e \(p) ]; then echo '@@E missing'; exit 0; elif [ ! -r \(p) ]; then echo '@@E unreadable'; exit 0; fi\n"
        script += "sp_s=$(sp_sum sha1 \(p)); printf '@@H %s\\n' \"$sp_s\"\n"
        script += "if [ \"$sp_s\" != \(shellQuote(localSum)) ]; then printf '@@C\\n'; cat -- \(p); fi\n"
        let r = try RemoteFile.run("printf '@@B\\n'\n" + script, context, binary: true, what: "fetching \(src)")
        let out = RemoteFile.parse(r.stdout, paths: [src])
        var result = ModuleResult(changed: false, ["file": .string(src), "dest": .string(dest)])
        switch out.tags["E"] {
        case "dir"?: throw ModuleError("remote file is a directory, fetch cannot work on directories")
        case "missing"?:
            let msg = "the remote file does not exist, not transferring, ignored"
            if args.bool("fail_on_missing") { throw ModuleError(msg, ["file": .string(src)]) }
            result["msg"] = .string(msg)
            return result
        case "unreadable"?: throw ModuleError("file (\(src)) is not readable")
        default: break
        }
        guard let state = out.states.first, let remoteSum = state.checksum else { throw ModuleError("could not compute the checksum of \(src)") }
        result["remote_checksum"] = .string(remoteSum)
        result["checksum"] = .string(remoteSum)
        if remoteSum == localSum { return result }
        result.changed = true
        if context.checkMode { return result }
        let data = state.content ?? Data()
        let got = SHA1.hex(data)
        if args.bool("validate_checksum") && got != remoteSum {
            throw ModuleError("checksum mismatch", ["checksum": .string(got), "remote_checksum": .string(remoteSum)])
        }
        try writeAtomically(data, to: dest)
        result["checksum"] = .string(got)
        if context.diffMode {
            result.addDiff(before: FileResult.diffText(local), after: FileResult.diffText(data), beforeHeader: dest, afterHeader: "\(context.host):\(src)")
        }
        return result
    }

    /// Controller-side atomic write: temporary file in the same directory, then rename.
    static func writeAtomically(_ data: Data, to path: String) throws {
        let dir = (path as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            let tmp = (dir as NSString).appendingPathComponent(".swiftplay-fetch-\(UUID().uuidString.prefix(8))")
            guard FileManager.default.createFile(atPath: tmp, contents: data) else { throw ModuleError("cannot write \(tmp)") }
            if rename(tmp, path) != 0 {
                let err = String(cString: strerror(errno))
                unlink(tmp)
                throw ModuleError("cannot rename into \(path): \(err)")
            }
        } catch let e as ModuleError {
            throw e
        } catch {
            throw ModuleError("Failed to write \(path) on the controller: \(error.localizedDescription)")
        }
    }
}
