import Foundation
import Jinja

/// Lookups over data: items, flattened, indexed_items, dict, list, nested, together,
/// subelements, random_choice, sequence, vars, env, inventory_hostnames.
enum DataLookups {
    static func register(into p: inout [String: Lookups.Plugin]) {
        // with_items flattens one level; with_list keeps items as they are.
        p["items"] = { terms, _, _, _ in DataFilters.flatten(terms, levels: 1, skipNulls: false) }
        p["flattened"] = { terms, _, _, _ in DataFilters.flatten(terms, levels: nil, skipNulls: true) }
        p["list"] = { terms, _, _, _ in terms }
        p["indexed_items"] = { terms, _, _, _ in
            DataFilters.flatten(terms, levels: 1, skipNulls: false).enumerated().map { .list([.int($0.offset), $0.element]) }
        }
        p["dict"] = { terms, args, _, _ in
            var out: [Value] = []
            for term in terms {
                guard case .dict(let d) = term else {
                    throw args.fail("with_dict expects a dict, got \(term.typeName) \(term.pythonRepr)")
                }
                out += d.map { .dict(["key": .string($0.key), "value": $0.value]) }
            }
            return out
        }
        p["nested"] = { terms, args, _, _ in
            guard !terms.isEmpty else { throw args.fail("with_nested requires at least one element in the nested list") }
            var combos: [[Value]] = [[]]
            for term in terms {
                let items = term.listValue ?? [term]
                combos = combos.flatMap { prefix in items.map { prefix + [$0] } }
            }
            return combos.map { .list($0) }
        }
        p["together"] = { terms, args, _, _ in
            guard !terms.isEmpty else { throw args.fail("with_together requires at least one element in each list") }
            let lists = terms.map { $0.listValue ?? [$0] }
            let n = lists.map(\.count).max() ?? 0
            return (0..<n).map { i in .list(lists.map { i < $0.count ? $0[i] : .none }) }
        }
        p["subelements"] = { terms, args, _, _ in
            guard terms.count == 2 || terms.count == 3 else {
                throw args.fail("subelements lookup expects a list of two or three items: a list or dict, a key, and optional flags")
            }
            var skip = args.keywords["skip_missing"]?.truthy ?? false
            if terms.count == 3 {
                guard case .dict(let flags) = terms[2] else { throw args.fail("the optional third item must be a dict with flags") }
                if let bad = flags.keys.first(where: { $0 != "skip_missing" }) {
                    throw args.fail("the only valid key in the flags dict is 'skip_missing', got '\(bad)'")
                }
                skip = flags["skip_missing"].map { DataFilters.toBool($0).truthy } ?? skip
            }
            let r = try DataFilters.subelements(terms[0], Arguments(args.plugin, [terms[1], .bool(skip)], [:]))
            // Unlike the filter, the lookup's item.0 is the parent without the list it iterates.
            let path = terms[1].text.components(separatedBy: ".")
            return (r.listValue ?? []).map { pair in
                let p = pair.listValue ?? []
                guard p.count == 2 else { return .list(p) }
                return .list([removing(path, from: p[0]), p[1]])
            }
        }
        p["random_choice"] = { terms, _, _, _ in
            guard let pick = terms.randomElement() else { return [] }
            return [pick]
        }
        p["sequence"] = { terms, args, _, _ in
            var out: [Value] = []
            for term in terms { out += try Sequence.parse(term.text, args).values(args) }
            return out
        }
        p["vars"] = { terms, args, _, context in
            guard let lookup = context.variable else { throw args.fail("variable lookup is not available in this context") }
            return try terms.map { term in
                guard case .string(let name) = term else {
                    throw args.fail("Invalid setting identifier, \(term.pythonRepr) is not a string, it is a \(term.typeName)")
                }
                if let v = try lookup(name), !v.isUndefined { return v }
                if let d = args.keywords["default"] { return d }
                throw args.fail("No variable found with this name: \(name)")
            }
        }
        p["env"] = { terms, args, _, _ in
            let environment = ProcessInfo.processInfo.environment
            return terms.map { term in
                if let v = environment[term.text] { return .string(v) }
                return args.keywords["default"] ?? .string("")
            }
        }
        p["inventory_hostnames"] = { terms, args, _, context in
            guard let hosts = context.inventoryHostnames else { throw args.fail("inventory is not available in this context") }
            var out: [String] = []
            for term in terms {
                for h in try hosts(term.text) where !out.contains(h) { out.append(h) }
            }
            return out.map { .string($0) }
        }
    }

    /// A copy of `value` without the dict entry at `path` (a.b.c removes c from value[a][b]).
    static func removing(_ path: [String], from value: Value) -> Value {
        guard case .dict(var d) = value, let first = path.first else { return value }
        if path.count == 1 {
            d.removeValue(forKey: first)
        } else if let inner = d[first] {
            d[first] = removing(Array(path.dropFirst()), from: inner)
        }
        return .dict(d)
    }

    /// The sequence lookup's arguments: `start=1 end=5 stride=1 format=%d` or `[start-]end[/stride][:format]`.
    struct Sequence {
        var start = 1
        var end: Int?
        var count: Int?
        var stride = 1
        var format = "%d"

        static func number(_ s: String, _ args: Arguments) throws -> Int {
            let t = s.trimmingCharacters(in: .whitespaces).lowercased()
            let neg = t.hasPrefix("-")
            let body = neg ? String(t.dropFirst()) : t
            var v: Int?
            if body.hasPrefix("0x") { v = Int(body.dropFirst(2), radix: 16) } else if body.hasPrefix("0o") { v = Int(body.dropFirst(2), radix: 8) } else if body.count > 1, body.hasPrefix("0") { v = Int(body.dropFirst(), radix: 8) } else { v = Int(body) }
            guard let n = v else { throw args.fail("can't parse integer '\(s)'") }
            return neg ? -n : n
        }

        static func parse(_ term: String, _ args: Arguments) throws -> Sequence {
            var seq = Sequence()
            let words = term.split(separator: " ").map(String.init)
            if let first = words.first, !first.contains("=") {
                guard words.count == 1 else { throw args.fail("unrecognized arguments to with_sequence: '\(term)'") }
                try seq.parseShortcut(first, args)
                return seq
            }
            for (k, v) in args.keywords where k != "wantlist" {
                try seq.set(k, v.text, args)
            }
            for word in words {
                guard let eq = word.firstIndex(of: "=") else { throw args.fail("can't parse arg \(word) in '\(term)'") }
                try seq.set(String(word[..<eq]), String(word[word.index(after: eq)...]), args)
            }
            return seq
        }

        mutating func set(_ key: String, _ value: String, _ args: Arguments) throws {
            switch key {
            case "start": start = try Sequence.number(value, args)
            case "end": end = try Sequence.number(value, args)
            case "count": count = try Sequence.number(value, args)
            case "stride": stride = try Sequence.number(value, args)
            case "format": format = value
            default: throw args.fail("unrecognized argument '\(key)' to with_sequence")
            }
        }

        mutating func parseShortcut(_ s: String, _ args: Arguments) throws {
            var rest = Substring(s)
            if let colon = rest.firstIndex(of: ":") {
                format = String(rest[rest.index(after: colon)...])
                rest = rest[..<colon]
            }
            if let slash = rest.firstIndex(of: "/") {
                stride = try Sequence.number(String(rest[rest.index(after: slash)...]), args)
                rest = rest[..<slash]
            }
            if let dash = rest.dropFirst().firstIndex(of: "-") {
                start = try Sequence.number(String(rest[..<dash]), args)
                end = try Sequence.number(String(rest[rest.index(after: dash)...]), args)
            } else {
                end = try Sequence.number(String(rest), args)
            }
        }

        func values(_ args: Arguments) throws -> [Value] {
            if count != nil && end != nil { throw args.fail("can't specify both count and end in with_sequence") }
            var last: Int
            if let c = count {
                if c == 0 { return [] }
                let (span, o1) = (c - 1).multipliedReportingOverflow(by: stride)
                let (l, o2) = start.addingReportingOverflow(span)
                guard !o1, !o2 else { throw args.fail("sequence is too long") }
                last = l
            } else if let e = end {
                last = e
            } else {
                throw args.fail("must specify count or end in with_sequence")
            }
            if stride == 0 { return [] }
            if stride > 0 && last < start { throw args.fail("to count backwards make stride negative") }
            if stride < 0 && last > start { throw args.fail("to count forward don't make stride negative") }
            var out: [Value] = []
            var i = start
            while stride > 0 ? i <= last : i >= last {
                out.append(.string(try PrintfFormat.format(format, i, args)))
                let (next, overflow) = i.addingReportingOverflow(stride)
                if overflow { break }
                i = next
            }
            return out
        }
    }
}

/// Python's `%` formatting for one integer, as with_sequence's `format` uses it (%d %02d %x %o %s...).
enum PrintfFormat {
    static func format(_ fmt: String, _ n: Int, _ args: Arguments) throws -> String {
        var out = ""
        var chars = Array(fmt)[...]
        var used = false
        while let c = chars.popFirst() {
            guard c == "%" else { out.append(c); continue }
            if chars.first == "%" { chars.removeFirst(); out.append("%"); continue }
            var spec = ""
            while let x = chars.first, "-+ #0123456789.".contains(x) { spec.append(x); chars.removeFirst() }
            guard let conv = chars.popFirst(), "dixXosfeEgGc".contains(conv) else {
                throw args.fail("bad formatting string: \(fmt)")
            }
            used = true
            switch conv {
            case "s":
                let text = String(n)
                let width = Int(spec.split(separator: ".").first?.filter(\.isNumber) ?? "") ?? 0
                let pad = String(repeating: " ", count: max(0, width - text.count))
                out += spec.hasPrefix("-") ? text + pad : pad + text
            case "d", "i": out += String(format: "%" + spec + "ld", n)
            case "x", "X", "o": out += String(format: "%" + spec + "l" + String(conv), n)
            case "c": out += String(UnicodeScalar(UInt32(max(n, 0))).map(Character.init) ?? " ")
            default: out += String(format: "%" + spec + String(conv), Double(n))
            }
        }
        guard used else { throw args.fail("bad formatting string: \(fmt)") }
        return out
    }
}
