import Foundation

/// Python `re` patterns and replacement templates on top of NSRegularExpression (ICU), for
/// lineinfile, replace and find: `(?P<name>...)`, `(?P=name)`, and `\1` / `\g<name>` in templates.
public struct PythonRegex {
    public let pattern: String
    let regex: NSRegularExpression
    let multiline: Bool

    public init(_ pattern: String, multiline: Bool = false, dotAll: Bool = false) throws {
        self.pattern = pattern
        self.multiline = multiline
        var icu = pattern.replacingOccurrences(of: "(?P<", with: "(?<")
        // (?P=name) backreference becomes \k<name>
        if let named = try? NSRegularExpression(pattern: #"\(\?P=(\w+)\)"#) {
            icu = named.stringByReplacingMatches(in: icu, range: NSRange(icu.startIndex..., in: icu), withTemplate: #"\\k<$1>"#)
        }
        // ICU refuses an empty pattern, which Python matches everywhere.
        if icu.isEmpty { icu = "(?:)" }
        var options: NSRegularExpression.Options = []
        if multiline { options.insert(.anchorsMatchLines) }
        if dotAll { options.insert(.dotMatchesLineSeparators) }
        do {
            regex = try NSRegularExpression(pattern: icu, options: options)
        } catch {
            throw ModuleError("invalid regular expression '\(pattern)'")
        }
    }

    /// Whether the pattern turns on MULTILINE with a leading global flag group such as `(?m)` or `(?ms)`,
    /// as Python's `re.compile(p).flags & re.MULTILINE` says.
    public var hasMultilineFlag: Bool {
        guard pattern.hasPrefix("(?"), let close = pattern.firstIndex(of: ")") else { return multiline }
        let flags = pattern[pattern.index(pattern.startIndex, offsetBy: 2)..<close]
        return multiline || (!flags.isEmpty && flags.allSatisfy { "aiLmsux".contains($0) } && flags.contains("m"))
    }

    public func firstMatch(_ s: String) -> NSTextCheckingResult? {
        regex.firstMatch(in: s, range: NSRange(s.startIndex..., in: s))
    }

    public func matches(_ s: String) -> Bool { firstMatch(s) != nil }

    /// Python's re.match: anchored at the start only.
    public func matchesAtStart(_ s: String) -> Bool {
        regex.firstMatch(in: s, options: .anchored, range: NSRange(s.startIndex..., in: s)) != nil
    }

    /// Python's match.expand(template).
    public func expand(_ template: String, match: NSTextCheckingResult, in s: String) -> String {
        let ns = s as NSString
        func group(_ index: Int) -> String {
            guard index < match.numberOfRanges else { return "" }
            let r = match.range(at: index)
            return r.location == NSNotFound ? "" : ns.substring(with: r)
        }
        func named(_ name: String) -> String {
            if let i = Int(name) { return group(i) }
            let r = match.range(withName: name)
            return r.location == NSNotFound ? "" : ns.substring(with: r)
        }
        var out = ""
        var chars = Array(template)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            guard c == "\\", i + 1 < chars.count else { out.append(c); i += 1; continue }
            let n = chars[i + 1]
            if n.isASCII, let d = n.wholeNumberValue {
                // Up to two digits, as Python reads \12.
                var number = d
                var used = 2
                if i + 2 < chars.count, chars[i + 2].isASCII, let d2 = chars[i + 2].wholeNumberValue, number * 10 + d2 < match.numberOfRanges {
                    number = number * 10 + d2
                    used = 3
                }
                out += group(number)
                i += used
            } else if n == "g", i + 2 < chars.count, chars[i + 2] == "<", let close = chars[(i + 3)...].firstIndex(of: ">") {
                out += named(String(chars[(i + 3)..<close]))
                i = close + 1
            } else {
                switch n {
                case "n": out += "\n"
                case "t": out += "\t"
                case "r": out += "\r"
                case "\\": out += "\\"
                default: out.append(c); out.append(n)
                }
                i += 2
            }
        }
        chars = []
        return out
    }

    /// Python refuses a replacement template with an unknown escape of an ASCII letter (`\D`) or a
    /// reference to a group the pattern does not have, before any matching.
    public func checkTemplate(_ template: String) throws {
        let chars = Array(template)
        var i = 0
        while i < chars.count {
            defer { i += 1 }
            guard chars[i] == "\\", i + 1 < chars.count else { continue }
            let n = chars[i + 1]
            if n.isASCII, let d = n.wholeNumberValue, d > 0 {
                var group = d
                if i + 2 < chars.count, chars[i + 2].isASCII, let d2 = chars[i + 2].wholeNumberValue { group = d * 10 + d2 }
                if group > regex.numberOfCaptureGroups {
                    throw ModuleError("invalid group reference \(group) at position \(i + 1)")
                }
            } else if n.isASCII && n.isLetter && !"abfnrtvg".contains(n) {
                throw ModuleError("bad escape \\\(n) at position \(i)")
            }
            i += 1
        }
    }

    /// Python's re.subn: every non-overlapping match replaced by the expanded template.
    public func substitute(_ s: String, template: String) -> (String, Int) {
        let ns = s as NSString
        let all = regex.matches(in: s, range: NSRange(location: 0, length: ns.length))
        var out = ""
        var last = 0
        for m in all {
            out += ns.substring(with: NSRange(location: last, length: m.range.location - last))
            out += expand(template, match: m, in: s)
            last = m.range.location + m.range.length
        }
        out += ns.substring(from: last)
        // Python's multiline `^` also matches at the very end after a final newline; ICU's does not.
        // A pattern that matches an empty line there gets that extra (empty) match too.
        if multiline, s.hasSuffix("\n"), all.last.map({ $0.range.location < ns.length }) ?? true,
           let empty = regex.firstMatch(in: "", range: NSRange(location: 0, length: 0)) {
            out += expand(template, match: empty, in: "")
            return (out, all.count + 1)
        }
        return (out, all.count)
    }
}
