import Foundation
import Jinja
import OrderedCollections
import Transport

/// `ini_file`: manages sections and `option = value` lines of INI files.
public enum IniFileModule: TextEditModule {
    public static let name = "ini_file"
    public static let aliases = ["community.general.ini_file", "ansible.builtin.ini_file"]
    public static let documentation = """
    # ini_file
    Adds, changes or removes an option (or a whole section) in an INI file.

    - `path` (alias `dest`, required), `section` (null or empty: the global part before the first section),
      `option`, `value` (or `values`, several lines of the same option), `state` (present/absent).
    - `exclusive` (default yes): with `present`, other values of the option are removed; with `absent`
      and a value, only that value is removed.
    - `no_extra_spaces`: write `option=value` instead of `option = value`. `ignore_spaces`: a line that
      differs only by spacing is not changed. `allow_no_value`: options without a value.
    - `modify_inactive_option` (default yes): a commented-out `# option = ...` line is replaced.
    - `create` (default yes), `backup`, `owner`, `group`, `mode`.

    Messages (Ansible's): "section and option added", "only section added", "option added",
    "option changed" (also for a removed option), "section removed", "OK".
    """
    public static let spec = ArgumentSpec([
        .init("path", .path, required: true, aliases: ["dest"]),
        .init("section"),
        .init("option", aliases: ["key"]),
        .init("value"),
        .init("values", .list, elements: .str),
        .init("state", default: "present", choices: ["absent", "present"]),
        .init("exclusive", .bool, default: .bool(true)),
        .init("backup", .bool, default: .bool(false)),
        .init("no_extra_spaces", .bool, default: .bool(false)),
        .init("ignore_spaces", .bool, default: .bool(false)),
        .init("allow_no_value", .bool, default: .bool(false)),
        .init("modify_inactive_option", .bool, default: .bool(true)),
        .init("create", .bool, default: .bool(true)),
        .init("follow", .bool, default: .bool(false)),
        .init("section_has_values", .list, elements: .dict),
    ] + FileAttributes.options, mutuallyExclusive: [["value", "values"]])

    public static func run(_ args: Arguments, _ context: ModuleContext) throws -> ModuleResult {
        let path = try RemotePath.expandUser(args.string("path") ?? "", context)
        let section = args.string("section").flatMap { $0.isEmpty ? nil : $0 }
        let option = args.string("option")
        let present = args.string("state") != "absent"
        let allowNoValue = args.bool("allow_no_value")
        var values: [String?] = args.has("values") ? args.strings("values").map { $0 } : (args.string("value").map { [$0] } ?? [])
        if present, option != nil, values.isEmpty {
            if !allowNoValue { throw ModuleError("Parameter 'value(s)' must be defined if state=present and allow_no_value=False.") }
            values = [nil]
        }
        let separator = args.bool("no_extra_spaces") ? "=" : " = "
        func format(_ v: String?) -> String { v.map { "\(option ?? "")\(separator)\($0)\n" } ?? "\(option ?? "")\n" }

        let edit = TextFileEdit(path: path, attributes: try FileAttributes(args), backup: args.bool("backup"))
        let loaded = try edit.read(context, directoryMessage: "Destination \(path) is a directory !")
        if loaded.text == nil && !args.bool("create") {
            throw ModuleError("Destination \(path) does not exist!", ["rc": 257])
        }
        var lines = TextFileEdit.lines(loaded.text ?? "")
        if let last = lines.last, !last.hasSuffix("\n") { lines[lines.count - 1] += "\n" }

        // The section's range: [start, end) with start at its header (nil for the global part).
        func sectionName(_ line: String) -> String? {
            let t = line.trimmingCharacters(in: .whitespacesAndNewlines)
            guard t.hasPrefix("["), t.hasSuffix("]") else { return nil }
            return String(t.dropFirst().dropLast()).trimmingCharacters(in: .whitespaces)
        }
        func findSection() -> (header: Int?, end: Int)? {
            if section == nil { return (nil, lines.firstIndex { sectionName($0) != nil } ?? lines.count) }
            guard let h = lines.firstIndex(where: { sectionName($0) == section }) else { return nil }
            let end = lines[(h + 1)...].firstIndex { sectionName($0) != nil } ?? lines.count
            return (h, end)
        }
        let optionRegex = try option.map { o -> PythonRegex in
            let q = NSRegularExpression.escapedPattern(for: o)
            let inactive = args.bool("modify_inactive_option") && present ? "[#;]?[ \\t]*" : ""
            return try PythonRegex("^[ \\t]*\(inactive)\(q)[ \\t]*([=:].*)?$")
        }
        func value(of line: String) -> String? {
            let s = TextFileEdit.strip(line)
            guard let i = s.firstIndex(where: { $0 == "=" || $0 == ":" }) else { return nil }
            return s[s.index(after: i)...].trimmingCharacters(in: .whitespaces)
        }
        func isActive(_ line: String) -> Bool {
            let t = line.trimmingCharacters(in: .whitespaces)
            return !t.hasPrefix("#") && !t.hasPrefix(";")
        }

        var msg = "OK"
        if present {
            if findSection() == nil {
                // New section at the end (the global part needs no header).
                lines.append("[\(section ?? "")]\n")
                msg = "only section added"
            }
            if option != nil, let optionRegex, let range = findSection() {
                let first = (range.header ?? -1) + 1
                var matches = (first..<range.end).filter { optionRegex.matches(TextFileEdit.strip(lines[$0])) }
                // Active lines first, so a commented-out line is only reused when needed.
                matches.sort { isActive(lines[$0]) && !isActive(lines[$1]) }
                var remaining = values
                var removals: [Int] = []
                for idx in matches {
                    if let v = remaining.first {
                        remaining.removeFirst()
                        let wanted = format(v)
                        let same = args.bool("ignore_spaces")
                            ? lines[idx].replacingOccurrences(of: " ", with: "") == wanted.replacingOccurrences(of: " ", with: "")
                            : lines[idx] == wanted
                        if !same { lines[idx] = wanted; if msg == "OK" { msg = "option changed" } }
                    } else if args.bool("exclusive") && isActive(lines[idx]) {
                        removals.append(idx)
                    }
                }
                for idx in removals.sorted(by: >) { lines.remove(at: idx); if msg == "OK" { msg = "option changed" } }
                if !remaining.isEmpty {
                    let range = findSection() ?? (nil, lines.count)
                    // After the last non-blank line of the section.
                    var at = range.end
                    while at > (range.header ?? -1) + 1, lines[at - 1].trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { at -= 1 }
                    lines.insert(contentsOf: remaining.map(format), at: at)
                    msg = msg == "only section added" ? "section and option added" : "option added"
                }
            }
        } else if let range = findSection() {
            if let optionRegex {
                let first = (range.header ?? -1) + 1
                let doomed = (first..<range.end).filter { i in
                    guard optionRegex.matches(TextFileEdit.strip(lines[i])), isActive(lines[i]) else { return false }
                    return values.isEmpty || values.contains { $0 == value(of: lines[i]) }
                }
                for i in doomed.reversed() { lines.remove(at: i) }
                if !doomed.isEmpty { msg = "option changed" }  // Ansible's wording for a removal too
            } else if let header = range.header {
                lines.removeSubrange(header..<range.end)
                msg = "section removed"
            }
        }
        var result = try edit.finish(loaded, newText: lines.joined(), msg: msg, context)
        result["path"] = .string(path)
        return result
    }
}
