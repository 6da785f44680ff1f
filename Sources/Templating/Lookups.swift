import Jinja

/// Lookup plugins: `lookup('file', ...)`, `query(...)`, and the `with_X` loops.
public enum Lookups {
    public static func install(into env: Environment, context: TemplatingContext) {}
}

extension Lookups {
    /// Runs a lookup plugin by name (also the engine of `with_<name>` loops).
    public static func run(_ name: String, terms: [Value], kwargs: Kwargs, env: Environment, context: TemplatingContext) throws -> [Value] {
        switch name {
        case "items":
            // with_items flattens one level.
            return terms.flatMap { $0.listValue ?? [$0] }
        case "list":
            return terms
        case "dict":
            return terms.flatMap { t -> [Value] in
                guard case .dict(let d) = t else { return [] }
                return d.map { .dict(["key": .string($0.key), "value": $0.value]) }
            }
        case "indexed_items":
            return terms.flatMap { $0.listValue ?? [$0] }.enumerated().map { .tuple([.int($0.offset), $0.element]) }
        case "nested", "cartesian":
            var out: [[Value]] = [[]]
            for t in terms {
                let items = t.listValue ?? [t]
                out = out.flatMap { prefix in items.map { prefix + [$0] } }
            }
            return terms.isEmpty ? [] : out.map { .list($0) }
        case "together":
            let lists = terms.map { $0.listValue ?? [$0] }
            let n = lists.map(\.count).max() ?? 0
            return (0..<n).map { i in .list(lists.map { i < $0.count ? $0[i] : .none }) }
        default:
            throw TemplateError(kind: .runtime, message: "lookup plugin '\(name)' not found")
        }
    }
}
