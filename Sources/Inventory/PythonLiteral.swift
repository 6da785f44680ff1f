import Jinja
import OrderedCollections

/// Ansible types INI inventory values with Python's `ast.literal_eval`: `1` is an int, `True` a bool,
/// `[1, 'a']` a list, `'x'` the string x; anything that is not a Python literal stays the raw string.
/// This is an evaluator for that literal subset. Tuples and sets become lists, `...` becomes the
/// string "...", as Ansible coerces them. Complex numbers and `\N{name}` escapes are not supported
/// and leave the raw string.
enum PythonLiteral {
    /// The literal's value, or nil when `text` is not a Python literal.
    static func evaluate(_ text: String) -> Value? {
        if let quick = quickEvaluate(text) { return quick }
        var parser = LiteralParser(Array(text.unicodeScalars))
        return parser.parseAll()
    }

    /// The common simple cases without the full parser: plain decimal integers and bare words.
    /// Returns nil when the full parser must decide; `.some(nil)` means "not a literal".
    private static func quickEvaluate(_ text: String) -> Value?? {
        let utf8 = text.utf8
        guard let first = utf8.first else { return nil }
        let isDigit = { (c: UInt8) in c >= 0x30 && c <= 0x39 }
        let isWordByte = { (c: UInt8) in isDigit(c) || (c | 0x20 >= 0x61 && c | 0x20 <= 0x7A) || c == 0x5F }
        if isDigit(first), first != 0x30 || utf8.count == 1, utf8.allSatisfy(isDigit) {
            return Int(text).map { .some(.int($0)) }
        }
        // Dotted numbers such as IP addresses are no literal.
        if isDigit(first), utf8.allSatisfy({ isDigit($0) || $0 == 0x2E }), utf8.filter({ $0 == 0x2E }).count > 1 {
            return .some(nil)
        }
        if !isDigit(first), utf8.allSatisfy(isWordByte) {
            switch text {
            case "True": return .some(.bool(true))
            case "False": return .some(.bool(false))
            case "None": return .some(Value.none)
            case "set": return .some(nil)
            default: return .some(nil)  // a bare name is no literal
            }
        }
        return nil
    }
}

private struct LiteralParser {
    /// What an expression turned out to be: a bare number may take a unary sign, nothing else can.
    enum Node {
        case number(Value)
        case signed(Value)
        case other(Value)
        var value: Value {
            switch self {
            case .number(let v), .signed(let v), .other(let v): return v
            }
        }
    }

    let s: [Unicode.Scalar]
    var i = 0
    var nesting = 0  // inside brackets newlines are whitespace

    init(_ s: [Unicode.Scalar]) { self.s = s }

    var atEnd: Bool { i >= s.count }
    func peek(_ offset: Int = 0) -> Unicode.Scalar? { i + offset < s.count ? s[i + offset] : nil }

    mutating func parseAll() -> Value? {
        skipSpace()
        guard let node = parseExpression() else { return nil }
        skipSpace()
        var result = node.value
        if peek() == "," {
            // `1, 2` and `x,` are tuples even without parentheses.
            var items = [result]
            while peek() == "," {
                i += 1
                skipSpace()
                guard let c = peek(), c != "\n", c != "\r" else { break }
                guard let next = parseExpression() else { return nil }
                items.append(next.value)
                skipSpace()
            }
            result = .list(items)
        }
        while let c = peek(), c == "\n" || c == "\r" { i += 1; skipSpace() }
        return atEnd ? result : nil
    }

    mutating func skipSpace() {
        while let c = peek() {
            if c == " " || c == "\t" || c == "\u{0C}" {
                i += 1
            } else if c == "#" {
                while let d = peek(), d != "\n" { _ = d; i += 1 }
            } else if c == "\\", peek(1) == "\n" {
                i += 2
            } else if nesting > 0, c == "\n" || c == "\r" {
                i += 1
            } else {
                return
            }
        }
    }

    mutating func parseExpression() -> Node? {
        guard let c = peek() else { return nil }
        if c == "-" || c == "+" {
            i += 1
            skipSpace()
            // Only a number may be signed, and only once: `--1` is not a literal.
            guard case .number(let v)? = parseExpression() else { return nil }
            if c == "+" { return .signed(v) }
            switch v {
            case .int(let n): return n == Int.min ? nil : .signed(.int(-n))
            case .double(let d): return .signed(.double(-d))
            default: return nil
            }
        }
        if c == "[" { return parseSequence(close: "]").map { .other(.list($0)) } }
        if c == "(" { return parseParenthesized() }
        if c == "{" { return parseBraces() }
        if c == "'" || c == "\"" { return parseStrings(prefix: "") }
        if isDigit(c) || (c == "." && peek(1).map(isDigit) == true) { return parseNumber() }
        if c == ".", peek(1) == ".", peek(2) == "." {
            i += 3
            return .other(.string("..."))
        }
        if isIdentStart(c) { return parseName() }
        return nil
    }

    /// Comma-separated expressions up to `close`; a trailing comma is allowed.
    mutating func parseSequence(close: Unicode.Scalar) -> [Value]? {
        i += 1
        nesting += 1
        defer { nesting -= 1 }
        var items: [Value] = []
        skipSpace()
        while peek() != close {
            guard let node = parseExpression() else { return nil }
            items.append(node.value)
            skipSpace()
            if peek() == "," {
                i += 1
                skipSpace()
            } else if peek() != close {
                return nil
            }
        }
        i += 1
        return items
    }

    /// `(x)` is x itself; `()`, `(x,)` and `(x, y)` are tuples.
    mutating func parseParenthesized() -> Node? {
        i += 1
        nesting += 1
        defer { nesting -= 1 }
        skipSpace()
        if peek() == ")" {
            i += 1
            return .other(.list([]))
        }
        guard let first = parseExpression() else { return nil }
        skipSpace()
        if peek() == ")" {
            i += 1
            return first
        }
        var items = [first.value]
        while peek() == "," {
            i += 1
            skipSpace()
            if peek() == ")" { break }
            guard let node = parseExpression() else { return nil }
            items.append(node.value)
            skipSpace()
        }
        guard peek() == ")" else { return nil }
        i += 1
        return .other(.list(items))
    }

    /// `{}` is a dict, `{a, b}` a set (a list here, without duplicates), `{k: v}` a dict.
    mutating func parseBraces() -> Node? {
        i += 1
        nesting += 1
        defer { nesting -= 1 }
        skipSpace()
        if peek() == "}" {
            i += 1
            return .other(.dict([:]))
        }
        guard let first = parseExpression() else { return nil }
        skipSpace()
        if peek() == ":" {
            var dict = OrderedDictionary<String, Value>()
            var key = first.value
            while true {
                guard peek() == ":" else { return nil }
                i += 1
                skipSpace()
                guard let value = parseExpression() else { return nil }
                guard let k = dictKey(key) else { return nil }
                dict[k] = value.value
                skipSpace()
                if peek() == "}" { break }
                guard peek() == "," else { return nil }
                i += 1
                skipSpace()
                if peek() == "}" { break }
                guard let next = parseExpression() else { return nil }
                key = next.value
                skipSpace()
            }
            i += 1
            return .other(.dict(dict))
        }
        var items = [first.value]
        while peek() == "," {
            i += 1
            skipSpace()
            if peek() == "}" { break }
            guard let node = parseExpression() else { return nil }
            if !items.contains(node.value) { items.append(node.value) }
            skipSpace()
        }
        guard peek() == "}" else { return nil }
        i += 1
        return .other(.list(items))
    }

    /// Dict keys must be hashable: lists and dicts are not.
    func dictKey(_ v: Value) -> String? {
        switch v {
        case .list, .dict: return nil
        default: return v.pythonStr
        }
    }

    mutating func parseName() -> Node? {
        let start = i
        while let c = peek(), isIdentContinue(c) { i += 1 }
        let name = String(String.UnicodeScalarView(s[start..<i]))
        if let q = peek(), q == "'" || q == "\"" {
            switch name.lowercased() {
            case "r", "u", "b", "br", "rb": return parseStrings(prefix: name.lowercased())
            default: return nil  // f-strings and unknown prefixes are not literals
            }
        }
        switch name {
        case "True": return .other(.bool(true))
        case "False": return .other(.bool(false))
        case "None": return .other(.none)
        case "set":
            // `set()` is the one call literal_eval accepts.
            skipSpace()
            guard peek() == "(" else { return nil }
            i += 1
            skipSpace()
            guard peek() == ")" else { return nil }
            i += 1
            return .other(.list([]))
        default: return nil
        }
    }

    // MARK: Strings

    /// One or more adjacent string literals, concatenated; str and bytes may not be mixed.
    mutating func parseStrings(prefix: String) -> Node? {
        var isBytes = prefix.has("b")
        guard var text = parseStringBody(raw: prefix.has("r"), bytes: isBytes) else { return nil }
        while true {
            let save = i
            skipSpace()
            var nextPrefix = ""
            while let c = peek(), isIdentContinue(c), nextPrefix.count < 3 { nextPrefix.unicodeScalars.append(c); i += 1 }
            let lower = nextPrefix.lowercased()
            guard let q = peek(), q == "'" || q == "\"", ["", "r", "u", "b", "br", "rb"].contains(lower) else {
                i = save
                break
            }
            let nextBytes = lower.has("b")
            guard nextBytes == isBytes, let more = parseStringBody(raw: lower.has("r"), bytes: nextBytes) else { return nil }
            text += more
            isBytes = nextBytes
        }
        return .other(.string(text))
    }

    mutating func parseStringBody(raw: Bool, bytes: Bool) -> String? {
        guard let quote = peek() else { return nil }
        let triple = peek(1) == quote && peek(2) == quote
        i += triple ? 3 : 1
        var out = String.UnicodeScalarView()
        var byteBuffer: [UInt8] = []  // bytes literals decode as UTF-8 at the end, as Ansible's to_text does
        func emit(_ c: Unicode.Scalar) {
            if bytes { byteBuffer.append(contentsOf: Array(String(c).utf8)) } else { out.append(c) }
        }
        while true {
            guard let c = peek() else { return nil }
            if c == quote {
                if !triple { i += 1; break }
                if peek(1) == quote && peek(2) == quote { i += 3; break }
            }
            if (c == "\n" || c == "\r") && !triple { return nil }
            if bytes && c.value > 0x7f { return nil }
            if c == "\\" {
                guard let next = peek(1) else { return nil }
                if raw {
                    emit(c)
                    emit(next)
                    i += 2
                    continue
                }
                i += 2
                guard let escaped = escape(next, bytes: bytes) else { return nil }
                switch escaped {
                case .scalars(let list): list.forEach(emit)
                case .byte(let b): if bytes { byteBuffer.append(b) } else { out.append(Unicode.Scalar(b)) }
                }
                continue
            }
            emit(c)
            i += 1
        }
        if bytes { return String(decoding: byteBuffer, as: UTF8.self) }
        return String(out)
    }

    enum Escaped {
        case scalars([Unicode.Scalar])
        case byte(UInt8)
    }

    /// The escape after a backslash; `i` is past the escaped character.
    mutating func escape(_ c: Unicode.Scalar, bytes: Bool) -> Escaped? {
        switch c {
        case "\n": return .scalars([])
        case "\\", "'", "\"": return .scalars([c])
        case "a": return .scalars(["\u{07}"])
        case "b": return .scalars(["\u{08}"])
        case "f": return .scalars(["\u{0C}"])
        case "n": return .scalars(["\n"])
        case "r": return .scalars(["\r"])
        case "t": return .scalars(["\t"])
        case "v": return .scalars(["\u{0B}"])
        case "0"..."7":
            var value = Int(c.value - 48)
            var digits = 1
            while digits < 3, let d = peek(), ("0"..."7").contains(d) {
                value = value * 8 + Int(d.value - 48)
                i += 1
                digits += 1
            }
            if bytes { return .byte(UInt8(value & 0xff)) }
            return Unicode.Scalar(UInt32(value)).map { .scalars([$0]) }
        case "x":
            guard let v = hexDigits(2) else { return nil }
            if bytes { return .byte(UInt8(v)) }
            return Unicode.Scalar(UInt32(v)).map { .scalars([$0]) }
        case "u", "U":
            if bytes { return .scalars(["\\", c]) }
            guard let v = hexDigits(c == "u" ? 4 : 8), let scalar = Unicode.Scalar(UInt32(v)) else { return nil }
            return .scalars([scalar])
        case "N":
            return nil
        default:
            // Unknown escapes keep their backslash.
            return .scalars(["\\", c])
        }
    }

    mutating func hexDigits(_ count: Int) -> Int? {
        var value = 0
        for _ in 0..<count {
            guard let c = peek(), let d = hexValue(c) else { return nil }
            value = value * 16 + d
            i += 1
        }
        return value
    }

    // MARK: Numbers

    mutating func parseNumber() -> Node? {
        if peek() == "0", let p = peek(1), "xXoObB".unicodeScalars.contains(p) {
            i += 2
            let radix: Int
            switch p {
            case "x", "X": radix = 16
            case "o", "O": radix = 8
            default: radix = 2
            }
            guard let digits = digitRun(allowLeadingUnderscore: true, radix: radix), !digits.isEmpty else { return nil }
            guard !nextIsIdentifier() else { return nil }
            if let n = Int(digits, radix: radix) { return .number(.int(n)) }
            return nil
        }
        let intPart = digitRun(allowLeadingUnderscore: false, radix: 10) ?? ""
        if intPart.isEmpty && peek() != "." { return nil }
        var isFloat = false
        var text = intPart
        if peek() == "." {
            i += 1
            isFloat = true
            text += "."
            if let c = peek(), isDigit(c) {
                guard let frac = digitRun(allowLeadingUnderscore: false, radix: 10) else { return nil }
                text += frac
            }
        }
        if let e = peek(), e == "e" || e == "E" {
            let save = i
            i += 1
            var exp = "e"
            if let sign = peek(), sign == "+" || sign == "-" { exp.unicodeScalars.append(sign); i += 1 }
            if let d = peek(), isDigit(d), let digits = digitRun(allowLeadingUnderscore: false, radix: 10) {
                text += exp + digits
                isFloat = true
            } else {
                i = save
                return nil
            }
        }
        // Imaginary numbers and things like `1abc` are not supported literals.
        guard !nextIsIdentifier() else { return nil }
        if isFloat {
            return Double(text).map { .number(.double($0)) }
        }
        // Python rejects leading zeros in a non-zero decimal integer.
        if intPart.count > 1, intPart.hasPrefix("0"), intPart.contains(where: { $0 != "0" }) { return nil }
        if let n = Int(intPart) { return .number(.int(n)) }
        return Double(intPart).map { .number(.double($0)) }
    }

    /// Digits of `radix` with single underscores between them; nil on a misplaced underscore.
    mutating func digitRun(allowLeadingUnderscore: Bool, radix: Int) -> String? {
        var out = ""
        var lastUnderscore = false
        var first = true
        while let c = peek() {
            if c == "_" {
                if lastUnderscore || (first && !allowLeadingUnderscore) { return nil }
                lastUnderscore = true
            } else if let d = hexValue(c), d < radix {
                out.unicodeScalars.append(c)
                lastUnderscore = false
            } else {
                break
            }
            first = false
            i += 1
        }
        return lastUnderscore ? nil : out
    }

    func nextIsIdentifier() -> Bool {
        guard let c = peek() else { return false }
        return isIdentContinue(c)
    }

    func isDigit(_ c: Unicode.Scalar) -> Bool { c.value >= 48 && c.value <= 57 }
    func hexValue(_ c: Unicode.Scalar) -> Int? {
        switch c.value {
        case 48...57: return Int(c.value - 48)
        case 97...102: return Int(c.value - 87)
        case 65...70: return Int(c.value - 55)
        default: return nil
        }
    }
    func isIdentStart(_ c: Unicode.Scalar) -> Bool { c == "_" || c.properties.isXIDStart }
    func isIdentContinue(_ c: Unicode.Scalar) -> Bool { c == "_" || c.properties.isXIDContinue }
}
