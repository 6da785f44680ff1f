import Foundation
import Jinja
import OrderedCollections
import Transport

/// `lineinfile`: ensures a line is present (possibly replacing a matching one) or absent.
public enum LineInFileModule: TextEditModule {
    public static let name = "lineinfile"
    public static let documentation = """
    # lineinfile
    Ensures one line is in a text file (`state: present`), replacing the last line matching `regexp`
    or `search_string`, or that matching lines are removed (`state: absent`, returns `found`).

    - `path` (aliases `dest`, `destfile`, `name`, required), `line` (alias `value`).
    - `regexp` (Python syntax) or `search_string` (literal) select the line to replace/remove; without
      them the exact `line` is looked for.
    - `insertafter` / `insertbefore`: `EOF`, `BOF` or a regular expression (last match, or first
      with `firstmatch: yes`) where a new line goes when nothing matched. Default: end of file.
    - `backrefs`: `line` may use `\\1` / `\\g<name>` from `regexp`; when nothing matches the file is left alone.
    - `create`: create a missing file. `backup`: keep a timestamped copy (`backup` is returned).
    - `validate`, `owner`, `group`, `mode`.

    Messages are Ansible's: "line added", "line replaced", "N line(s) removed".
    """
    public static let spec = ArgumentSpec([
        .init("path", .path, required: true, aliases: ["dest", "destfile", "name"]),
        .init("state", default: "present", choices: ["absent", "present"]),
        .init("regexp", aliases: ["regex"]),
        .init("search_string"),
        .init("line", aliases: ["value"]),
        .init("insertafter"),
        .init("insertbefore"),
        .init("backrefs", .bool, default: .bool(false)),
        .init("create", .bool, default: .bool(false)),
        .init("backup", .bool, default: .bool(false)),
        .init("firstmatch", .bool, default: .bool(false)),
        .init("validate"),
        .init("encoding", default: "utf-8"),
    ] + FileAttributes.options, mutuallyExclusive: [["insertbefore", "insertafter"], ["regexp", "search_string"], ["backrefs", "search_string"]])

    public static func run(_ args: Arguments, _ context: ModuleContext) throws -> ModuleResult {
        let path = try RemotePath.expandUser(args.string("path") ?? "", context)
        let present = args.string("state") != "absent"
        let backrefs = args.bool("backrefs")
        let regexp = try args.string("regexp").map { try PythonRegex($0) }
        let search = args.string("search_string")
        let line = args.string("line")
        if present && backrefs && regexp == nil { throw ModuleError("regexp is required with backrefs=true") }
        if present && line == nil { throw ModuleError("line is required with state=present") }
        if !present && regexp == nil && search == nil && line == nil {
            throw ModuleError("one of line, search_string, or regexp is required with state=absent")
        }

        var warnings: [Value] = []
        if regexp?.pattern == "" || search == "" {
            let what = regexp?.pattern == "" ? "regular expression" : "search string"
            var w = "The \(what) is an empty string, which will match every line in the file. This may have unintended consequences, such as replacing the last line in the file rather than appending."
            if what == "regular expression" { w += " If this is desired, use '^' to match every line in the file and avoid this warning." }
            warnings.append(.string(w))
        }

        var edit = TextFileEdit(path: path, attributes: try FileAttributes(args), backup: args.bool("backup"), validate: args.string("validate"))
        edit.backupKey = "backup"
        let loaded = try edit.read(context, directoryMessage: "Destination \(path) is a directory !")

        func matches(_ l: String) -> NSTextCheckingResult?? {
            if let regexp { return .some(regexp.firstMatch(l)) }
            if let search { return search.isEmpty || l.contains(search) ? .some(nil) : nil }  // "" is in every line
            return TextFileEdit.strip(l) == (line ?? "") ? .some(nil) : nil
        }
        func found(_ m: NSTextCheckingResult??) -> Bool {
            switch m { case .some(.some): return true; case .some(.none): return regexp == nil; case .none: return false }
        }

        guard present else {
            guard let text = loaded.text else { return ModuleResult(changed: false, ["msg": "file not present", "found": 0]) }
            var kept: [String] = []
            var removed = 0
            for l in TextFileEdit.lines(text) {
                if found(matches(l)) { removed += 1 } else { kept.append(l) }
            }
            var result = try edit.finish(loaded, newText: kept.joined(), msg: "\(removed) line(s) removed", context)
            result["found"] = .int(removed)
            if result["backup"] == nil { result["backup"] = "" }
            if !warnings.isEmpty { result["warnings"] = .list(warnings) }
            return result
        }

        guard let line else { throw ModuleError("line is required with state=present") }
        if loaded.text == nil && !args.bool("create") {
            throw ModuleError("Destination \(path) does not exist !", ["rc": 257])
        }
        var lines = TextFileEdit.lines(loaded.text ?? "")
        let insertAfter = args.string("insertafter"), insertBefore = args.string("insertbefore")
        let insertPattern = insertAfter ?? insertBefore
        let insertRegex = try insertPattern.flatMap { $0 == "EOF" || $0 == "BOF" ? nil : try PythonRegex($0) }
        let firstMatch = args.bool("firstmatch")

        // 1. The last (or, with firstmatch, first) line matching regexp or search_string.
        var matchIndex = -1, insertIndex = -1
        var matchResult: NSTextCheckingResult?
        if regexp != nil || search != nil {
            for (i, l) in lines.enumerated() {
                let m = matches(l)
                guard found(m) else { continue }
                matchIndex = i
                if case .some(.some(let r)) = m { matchResult = r }
                if firstMatch { break }
            }
        }
        // 2. Without such a match: the line itself (last occurrence), and where the insert anchor matched.
        if matchIndex == -1 {
            for (i, l) in lines.enumerated() {
                if TextFileEdit.strip(l) == line {
                    matchIndex = i
                } else if let insertRegex, insertRegex.matches(l) {
                    insertIndex = insertAfter != nil ? i + 1 : i
                    if firstMatch { break }
                }
            }
        }

        let eol = "\n"
        var msg = ""
        func endsWithNewline(_ s: String?) -> Bool { s.map { $0.hasSuffix("\n") || $0.hasSuffix("\r") } ?? true }
        if matchIndex != -1 {
            // The matched line becomes `line` (expanded with backrefs when regexp matched).
            var newLine = line
            if backrefs, let regexp, let matchResult { newLine = regexp.expand(line, match: matchResult, in: lines[matchIndex]) }
            if !newLine.hasSuffix(eol) { newLine += eol }
            if lines[matchIndex] != newLine {
                lines[matchIndex] = newLine
                msg = "line replaced"
            }
        } else if backrefs {
            // Without a match the backreferences cannot be filled: leave the file alone, as Ansible does.
        } else if insertBefore == "BOF" || insertAfter == "BOF" {
            lines.insert(line + eol, at: 0)
            msg = "line added"
        } else if insertAfter == "EOF" || insertIndex == -1 {
            if !lines.isEmpty && !endsWithNewline(lines.last) { lines[lines.count - 1] += eol }
            lines.append(line + eol)
            msg = "line added"
        } else if insertAfter != nil {
            // Not again when the line is already right after the anchor.
            if insertIndex == lines.count {
                if TextFileEdit.strip(lines[insertIndex - 1]) != line {
                    if !endsWithNewline(lines.last) { lines[lines.count - 1] += eol }
                    lines.append(line + eol)
                    msg = "line added"
                }
            } else if TextFileEdit.strip(lines[insertIndex]) != line {
                lines.insert(line + eol, at: insertIndex)
                msg = "line added"
            }
        } else {
            lines.insert(line + eol, at: insertIndex)
            msg = "line added"
        }
        var result = try edit.finish(loaded, newText: lines.joined(), msg: msg, context)
        if result["backup"] == nil { result["backup"] = "" }  // Ansible always returns the key
        if !warnings.isEmpty { result["warnings"] = .list(warnings) }
        return result
    }
}
