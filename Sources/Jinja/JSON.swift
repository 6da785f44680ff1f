import Foundation
import OrderedCollections

// MARK: Writing

/// The arguments of Python's `json.dumps` that callers use. Output must match Python's byte for
/// byte: `tojson`, `to_json` and fact caches end up in files users diff against Ansible's.
public struct JSONOptions {
    public var indent: Int?
    public var sortKeys: Bool
    public var ensureASCII: Bool
    /// Python's `separators=(item, key)`; nil keeps its default: ", " and ": ", or "," and ": " with
    /// an indent (so indented lines do not end in a space).
    public var separators: (item: String, key: String)?
    /// Python's `default=`: called for a value JSON has no form for (undefined, function, object);
    /// returns a value that has one, or throws. The default is jinja2's `tojson`.
    public var fallback: (Value) throws -> Value

    public init(indent: Int? = nil, sortKeys: Bool = false, ensureASCII: Bool = true,
                separators: (item: String, key: String)? = nil, fallback: @escaping (Value) throws -> Value = jinjaJSONFallback) {
        self.indent = indent
        self.sortKeys = sortKeys
        self.ensureASCII = ensureASCII
        self.separators = separators
        self.fallback = fallback
    }
}

/// Serialises like Python's `json.dumps` (with `ensure_ascii` on by default, as Python's is).
public func valueToJSON(_ v: Value, indent: Int? = nil, sortKeys: Bool = false, ensureASCII: Bool = true) throws -> String {
    try valueToJSON(v, JSONOptions(indent: indent, sortKeys: sortKeys, ensureASCII: ensureASCII))
}

public func valueToJSON(_ v: Value, _ options: JSONOptions) throws -> String {
    // A template chooses the indent: refuse one that would build an absurdly large string.
    if let n = options.indent {
        let (size, overflow) = n.multipliedReportingOverflow(by: 100)
        try PyString.checkSize(overflow ? .max : size)
    }
    var writer = JSONWriter(options: options)
    try writer.write(v, level: 0)
    return writer.out
}

/// What jinja2's `tojson` does with values JSON has no form for: Markup is its text, a namespace
/// its attributes (so `{{ ns | tojson }}` shows what was set); anything else is Python's TypeError.
public func jinjaJSONFallback(_ v: Value) throws -> Value {
    switch v {
    case .object(let m as Markup): return .string(m.text)
    case .object(let ns as Namespace): return .dict(ns.attrs)
    case .object(let o): throw TemplateError.type("Object of type \(o.typeName) is not JSON serializable")
    case .undefined: throw TemplateError.type("Object of type Undefined is not JSON serializable")
    default: throw TemplateError.type("Object of type function is not JSON serializable")
    }
}

private struct JSONWriter {
    let options: JSONOptions
    var out = ""

    private var itemSeparator: String { options.separators?.item ?? (options.indent == nil ? ", " : ",") }
    private var keySeparator: String { options.separators?.key ?? ": " }

    mutating func write(_ v: Value, level: Int) throws {
        // Python's encoder recurses too; its RecursionError beats a crashed stack.
        if level > 500 { throw TemplateError.runtime("maximum recursion depth exceeded while encoding a JSON object") }
        switch v {
        case .none: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .double(let d): out += floatText(d)
        case .string(let s): writeString(s)
        case .list(let l), .tuple(let l):
            try writeContainer("[", "]", count: l.count, level: level) { w, i in
                try w.write(l[i], level: level + 1)
            }
        case .dict(let d):
            // Python sorts by code point; Swift's `<` on String compares canonical forms.
            let keys = options.sortKeys ? d.keys.sorted { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) } : Array(d.keys)
            try writeContainer("{", "}", count: keys.count, level: level) { w, i in
                w.writeString(keys[i])
                w.out += w.keySeparator
                try w.write(d[keys[i]] ?? .none, level: level + 1)
            }
        case .object, .undefined, .callable:
            try write(try options.fallback(v), level: level)
        }
    }

    /// Python's float repr, and the NaN/Infinity spellings its `allow_nan=True` writes.
    private func floatText(_ d: Double) -> String {
        if d.isNaN { return "NaN" }
        if d.isInfinite { return d < 0 ? "-Infinity" : "Infinity" }
        return Value.formatFloat(d)
    }

    /// Items separated, and with an indent each on its own line; empty containers stay `[]`/`{}`.
    private mutating func writeContainer(_ open: String, _ close: String, count: Int, level: Int,
                                         item: (inout JSONWriter, Int) throws -> Void) throws {
        out += open
        if count == 0 { out += close; return }
        for i in 0..<count {
            if i > 0 { out += itemSeparator }
            newline(level + 1)
            try item(&self, i)
        }
        newline(level)
        out += close
    }

    private mutating func newline(_ level: Int) {
        // A negative indent is Python's empty one: newlines without spaces.
        if let n = options.indent { out += "\n" + String(repeating: " ", count: max(0, n) * level) }
    }

    private mutating func writeString(_ s: String) {
        out += "\""
        for c in s.unicodeScalars {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            default:
                if c.value >= 0x20 && (c.value < 0x7F || !options.ensureASCII) {
                    out.unicodeScalars.append(c)
                } else {
                    // Python escapes as UTF-16 code units: a surrogate pair beyond the BMP.
                    for unit in String(c).utf16 { out += String(format: "\\u%04x", unit) }
                }
            }
        }
        out += "\""
    }
}

// MARK: Reading

/// Parses JSON as Python's `json.loads` does: object key order kept, integers stay ints,
/// numbers with a fraction or exponent become floats, NaN/Infinity accepted, and errors
/// worded and positioned as Python words them (Ansible's `from_json` shows them as they are).
public func parseJSON(_ s: String) throws -> Value {
    var p = JSONParser(bytes: Array(s.utf8))
    p.skipSpace()
    let v = try p.value(depth: 0)
    p.skipSpace()
    guard p.pos == p.bytes.count else { throw p.error("Extra data") }
    return v
}

/// Works on UTF-8 bytes, which is fast for large documents (fact caches, module output).
private struct JSONParser {
    let bytes: [UInt8]
    var pos = 0

    init(bytes: [UInt8]) { self.bytes = bytes }

    /// Python's `JSONDecodeError` text. It counts characters, not bytes, so UTF-8
    /// continuation bytes do not count.
    func error(_ msg: String, at offset: Int? = nil) -> TemplateError {
        var line = 1, column = 1, char = 0
        for b in bytes[0..<min(offset ?? pos, bytes.count)] where b & 0xC0 != 0x80 {
            char += 1
            if b == 10 { line += 1; column = 1 } else { column += 1 }
        }
        return TemplateError(kind: .runtime, message: "\(msg): line \(line) column \(column) (char \(char))")
    }

    mutating func skipSpace() {
        while pos < bytes.count, [32, 9, 10, 13].contains(bytes[pos]) { pos += 1 }
    }

    private func peek(_ c: Unicode.Scalar) -> Bool { pos < bytes.count && bytes[pos] == UInt8(ascii: c) }

    private mutating func literal(_ word: String) -> Bool {
        let w = Array(word.utf8)
        guard bytes.count - pos >= w.count, bytes[pos..<(pos + w.count)].elementsEqual(w) else { return false }
        pos += w.count
        return true
    }

    mutating func value(depth: Int) throws -> Value {
        // Python's decoder recurses too and stops with a RecursionError.
        if depth > 500 { throw error("Nesting too deep") }
        if peek("{") { return try object(depth: depth) }
        if peek("[") { return try array(depth: depth) }
        if peek("\"") { return .string(try string()) }
        for (word, v) in [("true", Value.bool(true)), ("false", .bool(false)), ("null", .none),
                          ("NaN", .double(.nan)), ("Infinity", .double(.infinity)), ("-Infinity", .double(-.infinity))]
        where literal(word) {
            return v
        }
        return try number()
    }

    private mutating func object(depth: Int) throws -> Value {
        pos += 1
        var d = OrderedDictionary<String, Value>()
        skipSpace()
        if peek("}") { pos += 1; return .dict(d) }
        while true {
            skipSpace()
            guard peek("\"") else { throw error("Expecting property name enclosed in double quotes") }
            let key = try string()
            skipSpace()
            guard peek(":") else { throw error("Expecting ':' delimiter") }
            pos += 1
            skipSpace()
            d[key] = try value(depth: depth + 1)
            skipSpace()
            if peek("}") { pos += 1; return .dict(d) }
            guard peek(",") else { throw error("Expecting ',' delimiter") }
            pos += 1
        }
    }

    private mutating func array(depth: Int) throws -> Value {
        pos += 1
        var items: [Value] = []
        skipSpace()
        if peek("]") { pos += 1; return .list(items) }
        while true {
            skipSpace()
            items.append(try value(depth: depth + 1))
            skipSpace()
            if peek("]") { pos += 1; return .list(items) }
            guard peek(",") else { throw error("Expecting ',' delimiter") }
            pos += 1
        }
    }

    /// Python's number grammar: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?`; what does not
    /// fit is left for the caller (so "01" is 0 followed by "Extra data", as in Python).
    private mutating func number() throws -> Value {
        let start = pos
        if peek("-") { pos += 1 }
        guard pos < bytes.count, isDigit(bytes[pos]) else { throw error("Expecting value", at: start) }
        if peek("0") { pos += 1 } else { skipDigits() }
        var isFloat = false
        if peek("."), pos + 1 < bytes.count, isDigit(bytes[pos + 1]) {
            isFloat = true
            pos += 1
            skipDigits()
        }
        if peek("e") || peek("E") {
            var j = pos + 1
            if j < bytes.count, bytes[j] == UInt8(ascii: "+") || bytes[j] == UInt8(ascii: "-") { j += 1 }
            if j < bytes.count, isDigit(bytes[j]) {
                isFloat = true
                pos = j
                skipDigits()
            }
        }
        let text = String(decoding: bytes[start..<pos], as: UTF8.self)
        // Python's ints are unbounded; one beyond Int's range becomes the nearest float.
        if !isFloat, let i = Int(text) { return .int(i) }
        return .double(Double(text) ?? .nan)
    }

    private func isDigit(_ b: UInt8) -> Bool { b >= 48 && b <= 57 }

    private mutating func skipDigits() {
        while pos < bytes.count, isDigit(bytes[pos]) { pos += 1 }
    }

    private mutating func string() throws -> String {
        let start = pos
        pos += 1
        var out = [UInt8]()
        while true {
            guard pos < bytes.count else { throw error("Unterminated string starting at", at: start) }
            let c = bytes[pos]
            if c == UInt8(ascii: "\"") { pos += 1; break }
            if c < 0x20 { throw error("Invalid control character at") }
            pos += 1
            guard c == UInt8(ascii: "\\") else { out.append(c); continue }
            try escape(into: &out, stringStart: start)
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The escape after a backslash (`pos` is just past it).
    private mutating func escape(into out: inout [UInt8], stringStart: Int) throws {
        guard pos < bytes.count else { throw error("Unterminated string starting at", at: stringStart) }
        let e = bytes[pos]
        pos += 1
        switch e {
        case UInt8(ascii: "n"): out.append(10)
        case UInt8(ascii: "t"): out.append(9)
        case UInt8(ascii: "r"): out.append(13)
        case UInt8(ascii: "b"): out.append(8)
        case UInt8(ascii: "f"): out.append(12)
        case UInt8(ascii: "/"), UInt8(ascii: "\\"), UInt8(ascii: "\""): out.append(e)
        case UInt8(ascii: "u"): out.append(contentsOf: Array(String(try unicodeEscape()).utf8))
        default: throw error("Invalid \\escape", at: pos - 2)
        }
    }

    /// `\uXXXX` (`pos` is just past the `u`), joining a surrogate pair into one character.
    private mutating func unicodeEscape() throws -> Unicode.Scalar {
        var code = try hex4()
        if (0xD800..<0xDC00).contains(code), pos + 1 < bytes.count, bytes[pos] == UInt8(ascii: "\\"), bytes[pos + 1] == UInt8(ascii: "u") {
            let save = pos
            pos += 2
            let low = try hex4()
            if (0xDC00..<0xE000).contains(low) {
                code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
            } else {
                pos = save
            }
        }
        // Python keeps a lone surrogate; a Swift String cannot hold one, so it becomes U+FFFD.
        return Unicode.Scalar(code) ?? "\u{FFFD}"
    }

    private mutating func hex4() throws -> UInt32 {
        let digits = bytes[pos..<min(pos + 4, bytes.count)]
        guard digits.count == 4, digits.allSatisfy({ Character(Unicode.Scalar($0)).isHexDigit }),
              let v = UInt32(String(decoding: digits, as: UTF8.self), radix: 16) else {
            throw error("Invalid \\uXXXX escape", at: pos - 1)
        }
        pos += 4
        return v
    }
}
