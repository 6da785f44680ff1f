import Foundation

/// Built-in filter table; each family registers itself from its own file.
enum BuiltinFilters {
    static var all: [String: FilterFunction] {
        var f: [String: FilterFunction] = [:]
        StringFilters.register(&f)
        SequenceFilters.register(&f)
        ValueFilters.register(&f)
        return f
    }
}

/// Reads a filter's arguments by position or keyword, Python style.
struct FilterArgs {
    let args: [Value]
    let kwargs: Kwargs
    let filter: String

    init(_ args: [Value], _ kwargs: Kwargs, _ filter: String) {
        self.args = args
        self.kwargs = kwargs
        self.filter = filter
    }

    func get(_ i: Int, _ name: String) -> Value? {
        if i < args.count { return args[i] }
        return kwargs[name]
    }

    func bool(_ i: Int, _ name: String, _ def: Bool) -> Bool {
        get(i, name)?.truthy ?? def
    }

    func int(_ i: Int, _ name: String, _ def: Int) throws -> Int {
        guard let v = get(i, name) else { return def }
        switch v {
        case .int(let n): return n
        case .bool(let b): return b ? 1 : 0
        case .double(let d) where d.isFinite: return Int(d)
        case .string(let s): if let n = Int(s) { return n }
        default: break
        }
        throw TemplateError.type("\(filter)(): '\(v.typeName)' object cannot be interpreted as an integer")
    }

    func string(_ i: Int, _ name: String, _ env: Environment) throws -> String? {
        guard let v = get(i, name), !v.isNone else { return nil }
        return try env.str(v)
    }
}

extension Environment {
    /// Follows a dotted attribute path ("a.b", "items.0") the way Jinja's attribute filters do.
    func attributePath(_ item: Value, _ path: Value) throws -> Value {
        var v = item
        let parts: [Value]
        if case .string(let s) = path, !s.utf8.contains(UInt8(ascii: ".")), s.utf8.first.map({ $0 < 48 || $0 > 57 }) ?? true {
            return try getitem(item, path)
        }
        switch path {
        case .string(let s):
            parts = s.split(separator: ".", omittingEmptySubsequences: false).map { p in
                Int(p).map(Value.int) ?? .string(String(p))
            }
        case .int: parts = [path]
        default: parts = [path]
        }
        for p in parts { v = try getitem(v, p) }
        return v
    }

    /// Key function used by sort/unique/min/max/groupby: attribute lookup plus optional case folding.
    func sortKey(attribute: Value?, caseSensitive: Bool, default def: Value? = nil) -> (Value) throws -> Value {
        return { item in
            var v = item
            if let a = attribute, !a.isNone {
                v = try self.attributePath(item, a)
                if case .undefined = v, let d = def { v = d }
            }
            if !caseSensitive, case .string(let s) = v { return .string(PyString.lower(s)) }
            return v
        }
    }
}
