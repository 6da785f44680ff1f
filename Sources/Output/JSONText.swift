import Foundation
import Jinja

/// JSON text of a result as Ansible prints it: sorted keys, 4-space indent (or one line), non-ASCII kept.
public enum JSONText {
    public static func encode(_ v: Value, indent: Int? = 4, sortKeys: Bool = true) -> String {
        // Display never fails: values JSON cannot hold are shown as their text.
        (try? valueToJSON(plain(v), indent: indent, sortKeys: sortKeys, ensureASCII: false)) ?? "\"\(v.pythonStr)\""
    }

    static func plain(_ v: Value) -> Value {
        switch v {
        case .undefined: return .none
        case .callable, .object: return .string(v.pythonStr)
        case .list(let l), .tuple(let l): return .list(l.map(plain))
        case .dict(let d): return .dict(d.mapValues(plain))
        default: return v
        }
    }
}
