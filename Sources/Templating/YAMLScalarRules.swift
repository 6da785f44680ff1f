import Foundation

/// What a scalar's text allows: the same questions PyYAML asks before picking a quoting style.
struct ScalarAnalysis {
    /// Line breaks as libyaml sees them (CR included, unlike PyYAML).
    static let breaks: Set<Unicode.Scalar> = ["\n", "\r", "\u{85}", "\u{2028}", "\u{2029}"]

    var empty = false
    var multiline = false
    var allowFlowPlain = true
    var allowBlockPlain = true
    var allowSingleQuoted = true

    static func isPrintable(_ c: Character, allowUnicode: Bool) -> Bool {
        guard let u = c.unicodeScalars.first, c.unicodeScalars.count == 1 else { return allowUnicode }
        let v = u.value
        if v == 0x0A || (0x20...0x7E).contains(v) { return true }
        guard allowUnicode else { return false }
        // libyaml (which Ansible dumps with) treats characters beyond the BMP as non-printable.
        return (0xA0...0xD7FF).contains(v) || ((0xE000...0xFFFD).contains(v) && v != 0xFEFF)
    }

    init(_ text: String, allowUnicode: Bool) {
        let chars = text.unicodeScalars.map(Character.init)
        if chars.isEmpty {
            empty = true
            allowFlowPlain = false
            allowBlockPlain = false
            return
        }
        let breakSet: Set<Character> = ["\n", "\r", "\u{85}", "\u{2028}", "\u{2029}"]
        let whitespaceSet: Set<Character> = ["\0", " ", "\t", "\r", "\n", "\u{85}", "\u{2028}", "\u{2029}"]
        var flowIndicators = false, blockIndicators = false, lineBreaks = false, special = false
        var leadingSpace = false, leadingBreak = false, trailingSpace = false, trailingBreak = false
        var breakSpace = false, spaceBreak = false, previousSpace = false, previousBreak = false
        if text.hasPrefix("---") || text.hasPrefix("...") {
            flowIndicators = true
            blockIndicators = true
        }
        var precededByWhitespace = true
        for (i, ch) in chars.enumerated() {
            let followedByWhitespace = i + 1 >= chars.count || whitespaceSet.contains(chars[i + 1])
            if i == 0 {
                if "#,[]{}&*!|>'\"%@`".contains(ch) {
                    flowIndicators = true
                    blockIndicators = true
                }
                if ch == "?" || ch == ":" {
                    flowIndicators = true
                    if followedByWhitespace { blockIndicators = true }
                }
                if ch == "-" && followedByWhitespace {
                    flowIndicators = true
                    blockIndicators = true
                }
            } else {
                if ",?[]{}".contains(ch) { flowIndicators = true }
                if ch == ":" {
                    flowIndicators = true
                    if followedByWhitespace { blockIndicators = true }
                }
                if ch == "#" && precededByWhitespace {
                    flowIndicators = true
                    blockIndicators = true
                }
            }
            if breakSet.contains(ch) { lineBreaks = true }
            if !(ch == "\n" || ScalarAnalysis.isPrintable(ch, allowUnicode: allowUnicode)) || ch == "\u{FEFF}" { special = true }
            if ch == " " {
                if i == 0 { leadingSpace = true }
                if i == chars.count - 1 { trailingSpace = true }
                if previousBreak { breakSpace = true }
                previousSpace = true
                previousBreak = false
            } else if breakSet.contains(ch) {
                if i == 0 { leadingBreak = true }
                if i == chars.count - 1 { trailingBreak = true }
                if previousSpace { spaceBreak = true }
                previousSpace = false
                previousBreak = true
            } else {
                previousSpace = false
                previousBreak = false
            }
            precededByWhitespace = whitespaceSet.contains(ch)
        }
        multiline = lineBreaks
        if leadingSpace || leadingBreak || trailingSpace || trailingBreak {
            allowFlowPlain = false
            allowBlockPlain = false
        }
        if breakSpace {
            allowFlowPlain = false
            allowBlockPlain = false
            allowSingleQuoted = false
        }
        if spaceBreak || special {
            allowFlowPlain = false
            allowBlockPlain = false
            allowSingleQuoted = false
        }
        if lineBreaks {
            allowFlowPlain = false
            allowBlockPlain = false
        }
        if flowIndicators { allowFlowPlain = false }
        if blockIndicators { allowBlockPlain = false }
    }
}

/// YAML 1.1 implicit typing of plain scalars (the rules PyYAML's resolver applies): a string
/// matching one of these would load back as a bool, number, null or date, so it must be quoted.
enum YAMLResolver {
    private static let patterns: [NSRegularExpression] = [
        "^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$",
        "^(?:[-+]?(?:[0-9][0-9_]*)\\.[0-9_]*(?:[eE][-+][0-9]+)?|\\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\\.[0-9_]*|[-+]?\\.(?:inf|Inf|INF)|\\.(?:nan|NaN|NAN))$",
        "^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$",
        "^(?:<<)$",
        "^(?:~|null|Null|NULL|)$",
        "^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \\t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\\.[0-9]*)?(?:[ \\t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$",
        "^(?:=)$",
    ].compactMap { try? NSRegularExpression(pattern: $0) }

    static func isPlainString(_ text: String) -> Bool {
        let range = NSRange(text.startIndex..., in: text)
        return !patterns.contains { $0.firstMatch(in: text, range: range) != nil }
    }
}
