import Jinja
import OrderedCollections

/// `set_fact`: sets host variables (and cached facts with `cacheable`).
public enum SetFactModule: Module {
    public static let name = "set_fact"
    public static let documentation = """
    # set_fact
    Sets each given key as a variable of the host, above inventory and play variables.
    With `cacheable: true` the values are also stored as facts.
    """
    public static let spec = ArgumentSpec([
        .init("cacheable", .bool, default: false, help: "Also store as facts."),
    ], acceptsAnyOption: true)

    public static func run(_ args: Arguments, _ context: ModuleContext) throws -> ModuleResult {
        var facts = OrderedDictionary<String, Value>()
        for (k, v) in args.values where k != "cacheable" {
            guard k.first.map({ $0.isLetter || $0 == "_" }) == true, k.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
                throw ModuleError("The variable name '\(k)' is not valid. Variables must start with a letter or underscore character, and contain only letters, numbers and underscores.")
            }
            // Like ansible-core without jinja2_native, boolean words given as strings become booleans.
            if !context.jinja2Native, case .string(let text) = v, ["true", "yes"].contains(text.lowercased()) {
                facts[k] = .bool(true)
            } else if !context.jinja2Native, case .string(let text) = v, ["false", "no"].contains(text.lowercased()) {
                facts[k] = .bool(false)
            } else {
                facts[k] = v
            }
        }
        if facts.isEmpty { throw ModuleError("No key/value pairs provided, at least one is required for this action to succeed") }
        return ModuleResult(changed: false, ["ansible_facts": .dict(facts)])
    }
}
