import Foundation

/// Python `re` patterns on top of ICU (NSRegularExpression): translates the syntax that differs
/// (`(?P<name>`, `(?P=name)`, `\Z`) and expands Python replacement templates (`\1`, `\g<name>`).
struct PythonRegex {
    let regex: NSRegularExpression
    let plugin: String

    init(_ pattern: String, ignoreCase: Bool = false, multiline: Bool = false, dotAll: Bool = false, plugin: String) throws {
        var options: NSRegularExpression.Options = []
        if ignoreCase { options.insert(.caseInsensitive) }
        if multiline { options.insert(.anchorsMatchLines) }
        if dotAll { options.insert(.dotMatchesLineSeparators) }
        self.plugin = plugin
        do {
            // ICU rejects an empty pattern; Python matches the empty string everywhere.
            regex = try NSRegularExpression(pattern: pattern.isEmpty ? "(?:)" : PythonRegex.translate(pattern), options: options)
        } catch {
            throw pluginError(plugin, "invalid regular expression '\(pattern)'")
        }
    }

    static func translate(_ p: String) -> String {
        var out = ""
        var chars = Array(p)[...]
        while let c = chars.popFirst() {
            if c == "\\", let n = chars.popFirst() {
                out += n == "Z" ? "\\z" : "\\" + String(n)
            } else if c == "(", chars.starts(with: "?P<") {
                chars.removeFirst(3)
                out += "(?<"
            } else if c == "(", chars.starts(with: "?P=") {
                chars.removeFirst(3)
                var name = ""
                while let n = chars.popFirst(), n != ")" { name.append(n) }
                out += "\\k<\(name)>"
            } else {
                out.append(c)
            }
        }
        return out
    }

    struct Match {
        let text: String
        let result: NSTextCheckingResult
        let names: [String]

        /// Group by number or name; nil when the group did not take part in the match.
        func group(_ index: Int) -> String? {
            guard index <= result.numberOfRanges - 1, let r = Range(result.range(at: index), in: text) else { return nil }
            return String(text[r])
        }
        func group(named name: String) -> String? {
            guard let r = Range(result.range(withName: name), in: text) else { return nil }
            return String(text[r])
        }
        var groupCount: Int { result.numberOfRanges - 1 }
        var range: Range<String.Index>? { Range(result.range, in: text) }
    }

    func matches(_ text: String, limit: Int = 0) -> [Match] {
        var out: [Match] = []
        regex.enumerateMatches(in: text, range: NSRange(text.startIndex..., in: text)) { result, _, stop in
            guard let result else { return }
            out.append(Match(text: text, result: result, names: []))
            if limit > 0 && out.count >= limit { stop.pointee = true }
        }
        return out
    }

    /// `re.search`; with `anchored`, `re.match` (the match must start at the beginning).
    func first(_ text: String, anchored: Bool = false) -> Match? {
        let options: NSRegularExpression.MatchingOptions = anchored ? [.anchored] : []
        guard let r = regex.firstMatch(in: text, options: options, range: NSRange(text.startIndex..., in: text)) else { return nil }
        return Match(text: text, result: r, names: [])
    }

    /// `re.subn`: replaces up to `count` matches (0: all) and tells how many were replaced.
    func substitute(_ text: String, template: String, count: Int = 0) throws -> (String, Int) {
        let found = matches(text, limit: count)
        var out = ""
        var cursor = text.startIndex
        for m in found {
            guard let r = m.range else { continue }
            out += text[cursor..<r.lowerBound]
            out += try expand(template, m)
            cursor = r.upperBound
        }
        out += text[cursor...]
        return (out, found.count)
    }

    /// Python's replacement template: `\1`..`\99`, `\g<n>`, `\g<name>`, and string escapes.
    func expand(_ template: String, _ m: Match) throws -> String {
        var out = ""
        var chars = Array(template)[...]
        while let c = chars.popFirst() {
            guard c == "\\" else { out.append(c); continue }
            guard let n = chars.popFirst() else { throw pluginError(plugin, "bad escape (end of pattern) in replacement") }
            switch n {
            case "0"..."9":
                var digits = String(n)
                if let d = chars.first, d.isASCII, d.isNumber { digits.append(d); chars.removeFirst() }
                guard let i = Int(digits), i <= m.groupCount else { throw pluginError(plugin, "invalid group reference \(digits)") }
                out += m.group(i) ?? ""
            case "g":
                guard chars.first == "<", let close = chars.firstIndex(of: ">") else {
                    throw pluginError(plugin, "missing group name after \\g in replacement")
                }
                let name = String(chars[chars.index(after: chars.startIndex)..<close])
                chars = chars[chars.index(after: close)...]
                if let i = Int(name) {
                    guard i <= m.groupCount else { throw pluginError(plugin, "invalid group reference \(i)") }
                    out += m.group(i) ?? ""
                } else {
                    guard m.result.range(withName: name).location != NSNotFound || regexHasGroup(name) else {
                        throw pluginError(plugin, "unknown group name '\(name)'")
                    }
                    out += m.group(named: name) ?? ""
                }
            case "n": out += "\n"
            case "t": out += "\t"
            case "r": out += "\r"
            case "f": out += "\u{0C}"
            case "v": out += "\u{0B}"
            case "a": out += "\u{07}"
            case "b": out += "\u{08}"
            case "\\": out += "\\"
            default:
                if n.isASCII && n.isLetter { throw pluginError(plugin, "bad escape \\\(n) in replacement") }
                out += "\\" + String(n)
            }
        }
        return out
    }

    private func regexHasGroup(_ name: String) -> Bool {
        regex.pattern.contains("(?<\(name)>")
    }
}
