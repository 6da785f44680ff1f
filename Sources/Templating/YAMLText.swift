import Jinja

/// YAML text laid out as PyYAML's `yaml.dump` does, for commands that print data as YAML.
public enum YAMLText {
    /// `flowStyle` nil writes collections of scalars inline (PyYAML's default); false never does.
    public static func dump(_ v: Value, flowStyle: Bool? = false, indent: Int = 2) throws -> String {
        var em = YAMLEmitter(plugin: "yaml")
        em.defaultFlowStyle = flowStyle
        em.indentStep = indent
        return try em.dump(v)
    }
}
