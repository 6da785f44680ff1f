import Foundation
import Jinja
import OrderedCollections

/// The declared options of a module, validated before the module runs (types, choices, required,
/// aliases, mutually exclusive...). Errors read like Ansible's.
public struct ArgumentSpec {
    public enum Kind: String { case str, bool, int, float, list, dict, path, raw }

    public struct Option {
        public var name: String
        public var kind: Kind
        public var required: Bool
        public var defaultValue: Value?
        public var choices: [String]?
        public var aliases: [String]
        /// For lists: the element kind (`str` splits "a,b" strings like Ansible).
        public var elements: Kind?
        /// Never printed (passwords, keys).
        public var noLog: Bool
        public var help: String

        public init(_ name: String, _ kind: Kind = .str, required: Bool = false, default defaultValue: Value? = nil,
                    choices: [String]? = nil, aliases: [String] = [], elements: Kind? = nil, noLog: Bool = false, help: String = "") {
            self.name = name
            self.kind = kind
            self.required = required
            self.defaultValue = defaultValue
            self.choices = choices
            self.aliases = aliases
            self.elements = elements
            self.noLog = noLog
            self.help = help
        }
    }

    public var options: [Option]
    public var mutuallyExclusive: [[String]]
    public var requiredOneOf: [[String]]
    /// (option, value, options required when option == value)
    public var requiredIf: [(String, Value, [String])]
    public var requiredTogether: [[String]]
    /// Modules such as set_fact take any key as data.
    public var acceptsAnyOption = false

    public init(_ options: [Option], mutuallyExclusive: [[String]] = [], requiredOneOf: [[String]] = [],
                requiredIf: [(String, Value, [String])] = [], requiredTogether: [[String]] = [], acceptsAnyOption: Bool = false) {
        self.acceptsAnyOption = acceptsAnyOption
        self.options = options
        self.mutuallyExclusive = mutuallyExclusive
        self.requiredOneOf = requiredOneOf
        self.requiredIf = requiredIf
        self.requiredTogether = requiredTogether
    }

    /// Names whose values must never be shown.
    public var secretNames: Set<String> {
        Set(options.filter(\.noLog).flatMap { [$0.name] + $0.aliases })
    }

    /// Checks and normalizes raw task arguments: resolves aliases, applies defaults, converts types.
    public func validate(_ raw: OrderedDictionary<String, Value>, module: String) throws -> Arguments {
        var byName: [String: Option] = [:]
        for o in options {
            byName[o.name] = o
            for a in o.aliases { byName[a] = o }
        }
        var out = OrderedDictionary<String, Value>()
        var unknown: [String] = []
        for (key, value) in raw {
            if key.hasPrefix("_ansible_") { continue }
            guard let opt = byName[key] else {
                if acceptsAnyOption { out[key] = value } else { unknown.append(key) }
                continue
            }
            if value.isNone { continue }  // null means "not given", as Ansible
            out[opt.name] = try convert(value, to: opt.kind, elements: opt.elements, option: opt.name, module: module)
        }
        if !unknown.isEmpty {
            let supported = options.map(\.name).sorted()
            var msg = "Unsupported parameters for (\(module)) module: \(unknown.sorted().joined(separator: ", "))."
            let hints = unknown.compactMap { u in closest(u, in: supported).map { "'\(u)': did you mean '\($0)'?" } }
            if !hints.isEmpty { msg += " " + hints.joined(separator: " ") }
            msg += " Supported parameters include: \(supported.joined(separator: ", "))."
            throw ModuleError(msg)
        }
        for group in mutuallyExclusive {
            let given = group.filter { out[$0] != nil }
            if given.count > 1 { throw ModuleError("parameters are mutually exclusive: \(given.joined(separator: "|"))") }
        }
        for group in requiredOneOf where !group.contains(where: { out[$0] != nil }) {
            throw ModuleError("one of the following is required: \(group.joined(separator: ", "))")
        }
        for group in requiredTogether {
            let given = group.filter { out[$0] != nil }
            if !given.isEmpty && given.count != group.count {
                throw ModuleError("parameters are required together: \(group.joined(separator: ", "))")
            }
        }
        for o in options {
            if out[o.name] == nil, let d = o.defaultValue { out[o.name] = d }
            if o.required && out[o.name] == nil { throw ModuleError("missing required arguments: \(o.name)") }
            if let choices = o.choices, let v = out[o.name] {
                let values = o.kind == .list ? (v.listValue ?? []) : [v]
                for item in values where !choices.contains(item.pythonStr) {
                    throw ModuleError("value of \(o.name) must be one of: \(choices.joined(separator: ", ")), got: \(item.pythonStr)")
                }
            }
        }
        for (name, value, needed) in requiredIf where out[name] == value {
            let missing = needed.filter { out[$0] == nil }
            if !missing.isEmpty {
                throw ModuleError("\(name) is \(value.pythonStr) but all of the following are missing: \(missing.joined(separator: ", "))")
            }
        }
        return Arguments(values: out)
    }

    private func convert(_ v: Value, to kind: Kind, elements: Kind?, option: String, module: String) throws -> Value {
        func bad(_ expected: String) -> ModuleError {
            ModuleError("argument '\(option)' is of type \(v.typeName) and we were unable to convert to \(expected): \(v.pythonStr)")
        }
        switch kind {
        case .raw: return v
        case .str, .path:
            switch v {
            case .string: return v
            case .int, .double, .bool: return .string(v.pythonStr)
            case .list, .dict, .tuple: return .string(v.pythonRepr)
            default: throw bad("str")
            }
        case .bool:
            if let b = Arguments.boolean(v) { return .bool(b) }
            throw bad("bool")
        case .int:
            if case .int = v { return v }
            if case .double(let d) = v, d == d.rounded() { return .int(Int(d)) }
            if case .string(let s) = v, let i = Int(s.trimmingCharacters(in: .whitespaces)) { return .int(i) }
            throw bad("int")
        case .float:
            if let d = v.doubleValue { return .double(d) }
            throw bad("float")
        case .list:
            var items: [Value]
            switch v {
            case .list(let l), .tuple(let l): items = l
            case .string(let s): items = s.split(separator: ",").map { .string($0.trimmingCharacters(in: .whitespaces)) }
            case .int, .double, .bool: items = [.string(v.pythonStr)]
            default: items = [v]
            }
            if let elements { items = try items.map { try convert($0, to: elements, elements: nil, option: option, module: module) } }
            return .list(items)
        case .dict:
            if case .dict = v { return v }
            if case .string(let s) = v {
                // "k=v k2=v2" as Ansible accepts for dict options
                var d = OrderedDictionary<String, Value>()
                for part in s.split(separator: " ") {
                    let kv = part.split(separator: "=", maxSplits: 1)
                    guard kv.count == 2 else { throw bad("dict") }
                    d[String(kv[0])] = .string(String(kv[1]))
                }
                return .dict(d)
            }
            throw bad("dict")
        }
    }
}

/// Validated, typed module arguments.
public struct Arguments {
    public var values: OrderedDictionary<String, Value>
    public init(values: OrderedDictionary<String, Value>) { self.values = values }

    public subscript(_ name: String) -> Value? { values[name] }
    public func string(_ name: String) -> String? {
        guard let v = values[name], !v.isNone else { return nil }
        return v.pythonStr
    }
    public func bool(_ name: String) -> Bool { values[name].flatMap(Arguments.boolean) ?? false }
    public func int(_ name: String) -> Int? { values[name]?.intValue }
    public func list(_ name: String) -> [Value] { values[name]?.listValue ?? [] }
    public func strings(_ name: String) -> [String] { list(name).map(\.pythonStr) }
    public func dict(_ name: String) -> OrderedDictionary<String, Value> { values[name]?.dictValue ?? [:] }
    public func has(_ name: String) -> Bool { values[name] != nil }

    /// Ansible's boolean(): yes/no/on/off/true/false/1/0 in any case.
    public static func boolean(_ v: Value) -> Bool? {
        switch v {
        case .bool(let b): return b
        case .int(let i): return i == 1 ? true : (i == 0 ? false : nil)
        case .double(let d): return d == 1 ? true : (d == 0 ? false : nil)
        case .string(let s):
            switch s.lowercased().trimmingCharacters(in: .whitespaces) {
            case "yes", "on", "1", "true", "y", "t": return true
            case "no", "off", "0", "false", "n", "f", "": return false
            default: return nil
            }
        case .none: return false
        default: return nil
        }
    }
}

/// The closest candidate by edit distance, when it is close enough to be a plausible typo.
public func closest(_ word: String, in candidates: [String]) -> String? {
    func distance(_ a: [Character], _ b: [Character]) -> Int {
        var prev = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var cur = [i] + Array(repeating: 0, count: b.count)
            for j in 1...max(b.count, 1) where !b.isEmpty {
                cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            prev = cur
        }
        return a.isEmpty ? b.count : prev[b.count]
    }
    let w = Array(word)
    let scored = candidates.map { ($0, distance(w, Array($0))) }.filter { $0.1 <= max(2, word.count / 3) }
    return scored.min { $0.1 < $1.1 }?.0
}
