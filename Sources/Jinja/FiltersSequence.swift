import OrderedCollections

/// Filters over sequences and mappings. Jinja returns generators for several of these; here they
/// return lists (printing them directly differs from Jinja, which prints "<generator ...>").
enum SequenceFilters {
    static func register(_ f: inout [String: FilterFunction]) {
        f["length"] = { v, _, _, env in .int(try env.length(v)) }
        f["count"] = f["length"]
        f["list"] = { v, _, _, env in .list(try env.iterate(v)) }
        f["first"] = { v, _, _, env in
            try env.iterate(v).first ?? .undefined(Undefined(name: "first", hint: "No first item, sequence was empty."))
        }
        f["last"] = { v, _, _, env in
            try env.iterate(v).last ?? .undefined(Undefined(name: "last", hint: "No last item, sequence was empty."))
        }
        f["random"] = { v, _, _, env in
            try env.iterate(v).randomElement() ?? .undefined(Undefined(name: "random", hint: "No random item, sequence was empty."))
        }
        f["reverse"] = { v, _, _, env in
            if case .string(let s) = v { return .string(PyString.string(s.unicodeScalars.reversed())) }
            return .list(try env.iterate(v).reversed())
        }
        f["join"] = { v, a, k, env in
            let fa = FilterArgs(a, k, "join")
            let sep = try fa.string(0, "d", env) ?? ""
            var items = try env.iterate(v)
            if let attr = fa.get(1, "attribute"), !attr.isNone { items = try items.map(env.attributeGetter(attr)) }
            var out = ""
            for (i, item) in items.enumerated() {
                if i > 0 { out += sep }
                out += try env.str(item)
            }
            return .string(out)
        }
        f["batch"] = { v, a, k, env in
            let fa = FilterArgs(a, k, "batch")
            let size = try fa.int(0, "linecount", 1)
            guard size > 0 else { throw TemplateError.runtime("batch size must be positive") }
            try PyString.checkSize(size)
            let fill = fa.get(1, "fill_with").flatMap { $0.isNone ? nil : $0 }
            let items = try env.iterate(v)
            var out: [Value] = []
            var i = 0
            while i < items.count {
                var chunk = Array(items[i..<min(i + size, items.count)])
                if let fill = fill, chunk.count < size { chunk += Array(repeating: fill, count: size - chunk.count) }
                out.append(.list(chunk))
                i += size
            }
            return .list(out)
        }
        f["slice"] = { v, a, k, env in
            let fa = FilterArgs(a, k, "slice")
            let slices = try fa.int(0, "slices", 1)
            guard slices > 0 else { throw TemplateError.runtime("integer division or modulo by zero") }
            let fill = fa.get(1, "fill_with").flatMap { $0.isNone ? nil : $0 }
            let seq = try env.iterate(v)
            let per = seq.count / slices, extra = seq.count % slices
            var offset = 0
            var out: [Value] = []
            for n in 0..<slices {
                let start = offset + n * per
                if n < extra { offset += 1 }
                let end = offset + (n + 1) * per
                var part = Array(seq[min(start, seq.count)..<min(end, seq.count)])
                if let fill = fill, n >= extra { part.append(fill) }
                out.append(.list(part))
            }
            return .list(out)
        }
        f["sort"] = { v, a, k, env in
            let fa = FilterArgs(a, k, "sort")
            let reverse = fa.bool(0, "reverse", false)
            let cs = fa.bool(1, "case_sensitive", false)
            let attr = fa.get(2, "attribute")
            let items = try env.iterate(v)
            // Plain strings (the common `list|sort`): sort their (folded) texts directly.
            if attr == nil || attr?.isNone == true {
                var texts: [String] = []
                texts.reserveCapacity(items.count)
                for item in items {
                    guard case .string(let s) = item else { break }
                    texts.append(cs ? s : PyString.lower(s))
                }
                if texts.count == items.count {
                    return .list(Sorting.stringOrder(texts, reverse: reverse).map { items[$0] })
                }
            }
            // "a,b" sorts by several attributes.
            if case .string(let s)? = attr, s.utf8.contains(UInt8(ascii: ",")) {
                let keys = s.split(separator: ",").map { env.sortKey(attribute: .string(String($0)), caseSensitive: cs) }
                return .list(try Sorting.sorted(items, env: env, key: { item in .list(try keys.map { try $0(item) }) }, reverse: reverse))
            }
            return .list(try Sorting.sorted(items, env: env, key: env.sortKey(attribute: attr, caseSensitive: cs), reverse: reverse))
        }
        f["dictsort"] = { v, a, k, env in
            let fa = FilterArgs(a, k, "dictsort")
            let cs = fa.bool(0, "case_sensitive", false)
            let by = try fa.string(1, "by", env) ?? "key"
            let reverse = fa.bool(2, "reverse", false)
            guard by == "key" || by == "value" else {
                throw TemplateError.runtime("You can only sort by either \"key\" or \"value\"")
            }
            guard case .dict(let d) = v else { throw TemplateError.type("dictsort expects a mapping, got \(v.typeName)") }
            if by == "key" {
                // Keys are strings: sort them alone, then build the pairs in order.
                let keys = d.keys.map { cs ? $0 : PyString.lower($0) }
                return .list(Sorting.stringOrder(keys, reverse: reverse).map { i in
                    .tuple([.string(d.keys[i]), d.values[i]])
                })
            }
            let pairs: [Value] = d.map { .tuple([.string($0.key), $0.value]) }
            let pos = by == "key" ? 0 : 1
            return .list(try Sorting.sorted(pairs, env: env, key: { p in
                let x = p.listValue?[pos] ?? .none
                if !cs, case .string(let s) = x { return .string(PyString.lower(s)) }
                return x
            }, reverse: reverse))
        }
        f["items"] = { v, _, _, env in
            switch v {
            case .undefined(let u):
                if env.isStrict(u) { throw env.undefinedError(u) }
                return .list([])
            case .dict(let d): return .list(d.map { .tuple([.string($0.key), $0.value]) })
            case .object(let o):
                if let keys = o.keys { return .list(keys.map { .tuple([.string($0), o.attribute($0) ?? .none]) }) }
            default: break
            }
            throw TemplateError.type("Can only get item pairs from a mapping.")
        }
        f["unique"] = { v, a, k, env in
            let fa = FilterArgs(a, k, "unique")
            let key = env.sortKey(attribute: fa.get(1, "attribute"), caseSensitive: fa.bool(0, "case_sensitive", false))
            var seen: [Value] = []
            var out: [Value] = []
            for item in try env.iterate(v) {
                let kv = try key(item)
                if try seen.contains(where: { try env.equals($0, kv) }) { continue }
                seen.append(kv)
                out.append(item)
            }
            return .list(out)
        }
        f["min"] = { v, a, k, env in try extreme(v, FilterArgs(a, k, "min"), env, wantMax: false) }
        f["max"] = { v, a, k, env in try extreme(v, FilterArgs(a, k, "max"), env, wantMax: true) }
        f["sum"] = { v, a, k, env in
            let fa = FilterArgs(a, k, "sum")
            var total = fa.get(1, "start") ?? .int(0)
            let getter = fa.get(0, "attribute").flatMap { $0.isNone ? nil : env.attributeGetter($0) }
            for item in try env.iterate(v) {
                let x = try getter?(item) ?? item
                total = try env.binary(.add, total, x)
            }
            return total
        }
        f["groupby"] = { v, a, k, env in try groupby(v, FilterArgs(a, k, "groupby"), env) }
        f["map"] = { v, a, k, env in try map(v, a, k, env) }
        f["select"] = { v, a, _, env in try selectOrReject(v, a, env, select: true, byAttribute: false) }
        f["reject"] = { v, a, _, env in try selectOrReject(v, a, env, select: false, byAttribute: false) }
        f["selectattr"] = { v, a, _, env in try selectOrReject(v, a, env, select: true, byAttribute: true) }
        f["rejectattr"] = { v, a, _, env in try selectOrReject(v, a, env, select: false, byAttribute: true) }
    }

    private static func extreme(_ v: Value, _ fa: FilterArgs, _ env: Environment, wantMax: Bool) throws -> Value {
        let key = env.sortKey(attribute: fa.get(1, "attribute"), caseSensitive: fa.bool(0, "case_sensitive", false))
        var best: (Value, Value)?
        for item in try env.iterate(v) {
            let kv = try key(item)
            guard let b = best else { best = (kv, item); continue }
            let better = wantMax ? try env.lessThan(b.0, kv) : try env.lessThan(kv, b.0)
            if better { best = (kv, item) }
        }
        return best?.1 ?? .undefined(Undefined(name: wantMax ? "max" : "min", hint: "No aggregated item, sequence was empty."))
    }

    private static func groupby(_ v: Value, _ fa: FilterArgs, _ env: Environment) throws -> Value {
        guard let attr = fa.get(0, "attribute") else { throw TemplateError.type("groupby() missing required argument 'attribute'") }
        let def = fa.get(1, "default").flatMap { $0.isNone ? nil : $0 }
        let cs = fa.bool(2, "case_sensitive", false)
        let key = env.sortKey(attribute: attr, caseSensitive: cs, default: def)
        let raw = env.sortKey(attribute: attr, caseSensitive: true, default: def)
        let sorted = try Sorting.sorted(try env.iterate(v), env: env, key: key, reverse: false)
        var groups: [Value] = []
        var currentKey: Value?
        var members: [Value] = []
        func flush() throws {
            guard let first = members.first else { return }
            groups.append(.tuple([try raw(first), .list(members)]))
        }
        for item in sorted {
            let k = try key(item)
            if let ck = currentKey, try env.equals(ck, k) {
                members.append(item)
            } else {
                try flush()
                currentKey = k
                members = [item]
            }
        }
        try flush()
        return .list(groups)
    }

    private static func map(_ v: Value, _ a: [Value], _ k: Kwargs, _ env: Environment) throws -> Value {
        let items = try env.iterate(v)
        if a.isEmpty, let attr = k["attribute"] {
            let def = k["default"]
            let getter = env.attributeGetter(attr)
            return .list(try items.map { item in
                let x = try getter(item)
                if case .undefined = x, let d = def { return d }
                return x
            })
        }
        guard let nameV = a.first, case .string(let name) = nameV else {
            throw TemplateError.runtime("map requires a filter argument")
        }
        guard let filter = env.filters[name] else { throw TemplateError.runtime("No filter named '\(name)'.") }
        let rest = Array(a.dropFirst())
        return .list(try items.map { try filter($0, rest, k, env) })
    }

    private static func selectOrReject(_ v: Value, _ a: [Value], _ env: Environment, select: Bool, byAttribute: Bool) throws -> Value {
        var args = a
        var attr: Value?
        if byAttribute {
            guard !args.isEmpty else { throw TemplateError.runtime("Missing parameter for attribute name") }
            attr = args.removeFirst()
        }
        var test: TestFunction?
        if let nameV = args.first {
            let name = try env.str(nameV)
            guard let t = env.tests[name] else { throw TemplateError.runtime("No test named '\(name)'.") }
            test = t
            args.removeFirst()
        }
        let getter = attr.map(env.attributeGetter)
        let items = try env.iterate(v)
        var out: [Value] = []
        out.reserveCapacity(items.count)
        for item in items {
            let x = try getter?(item) ?? item
            let ok = try test.map { try $0(x, args, [:], env) } ?? env.truth(x)
            if ok == select { out.append(item) }
        }
        return .list(out)
    }
}
