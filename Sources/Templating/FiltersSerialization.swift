import Foundation
import Jinja
import DataLoader
import OrderedCollections

/// to_json / to_nice_json / from_json / to_yaml / to_nice_yaml / from_yaml / from_yaml_all.
enum SerializationFilters {
    static func install(into env: Environment) {
        env.addFilter("to_json") { input, args, _ in
            var options = JSONOptions.ansible(plugin: "to_json")
            try configure(&options, args, indent: nil, sortKeys: false)
            return .string(try valueToJSON(input, options))
        }
        env.addFilter("to_nice_json") { input, args, _ in
            var options = JSONOptions.ansible(plugin: "to_nice_json")
            try configure(&options, args, indent: 4, sortKeys: true)
            // Ansible passes these itself, so a caller's separators do not apply.
            options.separators = (",", ": ")
            return .string(try valueToJSON(input, options))
        }
        env.addFilter("from_json") { input, args, _ in
            guard case .string(let s) = input else {
                throw args.fail("the JSON object must be str, not \(input.typeName)")
            }
            return try parseJSON(s, plugin: "from_json")
        }
        env.addFilter("to_yaml") { input, args, _ in
            var em = YAMLEmitter(plugin: "to_yaml")
            try configure(&em, args, indent: nil, flow: nil)
            return .string(try em.dump(input))
        }
        env.addFilter("to_nice_yaml") { input, args, _ in
            var em = YAMLEmitter(plugin: "to_nice_yaml")
            try configure(&em, args, indent: 4, flow: false)
            return .string(try em.dump(input))
        }
        env.addFilter("from_yaml") { input, args, _ in
            guard case .string(let s) = input else { return input }
            do {
                return try YAMLLoader.load(text: s, file: "<from_yaml>")?.value ?? Value.none
            } catch {
                throw args.fail("invalid YAML: \(error)")
            }
        }
        env.addFilter("from_yaml_all") { input, args, _ in
            guard case .string(let s) = input else { return input }
            do {
                return .list(try YAMLLoader.loadAll(text: s, file: "<from_yaml_all>").map(\.value))
            } catch {
                throw args.fail("invalid YAML: \(error)")
            }
        }
    }

    private static func configure(_ options: inout JSONOptions, _ args: Arguments, indent: Int?, sortKeys: Bool) throws {
        options.indent = try args.int(-1, "indent", default: indent)
        if let i = options.indent, i < 0 { options.indent = nil }
        options.sortKeys = args.bool(-1, "sort_keys", default: sortKeys)
        options.ensureASCII = args.bool(-1, "ensure_ascii", default: true)
        if let seps = args.value(-1, "separators")?.listValue, seps.count == 2 {
            options.separators = (seps[0].text, seps[1].text)
        }
        let known: Set<String> = ["indent", "sort_keys", "ensure_ascii", "separators", "profile", "vault_to_text", "preprocess_unsafe"]
        if let bad = args.keywords.keys.first(where: { !known.contains($0) }) {
            throw args.fail("unexpected keyword argument '\(bad)'")
        }
    }

    private static func configure(_ em: inout YAMLEmitter, _ args: Arguments, indent: Int?, flow: Bool?) throws {
        // Positional indent for to_nice_yaml, keyword everywhere (PyYAML ignores values outside 2...9).
        let i = try args.int(indent == nil ? -1 : 0, "indent", default: indent ?? 2) ?? 2
        em.indentStep = (2...9).contains(i) ? i : 2
        if let w = try args.int(-1, "width") { em.width = w > em.indentStep * 2 ? w : 80 }
        if let f = args.value(-1, "default_flow_style") { em.defaultFlowStyle = f.isNone ? nil : f.truthy } else { em.defaultFlowStyle = flow }
        em.sortKeys = args.bool(-1, "sort_keys", default: true)
        em.allowUnicode = args.bool(-1, "allow_unicode", default: true)
        em.explicitStart = args.bool(-1, "explicit_start", default: false)
    }
}

extension JSONOptions {
    /// JSON as Ansible's filters write it: errors name the plugin, and objects are written as
    /// Ansible's encoder writes them (a mapping when they have keys, their text otherwise).
    static func ansible(plugin: String) -> JSONOptions {
        JSONOptions { v in
            switch v {
            case .undefined(let u): throw pluginError(plugin, "cannot serialize an undefined value: \(u.description)")
            case .callable(let c): throw pluginError(plugin, "cannot serialize function \(c.name) to JSON")
            case .object(let o):
                guard let keys = o.keys else { return .string(o.stringValue) }
                var d = OrderedDictionary<String, Value>()
                for k in keys { d[k] = o.attribute(k) ?? Value.none }
                return .dict(d)
            default: return v
            }
        }
    }
}

/// `json.loads` inside a plugin: Python's message under the plugin's name, as Ansible reports it.
func parseJSON(_ text: String, plugin: String) throws -> Value {
    do {
        return try parseJSON(text)
    } catch let error as TemplateError {
        throw pluginError(plugin, error.message)
    }
}
