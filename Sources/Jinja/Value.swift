import Foundation
import OrderedCollections

/// The data model shared by templates and the playbook engine: Python's object model as far as
/// Jinja2 and Ansible use it. Dicts keep insertion order (Python 3.7+).
public enum Value {
    case undefined(Undefined)
    case none
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case list([Value])
    case tuple([Value])
    case dict(OrderedDictionary<String, Value>)
    /// Functions, macros, bound methods: anything callable from a template.
    case callable(Callable)
    /// Objects with attributes resolved on demand (namespace, loop, hostvars, cycler...).
    case object(ValueObject)
}

/// Why a value is undefined; rendered in error messages ("'foo' is undefined").
public struct Undefined: CustomStringConvertible {
    /// Boxed so that `Value` stays small (every Value copy moves this payload's size).
    private final class Storage {
        var name: String
        var hint: String?
        var alwaysLenient = false
        init(name: String, hint: String?) {
            self.name = name
            self.hint = hint
        }
        func copy() -> Storage {
            let s = Storage(name: name, hint: hint)
            s.alwaysLenient = alwaysLenient
            return s
        }
    }
    private var storage: Storage

    private mutating func unique() {
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
    }

    public var name: String {
        get { storage.name }
        set { unique(); storage.name = newValue }
    }
    /// The hint as Jinja phrases it, e.g. "'dict object' has no attribute 'x'".
    public var hint: String? {
        get { storage.hint }
        set { unique(); storage.hint = newValue }
    }
    /// Behaves like Jinja's default Undefined whatever the environment's policy (the result of an
    /// inline `if` without `else` is such a value).
    public var alwaysLenient: Bool {
        get { storage.alwaysLenient }
        set { unique(); storage.alwaysLenient = newValue }
    }
    public init(name: String, hint: String? = nil) {
        storage = Storage(name: name, hint: hint)
    }
    public var description: String { hint ?? "'\(name)' is undefined" }
}

public typealias Kwargs = OrderedDictionary<String, Value>

/// A callable value. `call` receives positional and keyword arguments.
public final class Callable {
    public let name: String
    public let call: (_ args: [Value], _ kwargs: Kwargs) throws -> Value
    /// Attributes readable from templates (macros expose name, arguments, ...).
    public var attributes: [String: Value] = [:]
    public init(name: String, _ call: @escaping (_ args: [Value], _ kwargs: Kwargs) throws -> Value) {
        self.name = name
        self.call = call
    }
}

/// An object whose attributes are looked up lazily.
public protocol ValueObject: AnyObject {
    var typeName: String { get }
    func attribute(_ name: String) -> Value?
    /// Item access (obj[key]); defaults to attribute lookup.
    func item(_ key: Value) -> Value?
    /// Keys for iteration, `in` and `|list`; nil when not iterable.
    var keys: [String]? { get }
    /// Rendered form in output ("{{ obj }}").
    var stringValue: String { get }
}

public extension ValueObject {
    func item(_ key: Value) -> Value? {
        if case .string(let s) = key { return attribute(s) }
        return nil
    }
    var keys: [String]? { nil }
    var stringValue: String { "<\(typeName) object>" }
}

// MARK: - Conversions used everywhere

public extension Value {
    static func from(_ s: String) -> Value { .string(s) }
    static let emptyDict = Value.dict([:])

    var isUndefined: Bool { if case .undefined = self { return true } else { return false } }
    var isNone: Bool { if case .none = self { return true } else { return false } }

    /// Python truthiness.
    var truthy: Bool {
        switch self {
        case .undefined, .none: return false
        case .bool(let b): return b
        case .int(let i): return i != 0
        case .double(let d): return d != 0
        case .string(let s): return !s.isEmpty
        case .list(let l), .tuple(let l): return !l.isEmpty
        case .dict(let d): return !d.isEmpty
        case .callable: return true
        case .object(let o): return !(o.keys?.isEmpty ?? false)
        }
    }

    var stringValue: String? { if case .string(let s) = self { return s } else { return nil } }
    var intValue: Int? {
        switch self {
        case .int(let i): return i
        case .bool(let b): return b ? 1 : 0
        // Int(d) traps outside Int's range: such floats have no int value.
        case .double(let d): return d.isFinite && abs(d) < 9.2e18 ? Int(d) : nil
        case .string(let s): return Int(s.trimmingCharacters(in: .whitespaces))
        default: return nil
        }
    }
    var doubleValue: Double? {
        switch self {
        case .int(let i): return Double(i)
        case .double(let d): return d
        case .bool(let b): return b ? 1 : 0
        case .string(let s): return Double(s.trimmingCharacters(in: .whitespaces))
        default: return nil
        }
    }
    var listValue: [Value]? {
        switch self {
        case .list(let l), .tuple(let l): return l
        default: return nil
        }
    }
    var dictValue: OrderedDictionary<String, Value>? { if case .dict(let d) = self { return d } else { return nil } }

    subscript(key: String) -> Value? {
        switch self {
        case .dict(let d): return d[key]
        case .object(let o): return o.attribute(key)
        default: return nil
        }
    }

    /// Python's type name, as `type_debug` and error messages show it.
    public var typeName: String {
        switch self {
        case .undefined: return "AnsibleUndefined"
        case .none: return "NoneType"
        case .bool: return "bool"
        case .int: return "int"
        case .double: return "float"
        case .string: return "str"
        case .list: return "list"
        case .tuple: return "tuple"
        case .dict: return "dict"
        case .callable: return "function"
        case .object(let o): return o.typeName
        }
    }

    /// `str(value)` in Python: what `{{ value }}` prints.
    var pythonStr: String {
        switch self {
        case .string(let s): return s
        case .undefined: return ""
        case .object(let o): return o.stringValue
        default: return pythonRepr
        }
    }

    /// `repr(value)` in Python: how values print inside lists and dicts.
    var pythonRepr: String {
        switch self {
        case .undefined: return "Undefined"
        case .none: return "None"
        case .bool(let b): return b ? "True" : "False"
        case .int(let i): return String(i)
        case .double(let d): return Value.formatFloat(d)
        case .string(let s): return Value.reprString(s)
        case .list(let l): return "[" + l.map(\.pythonRepr).joined(separator: ", ") + "]"
        case .tuple(let l):
            if l.count == 1 { return "(" + l[0].pythonRepr + ",)" }
            return "(" + l.map(\.pythonRepr).joined(separator: ", ") + ")"
        case .dict(let d):
            return "{" + d.map { Value.reprString($0.key) + ": " + $0.value.pythonRepr }.joined(separator: ", ") + "}"
        case .callable(let c): return "<function \(c.name)>"
        case .object(let o): return o.stringValue
        }
    }

    /// Python's float repr: shortest round-trip digits, always with a '.' or exponent.
    static func formatFloat(_ d: Double) -> String {
        if d.isNaN { return "nan" }
        if d.isInfinite { return d < 0 ? "-inf" : "inf" }
        if d == d.rounded(), abs(d) < 1e16 {
            return (d.sign == .minus ? "-" : "") + String(Int(abs(d))) + ".0"
        }
        var s = "\(d)"  // Swift prints the shortest round-trip form
        // Swift writes 1e-05 as "1e-05"; Python writes "1e-05" too. Swift "5e+20" vs Python "5e+20".
        // Byte scans: Foundation's String.contains(String) is far slower on Linux.
        let bytes = Array(s.utf8)
        if let e = bytes.firstIndex(of: UInt8(ascii: "e")), e + 1 < bytes.count,
           bytes[e + 1] != UInt8(ascii: "-"), bytes[e + 1] != UInt8(ascii: "+") {
            s = String(decoding: bytes[..<(e + 1)], as: UTF8.self) + "+" + String(decoding: bytes[(e + 1)...], as: UTF8.self)
        }
        return s
    }

    /// Python's repr of a str: single quotes unless the string contains ' and no ".
    static func reprString(_ s: String) -> String {
        let useDouble = s.contains("'") && !s.contains("\"")
        let quote: Character = useDouble ? "\"" : "'"
        var out = String(quote)
        for ch in s.unicodeScalars {
            switch ch {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "'" where !useDouble: out += "\\'"
            default:
                if ch.value < 0x20 || ch.value == 0x7f {
                    out += String(format: "\\x%02x", ch.value)
                } else {
                    out.unicodeScalars.append(ch)
                }
            }
        }
        out.append(quote)
        return out
    }
}

extension Value: CustomStringConvertible {
    public var description: String { pythonStr }
}

// MARK: - Equality (Python ==)

extension Value: Equatable {
    public static func == (lhs: Value, rhs: Value) -> Bool {
        switch (lhs, rhs) {
        case (.undefined, .undefined), (.none, .none): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.int(let a), .int(let b)): return a == b
        case (.double(let a), .double(let b)): return a == b
        case (.int(let a), .double(let b)), (.double(let b), .int(let a)): return Double(a) == b
        case (.bool(let a), .int(let b)), (.int(let b), .bool(let a)): return (a ? 1 : 0) == b
        case (.bool(let a), .double(let b)), (.double(let b), .bool(let a)): return (a ? 1.0 : 0.0) == b
        case (.string(let a), .string(let b)): return a == b
        case (.list(let a), .list(let b)), (.tuple(let a), .tuple(let b)): return a == b
        case (.dict(let a), .dict(let b)):
            guard a.count == b.count else { return false }
            for (k, v) in a { guard let o = b[k], o == v else { return false } }
            return true
        case (.callable(let a), .callable(let b)): return a === b
        case (.object(let a), .object(let b)): return a === b
        default: return false
        }
    }
}

