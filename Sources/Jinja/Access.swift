/// Attribute and item access with Jinja's fallbacks: `a.b` tries the attribute (methods) and then
/// the item; `a[b]` tries the item and then the attribute.
extension Environment {
    /// How Jinja names an object's type in "has no attribute" messages.
    private func objectTypeRepr(_ v: Value) -> String {
        if case .none = v { return "None" }
        return "\(v.typeName) object"
    }

    private func missingAttribute(_ obj: Value, _ name: String) -> Value {
        .undefined(Undefined(name: name, hint: "\(Value.reprString(objectTypeRepr(obj))) has no attribute \(Value.reprString(name))"))
    }

    private func missingElement(_ obj: Value, _ key: Value) -> Value {
        .undefined(Undefined(name: key.pythonRepr, hint: "\(objectTypeRepr(obj)) has no element \(key.pythonRepr)"))
    }

    /// What accessing anything on an undefined value gives: an error, or the same undefined when chaining.
    private func chain(_ u: Undefined, _ v: Value) throws -> Value {
        if options.undefined == .lenient || u.alwaysLenient { throw undefinedError(u) }
        return v
    }

    /// The bound method or attribute `name` of `obj`, if Python has one.
    func attribute(_ obj: Value, _ name: String) -> Value? {
        switch obj {
        case .string(let s): return StringMethods.method(s, name)
        case .list(let l): return ListDictMethods.listMethod(l, name, env: self)
        case .tuple(let t):
            // Items produced by `groupby` are named tuples (grouper, list).
            if t.count == 2 {
                if name == "grouper" { return t[0] }
                if name == "list" { return t[1] }
            }
            return ListDictMethods.tupleMethod(t, name, env: self)
        case .dict(let d): return ListDictMethods.dictMethod(d, name, env: self)
        case .object(let o): return o.attribute(name)
        case .callable(let c): return c.attributes[name]
        case .int(let i):
            if name == "real" || name == "numerator" { return .int(i) }
            if name == "imag" { return .int(0) }
            if name == "denominator" { return .int(1) }
            return nil
        case .double(let d):
            if name == "real" { return .double(d) }
            if name == "imag" { return .double(0) }
            if name == "is_integer" { return .callable(Callable(name: "is_integer") { _, _ in .bool(d.rounded() == d) }) }
            return nil
        default: return nil
        }
    }

    public func getattr(_ obj: Value, _ name: String) throws -> Value {
        if case .undefined(let u) = obj { return try chain(u, obj) }
        // Fast path for the common `dict.key`: only names of dict methods need the method lookup.
        if case .dict(let d) = obj, !ListDictMethods.mayBeDictMethod(name), let v = d[name] { return v }
        if let v = attribute(obj, name) { return v }
        if case .dict(let d) = obj, let v = d[name] { return v }
        return missingAttribute(obj, name)
    }

    public func getitem(_ obj: Value, _ key: Value) throws -> Value {
        switch obj {
        case .undefined(let u):
            return try chain(u, obj)
        case .dict(let d):
            switch key {
            case .string(let k):
                if let v = d[k] { return v }
                return attribute(obj, k) ?? missingAttribute(obj, k)
            case .int, .bool, .double, .none:
                return d[key.pythonRepr] ?? missingElement(obj, key)
            default:
                return missingElement(obj, key)
            }
        case .list(let l), .tuple(let l):
            if case .string(let k) = key { return attribute(obj, k) ?? missingAttribute(obj, k) }
            guard let i = index(key), let j = normalize(i, l.count) else { return missingElement(obj, key) }
            return l[j]
        case .string(let s):
            if case .string(let k) = key { return attribute(obj, k) ?? missingAttribute(obj, k) }
            let chars = Array(s)
            guard let i = index(key), let j = normalize(i, chars.count) else { return missingElement(obj, key) }
            return .string(String(chars[j]))
        case .object(let o):
            if let v = o.item(key) { return v }
            if case .string(let k) = key { return missingAttribute(obj, k) }
            return missingElement(obj, key)
        default:
            if case .string(let k) = key { return attribute(obj, k) ?? missingAttribute(obj, k) }
            return missingElement(obj, key)
        }
    }

    private func index(_ v: Value) -> Int? {
        switch v {
        case .int(let i): return i
        case .bool(let b): return b ? 1 : 0
        default: return nil
        }
    }

    private func normalize(_ i: Int, _ count: Int) -> Int? {
        let j = i < 0 ? i + count : i
        return j >= 0 && j < count ? j : nil
    }

    /// Python slice `obj[start:stop:step]`.
    func slice(_ obj: Value, _ start: Value?, _ stop: Value?, _ step: Value?) throws -> Value {
        func bound(_ v: Value?) throws -> Int? {
            guard let v = v else { return nil }
            switch v {
            case .none: return nil
            case .int(let i): return i
            case .bool(let b): return b ? 1 : 0
            case .undefined(let u) where isStrict(u): throw undefinedError(u)
            default: throw TemplateError.type("slice indices must be integers or None or have an __index__ method")
            }
        }
        let st = try bound(step) ?? 1
        if st == 0 { throw TemplateError.runtime("slice step cannot be zero") }
        let a = try bound(start), b = try bound(stop)
        func pick<T>(_ xs: [T]) -> [T] {
            PySlice.indices(count: xs.count, start: a, stop: b, step: st).map { xs[$0] }
        }
        switch obj {
        case .list(let l): return .list(pick(l))
        case .tuple(let l): return .tuple(pick(l))
        case .string(let s): return .string(String(pick(Array(s))))
        case .object(let o):
            if let m = o as? Markup { return .string(String(pick(Array(m.text)))) }
            return .undefined(Undefined(name: "slice", hint: "'\(o.typeName)' object is not subscriptable"))
        case .undefined(let u): return try chain(u, obj)
        default:
            throw TemplateError.type("'\(obj.typeName)' object is not subscriptable")
        }
    }
}

enum PySlice {
    /// The indices Python's slice(start, stop, step) selects from a sequence of `count` items.
    static func indices(count: Int, start: Int?, stop: Int?, step: Int) -> [Int] {
        var out: [Int] = []
        if step > 0 {
            var lo = start ?? 0
            if lo < 0 { lo = max(0, lo + count) }
            lo = min(lo, count)
            var hi = stop ?? count
            if hi < 0 { hi = max(0, hi + count) }
            hi = min(hi, count)
            var i = lo
            while i < hi {
                out.append(i)
                let (next, overflow) = i.addingReportingOverflow(step)
                if overflow { break }
                i = next
            }
        } else {
            var hi = start ?? (count - 1)
            if hi < 0 { hi += count; if hi < 0 { hi = -1 } } else if hi >= count { hi = count - 1 }
            var lo = stop ?? -1
            if stop != nil {
                if lo < 0 { lo += count; if lo < 0 { lo = -1 } } else if lo >= count { lo = count - 1 }
            }
            var i = hi
            while i > lo {
                out.append(i)
                let (next, overflow) = i.addingReportingOverflow(step)
                if overflow { break }
                i = next
            }
        }
        return out
    }
}
