// TEMPORARY integration scaffold on main until the Jinja branch lands; deleted at merge.
import OrderedCollections

public enum UndefinedBehavior { case lenient, strict, chainable }
public struct EnvironmentOptions {
    public var trimBlocks = false
    public var lstripBlocks = false
    public var keepTrailingNewline = false
    public var undefined: UndefinedBehavior = .lenient
    public init() {}
}
public typealias FilterFunction = (_ input: Value, _ args: [Value], _ kwargs: Kwargs, _ env: Environment) throws -> Value
public typealias TestFunction = (_ input: Value, _ args: [Value], _ kwargs: Kwargs, _ env: Environment) throws -> Bool
public protocol VariableSource: AnyObject { func lookup(_ name: String) throws -> Value? }
public final class DictVariables: VariableSource {
    let vars: [String: Value]
    public init(_ vars: [String: Value]) { self.vars = vars }
    public func lookup(_ name: String) throws -> Value? { vars[name] }
}
public struct TemplateError: Error, CustomStringConvertible {
    public enum Kind { case syntax, undefined, type, runtime }
    public var kind: Kind
    public var message: String
    public var templateName: String?
    public var line: Int?
    public var column: Int?
    public var description: String { message }
    public init(kind: Kind, message: String, templateName: String? = nil, line: Int? = nil, column: Int? = nil) {
        self.kind = kind; self.message = message; self.templateName = templateName; self.line = line; self.column = column
    }
}
public final class Environment {
    public var options: EnvironmentOptions
    public var filters: [String: FilterFunction] = [:]
    public var tests: [String: TestFunction] = [:]
    public var globals: [String: Value] = [:]
    public var loader: ((_ name: String) throws -> (source: String, filename: String))?
    public init(options: EnvironmentOptions = .init()) { self.options = options }
    public func template(_ source: String, name: String? = nil) throws -> Template { Template(source) }
    public func expression(_ source: String) throws -> Expression { Expression(source) }
    public func callFilter(_ name: String, _ input: Value, args: [Value] = [], kwargs: Kwargs = [:]) throws -> Value { input }
    public func callTest(_ name: String, _ input: Value, args: [Value] = [], kwargs: Kwargs = [:]) throws -> Bool { false }
}
public final class Template {
    let source: String
    init(_ s: String) { source = s }
    public func render(_ vars: VariableSource) throws -> String { source }
    public func render(_ vars: [String: Value]) throws -> String { source }
    public var singleExpression: Expression? {
        if source.hasPrefix("{{") && source.hasSuffix("}}") { return Expression(String(source.dropFirst(2).dropLast(2))) }
        return nil
    }
    public var isPlainText: Bool { !source.contains("{{") && !source.contains("{%") }
}
public final class Expression {
    let source: String
    init(_ s: String) { source = s.trimmingCharacters(in: .whitespaces) }
    public func evaluate(_ vars: VariableSource) throws -> Value {
        if source == "true" || source == "True" { return .bool(true) }
        if source == "false" || source == "False" { return .bool(false) }
        if let i = Int(source) { return .int(i) }
        if let v = try vars.lookup(source) { return v }
        throw TemplateError(kind: .undefined, message: "'\(source)' is undefined")
    }
}
