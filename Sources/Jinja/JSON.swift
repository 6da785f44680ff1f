import Foundation
import OrderedCollections

/// Serialises like Python's `json.dumps` (ensure_ascii=True): ", "/": " separators without an
/// indent, ","/": " with one.
public func valueToJSON(_ v: Value, indent: Int? = nil, sortKeys: Bool = false) throws -> String {
    if let n = indent { try PyString.checkSize(n * 100) }
    var out = ""
    try writeJSON(v, indent: indent, sortKeys: sortKeys, level: 0, into: &out)
    return out
}

private func writeJSON(_ v: Value, indent: Int?, sortKeys: Bool, level: Int, into out: inout String) throws {
    if level > 500 { throw TemplateError.runtime("maximum recursion depth exceeded while encoding a JSON object") }
    func newline(_ lvl: Int) {
        if let n = indent { out += "\n" + String(repeating: " ", count: n * lvl) }
    }
    let itemSep = indent == nil ? ", " : ","
    switch v {
    case .none: out += "null"
    case .bool(let b): out += b ? "true" : "false"
    case .int(let i): out += String(i)
    case .double(let d):
        if d.isNaN { out += "NaN" } else if d.isInfinite { out += d < 0 ? "-Infinity" : "Infinity" } else { out += Value.formatFloat(d) }
    case .string(let s): out += jsonString(s)
    case .list(let l), .tuple(let l):
        if l.isEmpty { out += "[]"; return }
        out += "["
        for (i, x) in l.enumerated() {
            if i > 0 { out += itemSep }
            newline(level + 1)
            try writeJSON(x, indent: indent, sortKeys: sortKeys, level: level + 1, into: &out)
        }
        newline(level)
        out += "]"
    case .dict(let d):
        if d.isEmpty { out += "{}"; return }
        out += "{"
        let keys = sortKeys ? d.keys.sorted { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) } : Array(d.keys)
        for (i, k) in keys.enumerated() {
            if i > 0 { out += itemSep }
            newline(level + 1)
            out += jsonString(k) + ": "
            try writeJSON(d[k] ?? .none, indent: indent, sortKeys: sortKeys, level: level + 1, into: &out)
        }
        newline(level)
        out += "}"
    case .object(let o):
        if let m = o as? Markup { out += jsonString(m.text); return }
        if let ns = o as? Namespace { try writeJSON(.dict(ns.attrs), indent: indent, sortKeys: sortKeys, level: level, into: &out); return }
        throw TemplateError.type("Object of type \(o.typeName) is not JSON serializable")
    case .undefined:
        throw TemplateError.type("Object of type Undefined is not JSON serializable")
    case .callable:
        throw TemplateError.type("Object of type function is not JSON serializable")
    }
}

private func jsonString(_ s: String) -> String {
    var out = "\""
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
            if c.value >= 0x20 && c.value < 0x7F {
                out.unicodeScalars.append(c)
            } else if c.value > 0xFFFF {
                let v = c.value - 0x10000
                out += String(format: "\\u%04x\\u%04x", 0xD800 + (v >> 10), 0xDC00 + (v & 0x3FF))
            } else {
                out += String(format: "\\u%04x", c.value)
            }
        }
    }
    return out + "\""
}

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
