import Foundation
import Jinja
import OrderedCollections

/// Data-shaping filters: bool, ternary, combine, dict2items, items2dict, zip, flatten,
/// subelements, extract, type_debug, mandatory, split.
enum DataFilters {
    static func install(into env: Environment) {
        env.addFilter("bool") { input, _, _ in toBool(input) }
        env.addFilter("ternary") { input, args, _ in
            let yes = try args.required(0, "true_val"), no = try args.required(1, "false_val")
            if input.isNone, let n = args.value(2, "none_val"), !n.isNone { return n }
            return input.truthy ? yes : no
        }
        env.addFilter("combine") { input, args, _ in try combine(input, args) }
        env.addFilter("dict2items") { input, args, _ in
            guard let d = input.mapping else {
                throw args.fail("dict2items requires a dictionary, got \(input.typeName) instead.")
            }
            let k = try args.string(0, "key_name", default: "key") ?? "key"
            let v = try args.string(1, "value_name", default: "value") ?? "value"
            return .list(d.map { .dict([k: .string($0.key), v: $0.value]) })
        }
        env.addFilter("items2dict") { input, args, _ in
            let k = try args.string(0, "key_name", default: "key") ?? "key"
            let v = try args.string(1, "value_name", default: "value") ?? "value"
            guard let items = input.listValue else {
                throw args.fail("items2dict requires a list, got \(input.typeName) instead.")
            }
            var out = OrderedDictionary<String, Value>()
            for item in items {
                guard case .dict(let d) = item else {
                    throw args.fail("items2dict requires a list of dictionaries, got \(item.typeName) \(item.pythonRepr)")
                }
                guard let key = d[k], let value = d[v] else {
                    throw args.fail("items2dict requires each dictionary to have keys '\(k)' and '\(v)', got \(item.pythonRepr)")
                }
                out[key.text] = value
            }
            return .dict(out)
        }
        env.addFilter("zip") { input, args, _ in
            let lists = try ([input] + args.positional).map { try $0.iterated("zip") }
            let n = lists.map(\.count).min() ?? 0
            return .list((0..<n).map { i in .tuple(lists.map { $0[i] }) })
        }
        env.addFilter("zip_longest") { input, args, _ in
            let lists = try ([input] + args.positional).map { try $0.iterated("zip_longest") }
            let fill = args.keywords["fillvalue"] ?? Value.none
            let n = lists.map(\.count).max() ?? 0
            return .list((0..<n).map { i in .tuple(lists.map { i < $0.count ? $0[i] : fill }) })
        }
        env.addFilter("flatten") { input, args, _ in
            guard let list = input.listValue else { throw args.fail("expected a list, got \(input.typeName)") }
            let levels = try args.int(0, "levels")
            return .list(flatten(list, levels: levels, skipNulls: args.bool(1, "skip_nulls", default: true)))
        }
        env.addFilter("subelements") { input, args, _ in try subelements(input, args) }
        env.addFilter("extract") { input, args, _ in
            let container = try args.required(0, "container")
            var keys = [input]
            if let more = args.value(1, "morekeys"), !more.isNone { keys += more.listValue ?? [more] }
            var value = container
            for key in keys {
                guard let next = item(value, key) else {
                    return .undefined(Undefined(name: key.text, hint: "'\(value.typeName) object' has no attribute \(key.pythonRepr)"))
                }
                value = next
            }
            return value
        }
        env.addFilter("type_debug") { input, _, _ in .string(input.typeName) }
        env.addFilter("mandatory") { input, args, _ in
            guard case .undefined(let u) = input else { return input }
            if let msg = try args.string(0, "msg") { throw args.fail(msg) }
            throw args.fail("Mandatory variable '\(u.name)' not defined.")
        }
        env.addFilter("json_query") { input, args, _ in
            guard case .string(let expr) = try args.required(0, "expr") else { throw args.fail("the query must be a string") }
            return try JMESPath.search(expr, input)
        }
        env.addFilter("split") { input, args, _ in
            let s = input.text
            guard let sep = try args.string(0, "separator") else {
                return .list(s.split(whereSeparator: { $0.isWhitespace }).map { .string(String($0)) })
            }
            guard !sep.isEmpty else { throw args.fail("empty separator") }
            return .list(s.components(separatedBy: sep).map { .string($0) })
        }
    }

    /// Ansible's `bool`: yes/on/true/1 (any case) are true, everything else (None too, since
    /// ansible-core 2.19) false.
    static func toBool(_ v: Value) -> Value {
        switch v {
        case .none: return .bool(false)
        case .bool: return v
        case .int(let i): return .bool(i == 1)
        case .double(let d): return .bool(d == 1)
        case .string(let s): return .bool(["yes", "on", "true", "1"].contains(s.lowercased()))
        default: return .bool(false)
        }
    }

    /// Indexing as Jinja's getitem does it: dict keys, list indexes, object attributes.
    static func item(_ container: Value, _ key: Value) -> Value? {
        switch (container, key) {
        case (.dict(let d), _): return d[key.text]
        case (.list(let l), .int(let i)), (.tuple(let l), .int(let i)):
            let idx = i < 0 ? l.count + i : i
            return l.indices.contains(idx) ? l[idx] : nil
        case (.object(let o), _): return o.item(key)
        default: return nil
        }
    }

    static func flatten(_ list: [Value], levels: Int?, skipNulls: Bool) -> [Value] {
        var out: [Value] = []
        for element in list {
            if skipNulls {
                if element.isNone { continue }
                if case .string(let s) = element, s == "None" || s == "null" { continue }
            }
            if let inner = element.listValue {
                if let l = levels {
                    if l >= 1 { out += flatten(inner, levels: l - 1, skipNulls: skipNulls) } else { out.append(element) }
                } else {
                    out += flatten(inner, levels: nil, skipNulls: skipNulls)
                }
            } else {
                out.append(element)
            }
        }
        return out
    }

    static let listMergeModes = ["replace", "keep", "append", "prepend", "append_rp", "prepend_rp"]

    static func combine(_ input: Value, _ args: Arguments) throws -> Value {
        let recursive = args.keywords["recursive"]?.truthy ?? false
        let listMerge = args.keywords["list_merge"]?.text ?? "replace"
        if let bad = args.keywords.keys.first(where: { $0 != "recursive" && $0 != "list_merge" }) {
            throw args.fail("'recursive' and 'list_merge' are the only valid keyword arguments, got '\(bad)'")
        }
        guard listMergeModes.contains(listMerge) else {
            throw args.fail("'list_merge' can only be one of \(listMergeModes.joined(separator: ", ")), got '\(listMerge)'")
        }
        // `[d1, d2] | combine` and `d1 | combine(d2, [d3, d4])` both work: flatten one level.
        let dicts = flatten([input] + args.positional, levels: 1, skipNulls: false)
        for d in dicts {
            if case .undefined(let u) = d { throw args.fail(u.description) }
            guard case .dict = d else { throw args.fail("failed to combine variables, expected dicts but got \(d.typeName) \(d.pythonRepr)") }
        }
        guard var result = dicts.last?.dictValue else { return .dict([:]) }
        // Highest priority last: fold from the right, as Ansible does (this decides key order).
        for d in dicts.dropLast().reversed() {
            result = merge(d.dictValue ?? [:], result, recursive: recursive, listMerge: listMerge)
        }
        return .dict(result)
    }

    /// Merges `high` over `low`: keys of `low` keep their position, new keys follow.
    static func merge(_ low: OrderedDictionary<String, Value>, _ high: OrderedDictionary<String, Value>,
                      recursive: Bool, listMerge: String) -> OrderedDictionary<String, Value> {
        if low.isEmpty { return high }
        var out = low
        for (key, hv) in high {
            guard let lv = out[key] else { out[key] = hv; continue }
            switch (lv, hv) {
            case (.dict(let a), .dict(let b)):
                out[key] = recursive ? .dict(merge(a, b, recursive: recursive, listMerge: listMerge)) : hv
            case (.list(let a), .list(let b)):
                switch listMerge {
                case "keep": break
                case "append": out[key] = .list(a + b)
                case "prepend": out[key] = .list(b + a)
                case "append_rp": out[key] = .list(a.filter { !b.contains($0) } + b)
                case "prepend_rp": out[key] = .list(b + a.filter { !b.contains($0) })
                default: out[key] = hv
                }
            default:
                out[key] = hv
            }
        }
        return out
    }

    static func subelements(_ input: Value, _ args: Arguments) throws -> Value {
        let elements: [Value]
        switch input {
        case .dict(let d): elements = Array(d.values)
        case .list(let l), .tuple(let l): elements = l
        default: throw args.fail("obj must be a list of dicts or a nested dict")
        }
        let path: [String]
        switch try args.required(0, "subelements") {
        case .string(let s): path = s.components(separatedBy: ".")
        case .list(let l): path = l.map(\.text)
        default: throw args.fail("subelements must be a list or a string")
        }
        let skipMissing = args.bool(1, "skip_missing", default: false)
        var results: [Value] = []
        for element in elements {
            var values = element
            var lastKey = path.last ?? ""
            for key in path {
                lastKey = key
                guard case .dict(let d) = values else {
                    throw args.fail("the key \(key) should point to a dictionary, got '\(values.pythonStr)'")
                }
                guard let next = d[key] else {
                    if skipMissing { values = .list([]); break }
                    throw args.fail("could not find '\(key)' key in iterated item \(values.pythonRepr)")
                }
                values = next
            }
            guard let list = values.listValue else {
                throw args.fail("the key '\(lastKey)' should point to a list, got \(values.pythonRepr)")
            }
            results += list.map { .tuple([element, $0]) }
        }
        return .list(results)
    }
}
