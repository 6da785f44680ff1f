import Foundation
import OrderedCollections

public enum UndefinedBehavior {
    /// Jinja's default `Undefined`: prints as "", iterates as empty, fails on attribute access.
    case lenient
    /// Ansible's behaviour: any use fails, but attribute/item access chains stay undefined
    /// (so `a.b.c is defined` is false instead of an error).
    case strict
    /// Jinja's `ChainableUndefined`: lenient, and attribute/item access chains.
    case chainable
}

public struct EnvironmentOptions {
    public var trimBlocks = false
    public var lstripBlocks = false
    public var keepTrailingNewline = false
    public var undefined: UndefinedBehavior = .lenient
    public init() {}
}

public typealias FilterFunction = (_ input: Value, _ args: [Value], _ kwargs: Kwargs, _ env: Environment) throws -> Value
public typealias TestFunction = (_ input: Value, _ args: [Value], _ kwargs: Kwargs, _ env: Environment) throws -> Bool

/// Lazy variable lookup; `nil` means "not defined".
public protocol VariableSource: AnyObject {
    func lookup(_ name: String) throws -> Value?
}

public final class DictVariables: VariableSource {
    public var vars: [String: Value]
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

    public init(kind: Kind, message: String, templateName: String? = nil, line: Int? = nil, column: Int? = nil) {
        self.kind = kind
        self.message = message
        self.templateName = templateName
        self.line = line
        self.column = column
    }

    public var description: String {
        if kind == .undefined { return message }
        var where_ = ""
        if let line = line {
            where_ = " (line \(line)" + (column.map { ", column \($0)" } ?? "") + ")"
        }
        if let name = templateName, name != "<template>" {
            return "template error in '\(name)': \(message)\(where_)"
        }
        return "template error while templating string: \(message)\(where_)"
    }

    static func type(_ msg: String) -> TemplateError { TemplateError(kind: .type, message: msg) }
    static func runtime(_ msg: String) -> TemplateError { TemplateError(kind: .runtime, message: msg) }
}

/// Parsed template code, shared between `Template` handles (the environment caches these).
final class CompiledTemplate {
    let name: String?
    let body: [Stmt]
    let blocks: [String: BlockDef]
    let isPlainText: Bool
    let singleExpression: Expr?

    init(name: String?, body: [Stmt], isPlainText: Bool, singleExpression: Expr?) {
        self.name = name
        self.body = body
        self.isPlainText = isPlainText
        self.singleExpression = singleExpression
        var blocks: [String: BlockDef] = [:]
        CompiledTemplate.collectBlocks(body, into: &blocks)
        self.blocks = blocks
    }

    /// Blocks can sit inside other statements (if/for/blocks); all of them are overridable.
    private static func collectBlocks(_ body: [Stmt], into blocks: inout [String: BlockDef]) {
        for s in body {
            switch s {
            case .block(let b):
                blocks[b.name] = b
                collectBlocks(b.body, into: &blocks)
            case .ifStmt(let branches, let otherwise):
                branches.forEach { collectBlocks($0.1, into: &blocks) }
                collectBlocks(otherwise, into: &blocks)
            case .forLoop(let f):
                collectBlocks(f.body, into: &blocks)
                collectBlocks(f.otherwise, into: &blocks)
            case .with(_, let b), .filterBlock(_, let b):
                collectBlocks(b, into: &blocks)
            default: break
            }
        }
    }
}

public final class Environment {
    public var options: EnvironmentOptions
    public var filters: [String: FilterFunction] { didSet { tableGeneration &+= 1 } }
    public var tests: [String: TestFunction] { didSet { tableGeneration &+= 1 } }
    /// Changes whenever `filters` or `tests` change, so compiled templates know whether the
    /// functions they resolved at compile time are still current.
    private(set) var tableGeneration = 0
    public var globals: [String: Value]
    public var loader: ((_ name: String) throws -> (source: String, filename: String))?

    private var cache: [String: CompiledTemplate] = [:]
    private var expressionCache: [String: Expr] = [:]
    private var loaded: [String: CompiledTemplate] = [:]
    /// Guards the two caches so one environment can render on several threads at once
    /// (filters, tests, globals and options must not be changed while rendering).
    private let cacheLock = NSLock()
    /// Upper bound on nested macro calls, includes and recursive loops.
    public var maxRecursionDepth = 100

    public init(options: EnvironmentOptions = .init()) {
        self.options = options
        self.filters = BuiltinFilters.all
        self.tests = BuiltinTests.all
        self.globals = [:]
        self.globals = Globals.make()
    }

    public func template(_ source: String, name: String? = nil) throws -> Template {
        Template(env: self, code: try compile(source, name: name))
    }

    func compile(_ source: String, name: String?) throws -> CompiledTemplate {
        // Lexing depends on the whitespace options, so they are part of the key.
        let flags = (options.trimBlocks ? "t" : "-") + (options.lstripBlocks ? "l" : "-") + (options.keepTrailingNewline ? "k" : "-")
        let key = flags + (name ?? "") + "\u{0}" + source
        if let c = cacheLock.withLock({ cache[key] }) { return c }
        let plain = !(source.contains("{{") || source.contains("{%") || source.contains("{#"))
        let tokens = try Lexer.tokenize(source, options: options, name: name)
        var parser = Parser(tokens: tokens, templateName: name, env: self)
        let body = try parser.parseTemplate()
        var single: Expr?
        if source.hasPrefix("{{"), source.hasSuffix("}}"), body.count == 1, case .print(let e) = body[0],
           tokens.count >= 3, tokens[0].kind == .variableBegin, tokens[tokens.count - 2].kind == .variableEnd,
           !tokens.contains(where: { $0.kind == .data }),
           !(source.hasPrefix("{{-") || source.hasSuffix("-}}")) {
            single = e
        }
        let code = CompiledTemplate(name: name, body: body, isPlainText: plain, singleExpression: single)
        cacheLock.withLock {
            if cache.count > 10_000 { cache.removeAll() }
            cache[key] = code
        }
        return code
    }

    /// Loads a template through `loader` (for include/import/extends).
    func load(_ name: String) throws -> CompiledTemplate {
        if let c = cacheLock.withLock({ loaded[name] }) { return c }
        guard let loader = loader else {
            throw TemplateError(kind: .runtime, message: "no loader for this environment specified", templateName: name)
        }
        let source: String, filename: String
        do {
            (source, filename) = try loader(name)
        } catch let e as TemplateError {
            throw e
        } catch {
            // Loader failures (missing file, unreadable...) become "template not found" errors,
            // which `include ... ignore missing` skips.
            throw TemplateError(kind: .runtime, message: "TemplateNotFound: \(name) (\(error))")
        }
        let code = try compile(source, name: filename)
        cacheLock.withLock { loaded[name] = code }
        return code
    }

    /// Forgets templates fetched through the loader (call after changing what the loader returns).
    public func clearLoadedTemplates() { cacheLock.withLock { loaded.removeAll() } }

    public func expression(_ source: String) throws -> Expression {
        if let e = cacheLock.withLock({ expressionCache[source] }) { return Expression(env: self, expr: e) }
        let tokens = try Lexer.tokenizeExpression(source, options: options)
        var parser = Parser(tokens: tokens, templateName: nil, env: self)
        let expr = try parser.parseStandaloneExpression()
        cacheLock.withLock {
            if expressionCache.count > 10_000 { expressionCache.removeAll() }
            expressionCache[source] = expr
        }
        return Expression(env: self, expr: expr)
    }

    public func callFilter(_ name: String, _ input: Value, args: [Value] = [], kwargs: Kwargs = [:]) throws -> Value {
        guard let f = filters[name] else { throw TemplateError(kind: .syntax, message: "No filter named '\(name)'.") }
        return try f(input, args, kwargs, self)
    }

    public func callTest(_ name: String, _ input: Value, args: [Value] = [], kwargs: Kwargs = [:]) throws -> Bool {
        guard let t = tests[name] else { throw TemplateError(kind: .syntax, message: "No test named '\(name)'.") }
        return try t(input, args, kwargs, self)
    }
}

public final class Template {
    let env: Environment
    let code: CompiledTemplate

    init(env: Environment, code: CompiledTemplate) {
        self.env = env
        self.code = code
    }

    public func render(_ vars: VariableSource) throws -> String {
        let rt = Runtime(env: env)
        var out = Output()
        try rt.renderTemplate(code, scope: Scope(source: vars), out: &out)
        return out.text
    }

    public func render(_ vars: [String: Value]) throws -> String {
        try render(DictVariables(vars))
    }

    public var singleExpression: Expression? {
        code.singleExpression.map { Expression(env: env, expr: $0) }
    }

    public var isPlainText: Bool { code.isPlainText }
}

public final class Expression {
    let env: Environment
    let expr: Expr

    init(env: Environment, expr: Expr) {
        self.env = env
        self.expr = expr
    }

    public func evaluate(_ vars: VariableSource) throws -> Value {
        let rt = Runtime(env: env)
        return try rt.evalTop(expr, scope: Scope(source: vars))
    }

    public func evaluate(_ vars: [String: Value]) throws -> Value {
        try evaluate(DictVariables(vars))
    }
}
