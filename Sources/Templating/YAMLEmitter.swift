import Foundation
import Jinja

/// A YAML writer that lays data out the way PyYAML's `yaml.dump` does (what `to_yaml` and
/// `to_nice_yaml` produce in Ansible), so generated files match byte for byte for common data:
/// same quoting decisions, indentation, flow style for leaf collections, folding at `width`.
struct YAMLEmitter {
    var indentStep = 2
    var width = 80
    /// nil: collections holding only scalars are written in flow style (PyYAML's default).
    var defaultFlowStyle: Bool? = nil
    var sortKeys = true
    var allowUnicode = true
    var explicitStart = false
    let plugin: String

    // Writer state, mirroring how PyYAML tracks the current column and indentation.
    private var out = ""
    private var column = 0
    private var indent: Int? = nil
    private var indents: [Int?] = []
    private var whitespace = true
    private var indention = true
    private var flowLevel = 0

    init(plugin: String) { self.plugin = plugin }

    /// Ansible dumps through libyaml (CSafeDumper), which, unlike pure-Python PyYAML, does not end
    /// a document holding a lone plain scalar with "...": neither do we.
    mutating func dump(_ v: Value) throws -> String {
        if explicitStart { writeRaw("---"); whitespace = false }
        try node(v, root: true, inSequence: false, inMapping: false, simpleKey: false)
        writeLineBreak()
        return out
    }

    // MARK: low-level writing

    private mutating func writeRaw(_ s: String) {
        out += s
        column += s.unicodeScalars.count  // libyaml counts code points
    }

    private mutating func writeLineBreak() {
        out += "\n"
        whitespace = true
        indention = true
        column = 0
    }

    private mutating func writeIndent() {
        let target = indent ?? 0
        if !indention || column > target || (column == target && !whitespace) { writeLineBreak() }
        if column < target {
            whitespace = true
            writeRaw(String(repeating: " ", count: target - column))
        }
    }

    private mutating func writeIndicator(_ s: String, needWhitespace: Bool, whitespace ws: Bool = false, indention ind: Bool = false) {
        let data = (whitespace || !needWhitespace) ? s : " " + s
        whitespace = ws
        indention = indention && ind
        writeRaw(data)
    }

    private mutating func increaseIndent(flow: Bool, indentless: Bool = false) {
        indents.append(indent)
        if let i = indent {
            if !indentless { indent = i + indentStep }
        } else {
            indent = flow ? indentStep : 0
        }
    }

    private mutating func popIndent() { indent = indents.popLast() ?? nil }

    // MARK: nodes

    private func isScalar(_ v: Value) -> Bool {
        switch v {
        case .list, .tuple, .dict: return false
        case .object(let o): return o.keys == nil
        default: return true
        }
    }

    private func wantsFlow(_ children: [Value]) -> Bool {
        if flowLevel > 0 || children.isEmpty { return true }
        if let f = defaultFlowStyle { return f }
        return children.allSatisfy(isScalar)
    }

    private mutating func node(_ v: Value, root: Bool, inSequence: Bool, inMapping: Bool, simpleKey: Bool) throws {
        switch v {
        case .list(let l), .tuple(let l):
            if wantsFlow(l) { try flowSequence(l) } else { try blockSequence(l, inMapping: inMapping) }
        case .dict(let d):
            let keys = sortKeys ? d.keys.sorted() : Array(d.keys)
            let pairs = keys.map { ($0, d[$0] ?? Value.none) }
            if wantsFlow(pairs.map(\.1)) { try flowMapping(pairs) } else { try blockMapping(pairs) }
        case .object(let o):
            if let keys = o.keys {
                var d = Kwargs()
                for k in keys { d[k] = o.attribute(k) ?? Value.none }
                try node(.dict(d), root: root, inSequence: inSequence, inMapping: inMapping, simpleKey: simpleKey)
            } else {
                scalar(o.stringValue, isString: true, root: root, simpleKey: simpleKey)
            }
        case .undefined(let u):
            throw pluginError(plugin, "cannot serialize an undefined value: \(u.description)")
        case .callable(let c):
            throw pluginError(plugin, "cannot represent function \(c.name) in YAML")
        case .none: scalar("null", isString: false, root: root, simpleKey: simpleKey)
        case .bool(let b): scalar(b ? "true" : "false", isString: false, root: root, simpleKey: simpleKey)
        case .int(let i): scalar(String(i), isString: false, root: root, simpleKey: simpleKey)
        case .double(let d): scalar(YAMLEmitter.floatText(d), isString: false, root: root, simpleKey: simpleKey)
        case .string(let s): scalar(s, isString: true, root: root, simpleKey: simpleKey)
        }
    }

    /// Keys of at most 128 bytes without line breaks can be written as `key: value` (libyaml's rule).
    static func isSimpleKey(_ k: String) -> Bool {
        k.utf8.count <= 128 && !k.unicodeScalars.contains(where: { ScalarAnalysis.breaks.contains($0) })
    }

    static func floatText(_ d: Double) -> String {
        if d.isNaN { return ".nan" }
        if d.isInfinite { return d < 0 ? "-.inf" : ".inf" }
        var s = Value.formatFloat(d).lowercased()
        if !s.contains("."), let e = s.firstIndex(of: "e") { s.replaceSubrange(e..<s.index(after: e), with: ".0e") }
        return s
    }

    private mutating func flowSequence(_ items: [Value]) throws {
        writeIndicator("[", needWhitespace: true, whitespace: true)
        flowLevel += 1
        increaseIndent(flow: true)
        for (i, item) in items.enumerated() {
            if i > 0 { writeIndicator(",", needWhitespace: false) }
            if column > width { writeIndent() }
            try node(item, root: false, inSequence: true, inMapping: false, simpleKey: false)
        }
        popIndent()
        flowLevel -= 1
        writeIndicator("]", needWhitespace: false)
    }

    private mutating func flowMapping(_ pairs: [(String, Value)]) throws {
        writeIndicator("{", needWhitespace: true, whitespace: true)
        flowLevel += 1
        increaseIndent(flow: true)
        for (i, (k, v)) in pairs.enumerated() {
            if i > 0 { writeIndicator(",", needWhitespace: false) }
            if column > width { writeIndent() }
            if YAMLEmitter.isSimpleKey(k) {
                scalar(k, isString: true, root: false, simpleKey: true)
                writeIndicator(":", needWhitespace: false)
            } else {
                writeIndicator("?", needWhitespace: true)
                scalar(k, isString: true, root: false, simpleKey: false)
                if column > width { writeIndent() }
                writeIndicator(":", needWhitespace: true)
            }
            try node(v, root: false, inSequence: false, inMapping: true, simpleKey: false)
        }
        popIndent()
        flowLevel -= 1
        writeIndicator("}", needWhitespace: false)
    }

    private mutating func blockSequence(_ items: [Value], inMapping: Bool) throws {
        increaseIndent(flow: false, indentless: inMapping && !indention)
        for item in items {
            writeIndent()
            writeIndicator("-", needWhitespace: true, indention: true)
            try node(item, root: false, inSequence: true, inMapping: false, simpleKey: false)
        }
        popIndent()
    }

    private mutating func blockMapping(_ pairs: [(String, Value)]) throws {
        increaseIndent(flow: false)
        for (k, v) in pairs {
            writeIndent()
            if YAMLEmitter.isSimpleKey(k) {
                scalar(k, isString: true, root: false, simpleKey: true)
                writeIndicator(":", needWhitespace: false)
            } else {
                // Long or multi-line keys are written as explicit "? key" / ": value" pairs.
                writeIndicator("?", needWhitespace: true, indention: true)
                scalar(k, isString: true, root: false, simpleKey: false)
                writeIndent()
                writeIndicator(":", needWhitespace: true, indention: true)
            }
            try node(v, root: false, inSequence: false, inMapping: true, simpleKey: false)
        }
        popIndent()
    }

    // MARK: scalars

    private mutating func scalar(_ text: String, isString: Bool, root: Bool, simpleKey: Bool) {
        // Continuation lines of a folded scalar sit one step deeper than its parent.
        increaseIndent(flow: true)
        defer { popIndent() }
        let a = ScalarAnalysis(text, allowUnicode: allowUnicode)
        // A plain string that would read back as another type (yes, 1.0, null, ~...) needs quotes.
        let plainKeepsType = !isString || YAMLResolver.isPlainString(text)
        let canPlain = plainKeepsType && !(simpleKey && (a.empty || a.multiline))
            && (flowLevel > 0 ? a.allowFlowPlain : a.allowBlockPlain)
        if canPlain {
            writePlain(text, split: !simpleKey)
        } else if a.allowSingleQuoted && !(simpleKey && a.multiline) {
            writeSingleQuoted(text, split: !simpleKey)
        } else {
            writeDoubleQuoted(text, split: !simpleKey)
        }
    }


    private mutating func writePlain(_ text: String, split: Bool) {
        if text.isEmpty { return }
        if !whitespace { writeRaw(" ") }
        whitespace = false
        indention = false
        let chars = text.unicodeScalars.map(Character.init)
        var spaces = false
        var start = 0
        var end = 0
        while end <= chars.count {
            let ch: Character? = end < chars.count ? chars[end] : nil
            if spaces {
                if ch != " " {
                    if start + 1 == end && column > width && split {
                        writeIndent()
                        whitespace = false
                        indention = false
                    } else {
                        writeRaw(String(chars[start..<end]))
                    }
                    start = end
                }
            } else if ch == nil || ch == " " {
                writeRaw(String(chars[start..<end]))
                start = end
            }
            if let c = ch { spaces = c == " " }
            end += 1
        }
    }

    private mutating func writeSingleQuoted(_ text: String, split: Bool) {
        writeIndicator("'", needWhitespace: true)
        let chars = Array(text.unicodeScalars)
        var spaces = false
        var breaks = false
        for (i, c) in chars.enumerated() {
            if c == " " {
                // Fold at a single space once past the width (never the first or last character).
                if split && !spaces && column > width && i != 0 && i != chars.count - 1 && chars[i + 1] != " " {
                    writeIndent()
                } else {
                    writeRaw(" ")
                }
                spaces = true
            } else if ScalarAnalysis.breaks.contains(c) {
                // A line break inside quotes is written twice: a lone newline would fold into a space.
                if !breaks && c == "\n" { writeLineBreak() }
                if c == "\n" {
                    writeLineBreak()
                } else {
                    out.unicodeScalars.append(c)
                    column = 0
                }
                indention = true
                breaks = true
            } else {
                if breaks { writeIndent() }
                writeRaw(c == "'" ? "''" : String(c))
                indention = false
                spaces = false
                breaks = false
            }
        }
        if breaks { writeIndent() }
        writeIndicator("'", needWhitespace: false)
    }

    private static let escapes: [Character: String] = [
        "\0": "0", "\u{07}": "a", "\u{08}": "b", "\t": "t", "\n": "n", "\u{0B}": "v", "\u{0C}": "f",
        "\r": "r", "\u{1B}": "e", "\"": "\"", "\\": "\\", "\u{85}": "N", "\u{A0}": "_",
        "\u{2028}": "L", "\u{2029}": "P",
    ]

    private mutating func writeDoubleQuoted(_ text: String, split: Bool) {
        writeIndicator("\"", needWhitespace: true)
        let chars = text.unicodeScalars.map(Character.init)
        var spaces = false
        for (i, c) in chars.enumerated() {
            let isBreak = c.unicodeScalars.first.map { ScalarAnalysis.breaks.contains($0) } ?? false
            if !ScalarAnalysis.isPrintable(c, allowUnicode: allowUnicode) || c == "\u{FEFF}" || isBreak || c == "\"" || c == "\\" {
                if let e = YAMLEmitter.escapes[c] {
                    writeRaw("\\" + e)
                } else {
                    for u in c.unicodeScalars {
                        let x = u.value
                        writeRaw(x <= 0xFF ? String(format: "\\x%02X", x) : x <= 0xFFFF ? String(format: "\\u%04X", x) : String(format: "\\U%08X", x))
                    }
                }
                spaces = false
            } else if c == " " {
                // Fold at a single space once past the width; a following space is kept by escaping.
                if split && !spaces && column > width && i != 0 && i != chars.count - 1 {
                    writeIndent()
                    if i + 1 < chars.count, chars[i + 1] == " " { writeRaw("\\") }
                } else {
                    writeRaw(" ")
                }
                spaces = true
            } else {
                writeRaw(String(c))
                spaces = false
            }
        }
        whitespace = false
        indention = false
        writeIndicator("\"", needWhitespace: false)
    }
}
