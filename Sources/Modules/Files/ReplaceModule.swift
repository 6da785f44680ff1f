import Foundation
import Jinja
import OrderedCollections
import Transport

/// `replace`: replaces every match of a regular expression in a file.
public enum ReplaceModule: TextEditModule {
    public static let name = "replace"
    public static let documentation = """
    # replace
    Replaces all matches of `regexp` (Python syntax, multiline: `^`/`$` match at each line) with
    `replace` in the file at `path`. `replace` may use `\\1` and `\\g<name>` backreferences.

    - `path` (aliases `dest`, `destfile`, `name`), `regexp` (required), `replace` (default: empty).
    - `after` / `before`: only the text after the first match of `after` and/or before `before` is edited.
    - `backup` (returns `backup_file`), `validate`, `owner`, `group`, `mode`.

    Message: "N replacements made".
    """
    public static let spec = ArgumentSpec([
        .init("path", .path, required: true, aliases: ["dest", "destfile", "name"]),
        .init("regexp", required: true),
        .init("replace", default: ""),
        .init("after"),
        .init("before"),
        .init("backup", .bool, default: .bool(false)),
        .init("validate"),
        .init("encoding", default: "utf-8"),
    ] + FileAttributes.options)

    public static func run(_ args: Arguments, _ context: ModuleContext) throws -> ModuleResult {
        let path = try RemotePath.expandUser(args.string("path") ?? "", context)
        let regex = try PythonRegex(args.string("regexp") ?? "", multiline: true)
        let template = args.string("replace") ?? ""
        do { try regex.checkTemplate(template) } catch let e as ModuleError {
            throw ModuleError("Unable to process replace due to error: \(e.message)")
        }
        var edit = TextFileEdit(path: path, attributes: try FileAttributes(args), backup: args.bool("backup"), validate: args.string("validate"))
        edit.contentHeader = false
        let loaded = try edit.read(context, directoryMessage: "Path \(path) is a directory !")
        guard let contents = loaded.text else { throw ModuleError("Path \(path) does not exist !", ["rc": 257]) }

        // The section between `after` and `before` (dot matches newlines there, as in Ansible).
        var pattern = ""
        if let after = args.string("after"), let before = args.string("before") { pattern = "\(after)(?P<subsection>.*?)\(before)" }
        else if let after = args.string("after") { pattern = "\(after)(?P<subsection>.*)" }
        else if let before = args.string("before") { pattern = "(?P<subsection>.*)\(before)" }
        let ns = contents as NSString
        var sectionRange = NSRange(location: 0, length: ns.length)
        if !pattern.isEmpty {
            let sectionRegex = try PythonRegex(pattern, dotAll: true)
            guard let m = sectionRegex.firstMatch(contents) else {
                return ModuleResult(changed: false, ["msg": .string("Pattern for before/after params did not match the given file: \(pattern)")])
            }
            sectionRange = m.range(withName: "subsection")
        }
        let section = ns.substring(with: sectionRange)
        let (replaced, count) = regex.substitute(section, template: template)
        guard count > 0 && replaced != section else {
            return try edit.finish(loaded, newText: contents, msg: "", context)
        }
        let newText = ns.substring(to: sectionRange.location) + replaced + ns.substring(from: sectionRange.location + sectionRange.length)
        return try edit.finish(loaded, newText: newText, msg: "\(count) replacements made", context)
    }
}
