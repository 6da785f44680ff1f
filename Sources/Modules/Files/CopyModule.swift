import DataLoader
import Foundation
import Jinja
import OrderedCollections
import Transport
import Vault

/// `copy`: puts a controller file, a directory tree, inline content or a host file at `dest`.
public enum CopyModule: LoopBatchable {
    /// A controller file's bytes; a vaulted one is decrypted unless `decrypt` is false. Without a
    /// vault secret that fits, Ansible's messages.
    static func controllerData(_ path: String, decrypt: Bool = true) throws -> Data? {
        do {
            return try VaultedData.contents(atPath: path, decrypt: decrypt)
        } catch let e as VaultError {
            if VaultSecrets.shared.isEmpty { throw ModuleError("A vault password or secret must be specified to decrypt \(path)") }
            throw ModuleError(e.description)
        }
    }

    public static let name = "copy"

    public static let documentation = """
    # copy
    Copies a file or directory from the controller (`src`, looked up in the role's `files/`), inline
    `content`, or a file already on the host (`remote_src: true`) to `dest` on the host. Writes are
    atomic (temporary file in the destination directory, renamed into place) and only happen when
    the SHA-1 checksums differ.

    - `dest` (required): a file path, or a directory (existing, or given with a trailing `/`, in
      which case it is created) that receives the file under its own name.
    - `src`: a file, or a directory: `dir` copies the directory itself into `dest`, `dir/` its contents.
    - `remote_src`: `src` is on the host; a host directory is compared by checksums and copied
      with `cp -RPp` (one more round trip; files are not renamed into place one by one).
    - `content`: text written as the file (never logged). Mutually exclusive with `src`.
    - `local_follow` (default yes): symlinks in a controller tree are copied as what they point to,
      except dangling ones and links to an enclosing directory; `no` copies them all as links. For a
      host tree, links are kept unless `local_follow: yes` is given.
    - `decrypt` (default true): a Vault-encrypted `src` is decrypted with the run's vault secrets;
      false copies it as it is.
    - `mode: preserve`: the source's mode (controller or host file).
    - `force` (default yes): replace a file whose content differs; `no` only creates missing files.
    - `backup`: keep a timestamped copy of the old file (`backup_file` is returned).
    - `validate`: command run on the temporary file (`%s`) before it replaces `dest`.
    - `owner`, `group`, `mode` (`preserve` keeps the source's mode), `directory_mode` for created directories.
    - `follow`: write through a symlink at `dest` instead of replacing it. `checksum`: expected SHA-1 of the source.

    Returns dest, src, checksum (SHA-1), md5sum (when written), size, mode, uid, gid, owner, group, state, backup_file.
    """
    public static let spec = ArgumentSpec([
        .init("src", .path, help: "Controller path (files/ of the role or playbook), or a host path with remote_src."),
        .init("content", noLog: true, help: "File content, instead of src."),
        .init("dest", .path),  // required, checked in run() after src/content as Ansible's action does
        .init("backup", .bool, default: .bool(false)),
        .init("force", .bool, default: .bool(true), aliases: ["thirsty"]),
        .init("directory_mode", .raw),
        .init("remote_src", .bool, default: .bool(false)),
        .init("local_follow", .bool),  // controller trees: default yes; host trees: links kept unless yes
        .init("follow", .bool, default: .bool(false)),
        .init("validate"),
        .init("checksum"),
        .init("decrypt", .bool, default: .bool(true)),
        .init("_original_basename"),
    ] + FileAttributes.options, mutuallyExclusive: [["content", "src"]])

    /// Host sources (remote_src) may be another item's destination.
    public static func independent(_ items: [Arguments]) -> Bool {
        items.allSatisfy { !$0.bool("remote_src") } && RemotePathText.independent(items.map { $0.string("dest") })
    }

    public static func run(_ args: Arguments, _ context: ModuleContext) throws -> ModuleResult {
        if (args.string("src") ?? "").isEmpty && args.string("content") == nil { throw ModuleError("src (or content) is required") }
        guard let destArg = args.string("dest"), !destArg.isEmpty else { throw ModuleError("dest is required") }
        let dest = try RemotePath.expandUser(destArg, context)
        let preserve = args.string("mode") == "preserve"
        var attributes = FileAttributes(owner: args.string("owner"), group: args.string("group"))
        if !preserve { attributes.mode = try FileMode.parse(args["mode"]) }
        let directoryMode = try FileMode.parse(args["directory_mode"])

        var copy = SingleFileCopy(dest: dest, basename: nil, source: .data(Data()), displaySource: nil, attributes: attributes)
        copy.force = args.bool("force")
        copy.backup = args.bool("backup")
        copy.validate = args.string("validate")
        copy.follow = args.bool("follow")
        copy.expectedChecksum = args.string("checksum")

        if let content = args.string("content") {
            copy.source = .data(Data(content.utf8))
            return try copy.run(context)
        }
        guard let src = args.string("src"), !src.isEmpty else { throw ModuleError("src (or content) is required") }
        if args.bool("remote_src") {
            let src = try RemotePath.expandUser(src, context)
            copy.source = .remote(src)
            copy.directoryMode = directoryMode
            copy.preserveRemoteMode = preserve
            copy.followRemoteLinks = args["local_follow"].flatMap(Arguments.boolean) == true
            copy.basename = (src as NSString).lastPathComponent
            copy.displaySource = src
            return try copy.run(context)
        }
        guard let local = context.findFile(src, in: "files") else {
            throw ModuleError(RemotePath.notFoundOnController(src, in: "files", context))
        }
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: local, isDirectory: &isDir), isDir.boolValue {
            // "dir/" copies the contents; "dir" copies the directory itself into dest.
            let root = src.hasSuffix("/") ? dest : (dest as NSString).appendingPathComponent((local as NSString).lastPathComponent)
            var tree = DirectoryCopy(localRoot: local, dest: root.count > 1 && root.hasSuffix("/") ? String(root.dropLast()) : root,
                                     attributes: attributes, directoryMode: directoryMode)
            tree.preserveMode = preserve
            tree.force = args.bool("force")
            tree.localFollow = args["local_follow"].flatMap(Arguments.boolean) ?? true
            tree.decrypt = args.bool("decrypt")
            return try tree.run(context, displaySource: local)
        }
        guard let data = try controllerData(local, decrypt: args.bool("decrypt")) else { throw ModuleError("Could not read '\(local)' on the controller") }
        if preserve {
            var st = stat()
            if stat(local, &st) == 0 { copy.attributes.mode = .numeric(Int(st.st_mode & 0o7777)) }
        }
        copy.source = .data(data)
        copy.basename = (local as NSString).lastPathComponent
        copy.displaySource = local
        return try copy.run(context)
    }
}
