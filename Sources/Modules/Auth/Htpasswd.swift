import Foundation
import Jinja
import OrderedCollections
import Transport

/// `htpasswd` (community.general): adds, updates or removes a user in an htpasswd file on the host.
public enum HtpasswdModule: Module {
    public static let name = "htpasswd"
    public static let aliases = ["community.general.htpasswd", "community.general.web_infrastructure.htpasswd"]
    public static let documentation = """
    # htpasswd
    Manages `name:hash` lines of the htpasswd file `path` on the host. The hash is computed on the
    controller (libxcrypt) and the file is written through the connection: the password never appears
    on a command line, in a result or in a diff.

    `state: present` keeps an existing entry whose hash already verifies `password` (whatever its
    scheme), otherwise writes a new hash in `crypt_scheme`: `bcrypt` (the default here, cost 10, `$2y$`,
    the only scheme the Distribution registry accepts; community.general defaults to apr_md5_crypt),
    `sha512_crypt`, `sha256_crypt`, `md5_crypt` or `apr_md5_crypt`. `state: absent` removes the user.
    `create: false` fails when the file does not exist. `mode`, `owner`, `group` apply to the file.
    """
    public static let spec = ArgumentSpec([
        .init("path", .path, required: true, aliases: ["dest", "destfile"]),
        .init("name", required: true, aliases: ["username"]),
        .init("password", noLog: true),
        .init("crypt_scheme", default: "bcrypt", choices: PasswordHash.schemes, aliases: ["hash_scheme"]),
        .init("state", default: "present", choices: ["present", "absent"]),
        .init("create", .bool, default: true),
    ] + HostFile.options)

    public static func run(_ args: Arguments, _ context: ModuleContext) throws -> ModuleResult {
        guard let path = args.string("path"), let user = args.string("name") else { return .failed("path and name are required") }
        if user.contains(":") || user.contains("\n") || user.isEmpty { return .failed("invalid user name '\(user)'") }
        let state = args.string("state") ?? "present"
        let file = try HostFile.load(path, context)
        if !file.exists && !args.bool("create") && state == "present" {
            return .failed("Destination \(path) does not exist and create is false")
        }
        var lines = file.exists ? String(decoding: file.data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init) : []
        if lines.last == "" { lines.removeLast() }
        let index = lines.firstIndex { $0.hasPrefix(user + ":") }
        var msg: String
        var changedContent = false

        if state == "absent" {
            guard let index else {
                let attrs = file.exists ? try HostFile.applyAttributes(path, args: args, current: file, checkMode: context.checkMode, context) : false
                return ModuleResult(changed: attrs, ["msg": .string("\(user) not present")])
            }
            lines.remove(at: index)
            msg = "Remove \(user)"
            changedContent = true
        } else {
            guard let password = args.string("password") else { return .failed("state is present but all of the following are missing: password") }
            let scheme = args.string("crypt_scheme") ?? "bcrypt"
            if let index {
                let hash = String(lines[index].dropFirst(user.count + 1))
                if PasswordHash.verify(password, hash: hash) {
                    msg = "\(user) already present"
                } else {
                    lines[index] = "\(user):\(try PasswordHash.hash(password, scheme: scheme))"
                    msg = "Add/update \(user)"
                    changedContent = true
                }
            } else {
                lines.append("\(user):\(try PasswordHash.hash(password, scheme: scheme))")
                msg = file.exists ? "Add/update \(user)" : "Created \(path) and added \(user)"
                changedContent = true
            }
        }

        var result = ModuleResult(changed: false)
        if changedContent {
            result.changed = true
            if context.diffMode {
                let before = file.exists ? String(decoding: file.data, as: UTF8.self).split(separator: "\n").map { $0.split(separator: ":").first.map(String.init) ?? "" } : []
                let after = lines.map { $0.split(separator: ":").first.map(String.init) ?? "" }
                result.addDiff(before: before.map { "\($0):<hash>\n" }.joined(), after: after.map { "\($0):<hash>\n" }.joined(),
                               beforeHeader: path, afterHeader: path)
            }
            if !context.checkMode {
                let text = lines.isEmpty ? "" : lines.joined(separator: "\n") + "\n"
                if args.bool("backup") && file.exists, let b = try HostFile.backup(path, context) { result["backup_file"] = .string(b) }
                try HostFile.write(Data(text.utf8), to: path, args: args, previous: file, defaultMode: "0644", context)
            }
        } else if try HostFile.applyAttributes(path, args: args, current: file, checkMode: context.checkMode, context) {
            result.changed = true
        }
        result["msg"] = .string(msg)
        return result
    }
}
