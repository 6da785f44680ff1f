import OrderedCollections

/// Arguments of a Python method call, with positional-or-keyword lookup.
struct MethodArgs {
    let args: [Value]
    let kwargs: Kwargs
    func get(_ i: Int, _ name: String) -> Value? {
        if i < args.count { return args[i] }
        return kwargs[name]
    }
    func string(_ i: Int, _ name: String) throws -> String? {
        guard let v = get(i, name), !v.isNone else { return nil }
        switch v {
        case .string(let s): return s
        case .object(let o): if let m = o as? Markup { return m.text }
        default: break
        }
        throw TemplateError.type("argument must be str, not \(v.typeName)")
    }
    func int(_ i: Int, _ name: String) throws -> Int? {
        guard let v = get(i, name), !v.isNone else { return nil }
        switch v {
        case .int(let n): return n
        case .bool(let b): return b ? 1 : 0
        default: throw TemplateError.type("'\(v.typeName)' object cannot be interpreted as an integer")
        }
    }
}

private func method(_ name: String, _ body: @escaping (MethodArgs) throws -> Value) -> Value {
    .callable(Callable(name: name) { args, kwargs in try body(MethodArgs(args: args, kwargs: kwargs)) })
}

enum StringMethods {
    // swiftlint:disable:next cyclomatic_complexity
    static func method(_ s: String, _ name: String) -> Value? {
        switch name {
        case "split": return Jinja.method(name) { a in .list(try PyString.split(s, a.string(0, "sep"), a.int(1, "maxsplit") ?? -1).map { .string($0) }) }
        case "rsplit": return Jinja.method(name) { a in .list(try PyString.rsplit(s, a.string(0, "sep"), a.int(1, "maxsplit") ?? -1).map { .string($0) }) }
        case "strip": return Jinja.method(name) { a in .string(PyString.strip(s, try a.string(0, "chars"))) }
        case "lstrip": return Jinja.method(name) { a in .string(PyString.strip(s, try a.string(0, "chars"), right: false)) }
        case "rstrip": return Jinja.method(name) { a in .string(PyString.strip(s, try a.string(0, "chars"), left: false)) }
        case "startswith", "endswith":
            return Jinja.method(name) { a in
                let prefixes: [String]
                switch a.get(0, "prefix") {
                case .string(let p)?: prefixes = [p]
                case .list(let l)?, .tuple(let l)?: prefixes = l.compactMap(\.stringValue)
                default: throw TemplateError.type("\(name) first arg must be str or a tuple of str")
                }
                return .bool(prefixes.contains { name == "startswith" ? s.hasPrefix($0) : s.hasSuffix($0) })
            }
        case "replace":
            return Jinja.method(name) { a in
                guard let old = try a.string(0, "old"), let new = try a.string(1, "new") else {
                    throw TemplateError.type("replace expected at least 2 arguments")
                }
                return .string(PyString.replace(s, old, new, count: try a.int(2, "count") ?? -1))
            }
        case "lower": return Jinja.method(name) { _ in .string(PyString.lower(s)) }
        case "upper": return Jinja.method(name) { _ in .string(s.uppercased()) }
        case "casefold": return Jinja.method(name) { _ in .string(s.lowercased()) }
        case "title": return Jinja.method(name) { _ in .string(PyString.title(s)) }
        case "capitalize": return Jinja.method(name) { _ in .string(PyString.capitalize(s)) }
        case "swapcase": return Jinja.method(name) { _ in .string(PyString.swapcase(s)) }
        case "format": return .callable(Callable(name: name) { args, kwargs in .string(try PyFormat.format(s, args, kwargs)) })
        case "join":
            return Jinja.method(name) { a in
                guard let v = a.get(0, "iterable") else { throw TemplateError.type("join() takes exactly one argument") }
                let items: [Value]
                switch v {
                case .list(let l), .tuple(let l): items = l
                case .dict(let d): items = d.keys.map { .string($0) }
                case .string(let str): items = str.unicodeScalars.map { .string(String($0)) }
                default: throw TemplateError.type("can only join an iterable")
                }
                var parts: [String] = []
                for (i, item) in items.enumerated() {
                    guard case .string(let p) = item else {
                        throw TemplateError.type("sequence item \(i): expected str instance, \(item.typeName) found")
                    }
                    parts.append(p)
                }
                return .string(parts.joined(separator: s))
            }
        case "find", "rfind", "index", "rindex":
            return Jinja.method(name) { a in
                guard let sub = try a.string(0, "sub") else { throw TemplateError.type("\(name)() takes at least 1 argument") }
                let i = PyString.find(s, sub, reverse: name.hasPrefix("r"))
                if i < 0 && name.hasSuffix("index") { throw TemplateError.runtime("substring not found") }
                return .int(i)
            }
        case "count":
            return Jinja.method(name) { a in
                guard let sub = try a.string(0, "sub") else { throw TemplateError.type("count() takes at least 1 argument") }
                return .int(PyString.count(s, sub))
            }
        case "isdigit": return Jinja.method(name) { _ in .bool(PyString.isdigit(s)) }
        case "isdecimal": return Jinja.method(name) { _ in .bool(PyString.isdecimal(s)) }
        case "isnumeric": return Jinja.method(name) { _ in .bool(PyString.isnumeric(s)) }
        case "isalpha": return Jinja.method(name) { _ in .bool(PyString.isalpha(s)) }
        case "isalnum": return Jinja.method(name) { _ in .bool(PyString.isalnum(s)) }
        case "islower": return Jinja.method(name) { _ in .bool(PyString.islower(s)) }
        case "isupper": return Jinja.method(name) { _ in .bool(PyString.isupper(s)) }
        case "isspace": return Jinja.method(name) { _ in .bool(PyString.isspace(s)) }
        case "splitlines":
            return Jinja.method(name) { a in
                .list(PyString.splitlines(s, keepends: a.get(0, "keepends")?.truthy ?? false).map { .string($0) })
            }
        case "zfill":
            return Jinja.method(name) { a in .string(try PyString.zfill(s, try a.int(0, "width") ?? 0)) }
        case "center", "ljust", "rjust":
            return Jinja.method(name) { a in
                let width = try a.int(0, "width") ?? 0
                let fill = try a.string(1, "fillchar") ?? " "
                guard fill.unicodeScalars.count == 1 else { throw TemplateError.type("The fill character must be exactly one character long") }
                let align: Character = name == "center" ? "^" : (name == "ljust" ? "<" : ">")
                return .string(try PyString.pad(s, width, align, fill: fill))
            }
        case "partition", "rpartition":
            return Jinja.method(name) { a in
                guard let sep = try a.string(0, "sep"), !sep.isEmpty else { throw TemplateError.runtime("empty separator") }
                let r = name == "partition" ? s.range(of: sep) : s.range(of: sep, options: .backwards)
                guard let r = r else {
                    return name == "partition" ? .tuple([.string(s), .string(""), .string("")]) : .tuple([.string(""), .string(""), .string(s)])
                }
                return .tuple([.string(String(s[..<r.lowerBound])), .string(sep), .string(String(s[r.upperBound...]))])
            }
        case "removeprefix":
            return Jinja.method(name) { a in
                let p = try a.string(0, "prefix") ?? ""
                return .string(!p.isEmpty && s.hasPrefix(p) ? String(s.dropFirst(p.count)) : s)
            }
        case "removesuffix":
            return Jinja.method(name) { a in
                let p = try a.string(0, "suffix") ?? ""
                return .string(!p.isEmpty && s.hasSuffix(p) ? String(s.dropLast(p.count)) : s)
            }
        default: return nil
        }
    }
}

enum ListDictMethods {
    /// Methods that change their receiver; the runtime writes the changed value back to the variable.
    static let mutating: Set<String> = [
        "append", "extend", "insert", "pop", "remove", "reverse", "sort", "clear", "update", "setdefault", "popitem",
    ]

    static func listMethod(_ l: [Value], _ name: String, env: Environment) -> Value? {
        if mutating.contains(name) {
            // Called without a variable to write back to: act on a copy.
            return .callable(Callable(name: name) { args, kwargs in
                var copy = Value.list(l)
                return try mutate(&copy, name, args, kwargs, env)
            })
        }
        return tupleMethod(l, name, env: env)
    }

    static func tupleMethod(_ l: [Value], _ name: String, env: Environment) -> Value? {
        switch name {
        case "index":
            return method(name) { a in
                guard let x = a.get(0, "value") else { throw TemplateError.type("index expected 1 argument") }
                for (i, v) in l.enumerated() where try env.equals(v, x) { return .int(i) }
                throw TemplateError.runtime("\(x.pythonRepr) is not in list")
            }
        case "count":
            return method(name) { a in
                guard let x = a.get(0, "value") else { throw TemplateError.type("count expected 1 argument") }
                return .int(try l.filter { try env.equals($0, x) }.count)
            }
        case "copy": return method(name) { _ in .list(l) }
        default: return nil
        }
    }

    static let dictMethodNames: Set<String> = ["keys", "values", "items", "get", "copy", "pop", "update", "setdefault", "clear", "popitem"]

    static func mayBeDictMethod(_ name: String) -> Bool {
        guard let f = name.utf8.first, name.utf8.count <= 10 else { return false }
        // Called for every `dict.key`: a string compare per candidate is cheaper than hashing.
        switch f {
        case UInt8(ascii: "k"): return name == "keys"
        case UInt8(ascii: "v"): return name == "values"
        case UInt8(ascii: "i"): return name == "items"
        case UInt8(ascii: "g"): return name == "get"
        case UInt8(ascii: "c"): return name == "copy" || name == "clear"
        case UInt8(ascii: "p"): return name == "pop" || name == "popitem"
        case UInt8(ascii: "u"): return name == "update"
        case UInt8(ascii: "s"): return name == "setdefault"
        default: return false
        }
    }

    static func dictMethod(_ d: OrderedDictionary<String, Value>, _ name: String, env: Environment) -> Value? {
        switch name {
        case "keys": return method(name) { _ in .list(d.keys.map { .string($0) }) }
        case "values": return method(name) { _ in .list(Array(d.values)) }
        case "items": return method(name) { _ in .list(d.map { .tuple([.string($0.key), $0.value]) }) }
        case "get":
            return method(name) { a in
                guard let k = a.get(0, "key") else { throw TemplateError.type("get expected at least 1 argument") }
                return d[k.stringValue ?? k.pythonRepr] ?? a.get(1, "default") ?? .none
            }
        case "copy": return method(name) { _ in .dict(d) }
        default:
            guard mutating.contains(name), ["pop", "update", "setdefault", "clear", "popitem"].contains(name) else { return nil }
            return .callable(Callable(name: name) { args, kwargs in
                var copy = Value.dict(d)
                return try mutate(&copy, name, args, kwargs, env)
            })
        }
    }

    /// Applies a mutating list/dict method to `recv` in place and returns the method's result.
    static func mutate(_ recv: inout Value, _ name: String, _ args: [Value], _ kwargs: Kwargs, _ env: Environment) throws -> Value {
        let a = MethodArgs(args: args, kwargs: kwargs)
        switch recv {
        case .list(var l):
            defer { recv = .list(l) }
            switch name {
            case "append":
                guard let x = a.get(0, "object") else { throw TemplateError.type("append() takes exactly one argument (0 given)") }
                l.append(x)
                return .none
            case "extend":
                guard let x = a.get(0, "iterable") else { throw TemplateError.type("extend() takes exactly one argument (0 given)") }
                l += try env.iterate(x)
                return .none
            case "insert":
                guard var i = try a.int(0, "index"), let x = a.get(1, "object") else { throw TemplateError.type("insert expected 2 arguments") }
                if i < 0 { i = max(0, i + l.count) }
                l.insert(x, at: min(i, l.count))
                return .none
            case "pop":
                guard !l.isEmpty else { throw TemplateError.runtime("pop from empty list") }
                var i = try a.int(0, "index") ?? -1
                if i < 0 { i += l.count }
                guard i >= 0 && i < l.count else { throw TemplateError.runtime("pop index out of range") }
                return l.remove(at: i)
            case "remove":
                guard let x = a.get(0, "value") else { throw TemplateError.type("remove() takes exactly one argument") }
                guard let i = try l.firstIndex(where: { try env.equals($0, x) }) else {
                    throw TemplateError.runtime("list.remove(x): x not in list")
                }
                l.remove(at: i)
                return .none
            case "reverse":
                l.reverse()
                return .none
            case "sort":
                let rev = kwargs["reverse"]?.truthy ?? false
                l = try Sorting.sorted(l, env: env, key: { $0 }, reverse: rev)
                return .none
            case "clear":
                l.removeAll()
                return .none
            default:
                throw TemplateError.runtime("'list' object has no attribute '\(name)'")
            }
        case .dict(var d):
            defer { recv = .dict(d) }
            switch name {
            case "update":
                if let other = a.args.first {
                    switch other {
                    case .dict(let o): for (k, v) in o { d[k] = v }
                    default:
                        for pair in try env.iterate(other) {
                            let kv = try env.iterate(pair)
                            guard kv.count == 2 else { throw TemplateError.runtime("dictionary update sequence element has wrong length") }
                            d[kv[0].stringValue ?? kv[0].pythonRepr] = kv[1]
                        }
                    }
                }
                for (k, v) in kwargs { d[k] = v }
                return .none
            case "pop":
                guard let k = a.get(0, "key") else { throw TemplateError.type("pop expected at least 1 argument, got 0") }
                let key = k.stringValue ?? k.pythonRepr
                if let v = d.removeValue(forKey: key) { return v }
                if let def = a.get(1, "default") { return def }
                throw TemplateError.runtime("KeyError: \(k.pythonRepr)")
            case "setdefault":
                guard let k = a.get(0, "key") else { throw TemplateError.type("setdefault expected at least 1 argument, got 0") }
                let key = k.stringValue ?? k.pythonRepr
                if let v = d[key] { return v }
                let def = a.get(1, "default") ?? .none
                d[key] = def
                return def
            case "clear":
                d.removeAll()
                return .none
            case "popitem":
                guard let last = d.elements.last else { throw TemplateError.runtime("popitem(): dictionary is empty") }
                d.removeValue(forKey: last.key)
                return .tuple([.string(last.key), last.value])
            default:
                throw TemplateError.runtime("'dict' object has no attribute '\(name)'")
            }
        default:
            throw TemplateError.type("'\(recv.typeName)' object has no attribute '\(name)'")
        }
    }
}

enum Sorting {
    /// The indices of `strings` in Python's order (stable: equal strings keep their positions).
    static func stringOrder(_ strings: [String], reverse: Bool) -> [Int] {
        strings.indices.sorted { a, b in
            let c = compareUTF8(strings[a], strings[b])
            if c == 0 { return a < b }
            return (c < 0) != reverse
        }
    }

    /// Compares by UTF-8 bytes, which is code point order, as Python compares str.
    static func compareUTF8(_ a: String, _ b: String) -> Int {
        // Contiguous byte buffers (what Strings normally have): much cheaper than walking the
        // generic UTF8View, which remains the fallback.
        let fast = a.utf8.withContiguousStorageIfAvailable { x in
            b.utf8.withContiguousStorageIfAvailable { y -> Int in
                let n = min(x.count, y.count)
                var i = 0
                while i < n {
                    if x[i] != y[i] { return x[i] < y[i] ? -1 : 1 }
                    i += 1
                }
                return x.count == y.count ? 0 : (x.count < y.count ? -1 : 1)
            }
        }
        if let outer = fast, let c = outer { return c }
        if a == b { return 0 }
        return a.utf8.lexicographicallyPrecedes(b.utf8) ? -1 : 1
    }

    /// Stable sort with Python ordering on the extracted keys.
    static func sorted(_ items: [Value], env: Environment, key: (Value) throws -> Value, reverse: Bool) throws -> [Value] {
        var keys: [Value] = []
        keys.reserveCapacity(items.count)
        var strings: [String] = []
        strings.reserveCapacity(items.count)
        for item in items {
            let k = try key(item)
            if case .string(let s) = k, strings.count == keys.count { strings.append(s) }
            keys.append(k)
        }
        // Common case: all keys are strings; compare them directly.
        if strings.count == keys.count {
            return stringOrder(strings, reverse: reverse).map { items[$0] }
        }
        let keyed = zip(keys, items).map { ($0, $1) }
        var failure: Error?
        // Python's sort is stable even when reversed (equal items keep their order).
        let indexed = Array(keyed.enumerated())
        let out = indexed.sorted { a, b in
            if failure != nil { return false }
            do {
                if try env.lessThan(a.element.0, b.element.0) { return !reverse }
                if try env.lessThan(b.element.0, a.element.0) { return reverse }
                return a.offset < b.offset
            } catch {
                failure = error
                return false
            }
        }
        if let f = failure { throw f }
        return out.map { $0.element.1 }
    }
}
