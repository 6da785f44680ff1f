import Foundation
import Jinja

/// JSON text of a Value as Ansible prints results: sorted keys, 4-space indent, non-ASCII kept.
public enum JSONText {
    public static func encode(_ v: Value, indent: Int? = 4, sortKeys: Bool = true, level: Int = 0) -> String {
        let pad = indent.map { String(repeating: " ", count: $0 * (level + 1)) } ?? ""
        let closePad = indent.map { String(repeating: " ", count: $0 * level) } ?? ""
        let nl = indent == nil ? "" : "\n"
        let sep = indent == nil ? ", " : ","
        switch v {
        case .undefined, .none: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .double(let d):
            if d.isNaN { return "NaN" }
            if d.isInfinite { return d < 0 ? "-Infinity" : "Infinity" }
            return Value.formatFloat(d)
        case .string(let s): return quote(s)
        case .list(let l), .tuple(let l):
            if l.isEmpty { return "[]" }
            return "[" + nl + l.map { pad + encode($0, indent: indent, sortKeys: sortKeys, level: level + 1) }.joined(separator: sep + nl) + nl + closePad + "]"
        case .dict(let d):
            if d.isEmpty { return "{}" }
            let keys = sortKeys ? d.keys.sorted() : Array(d.keys)
            return "{" + nl + keys.map { k in
                pad + quote(k) + ": " + encode(d[k] ?? .none, indent: indent, sortKeys: sortKeys, level: level + 1)
            }.joined(separator: sep + nl) + nl + closePad + "}"
        case .callable, .object: return quote(v.pythonStr)
        }
    }

    public static func quote(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 { out += String(format: "\\u%04x", u.value) } else { out.unicodeScalars.append(u) }
            }
        }
        return out + "\""
    }
}
