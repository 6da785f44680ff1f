import Foundation
import Jinja
import OrderedCollections

/// `json.dumps` as Python writes it, because `to_json` output ends up in files users diff:
/// `", "`/`": "` separators, `ensure_ascii`, Python float repr, `NaN`/`Infinity`.
struct PythonJSONEncoder {
    var indent: Int? = nil
    var sortKeys = false
    var ensureASCII = true
    var itemSeparator: String? = nil
    var keySeparator = ": "
    let plugin: String

    init(plugin: String) { self.plugin = plugin }

    func encode(_ v: Value) throws -> String {
        var out = ""
        try write(v, level: 0, into: &out)
        return out
    }

    private var separator: String { itemSeparator ?? (indent == nil ? ", " : ",") }

    private func write(_ v: Value, level: Int, into out: inout String) throws {
        switch v {
        case .none: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .double(let d):
            if d.isNaN { out += "NaN" } else if d.isInfinite { out += d < 0 ? "-Infinity" : "Infinity" } else { out += Value.formatFloat(d) }
        case .string(let s): out += quote(s)
        case .list(let l), .tuple(let l):
            try writeContainer(open: "[", close: "]", count: l.count, level: level, into: &out) { i, out in
                try write(l[i], level: level + 1, into: &out)
            }
        case .dict(let d):
            let keys = sortKeys ? d.keys.sorted() : Array(d.keys)
            try writeContainer(open: "{", close: "}", count: keys.count, level: level, into: &out) { i, out in
                out += quote(keys[i]) + keySeparator
                try write(d[keys[i]] ?? Value.none, level: level + 1, into: &out)
            }
        case .undefined(let u):
            throw pluginError(plugin, "cannot serialize an undefined value: \(u.description)")
        case .callable(let c):
            throw pluginError(plugin, "cannot serialize function \(c.name) to JSON")
        case .object(let o):
            if let keys = o.keys {
                var d = OrderedDictionary<String, Value>()
                for k in keys { d[k] = o.attribute(k) ?? Value.none }
                try write(.dict(d), level: level, into: &out)
            } else {
                out += quote(o.stringValue)
            }
        }
    }

    private func writeContainer(open: String, close: String, count: Int, level: Int, into out: inout String,
                                item: (Int, inout String) throws -> Void) throws {
        out += open
        if count == 0 { out += close; return }
        for i in 0..<count {
            if i > 0 { out += separator }
            if let n = indent { out += "\n" + String(repeating: " ", count: n * (level + 1)) }
            try item(i, &out)
        }
        if let n = indent { out += "\n" + String(repeating: " ", count: n * level) }
        out += close
    }

    func quote(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            default:
                if u.value < 0x20 {
                    out += String(format: "\\u%04x", u.value)
                } else if ensureASCII && u.value > 0x7e {
                    // Python escapes non-ASCII as UTF-16 code units.
                    for unit in String(u).utf16 { out += String(format: "\\u%04x", unit) }
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }
}

/// A JSON reader for `from_json`: keeps key order, ints stay ints, accepts Python's NaN/Infinity.
struct JSONReader {
    private let scalars: [Unicode.Scalar]
    private var pos = 0
    let plugin: String

    init(_ text: String, plugin: String) {
        scalars = Array(text.unicodeScalars)
        self.plugin = plugin
    }

    mutating func parse() throws -> Value {
        skipSpace()
        let v = try value()
        skipSpace()
        if pos < scalars.count { throw error("extra data") }
        return v
    }

    private func error(_ what: String) -> TemplateError {
        pluginError(plugin, "invalid JSON: \(what) at character \(pos)")
    }

    private mutating func skipSpace() {
        while pos < scalars.count, [" ", "\n", "\r", "\t"].contains(scalars[pos]) { pos += 1 }
    }

    private mutating func literal(_ word: String) -> Bool {
        let w = Array(word.unicodeScalars)
        guard pos + w.count <= scalars.count, Array(scalars[pos..<pos + w.count]) == w else { return false }
        pos += w.count
        return true
    }

    private mutating func value() throws -> Value {
        guard pos < scalars.count else { throw error("unexpected end of input") }
        switch scalars[pos] {
        case "{": return try object()
        case "[": return try array()
        case "\"": return .string(try string())
        default:
            if literal("true") { return .bool(true) }
            if literal("false") { return .bool(false) }
            if literal("null") { return .none }
            if literal("NaN") { return .double(.nan) }
            if literal("Infinity") { return .double(.infinity) }
            if literal("-Infinity") { return .double(-.infinity) }
            return try number()
        }
    }

    private mutating func object() throws -> Value {
        pos += 1
        var d = OrderedDictionary<String, Value>()
        skipSpace()
        if pos < scalars.count, scalars[pos] == "}" { pos += 1; return .dict(d) }
        while true {
            skipSpace()
            guard pos < scalars.count, scalars[pos] == "\"" else { throw error("expected a property name in double quotes") }
            let key = try string()
            skipSpace()
            guard pos < scalars.count, scalars[pos] == ":" else { throw error("expected ':'") }
            pos += 1
            skipSpace()
            d[key] = try value()
            skipSpace()
            guard pos < scalars.count else { throw error("unterminated object") }
            if scalars[pos] == "," { pos += 1; continue }
            if scalars[pos] == "}" { pos += 1; return .dict(d) }
            throw error("expected ',' or '}'")
        }
    }

    private mutating func array() throws -> Value {
        pos += 1
        var items: [Value] = []
        skipSpace()
        if pos < scalars.count, scalars[pos] == "]" { pos += 1; return .list(items) }
        while true {
            skipSpace()
            items.append(try value())
            skipSpace()
            guard pos < scalars.count else { throw error("unterminated array") }
            if scalars[pos] == "," { pos += 1; continue }
            if scalars[pos] == "]" { pos += 1; return .list(items) }
            throw error("expected ',' or ']'")
        }
    }

    private mutating func string() throws -> String {
        pos += 1
        var out = String.UnicodeScalarView()
        while pos < scalars.count {
            let c = scalars[pos]
            pos += 1
            if c == "\"" { return String(out) }
            if c != "\\" { out.append(c); continue }
            guard pos < scalars.count else { break }
            let e = scalars[pos]
            pos += 1
            switch e {
            case "n": out.append("\n")
            case "t": out.append("\t")
            case "r": out.append("\r")
            case "b": out.append("\u{08}")
            case "f": out.append("\u{0C}")
            case "/", "\\", "\"": out.append(e)
            case "u":
                var code = try hex4()
                if (0xD800..<0xDC00).contains(code), literal("\\u") {
                    let low = try hex4()
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                }
                out.append(Unicode.Scalar(code) ?? "\u{FFFD}")
            default: throw error("invalid escape '\\\(e)'")
            }
        }
        throw error("unterminated string")
    }

    private mutating func hex4() throws -> UInt32 {
        guard pos + 4 <= scalars.count, let v = UInt32(String(String.UnicodeScalarView(scalars[pos..<pos + 4])), radix: 16) else {
            throw error("invalid \\u escape")
        }
        pos += 4
        return v
    }

    private mutating func number() throws -> Value {
        let start = pos
        while pos < scalars.count, "+-0123456789.eE".unicodeScalars.contains(scalars[pos]) { pos += 1 }
        let text = String(String.UnicodeScalarView(scalars[start..<pos]))
        if text.isEmpty { throw error("unexpected character '\(scalars[start])'") }
        if let i = Int(text) { return .int(i) }
        if let d = Double(text) { return .double(d) }
        throw error("invalid number '\(text)'")
    }
}
