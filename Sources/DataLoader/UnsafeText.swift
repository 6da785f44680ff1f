import Jinja

/// A YAML `!unsafe` string: text that templating must never render (it may hold `{{ }}` meant
/// literally). Templating hands it on as a plain string, unrendered.
public final class UnsafeText: ValueObject {
    public let text: String
    public init(_ text: String) { self.text = text }
    public var typeName: String { "AnsibleUnsafeText" }
    public func attribute(_ name: String) -> Value? { nil }
    public var stringValue: String { text }
}
