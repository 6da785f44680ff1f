import Foundation
import Jinja
import OrderedCollections
import Transport

/// `blockinfile`: maintains a block of lines between two marker lines.
public enum BlockInFileModule: TextEditModule {
    public static let name = "blockinfile"
    public static let documentation = """
    # blockinfile
    Inserts, updates or removes a block of text surrounded by marker lines in a file.

    - `path` (aliases `dest`, `destfile`, `name`, required), `block` (alias `content`; empty removes the block).
    - `marker` (default `# {mark} ANSIBLE MANAGED BLOCK`), `{mark}` replaced by `marker_begin`
      (`BEGIN`) / `marker_end` (`END`).
    - `insertafter` (`EOF` default, or a regex: after its last match) / `insertbefore` (`BOF` or a regex),
      used when the markers are not in the file yet.
    - `state: absent` removes the block. `create`, `backup`, `validate`, `owner`, `group`, `mode`.
    - `append_newline` / `prepend_newline`: a blank line after / before the block when missing.

    Messages: "Block inserted", "Block removed", "File created".
    """
    public static let spec = ArgumentSpec([
        .init("path", .path, required: true, aliases: ["dest", "destfile", "name"]),
        .init("state", default: "present", choices: ["absent", "present"]),
        .init("marker", default: "# {mark} ANSIBLE MANAGED BLOCK"),
        .init("block", default: "", aliases: ["content"]),
        .init("insertafter"),
        .init("insertbefore"),
        .init("create", .bool, default: .bool(false)),
        .init("backup", .bool, default: .bool(false)),
        .init("marker_begin", default: "BEGIN"),
        .init("marker_end", default: "END"),
        .init("append_newline", .bool, default: .bool(false)),
        .init("prepend_newline", .bool, default: .bool(false)),
        .init("validate"),
        .init("encoding", default: "utf-8"),
    ] + FileAttributes.options, mutuallyExclusive: [["insertbefore", "insertafter"]])

    public static func run(_ args: Arguments, _ context: ModuleContext) throws -> ModuleResult {
        let path = try RemotePath.expandUser(args.string("path") ?? "", context)
        let marker = args.string("marker") ?? ""
        let begin = marker.replacingOccurrences(of: "{mark}", with: args.string("marker_begin") ?? "BEGIN")
        let end = marker.replacingOccurrences(of: "{mark}", with: args.string("marker_end") ?? "END")
        if begin == end { throw ModuleError("marker_begin and marker_end must be different") }
        var block = args.string("block") ?? ""
        let present = args.string("state") != "absent"
        let insertAfter = args.string("insertafter"), insertBefore = args.string("insertbefore")
        let insertRegex = try (insertAfter ?? insertBefore).flatMap { $0 == "EOF" || $0 == "BOF" ? nil : try PythonRegex($0) }

        let edit = TextFileEdit(path: path, attributes: try FileAttributes(args), backup: args.bool("backup"), validate: args.string("validate"))
        let loaded = try edit.read(context, directoryMessage: "Path \(path) is a directory !")
        if loaded.text == nil {
            if !present { return ModuleResult(changed: false, ["msg": "File not present"]) }
            if !args.bool("create") { throw ModuleError("Path \(path) does not exist !", ["rc": 257]) }
        }

        var lines = TextFileEdit.lines(loaded.text ?? "")
        var blockLines: [String] = []
        if present && !block.isEmpty {
            if !block.hasSuffix("\n") && !block.hasSuffix("\r") { block += "\n" }
            blockLines = [begin + "\n"] + TextFileEdit.lines(block) + [end + "\n"]
        }
        var start: Int?, finish: Int?
        for (i, l) in lines.enumerated() {
            let s = TextFileEdit.strip(l)
            if s == begin { start = i }
            if s == end { finish = i }
        }
        var at: Int
        if let s = start, let f = finish {
            // Replace the existing block (markers may be in either order).
            at = min(s, f)
            lines.removeSubrange(at...max(s, f))
        } else if let insertRegex {
            var found: Int?
            if insertRegex.hasMultilineFlag {
                // A (?m) pattern is searched in the whole text: the block goes at the line where the
                // match starts (insertbefore) or after the line where it ends (insertafter).
                let text = loaded.text ?? ""
                if let m = insertRegex.firstMatch(text), let r = Range(m.range, in: text) {
                    let upTo = insertAfter != nil ? r.upperBound : r.lowerBound
                    found = text[..<upTo].reduce(0) { $1 == "\n" || $1 == "\r\n" ? $0 + 1 : $0 }
                }
            } else {
                for (i, l) in lines.enumerated() where insertRegex.matches(l) { found = i }
            }
            if let found { at = min(lines.count, insertAfter != nil ? found + 1 : found) } else { at = lines.count }
        } else {
            at = insertBefore != nil ? 0 : lines.count
        }
        if at > 0 && !blockLines.isEmpty, let prev = lines[at - 1].last, prev != "\n", prev != "\r", prev != "\r\n" {
            lines[at - 1] += "\n"
        }
        if !blockLines.isEmpty {
            if args.bool("prepend_newline") && at > 0 && TextFileEdit.strip(lines[at - 1]) != "" { blockLines.insert("\n", at: 0) }
            if args.bool("append_newline") && at < lines.count && TextFileEdit.strip(lines[at]) != "" { blockLines.append("\n") }
        }
        lines.insert(contentsOf: blockLines, at: at)
        let newText = lines.joined()

        let msg: String
        if loaded.text == newText { msg = "" }
        else if loaded.text == nil { msg = "File created" }
        else if blockLines.isEmpty { msg = "Block removed" }
        else { msg = "Block inserted" }
        return try edit.finish(loaded, newText: newText, msg: msg, context)
    }
}
