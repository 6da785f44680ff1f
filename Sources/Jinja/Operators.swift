import Foundation

/// Python semantics for conversions and operators, with the environment's undefined policy applied.
extension Environment {
    /// Whether using this undefined value (printing, iterating, comparing) is an error.
    func isStrict(_ u: Undefined) -> Bool { options.undefined == .strict && !u.alwaysLenient }

    func undefinedError(_ u: Undefined) -> TemplateError {
        TemplateError(kind: .undefined, message: u.description)
    }

    /// `str(value)`, failing on undefined in strict mode.
    public func str(_ v: Value) throws -> String {
        switch v {
        case .string(let s): return s
        case .undefined(let u):
            if isStrict(u) { throw undefinedError(u) }
            return ""
        default: return v.pythonStr
        }
    }

    /// Python truthiness, failing on undefined in strict mode.
    public func truth(_ v: Value) throws -> Bool {
        if case .undefined(let u) = v, isStrict(u) { throw undefinedError(u) }
        return v.truthy
    }

    /// The items Python would produce iterating over `v` (dict keys, string characters, ...).
    public func iterate(_ v: Value) throws -> [Value] {
        switch v {
        case .list(let l), .tuple(let l): return l
        case .dict(let d): return d.keys.map { .string($0) }
        case .string(let s): return s.map { .string(String($0)) }
        case .undefined(let u):
            if isStrict(u) { throw undefinedError(u) }
            return []
        case .object(let o):
            if let m = o as? Markup { return m.text.map { .string(String($0)) } }
            if let keys = o.keys { return keys.map { .string($0) } }
            throw TemplateError.type("'\(o.typeName)' object is not iterable")
        default:
            throw TemplateError.type("'\(v.typeName)' object is not iterable")
        }
    }

    /// `len(v)`.
    func length(_ v: Value) throws -> Int {
        switch v {
        case .list(let l), .tuple(let l): return l.count
        case .dict(let d): return d.count
        case .string(let s): return s.count
        case .undefined(let u):
            if isStrict(u) { throw undefinedError(u) }
            return 0
        case .object(let o):
            if let m = o as? Markup { return m.text.count }
            if let k = o.keys { return k.count }
            throw TemplateError.type("object of type '\(o.typeName)' has no len()")
        default:
            throw TemplateError.type("object of type '\(v.typeName)' has no len()")
        }
    }

    // MARK: arithmetic

    /// Markup behaves like its string content in arithmetic and comparisons.
    private func plain(_ v: Value) throws -> Value {
        switch v {
        case .undefined(let u): throw undefinedError(u)
        case .object(let o): if let m = o as? Markup { return .string(m.text) }
        default: break
        }
        return v
    }

    private func intOrBool(_ v: Value) -> Int? {
        switch v {
        case .int(let i): return i
        case .bool(let b): return b ? 1 : 0
        default: return nil
        }
    }

    private func number(_ v: Value) -> Double? {
        switch v {
        case .int(let i): return Double(i)
        case .bool(let b): return b ? 1 : 0
        case .double(let d): return d
        default: return nil
        }
    }

    private func unsupported(_ op: String, _ l: Value, _ r: Value) -> TemplateError {
        .type("unsupported operand type(s) for \(op): '\(l.typeName)' and '\(r.typeName)'")
    }

    private func overflow() -> TemplateError { .runtime("integer overflow") }

    /// Markup operands make `+` and `%` escape the plain-string side, as markupsafe does.
    private func markupBinary(_ op: BinaryOp, _ lhs: Value, _ rhs: Value) throws -> Value? {
        func markup(_ v: Value) -> Markup? { if case .object(let o) = v { return o as? Markup } else { return nil } }
        func escaped(_ v: Value) throws -> String {
            if let m = markup(v) { return m.text }
            return PyString.escapeHTML(try str(v))
        }
        switch op {
        case .add where markup(lhs) != nil || markup(rhs) != nil:
            guard case .string = try plain(lhs), case .string = try plain(rhs) else { return nil }
            return .object(Markup(try escaped(lhs) + escaped(rhs)))
        case .mod:
            guard let m = markup(lhs) else { return nil }
            let args: Value
            switch rhs {
            case .tuple(let t): args = .tuple(try t.map { $0.stringValue != nil ? .object(Markup(try escaped($0))) : $0 })
            case .string: args = .object(Markup(try escaped(rhs)))
            default: args = rhs
            }
            return .object(Markup(try PercentFormat.format(m.text, args, env: self)))
        default:
            return nil
        }
    }

    func binary(_ op: BinaryOp, _ lhs: Value, _ rhs: Value) throws -> Value {
        if case .object = lhs, let v = try markupBinary(op, lhs, rhs) { return v }
        if case .object = rhs, let v = try markupBinary(op, lhs, rhs) { return v }
        let l = try plain(lhs), r = try plain(rhs)
        if let a = intOrBool(l), let b = intOrBool(r) { return try intBinary(op, a, b) }
        if let a = number(l), let b = number(r) { return try doubleBinary(op, a, b) }
        switch (op, l, r) {
        case (.add, .string(let a), .string(let b)): return .string(a + b)
        case (.add, .list(let a), .list(let b)): return .list(a + b)
        case (.add, .tuple(let a), .tuple(let b)): return .tuple(a + b)
        case (.mul, .string(let s), _), (.mul, _, .string(let s)):
            guard let n = intOrBool(l.stringValue == nil ? l : r) else { break }
            try PyString.checkSize(n.multipliedReportingOverflow(by: max(1, s.utf8.count)).overflow ? Int.max : n * max(1, s.utf8.count))
            return .string(n > 0 ? String(repeating: s, count: n) : "")
        case (.mul, .list(let a), _), (.mul, _, .list(let a)):
            guard let n = intOrBool(l.listValue == nil ? l : r) else { break }
            try PyString.checkSize(n.multipliedReportingOverflow(by: max(1, a.count)).overflow ? Int.max : n * max(1, a.count))
            return .list(n > 0 ? Array([[Value]](repeating: a, count: n).joined()) : [])
        case (.mul, .tuple(let a), _), (.mul, _, .tuple(let a)):
            guard let n = intOrBool(l.listValue == nil ? l : r) else { break }
            try PyString.checkSize(n.multipliedReportingOverflow(by: max(1, a.count)).overflow ? Int.max : n * max(1, a.count))
            return .tuple(n > 0 ? Array([[Value]](repeating: a, count: n).joined()) : [])
        case (.mod, .string(let fmt), _):
            return .string(try PercentFormat.format(fmt, r, env: self))
        default: break
        }
        if op == .add, case .string = l {
            throw TemplateError.type("can only concatenate str (not \"\(r.typeName)\") to str")
        }
        throw unsupported(op.rawValue, l, r)
    }

    private func intBinary(_ op: BinaryOp, _ a: Int, _ b: Int) throws -> Value {
        switch op {
        case .add:
            let (v, o) = a.addingReportingOverflow(b)
            if o { throw overflow() }
            return .int(v)
        case .sub:
            let (v, o) = a.subtractingReportingOverflow(b)
            if o { throw overflow() }
            return .int(v)
        case .mul:
            let (v, o) = a.multipliedReportingOverflow(by: b)
            if o { throw overflow() }
            return .int(v)
        case .div:
            if b == 0 { throw TemplateError.runtime("division by zero") }
            return .double(Double(a) / Double(b))
        case .floorDiv:
            if b == 0 { throw TemplateError.runtime("integer division or modulo by zero") }
            if a == Int.min && b == -1 { throw overflow() }
            var q = a / b
            if (a % b != 0) && ((a < 0) != (b < 0)) { q -= 1 }
            return .int(q)
        case .mod:
            if b == 0 { throw TemplateError.runtime("integer division or modulo by zero") }
            if b == -1 { return .int(0) }
            var m = a % b
            if m != 0 && ((m < 0) != (b < 0)) { m += b }
            return .int(m)
        case .pow:
            if b < 0 {
                if a == 0 { throw TemplateError.runtime("0.0 cannot be raised to a negative power") }
                return .double(Foundation.pow(Double(a), Double(b)))
            }
            var result = 1, base = a, e = b
            while e > 0 {
                if e & 1 == 1 {
                    let (v, o) = result.multipliedReportingOverflow(by: base)
                    if o { throw overflow() }
                    result = v
                }
                e >>= 1
                if e > 0 {
                    let (v, o) = base.multipliedReportingOverflow(by: base)
                    if o { throw overflow() }
                    base = v
                }
            }
            return .int(result)
        }
    }

    private func doubleBinary(_ op: BinaryOp, _ a: Double, _ b: Double) throws -> Value {
        switch op {
        case .add: return .double(a + b)
        case .sub: return .double(a - b)
        case .mul: return .double(a * b)
        case .div:
            if b == 0 { throw TemplateError.runtime("float division by zero") }
            return .double(a / b)
        case .floorDiv:
            if b == 0 { throw TemplateError.runtime("float floor division by zero") }
            return .double((a / b).rounded(.down))
        case .mod:
            if b == 0 { throw TemplateError.runtime("float modulo") }
            var m = fmod(a, b)
            if m != 0 && ((m < 0) != (b < 0)) { m += b }
            return .double(m)
        case .pow:
            if a == 0 && b < 0 { throw TemplateError.runtime("0.0 cannot be raised to a negative power") }
            return .double(Foundation.pow(a, b))
        }
    }

    func negate(_ v: Value) throws -> Value {
        switch try plain(v) {
        case .int(let i):
            if i == Int.min { throw overflow() }
            return .int(-i)
        case .bool(let b): return .int(b ? -1 : 0)
        case .double(let d): return .double(-d)
        default: throw TemplateError.type("bad operand type for unary -: '\(v.typeName)'")
        }
    }

    func unaryPlus(_ v: Value) throws -> Value {
        switch try plain(v) {
        case .int(let i): return .int(i)
        case .bool(let b): return .int(b ? 1 : 0)
        case .double(let d): return .double(d)
        default: throw TemplateError.type("bad operand type for unary +: '\(v.typeName)'")
        }
    }

    // MARK: comparisons

    func compare(_ op: CompareOp, _ l: Value, _ r: Value) throws -> Bool {
        switch op {
        case .eq: return try equals(l, r)
        case .ne: return try !equals(l, r)
        case .in: return try contains(r, l)
        case .notIn: return try !contains(r, l)
        case .lt: return try lessThan(l, r, op: "<")
        case .gt: return try lessThan(r, l, op: ">")
        case .le: return try !lessThan(r, l, op: "<=")
        case .ge: return try !lessThan(l, r, op: ">=")
        }
    }

    func equals(_ l: Value, _ r: Value) throws -> Bool {
        if case .undefined(let u) = l, isStrict(u) { throw undefinedError(u) }
        if case .undefined(let u) = r, isStrict(u) { throw undefinedError(u) }
        switch (l, r) {
        case (.object(let a), _): if let m = a as? Markup { return Value.string(m.text) == r }
        case (_, .object(let b)): if let m = b as? Markup { return l == Value.string(m.text) }
        default: break
        }
        return l == r
    }

    func contains(_ container: Value, _ item: Value) throws -> Bool {
        if case .undefined(let u) = item, isStrict(u) { throw undefinedError(u) }
        switch try containerValue(container) {
        case .string(let s):
            guard case .string(let sub) = try plain(item) else {
                throw TemplateError.type("'in <string>' requires string as left operand, not \(item.typeName)")
            }
            return sub.isEmpty || s.contains(sub)
        case .list(let l), .tuple(let l):
            for x in l where try equals(x, item) { return true }
            return false
        case .dict(let d):
            switch item {
            case .string(let k): return d[k] != nil
            case .int, .double, .bool, .none: return d[item.pythonRepr] != nil
            default: throw TemplateError.type("unhashable type: '\(item.typeName)'")
            }
        case .undefined: return false
        case .object(let o):
            guard let keys = o.keys else { throw TemplateError.type("argument of type '\(o.typeName)' is not iterable") }
            return item.stringValue.map { keys.contains($0) } ?? false
        default:
            throw TemplateError.type("argument of type '\(container.typeName)' is not iterable")
        }
    }

    private func containerValue(_ v: Value) throws -> Value {
        switch v {
        case .undefined(let u):
            if isStrict(u) { throw undefinedError(u) }
            return v
        case .object(let o):
            if let m = o as? Markup { return .string(m.text) }
            return v
        default: return v
        }
    }

    /// Python `<` between two values.
    func lessThan(_ lhs: Value, _ rhs: Value, op: String = "<") throws -> Bool {
        let l = try plain(lhs), r = try plain(rhs)
        if let a = intOrBool(l), let b = intOrBool(r) { return a < b }
        if let a = number(l), let b = number(r) { return a < b }
        switch (l, r) {
        // UTF-8 byte order is code point order, which is how Python compares strings.
        case (.string(let a), .string(let b)): return a.utf8.lexicographicallyPrecedes(b.utf8)
        case (.list(let a), .list(let b)), (.tuple(let a), .tuple(let b)):
            for (x, y) in zip(a, b) where !(try equals(x, y)) {
                return try lessThan(x, y, op: op)
            }
            return a.count < b.count
        default:
            throw TemplateError.type("'\(op)' not supported between instances of '\(l.typeName)' and '\(r.typeName)'")
        }
    }
}
