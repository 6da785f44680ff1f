import Foundation
import Jinja
import OrderedCollections
import Transport

/// `template`: renders a controller Jinja2 template and writes the result like `copy` does.
public enum TemplateModule: LoopBatchable {
    public static let name = "template"
    public static let documentation = """
    # template
    Renders `src` (looked up in the role's `templates/`) with the task's variables on the controller
    and writes the result to `dest` on the host atomically, only when its checksum differs.

    - `src`, `dest` (required). `dest` may be a directory (the template's name is used).
    - `newline_sequence`: `\\n` (default), `\\r` or `\\r\\n` for the written file.
    - `force` (default yes), `backup`, `validate` (`%s` = the temporary file), `follow`.
    - `owner`, `group`, `mode` (`preserve`: the template file's mode).
    - Jinja environment options (`trim_blocks`, `lstrip_blocks`, `block_start_string`...) are accepted;
      rendering itself is done by the executor's template engine.

    Returns the same values as `copy`: dest, src, checksum, size, mode, uid, gid, owner, group, backup_file.
    """
    public static let spec = ArgumentSpec([
        .init("src", .path, required: true),
        .init("dest", .path, required: true),
        .init("backup", .bool, default: .bool(false)),
        .init("force", .bool, default: .bool(true)),
        .init("follow", .bool, default: .bool(false)),
        .init("validate"),
        .init("newline_sequence", default: "\n", help: "\\n, \\r or \\r\\n (escaped or literal)."),
        .init("output_encoding", default: "utf-8"),
        .init("trim_blocks", .bool, default: .bool(true)),
        .init("lstrip_blocks", .bool, default: .bool(false)),
        .init("block_start_string"), .init("block_end_string"),
        .init("variable_start_string"), .init("variable_end_string"),
        .init("comment_start_string"), .init("comment_end_string"),
    ] + FileAttributes.options)

    public static func run(_ args: Arguments, _ context: ModuleContext) throws -> ModuleResult {
        guard let src = args.string("src"), let destArg = args.string("dest") else { throw ModuleError("src and dest are required") }
        let dest = try RemotePath.expandUser(destArg, context)
        guard let local = context.findFile(src, in: "templates") else {
            throw ModuleError(RemotePath.notFoundOnController(src, in: "templates", context))
        }
        guard let raw = try CopyModule.controllerData(local) else { throw ModuleError("Could not read template '\(local)'") }
        var text = try context.renderTemplate(String(decoding: raw, as: UTF8.self), local)
        // YAML users often pass the escaped form ('\r\n'); accept both, as Ansible does.
        let escaped = ["\\n": "\n", "\\r": "\r", "\\r\\n": "\r\n"]
        var newline = args.string("newline_sequence") ?? "\n"
        newline = escaped[newline] ?? newline
        guard ["\n", "\r", "\r\n"].contains(newline) else {
            throw ModuleError("newline_sequence should be one of: \\n, \\r or \\r\\n")
        }
        if newline != "\n" {
            text = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\n", with: newline)
        }
        // mode: preserve gives the file the template's own mode.
        var attributes = FileAttributes(owner: args.string("owner"), group: args.string("group"))
        if args.string("mode") == "preserve" {
            var st = stat()
            if stat(local, &st) == 0 { attributes.mode = .numeric(Int(st.st_mode & 0o7777)) }
        } else {
            attributes.mode = try FileMode.parse(args["mode"])
        }
        var copy = SingleFileCopy(dest: dest, basename: (local as NSString).lastPathComponent, source: .data(Data(text.utf8)),
                                  displaySource: local, attributes: attributes)
        copy.force = args.bool("force")
        copy.backup = args.bool("backup")
        copy.validate = args.string("validate")
        copy.follow = args.bool("follow")
        return try copy.run(context)
    }

    public static func independent(_ items: [Arguments]) -> Bool {
        RemotePathText.independent(items.map { $0.string("dest") })
    }
}
