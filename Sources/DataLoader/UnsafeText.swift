/// Text that must never be templated (YAML `!unsafe`, or values derived from unsafe data), written as
/// a template that renders to exactly that text: swiftplay templates variables when they are read,
/// so this keeps `{{ }}` inside such text literal however often it is read.
public enum UnsafeText {
    /// The text as a raw block when it has template delimiters; other text is already safe.
    public static func wrap(_ text: String) -> String {
        guard text.contains("{{") || text.contains("{%") || text.contains("{#") else { return text }
        // A literal "{% endraw %}" inside cannot be in the raw block: it is emitted as an expression.
        let inner = text.replacingOccurrences(of: "{% endraw %}", with: "{% endraw %}{{ '{% endraw %}' }}{% raw %}")
        return "{% raw %}" + inner + "{% endraw %}"
    }
}
