/// Built-in tests (`x is name(args)`), including the operator aliases.
enum BuiltinTests {
    static var all: [String: TestFunction] {
        var t: [String: TestFunction] = [:]
        t["defined"] = { v, _, _, _ in !v.isUndefined }
        t["undefined"] = { v, _, _, _ in v.isUndefined }
        t["none"] = { v, _, _, _ in v.isNone }
        t["boolean"] = { v, _, _, _ in if case .bool = v { return true } else { return false } }
        t["true"] = { v, _, _, _ in if case .bool(true) = v { return true } else { return false } }
        t["false"] = { v, _, _, _ in if case .bool(false) = v { return true } else { return false } }
        t["integer"] = { v, _, _, _ in if case .int = v { return true } else { return false } }
        t["float"] = { v, _, _, _ in if case .double = v { return true } else { return false } }
        t["number"] = { v, _, _, _ in v.numericDouble != nil }
        t["string"] = { v, _, _, _ in
            switch v {
            case .string: return true
            case .object(let o): return o is Markup
            default: return false
            }
        }
        t["mapping"] = { v, _, _, _ in v.dictValue != nil }
        t["callable"] = { v, _, _, _ in
            switch v {
            case .callable: return true
            case .object(let o): return (o as? LoopInfo)?.recurse != nil
            default: return false
            }
        }
        t["escaped"] = { v, _, _, _ in if case .object(let o) = v { return o is Markup } else { return false } }
        t["sequence"] = { v, _, _, env in
            switch v {
            case .string, .list, .tuple, .dict: return true
            case .undefined(let u): return !env.isStrict(u)
            case .object(let o): return o is Markup
            default: return false
            }
        }
        t["iterable"] = { v, _, _, env in
            switch v {
            case .string, .list, .tuple, .dict: return true
            case .undefined(let u):
                if env.isStrict(u) { throw env.undefinedError(u) }
                return true
            case .object(let o): return o is Markup || o.keys != nil
            default: return false
            }
        }
        t["odd"] = { v, _, _, env in try !env.equals(env.binary(.mod, v, .int(2)), .int(0)) }
        t["even"] = { v, _, _, env in try env.equals(env.binary(.mod, v, .int(2)), .int(0)) }
        t["divisibleby"] = { v, a, k, env in
            guard let n = a.first ?? k["num"] else { throw TemplateError.type("divisibleby() missing required argument 'num'") }
            return try env.equals(env.binary(.mod, v, n), .int(0))
        }
        t["lower"] = { v, _, _, env in PyString.islower(try env.str(v)) }
        t["upper"] = { v, _, _, env in PyString.isupper(try env.str(v)) }
        t["filter"] = { v, _, _, env in v.stringValue.map { env.filters[$0] != nil } ?? false }
        t["test"] = { v, _, _, env in v.stringValue.map { env.tests[$0] != nil } ?? false }
        t["in"] = { v, a, k, env in
            guard let seq = a.first ?? k["seq"] else { throw TemplateError.type("test_in() missing required argument 'seq'") }
            return try env.contains(seq, v)
        }
        t["sameas"] = { v, a, k, _ in
            guard let other = a.first ?? k["other"] else { throw TemplateError.type("sameas() missing required argument 'other'") }
            return sameObject(v, other)
        }
        func comparison(_ op: CompareOp) -> TestFunction {
            return { v, a, k, env in
                guard let other = a.first ?? k["other"] else { throw TemplateError.type("missing required argument 'other'") }
                return try env.compare(op, v, other)
            }
        }
        for (names, op) in [(["eq", "equalto", "=="], CompareOp.eq), (["ne", "!="], .ne), (["lt", "lessthan", "<"], .lt),
                            (["le", "<="], .le), (["gt", "greaterthan", ">"], .gt), (["ge", ">="], .ge)] {
            for n in names { t[n] = comparison(op) }
        }
        return t
    }

    /// Python `is`: singletons and small ints are shared; other values are identical only as the same object.
    static func sameObject(_ a: Value, _ b: Value) -> Bool {
        switch (a, b) {
        case (.none, .none): return true
        case (.bool(let x), .bool(let y)): return x == y
        case (.int(let x), .int(let y)): return x == y && x >= -5 && x <= 256
        case (.undefined, .undefined): return false
        case (.callable(let x), .callable(let y)): return x === y
        case (.object(let x), .object(let y)): return x === y
        default: return false
        }
    }
}
