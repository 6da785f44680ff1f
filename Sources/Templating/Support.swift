import Foundation
import Jinja
import OrderedCollections

/// The error every Ansible filter, test and lookup raises: a runtime template error worded as
/// ansible-core 2.19 words plugin failures ("The filter plugin 'ansible.builtin.combine' failed:
/// ..."), so a failing task says which part of the expression was wrong.
/// `plugin` is a filter name, "test:<name>" for tests, or "lookup('<name>')" for lookups.
func pluginError(_ plugin: String, _ message: String) -> TemplateError {
    TemplateError(kind: .runtime, message: "\(pluginLabel(plugin)) failed: \(message)")
}

func pluginLabel(_ plugin: String) -> String {
    if plugin.hasPrefix("test:") { return "The test plugin 'ansible.builtin.\(plugin.dropFirst(5))'" }
    if plugin.hasPrefix("lookup('"), plugin.hasSuffix("')") { return "The lookup plugin '\(plugin.dropFirst(8).dropLast(2))'" }
    if plugin == "lookup" || plugin == "now" { return "\(plugin)()" }
    if plugin == "json_query" { return "The filter plugin 'community.general.json_query'" }
    return "The filter plugin 'ansible.builtin.\(plugin)'"
}

/// A plugin's bare name for messages ("test:failed" -> "failed").
func pluginName(_ plugin: String) -> String {
    plugin.hasPrefix("test:") ? String(plugin.dropFirst(5)) : plugin
}

/// Positional and keyword arguments of one filter/test/lookup call, with Python-like binding:
/// `args.value(0, "name")` is the first positional argument or the keyword `name`; an index of
/// -1 makes an argument keyword-only.
struct Arguments {
    let plugin: String
    let positional: [Value]
    let keywords: Kwargs
    /// For lookups run as a `with_X` loop: the folder `first_found` searches (files, templates, vars).
    var loopSubdir: String?

    init(_ plugin: String, _ positional: [Value], _ keywords: Kwargs) {
        self.plugin = plugin
        self.positional = positional
        self.keywords = keywords
    }

    func value(_ index: Int, _ name: String) -> Value? {
        if index >= 0, index < positional.count { return positional[index] }
        if let v = keywords[name], !v.isUndefined { return v }
        return nil
    }

    func required(_ index: Int, _ name: String) throws -> Value {
        guard let v = value(index, name) else {
            throw pluginError(plugin, "missing required argument '\(name)'")
        }
        return v
    }

    func string(_ index: Int, _ name: String, default def: String? = nil) throws -> String? {
        guard let v = value(index, name), !v.isNone else { return def }
        if case .string(let s) = v { return s }
        return v.pythonStr
    }

    func bool(_ index: Int, _ name: String, default def: Bool) -> Bool {
        guard let v = value(index, name), !v.isNone else { return def }
        return v.truthy
    }

    func int(_ index: Int, _ name: String, default def: Int? = nil) throws -> Int? {
        guard let v = value(index, name), !v.isNone else { return def }
        guard let i = v.safeInt else {
            throw pluginError(plugin, "'\(name)' must be an integer, got \(v.typeName) \(v.pythonRepr)")
        }
        return i
    }

    func fail(_ message: String) -> TemplateError { pluginError(plugin, message) }
}

extension Environment {
    /// Registers a filter whose arguments are bound through `Arguments`.
    func addFilter(_ name: String, _ body: @escaping (_ input: Value, _ args: Arguments, _ env: Environment) throws -> Value) {
        filters[name] = { input, args, kwargs, env in
            try body(input, Arguments(name, args, kwargs), env)
        }
    }

    func addTest(_ name: String, _ body: @escaping (_ input: Value, _ args: Arguments, _ env: Environment) throws -> Bool) {
        tests[name] = { input, args, kwargs, env in
            try body(input, Arguments("test:" + name, args, kwargs), env)
        }
    }
}

extension Value {
    /// Items of anything Python could iterate: lists, tuples, dict keys, string characters.
    func iterated(_ plugin: String) throws -> [Value] {
        switch self {
        case .list(let l), .tuple(let l): return l
        case .dict(let d): return d.keys.map { .string($0) }
        case .string(let s): return s.map { .string(String($0)) }
        case .object(let o):
            if let keys = o.keys { return keys.map { .string($0) } }
        default: break
        }
        throw pluginError(plugin, "expected a list, got \(typeName)")
    }

    /// `intValue` without trapping: Value.intValue converts huge doubles with Int(d), which traps.
    var safeInt: Int? {
        if case .double(let d) = self { return d.isFinite && abs(d) < 9.2e18 ? Int(d) : nil }
        return intValue
    }

    /// A dict, or a mapping object (hostvars...) read into one; nil for anything else.
    var mapping: OrderedDictionary<String, Value>? {
        switch self {
        case .dict(let d): return d
        case .object(let o):
            guard let keys = o.keys else { return nil }
            var d = OrderedDictionary<String, Value>()
            for k in keys { d[k] = o.attribute(k) ?? Value.none }
            return d
        default: return nil
        }
    }

    /// Text form used where Python calls `to_text`/`str()` on the input.
    var text: String { pythonStr }

    /// Python `x in container` for lists, dicts and strings.
    func containedIn(_ container: Value) -> Bool {
        switch container {
        case .list(let l), .tuple(let l): return l.contains(self)
        case .dict(let d): if case .string(let k) = self { return d[k] != nil } else { return false }
        case .string(let s): if case .string(let k) = self { return k.isEmpty || s.contains(k) } else { return false }
        default: return false
        }
    }
}

/// A seedable generator so `random(seed=...)` and `shuffle(seed=...)` repeat for the same seed.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: String) {
        // FNV-1a over the seed text: a stable hash (Swift's Hasher is randomised per process).
        var h: UInt64 = 0xcbf29ce484222325
        for b in seed.utf8 { h = (h ^ UInt64(b)) &* 0x100000001b3 }
        state = h
    }
    mutating func next() -> UInt64 {
        // SplitMix64
        state &+= 0x9E3779B97F4A7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
        z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
        return z ^ (z >> 31)
    }
}
