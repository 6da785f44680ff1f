import Foundation

/// Token kinds produced by the lexer. Tag delimiters are separate kinds so the parser can tell
/// where a statement or print ends.
enum TokenKind: Equatable {
    case data            // literal template text
    case variableBegin, variableEnd, blockBegin, blockEnd
    case name, string, integer, float, op
    case eof
}

struct Token {
    var kind: TokenKind
    /// Name, operator text, decoded string literal, number text or raw data.
    var value: String
    var line: Int
    var column: Int

    /// How Jinja describes a token in "expected ..., got ..." messages.
    var describe: String {
        switch kind {
        case .eof: return "end of template"
        case .variableBegin: return "begin of print statement"
        case .variableEnd: return "end of print statement"
        case .blockBegin: return "begin of statement block"
        case .blockEnd: return "end of statement block"
        case .data: return "template data / text"
        default: return value
        }
    }
}

/// Turns template source into tokens, applying whitespace control (`-`, `+`, trim_blocks,
/// lstrip_blocks) and `{% raw %}` while scanning, so the parser never sees whitespace issues.
struct Lexer {
    private let src: [UInt8]
    private var pos = 0
    private var line = 1
    private var lineStart = 0
    private let options: EnvironmentOptions
    private let templateName: String?
    private var tokens: [Token] = []

    init(_ source: String, options: EnvironmentOptions, templateName: String?) {
        // Jinja normalises every newline style to "\n".
        var s = source
        if s.contains("\r") {
            s = s.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        }
        if !options.keepTrailingNewline, s.hasSuffix("\n") { s.removeLast() }
        self.src = Array(s.utf8)
        self.options = options
        self.templateName = templateName
    }

    static func tokenize(_ source: String, options: EnvironmentOptions, name: String?) throws -> [Token] {
        var lx = Lexer(source, options: options, templateName: name)
        try lx.run()
        return lx.tokens
    }

    /// Lexes a bare expression (no delimiters), as for `Environment.expression`.
    static func tokenizeExpression(_ source: String, options: EnvironmentOptions) throws -> [Token] {
        var lx = Lexer(source, options: options, templateName: nil)
        try lx.lexInside(end: nil)
        lx.tokens.append(Token(kind: .eof, value: "", line: lx.line, column: lx.col))
        return lx.tokens
    }

    private var col: Int { pos - lineStart + 1 }

    private func error(_ msg: String, line: Int? = nil, column: Int? = nil) -> TemplateError {
        TemplateError(kind: .syntax, message: msg, templateName: templateName ?? "<template>",
                      line: line ?? self.line, column: column ?? col)
    }

    private func at(_ i: Int) -> UInt8 { i < src.count ? src[i] : 0 }
    private func startsWith(_ s: StaticString, at i: Int) -> Bool {
        let n = s.utf8CodeUnitCount
        guard i + n <= src.count else { return false }
        let p = s.utf8Start
        for k in 0..<n where src[i + k] != p[k] { return false }
        return true
    }

    private mutating func advance(to newPos: Int) {
        var i = pos
        while i < newPos {
            if src[i] == 10 { line += 1; lineStart = i + 1 }
            i += 1
        }
        pos = newPos
    }

    private mutating func emitData(_ start: Int, _ end: Int, line: Int, column: Int) {
        guard end > start else { return }
        let text = String(decoding: src[start..<end], as: UTF8.self)
        tokens.append(Token(kind: .data, value: text, line: line, column: column))
    }

    /// Finds the next tag opening at or after `from`.
    private func nextTagStart(from: Int) -> Int? {
        var i = from
        while i + 1 < src.count {
            if src[i] == UInt8(ascii: "{") {
                let c = src[i + 1]
                if c == UInt8(ascii: "{") || c == UInt8(ascii: "%") || c == UInt8(ascii: "#") { return i }
            }
            i += 1
        }
        return nil
    }

    /// Whitespace (spaces/tabs) between the previous newline and `tag`, if only whitespace; used by lstrip_blocks.
    private func lstripStart(before tag: Int, from dataStart: Int) -> Int? {
        var i = tag
        while i > dataStart {
            let c = src[i - 1]
            if c == UInt8(ascii: " ") || c == UInt8(ascii: "\t") { i -= 1; continue }
            if c == 10 { return i }
            return nil
        }
        // Reached the start of this data run: only strip if that is also a line start.
        if i == 0 || src[i - 1] == 10 { return i }
        return nil
    }

    private mutating func run() throws {
        var dataStart = 0
        var dataLine = 1, dataCol = 1
        // After "-%}" etc. the following data loses its leading whitespace.
        var stripNextLeading = false
        while true {
            let tagPos = nextTagStart(from: pos)
            let end = tagPos ?? src.count
            var dStart = dataStart
            if stripNextLeading {
                while dStart < end, isSpace(src[dStart]) { dStart += 1 }
                stripNextLeading = false
            }
            guard let tag = tagPos else {
                emitData(dStart, src.count, line: dataLine, column: dataCol)
                advance(to: src.count)
                break
            }
            let kindChar = src[tag + 1]
            let modifier = at(tag + 2)
            var dEnd = tag
            if modifier == UInt8(ascii: "-") {
                while dEnd > dStart, isSpace(src[dEnd - 1]) { dEnd -= 1 }
            } else if options.lstripBlocks, kindChar != UInt8(ascii: "{"), modifier != UInt8(ascii: "+"),
                      let s = lstripStart(before: tag, from: dStart) {
                dEnd = max(s, dStart)
            }
            emitData(dStart, dEnd, line: dataLine, column: dataCol)
            advance(to: tag)
            let tagLine = line, tagCol = col
            var inner = tag + 2
            if modifier == UInt8(ascii: "-") || (modifier == UInt8(ascii: "+") && kindChar != UInt8(ascii: "{")) { inner += 1 }

            switch kindChar {
            case UInt8(ascii: "#"):
                // Comment: skip to "#}".
                var i = inner
                var found: Int?
                while i + 1 < src.count {
                    if src[i] == UInt8(ascii: "#"), src[i + 1] == UInt8(ascii: "}") { found = i; break }
                    i += 1
                }
                guard let close = found else { throw error("Missing end of comment tag", line: tagLine, column: tagCol) }
                let stripAfter = close > inner && src[close - 1] == UInt8(ascii: "-")
                let keep = close > inner && src[close - 1] == UInt8(ascii: "+")
                advance(to: close + 2)
                if stripAfter { stripNextLeading = true } else if options.trimBlocks, !keep, at(pos) == 10 { advance(to: pos + 1) }
            case UInt8(ascii: "{"):
                tokens.append(Token(kind: .variableBegin, value: "{{", line: tagLine, column: tagCol))
                advance(to: inner)
                stripNextLeading = try lexInside(end: .variableEnd)
            default:
                // Block tag; `raw` is handled here since its body is not lexed.
                advance(to: inner)
                if try lexRawIfPresent(tagLine: tagLine, tagCol: tagCol) {
                    stripNextLeading = rawStripAfter
                } else {
                    tokens.append(Token(kind: .blockBegin, value: "{%", line: tagLine, column: tagCol))
                    stripNextLeading = try lexInside(end: .blockEnd)
                }
            }
            dataStart = pos
            dataLine = line
            dataCol = col
        }
        // Like Jinja, report the end of input at the line where the last token started.
        let last = tokens.last
        tokens.append(Token(kind: .eof, value: "", line: last?.line ?? 1, column: last?.column ?? 1))
    }

    private var rawStripAfter = false

    private func isSpace(_ c: UInt8) -> Bool { c == 32 || c == 9 || c == 10 || c == 13 || c == 11 || c == 12 }

    /// Matches `raw %}` at `pos`; if present, emits the raw body as data up to `{% endraw %}`.
    private mutating func lexRawIfPresent(tagLine: Int, tagCol: Int) throws -> Bool {
        var i = pos
        while i < src.count, isSpace(src[i]) { i += 1 }
        guard startsWith("raw", at: i) else { return false }
        i += 3
        while i < src.count, isSpace(src[i]) { i += 1 }
        var stripInside = false
        if at(i) == UInt8(ascii: "-") { stripInside = true; i += 1 } else if at(i) == UInt8(ascii: "+") { i += 1 }
        guard startsWith("%}", at: i) else { return false }
        i += 2
        advance(to: i)
        // Find "{%[-+]? endraw [-+]?%}".
        var j = pos
        while let t = nextTagStart(from: j) {
            if src[t + 1] == UInt8(ascii: "%") {
                var k = t + 2
                let mod = at(k)
                if mod == UInt8(ascii: "-") || mod == UInt8(ascii: "+") { k += 1 }
                while k < src.count, isSpace(src[k]) { k += 1 }
                if startsWith("endraw", at: k) {
                    k += 6
                    while k < src.count, isSpace(src[k]) { k += 1 }
                    var stripAfter = false
                    var keep = false
                    if at(k) == UInt8(ascii: "-") { stripAfter = true; k += 1 } else if at(k) == UInt8(ascii: "+") { keep = true; k += 1 }
                    if startsWith("%}", at: k) {
                        var bodyStart = pos
                        if stripInside { while bodyStart < t, isSpace(src[bodyStart]) { bodyStart += 1 } }
                        var bodyEnd = t
                        if mod == UInt8(ascii: "-") {
                            while bodyEnd > bodyStart, isSpace(src[bodyEnd - 1]) { bodyEnd -= 1 }
                        } else if options.lstripBlocks, mod != UInt8(ascii: "+"), let s = lstripStart(before: t, from: bodyStart) {
                            bodyEnd = max(s, bodyStart)
                        }
                        emitData(bodyStart, bodyEnd, line: line, column: col)
                        advance(to: k + 2)
                        if !stripAfter, !keep, options.trimBlocks, at(pos) == 10 { advance(to: pos + 1) }
                        rawStripAfter = stripAfter
                        return true
                    }
                }
            }
            j = t + 2
        }
        throw error("Missing end of raw directive", line: tagLine, column: tagCol)
    }

    /// Lexes tokens inside `{{ }}` / `{% %}` up to the closing delimiter (or to the end for bare
    /// expressions). Returns whether the closing delimiter asked to strip following whitespace.
    @discardableResult
    private mutating func lexInside(end: TokenKind?) throws -> Bool {
        var brackets: [UInt8] = []
        while true {
            while pos < src.count, isSpace(src[pos]) { advance(to: pos + 1) }
            guard pos < src.count else {
                if let end = end {
                    let what = end == .variableEnd ? "end of print statement" : "end of statement block"
                    throw error("unexpected end of template, expected '\(what)'.")
                }
                if let open = brackets.last { throw error("unexpected end of expression, expected '\(closing(open))'") }
                return false
            }
            let c = src[pos]
            let tokLine = line, tokCol = col
            // Closing delimiter (only outside brackets, as in Jinja).
            if let end = end, brackets.isEmpty {
                let closer: StaticString = end == .variableEnd ? "}}" : "%}"
                var strip = false, keep = false
                var p = pos
                if c == UInt8(ascii: "-") && startsWith(closer, at: pos + 1) { strip = true; p += 1 }
                else if c == UInt8(ascii: "+") && end == .blockEnd && startsWith(closer, at: pos + 1) { keep = true; p += 1 }
                if startsWith(closer, at: p) {
                    tokens.append(Token(kind: end, value: end == .variableEnd ? "}}" : "%}", line: tokLine, column: tokCol))
                    advance(to: p + 2)
                    if end == .blockEnd, !strip, !keep, options.trimBlocks, at(pos) == 10 { advance(to: pos + 1) }
                    return strip
                }
            }
            if isIdentStart(c) {
                var i = pos + 1
                while i < src.count, isIdentChar(src[i]) { i += 1 }
                tokens.append(Token(kind: .name, value: String(decoding: src[pos..<i], as: UTF8.self), line: tokLine, column: tokCol))
                advance(to: i)
            } else if isDigit(c) {
                try lexNumber(line: tokLine, column: tokCol)
            } else if c == UInt8(ascii: "'") || c == UInt8(ascii: "\"") {
                try lexString(quote: c, line: tokLine, column: tokCol)
            } else {
                let three = pos + 1 < src.count ? [c, src[pos + 1]] : [c]
                var op: String
                if three.count == 2, let two = String(bytes: three, encoding: .utf8),
                   ["//", "**", "==", "!=", "<=", ">="].contains(two) {
                    op = two
                } else {
                    op = String(UnicodeScalar(c))
                    guard "+-*/%~<>=.,:|()[]{}".utf8.contains(c) else {
                        let ch = String(decoding: src[pos..<min(pos + scalarLength(c), src.count)], as: UTF8.self)
                        throw error("unexpected char \(Value.reprString(ch)) at \(pos)")
                    }
                }
                if op == "(" || op == "[" || op == "{" { brackets.append(c) }
                if op == ")" || op == "]" || op == "}" {
                    guard let open = brackets.popLast() else { throw error("unexpected '\(op)'") }
                    if closing(open) != op { throw error("unexpected '\(op)', expected '\(closing(open))'") }
                }
                tokens.append(Token(kind: .op, value: op, line: tokLine, column: tokCol))
                advance(to: pos + op.utf8.count)
            }
        }
    }

    private func closing(_ open: UInt8) -> String {
        switch open {
        case UInt8(ascii: "("): return ")"
        case UInt8(ascii: "["): return "]"
        default: return "}"
        }
    }

    private func scalarLength(_ lead: UInt8) -> Int {
        if lead < 0x80 { return 1 }
        if lead >= 0xF0 { return 4 }
        if lead >= 0xE0 { return 3 }
        return 2
    }

    private func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }
    private func isIdentStart(_ c: UInt8) -> Bool { (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 95 || c >= 0x80 }
    private func isIdentChar(_ c: UInt8) -> Bool { isIdentStart(c) || isDigit(c) }

    private mutating func lexNumber(line: Int, column: Int) throws {
        var i = pos
        // Prefixed integers: 0x.., 0o.., 0b...
        if src[i] == UInt8(ascii: "0"), let p = Optional(at(i + 1)), [UInt8(ascii: "x"), UInt8(ascii: "X"), UInt8(ascii: "o"), UInt8(ascii: "O"), UInt8(ascii: "b"), UInt8(ascii: "B")].contains(p) {
            let radix = (p | 0x20) == UInt8(ascii: "x") ? 16 : ((p | 0x20) == UInt8(ascii: "o") ? 8 : 2)
            i += 2
            var digits = ""
            while i < src.count, let ch = Optional(src[i]), ch == UInt8(ascii: "_") || Int(String(UnicodeScalar(ch)), radix: radix) != nil {
                if ch != UInt8(ascii: "_") { digits.append(Character(UnicodeScalar(ch))) }
                i += 1
            }
            guard let v = Int(digits, radix: radix) else { throw error("invalid integer literal") }
            tokens.append(Token(kind: .integer, value: String(v), line: line, column: column))
            advance(to: i)
            return
        }
        var text = ""
        var isFloat = false
        func digits() {
            while i < src.count, isDigit(src[i]) || (src[i] == UInt8(ascii: "_") && isDigit(at(i + 1)) && i > pos) {
                if src[i] != UInt8(ascii: "_") { text.append(Character(UnicodeScalar(src[i]))) }
                i += 1
            }
        }
        digits()
        if at(i) == UInt8(ascii: "."), isDigit(at(i + 1)) {
            isFloat = true
            text.append(".")
            i += 1
            digits()
        }
        if at(i) == UInt8(ascii: "e") || at(i) == UInt8(ascii: "E") {
            var j = i + 1
            if at(j) == UInt8(ascii: "+") || at(j) == UInt8(ascii: "-") { j += 1 }
            if isDigit(at(j)) {
                isFloat = true
                text += String(decoding: src[i..<j], as: UTF8.self)
                i = j
                digits()
            }
        }
        tokens.append(Token(kind: isFloat ? .float : .integer, value: text, line: line, column: column))
        advance(to: i)
    }

    private mutating func lexString(quote: UInt8, line: Int, column: Int) throws {
        var i = pos + 1
        var bytes: [UInt8] = []
        while true {
            guard i < src.count else { throw error("unexpected end of string", line: line, column: column) }
            let c = src[i]
            if c == quote { i += 1; break }
            if c == UInt8(ascii: "\\"), i + 1 < src.count {
                let e = src[i + 1]
                i += 2
                switch e {
                case UInt8(ascii: "n"): bytes.append(10)
                case UInt8(ascii: "t"): bytes.append(9)
                case UInt8(ascii: "r"): bytes.append(13)
                case UInt8(ascii: "0"): bytes.append(0)
                case UInt8(ascii: "a"): bytes.append(7)
                case UInt8(ascii: "b"): bytes.append(8)
                case UInt8(ascii: "f"): bytes.append(12)
                case UInt8(ascii: "v"): bytes.append(11)
                case UInt8(ascii: "\\"), UInt8(ascii: "'"), UInt8(ascii: "\""): bytes.append(e)
                case 10: break  // escaped newline joins lines
                case UInt8(ascii: "N"):
                    throw error("malformed \\N character escape", line: line, column: column)
                case UInt8(ascii: "x"), UInt8(ascii: "u"), UInt8(ascii: "U"):
                    let n = e == UInt8(ascii: "x") ? 2 : (e == UInt8(ascii: "u") ? 4 : 8)
                    let hex = i + n <= src.count ? String(decoding: src[i..<(i + n)], as: UTF8.self) : ""
                    if let v = UInt32(hex, radix: 16), let scalar = UnicodeScalar(v) {
                        bytes.append(contentsOf: Array(String(Character(scalar)).utf8))
                        i += n
                    } else {
                        throw error("invalid \\\(Character(UnicodeScalar(e))) escape in string literal", line: line, column: column)
                    }
                default:
                    // Python keeps unknown escapes verbatim.
                    bytes.append(UInt8(ascii: "\\"))
                    bytes.append(e)
                }
                continue
            }
            bytes.append(c)
            i += 1
        }
        tokens.append(Token(kind: .string, value: String(decoding: bytes, as: UTF8.self), line: line, column: column))
        advance(to: i)
    }
}
