import Jinja

/// Lookup plugins: `lookup('file', ...)`, `query(...)`, and the `with_X` loops.
public enum Lookups {
    public static func install(into env: Environment, context: TemplatingContext) {}
}
