import Foundation
import Jinja
import OrderedCollections

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
