import DataLoader
import Foundation
import Jinja
import Modules
import Playbook
import Templating

/// Ansible's templating on top of Jinja: native types for whole-value expressions, recursive
/// templating of lists and dicts, conditionals, and the `omit` placeholder.
final class Templar {
    let env: Environment
    static let omitToken = "__omit_place_holder__" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()

    /// Where templating warnings go (the run's callback).
    var warn: (String) -> Void = { _ in }

    init(context: TemplatingContext) {
        var options = EnvironmentOptions()
        options.trimBlocks = true
        options.undefined = .strict
        // Ansible preserves trailing newlines of templated strings ("line\n" stays "line\n").
        options.keepTrailingNewline = true
        env = Environment(options: options)
        AnsibleExtensions.install(into: env, context: context)
    }

    static func hasDelimiters(_ s: String) -> Bool {
        s.contains("{{") || s.contains("{%") || s.contains("{#")
    }

    static func needsTemplating(_ v: Value) -> Bool {
        switch v {
        case .string(let s): return hasDelimiters(s)
        case .list(let l), .tuple(let l): return l.contains(where: needsTemplating)
        case .dict(let d): return d.contains { hasDelimiters($0.key) || needsTemplating($0.value) }
        default: return false
        }
    }

    /// Templates every string inside `v`.
    func template(_ v: Value, _ scope: VariableSource) throws -> Value {
        switch v {
        case .string(let s): return try render(s, scope)
        case .list(let l): return .list(try l.map { try template($0, scope) })
        case .tuple(let l): return .tuple(try l.map { try template($0, scope) })
        case .dict(let d):
            var out = d
            out.removeAll()
            for (k, val) in d {
                let key = Templar.hasDelimiters(k) ? try render(k, scope).pythonStr : k
                out[key] = try template(val, scope)
            }
            return .dict(out)
        default: return v
        }
    }

    /// A string: plain text stays as is; exactly one `{{ expr }}` keeps the expression's native type.
    func render(_ s: String, _ scope: VariableSource) throws -> Value {
        guard Templar.hasDelimiters(s) else { return .string(s) }
        let t = try env.template(s)
        if let e = t.singleExpression {
            let v = try e.evaluate(scope)
            if case .undefined(let u) = v { throw TemplateError(kind: .undefined, message: u.description) }
            return v
        }
        return .string(try t.render(scope))
    }

    /// Variables a template file sees besides the task's (template module and lookup('template')).
    static func templateVars(path: String) -> Vars {
        ["template_path": .string(path), "template_fullpath": .string(path),
         "template_host": .string(ProcessInfo.processInfo.hostName), "template_uid": .string(NSUserName()),
         "ansible_managed": "Ansible managed"]
    }

    /// Renders a template file's text (template module, lookup('template')).
    func renderFile(_ source: String, name: String, _ scope: VariableSource) throws -> String {
        try env.template(source, name: name).render(scope)
    }

    func evaluate(_ expression: String, _ scope: VariableSource) throws -> Value {
        try env.expression(expression).evaluate(scope)
    }

    /// ansible-core 2.18's backported check of conditionals whose result is not a boolean: a
    /// deprecation warning, or an error when allow_broken_conditionals is off.
    var allowBrokenConditionals = true
    var inspectConditionals = true
    /// Reports a deprecation (printed once per text by the callback).
    var deprecate: (String) -> Void = { _ in }

    /// A boolean keyword (ignore_errors, become, run_once...): a bool, or an expression
    /// (optionally wrapped in {{ }}) whose value may be a boolean word.
    func conditional(_ v: Value, _ scope: VariableSource) throws -> Bool {
        switch v {
        case .bool(let b): return b
        case .none: return false
        case .int, .double: return v.truthy
        case .string(var s):
            s = s.trimmingCharacters(in: .whitespacesAndNewlines)
            if s.isEmpty { return true }
            if s.hasPrefix("{{") && s.hasSuffix("}}") && !s.dropFirst(2).contains("{{") {
                s = String(s.dropFirst(2).dropLast(2))
            } else if Templar.hasDelimiters(s) {
                s = try render(s, scope).pythonStr
            }
            let result = try evaluate(s, scope)
            if case .undefined(let u) = result {
                throw TemplateError(kind: .undefined, message: "The conditional check '\(s)' failed. The error was: \(u)")
            }
            if case .string(let text) = result {
                switch text.lowercased() {
                case "false", "no", "off", "0", "": return false
                default: return true
                }
            }
            return result.truthy
        default:
            return v.truthy
        }
    }

    /// A condition (`when`, `changed_when`, `failed_when`, `until`, assert's `that`): a bool, or a
    /// bare expression, or a template whose text is read again as an expression, as ansible-core does.
    /// `location` says where the condition was written, for the non-boolean result warning.
    func condition(_ v: Value, _ scope: VariableSource, location: String? = nil) throws -> Bool {
        if case .string(let s) = v, Templar.hasDelimiters(s) {
            warn("conditional statements should not include jinja2 templating delimiters such as {{ }} or {% %}. Found: \(s)")
        }
        switch v {
        case .bool(let b): return b
        case .none: return true
        case .string(let raw):
            var s = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if s.isEmpty { return true }
            if Templar.hasDelimiters(s) {
                let rendered = try render(s, scope)
                switch rendered {
                case .bool(let b): return b
                case .string(let text):
                    if text.isEmpty { return false }
                    s = text
                default: return try checked(rendered, expression: raw, shown: Value.string(raw).pythonRepr, location: location)
                }
            }
            let result = try evaluate(s, scope)
            if case .undefined(let u) = result {
                throw TemplateError(kind: .undefined, message: "The conditional check '\(raw)' failed. The error was: \(u)")
            }
            return try checked(result, expression: raw, shown: Value.string(raw).pythonRepr, location: location)
        default:
            return try checked(v, expression: v.pythonStr, shown: v.pythonRepr, location: location)
        }
    }

    /// `shown`: the condition as Python's repr shows it, when there is no location to name.
    private func checked(_ v: Value, expression: String, shown: String, location: String?) throws -> Bool {
        if case .bool(let b) = v { return b }
        guard inspectConditionals else { return v.truthy }
        let type = v.typeName
        guard allowBrokenConditionals else {
            throw ModuleError("The conditional check '\(expression)' failed. The error was: Conditional result was of type '\(type)'. "
                + "Conditional results must be True or False when `ALLOW_BROKEN_CONDITIONALS` is disabled, which is the default in Ansible Core >= 2.19.")
        }
        let at = location ?? "unknown location (conditional: \(shown))"
        deprecate("Conditional result at \(at) was of type '\(type)'. Conditional results should only be True or False. "
            + "The result was interpreted as \(v.truthy ? "True" : "False"). This feature will be removed in version 2.19.")
        return v.truthy
    }

    /// Unsafe data: every string inside is kept from being templated again (see UnsafeText).
    static func markUnsafe(_ v: Value) -> Value {
        switch v {
        case .string(let s): return .string(UnsafeText.wrap(s))
        case .list(let l): return .list(l.map(markUnsafe))
        case .tuple(let l): return .tuple(l.map(markUnsafe))
        case .dict(let d): return .dict(d.mapValues(markUnsafe))
        default: return v
        }
    }

    /// Removes arguments whose value is the omit placeholder (at any depth of dicts).
    static func removeOmitted(_ v: Value) -> Value? {
        switch v {
        case .string(let s) where s == omitToken: return nil
        case .dict(var d):
            for (k, val) in d { d[k] = removeOmitted(val) }
            return .dict(d)
        case .list(let l): return .list(l.compactMap(removeOmitted))
        default: return v
        }
    }
}
