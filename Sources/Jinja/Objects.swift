import OrderedCollections

/// `namespace(...)`: the one mutable object templates can assign attributes on across scopes.
final class Namespace: ValueObject {
    var attrs: OrderedDictionary<String, Value>
    init(_ attrs: OrderedDictionary<String, Value>) { self.attrs = attrs }
    var typeName: String { "Namespace" }
    func attribute(_ name: String) -> Value? { attrs[name] }
    /// A namespace can contain itself; like Python's repr, show the inner occurrence as {...}.
    private var inRepr = false
    var stringValue: String {
        if inRepr { return "<Namespace {...}>" }
        inRepr = true
        defer { inRepr = false }
        return "<Namespace " + Value.dict(attrs).pythonRepr + ">"
    }
}

/// HTML-safe string (result of `escape`/`safe`/`tojson`); prints as its content.
final class Markup: ValueObject {
    let text: String
    init(_ text: String) { self.text = text }
    var typeName: String { "Markup" }
    func attribute(_ name: String) -> Value? { StringMethods.method(text, name) }
    var stringValue: String { text }
}

/// The `loop` variable inside for loops.
final class LoopInfo: ValueObject {
    let items: [Value]
    var index0 = 0
    let depth0: Int
    private var lastChanged: [Value]?
    /// Renders the loop body for a new iterable (only for `recursive` loops).
    var recurse: ((Value) throws -> Value)?

    init(items: [Value], depth0: Int) {
        self.items = items
        self.depth0 = depth0
    }

    var typeName: String { "LoopContext" }
    var stringValue: String { "<LoopContext \(index0 + 1)/\(items.count)>" }

    func attribute(_ name: String) -> Value? {
        let n = items.count
        switch name {
        case "index": return .int(index0 + 1)
        case "index0": return .int(index0)
        case "revindex": return .int(n - index0)
        case "revindex0": return .int(n - index0 - 1)
        case "first": return .bool(index0 == 0)
        case "last": return .bool(index0 == n - 1)
        case "length": return .int(n)
        case "depth": return .int(depth0 + 1)
        case "depth0": return .int(depth0)
        case "previtem":
            return index0 > 0 ? items[index0 - 1] : .undefined(Undefined(name: "previtem", hint: "there is no previous item"))
        case "nextitem":
            return index0 + 1 < n ? items[index0 + 1] : .undefined(Undefined(name: "nextitem", hint: "there is no next item"))
        case "cycle":
            return .callable(Callable(name: "cycle") { args, _ in
                guard !args.isEmpty else { throw TemplateError.type("no items for cycling given") }
                return args[self.index0 % args.count]
            })
        case "changed":
            return .callable(Callable(name: "changed") { args, _ in
                if let last = self.lastChanged, last == args { return .bool(false) }
                self.lastChanged = args
                return .bool(true)
            })
        default: return nil
        }
    }
}

/// `cycler(...)` global.
final class Cycler: ValueObject {
    let items: [Value]
    var pos = 0
    init(_ items: [Value]) { self.items = items }
    var typeName: String { "Cycler" }
    func attribute(_ name: String) -> Value? {
        switch name {
        case "current": return items.isEmpty ? .none : items[pos]
        case "next":
            return .callable(Callable(name: "next") { _, _ in
                guard !self.items.isEmpty else { throw TemplateError.runtime("cycler has no items") }
                let v = self.items[self.pos]
                self.pos = (self.pos + 1) % self.items.count
                return v
            })
        case "reset":
            return .callable(Callable(name: "reset") { _, _ in
                self.pos = 0
                return .none
            })
        case "items": return .list(items)
        default: return nil
        }
    }
}

/// Result of `{% import %}`: the template's exported macros and top-level variables.
final class TemplateModule: ValueObject {
    let name: String
    let exports: [String: Value]
    let output: String
    init(name: String, exports: [String: Value], output: String) {
        self.name = name
        self.exports = exports
        self.output = output
    }
    var typeName: String { "TemplateModule" }
    func attribute(_ name: String) -> Value? { exports[name] }
    var stringValue: String { output }
}

/// `self` inside templates: each block is callable by name.
final class BlockReference: ValueObject {
    let render: (String) throws -> Value?
    init(render: @escaping (String) throws -> Value?) { self.render = render }
    var typeName: String { "TemplateReference" }
    func attribute(_ name: String) -> Value? {
        .callable(Callable(name: name) { [render] _, _ in
            guard let v = try render(name) else {
                throw TemplateError(kind: .undefined, message: "'TemplateReference object' has no attribute '\(name)'")
            }
            return v
        })
    }
}
