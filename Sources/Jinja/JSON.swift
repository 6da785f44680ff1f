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

/// Parses JSON keeping object key order; integers stay ints and numbers with a fraction or
/// exponent become floats, as in Python's `json.loads`.
public func parseJSON(_ s: String) throws -> Value {
    var p = JSONParser(bytes: Array(s.utf8))
    p.skipSpace()
    let v = try p.value(depth: 0)
    p.skipSpace()
    guard p.pos == p.bytes.count else { throw p.error("Extra data") }
    return v
}

private struct JSONParser {
    let bytes: [UInt8]
    var pos = 0

    init(bytes: [UInt8]) { self.bytes = bytes }

    func error(_ msg: String) -> TemplateError {
        // Python reports line and column; compute them from the byte offset.
        var line = 1, col = 1
        for b in bytes[0..<min(pos, bytes.count)] {
            if b == 10 { line += 1; col = 1 } else { col += 1 }
        }
        return TemplateError(kind: .runtime, message: "\(msg): line \(line) column \(col) (char \(pos))")
    }

    mutating func skipSpace() {
        while pos < bytes.count, [32, 9, 10, 13].contains(bytes[pos]) { pos += 1 }
    }

    private func starts(_ lit: String) -> Bool {
        let l = Array(lit.utf8)
        return pos + l.count <= bytes.count && Array(bytes[pos..<(pos + l.count)]) == l
    }

    mutating func value(depth: Int) throws -> Value {
        if depth > 500 { throw error("Nesting too deep") }
        guard pos < bytes.count else { throw error("Expecting value") }
        switch bytes[pos] {
        case UInt8(ascii: "{"):
            pos += 1
            var d = OrderedDictionary<String, Value>()
            skipSpace()
            if pos < bytes.count, bytes[pos] == UInt8(ascii: "}") { pos += 1; return .dict(d) }
            while true {
                skipSpace()
                guard pos < bytes.count, bytes[pos] == UInt8(ascii: "\"") else {
                    throw error("Expecting property name enclosed in double quotes")
                }
                let k = try string()
                skipSpace()
                guard pos < bytes.count, bytes[pos] == UInt8(ascii: ":") else { throw error("Expecting ':' delimiter") }
                pos += 1
                skipSpace()
                d[k] = try value(depth: depth + 1)
                skipSpace()
                guard pos < bytes.count else { throw error("Expecting ',' delimiter") }
                if bytes[pos] == UInt8(ascii: ",") { pos += 1; continue }
                if bytes[pos] == UInt8(ascii: "}") { pos += 1; return .dict(d) }
                throw error("Expecting ',' delimiter")
            }
        case UInt8(ascii: "["):
            pos += 1
            var l: [Value] = []
            skipSpace()
            if pos < bytes.count, bytes[pos] == UInt8(ascii: "]") { pos += 1; return .list(l) }
            while true {
                skipSpace()
                l.append(try value(depth: depth + 1))
                skipSpace()
                guard pos < bytes.count else { throw error("Expecting ',' delimiter") }
                if bytes[pos] == UInt8(ascii: ",") { pos += 1; continue }
                if bytes[pos] == UInt8(ascii: "]") { pos += 1; return .list(l) }
                throw error("Expecting ',' delimiter")
            }
        case UInt8(ascii: "\""):
            return .string(try string())
        default:
            for (lit, v) in [("true", Value.bool(true)), ("false", .bool(false)), ("null", .none),
                             ("NaN", .double(.nan)), ("Infinity", .double(.infinity)), ("-Infinity", .double(-.infinity))] where starts(lit) {
                pos += lit.utf8.count
                return v
            }
            return try number()
        }
    }

    mutating func number() throws -> Value {
        let start = pos
        if pos < bytes.count, bytes[pos] == UInt8(ascii: "-") { pos += 1 }
        let digitsStart = pos
        while pos < bytes.count, bytes[pos] >= 48, bytes[pos] <= 57 { pos += 1 }
        if pos == digitsStart { pos = start; throw error("Expecting value") }
        var isFloat = false
        if pos + 1 < bytes.count, bytes[pos] == UInt8(ascii: "."), bytes[pos + 1] >= 48, bytes[pos + 1] <= 57 {
            isFloat = true
            pos += 1
            while pos < bytes.count, bytes[pos] >= 48, bytes[pos] <= 57 { pos += 1 }
        }
        if pos < bytes.count, bytes[pos] == UInt8(ascii: "e") || bytes[pos] == UInt8(ascii: "E") {
            var j = pos + 1
            if j < bytes.count, bytes[j] == UInt8(ascii: "+") || bytes[j] == UInt8(ascii: "-") { j += 1 }
            if j < bytes.count, bytes[j] >= 48, bytes[j] <= 57 {
                isFloat = true
                pos = j
                while pos < bytes.count, bytes[pos] >= 48, bytes[pos] <= 57 { pos += 1 }
            }
        }
        let text = String(decoding: bytes[start..<pos], as: UTF8.self)
        if !isFloat, let i = Int(text) { return .int(i) }
        return .double(Double(text) ?? .nan)
    }

    mutating func string() throws -> String {
        pos += 1
        var out = [UInt8]()
        while true {
            guard pos < bytes.count else { throw error("Unterminated string starting at") }
            let c = bytes[pos]
            pos += 1
            if c == UInt8(ascii: "\"") { break }
            if c < 0x20 { throw error("Invalid control character at") }
            guard c == UInt8(ascii: "\\") else { out.append(c); continue }
            guard pos < bytes.count else { throw error("Unterminated string starting at") }
            let e = bytes[pos]
            pos += 1
            switch e {
            case UInt8(ascii: "n"): out.append(10)
            case UInt8(ascii: "t"): out.append(9)
            case UInt8(ascii: "r"): out.append(13)
            case UInt8(ascii: "b"): out.append(8)
            case UInt8(ascii: "f"): out.append(12)
            case UInt8(ascii: "/"), UInt8(ascii: "\\"), UInt8(ascii: "\""): out.append(e)
            case UInt8(ascii: "u"):
                var code = try hex4()
                if code >= 0xD800 && code < 0xDC00, pos + 1 < bytes.count, bytes[pos] == UInt8(ascii: "\\"), bytes[pos + 1] == UInt8(ascii: "u") {
                    let save = pos
                    pos += 2
                    let low = try hex4()
                    if low >= 0xDC00 && low < 0xE000 {
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    } else {
                        pos = save
                    }
                }
                // Lone surrogates cannot be represented in a Swift String; use U+FFFD.
                let scalar = UnicodeScalar(code) ?? "\u{FFFD}"
                out.append(contentsOf: Array(String(Character(scalar)).utf8))
            default:
                throw error("Invalid \\escape")
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    mutating func hex4() throws -> UInt32 {
        guard pos + 4 <= bytes.count, let v = UInt32(String(decoding: bytes[pos..<(pos + 4)], as: UTF8.self), radix: 16) else {
            throw error("Invalid \\uXXXX escape")
        }
        pos += 4
        return v
    }
}
