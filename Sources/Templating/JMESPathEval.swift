import Foundation
import Jinja
import OrderedCollections

extension JMESPath {
    /// Evaluates a parsed expression with JMESPath's rules: missing things are null, projections
    /// drop nulls, and only numbers and strings order.
    struct Interpreter {
        static func truthy(_ v: Value) -> Bool {
            switch v {
            case .none, .undefined: return false
            case .bool(let b): return b
            case .string(let s): return !s.isEmpty
            case .list(let l), .tuple(let l): return !l.isEmpty
            case .dict(let d): return !d.isEmpty
            default: return true
            }
        }

        func eval(_ node: Node, _ v: Value) throws -> Value {
            switch node {
            case .identity: return v
            case .field(let name): return v.dictValue?[name] ?? Value.none
            case .literal(let l): return l
            case .subexpression(let l, let r): return try eval(r, try eval(l, v))
            case .index(let l, let i):
                guard let list = try eval(l, v).listValue else { return .none }
                let idx = i < 0 ? list.count + i : i
                return list.indices.contains(idx) ? list[idx] : .none
            case .slice(let l, let start, let stop, let step):
                let base = try eval(l, v)
                if case .string(let s) = base {
                    return .string(String(JMESPath.slice(Array(s), start, stop, step ?? 1)))
                }
                guard let list = base.listValue else { return .none }
                return .list(JMESPath.slice(list, start, stop, step ?? 1))
            case .projection(let l, let r):
                guard let list = try eval(l, v).listValue else { return .none }
                return .list(try list.map { try eval(r, $0) }.filter { !$0.isNone })
            case .valueProjection(let l, let r):
                guard let d = try eval(l, v).dictValue else { return .none }
                return .list(try d.values.map { try eval(r, $0) }.filter { !$0.isNone })
            case .filterProjection(let l, let r, let cond):
                guard let list = try eval(l, v).listValue else { return .none }
                var out: [Value] = []
                for item in list where Interpreter.truthy(try eval(cond, item)) {
                    let x = try eval(r, item)
                    if !x.isNone { out.append(x) }
                }
                return .list(out)
            case .flatten(let inner):
                guard let list = try eval(inner, v).listValue else { return .none }
                return .list(list.flatMap { $0.listValue ?? [$0] })
            case .pipe(let l, let r): return try eval(r, try eval(l, v))
            case .or(let l, let r):
                let a = try eval(l, v)
                return Interpreter.truthy(a) ? a : try eval(r, v)
            case .and(let l, let r):
                let a = try eval(l, v)
                return Interpreter.truthy(a) ? try eval(r, v) : a
            case .not(let inner): return .bool(!Interpreter.truthy(try eval(inner, v)))
            case .compare(let op, let l, let r): return compare(op, try eval(l, v), try eval(r, v))
            case .multiList(let items):
                if v.isNone { return .none }
                return .list(try items.map { try eval($0, v) })
            case .multiHash(let pairs):
                if v.isNone { return .none }
                var d = OrderedDictionary<String, Value>()
                for (k, n) in pairs { d[k] = try eval(n, v) }
                return .dict(d)
            case .function(let name, let args): return try call(name, args, v)
            case .expref: throw fail("an expression reference (&...) can only be a function argument")
            }
        }

        func compare(_ op: String, _ a: Value, _ b: Value) -> Value {
            switch op {
            case "==": return .bool(JMESPath.strictEqual(a, b))
            case "!=": return .bool(!JMESPath.strictEqual(a, b))
            default:
                guard let x = JMESPath.number(a), let y = JMESPath.number(b) else { return .none }
                switch op {
                case "<": return .bool(x < y)
                case "<=": return .bool(x <= y)
                case ">": return .bool(x > y)
                default: return .bool(x >= y)
                }
            }
        }

        // MARK: functions

        func call(_ name: String, _ argNodes: [Node], _ current: Value) throws -> Value {
            func arity(_ n: Int) throws {
                guard argNodes.count == n else { throw fail("\(name)() takes \(n) argument(s), got \(argNodes.count)") }
            }
            func exprefArg(_ i: Int) throws -> Node {
                guard case .expref(let n) = argNodes[i] else { throw fail("\(name)() expects an expression reference (&expr) as argument \(i + 1)") }
                return n
            }
            func arg(_ i: Int) throws -> Value { try eval(argNodes[i], current) }
            func list(_ v: Value) throws -> [Value] {
                guard let l = v.listValue else { throw fail("\(name)() expects an array, got \(JMESPath.typeName(v))") }
                return l
            }
            switch name {
            case "length":
                try arity(1)
                switch try arg(0) {
                case .string(let s): return .int(s.count)
                case .list(let l), .tuple(let l): return .int(l.count)
                case .dict(let d): return .int(d.count)
                case let v: throw fail("length() expects a string, array or object, got \(JMESPath.typeName(v))")
                }
            case "keys", "values":
                try arity(1)
                guard let d = try arg(0).dictValue else { throw fail("\(name)() expects an object") }
                return name == "keys" ? .list(d.keys.map { .string($0) }) : .list(Array(d.values))
            case "contains":
                try arity(2)
                let hay = try arg(0), needle = try arg(1)
                if case .string(let s) = hay { return .bool(needle.stringValue.map { s.contains($0) } ?? false) }
                return .bool(try list(hay).contains { JMESPath.strictEqual($0, needle) })
            case "starts_with", "ends_with":
                try arity(2)
                guard case .string(let s) = try arg(0), case .string(let p) = try arg(1) else { throw fail("\(name)() expects strings") }
                return .bool(name == "starts_with" ? s.hasPrefix(p) : s.hasSuffix(p))
            case "join":
                try arity(2)
                guard case .string(let sep) = try arg(0) else { throw fail("join() expects a string separator") }
                let items = try list(try arg(1))
                guard items.allSatisfy({ $0.stringValue != nil }) else { throw fail("join() expects an array of strings") }
                return .string(items.map(\.text).joined(separator: sep))
            case "sort":
                try arity(1)
                return .list(try JMESPath.sorted(try list(try arg(0))))
            case "sort_by", "max_by", "min_by":
                try arity(2)
                let items = try list(try arg(0))
                let key = try exprefArg(1)
                let keyed = try items.map { (try eval(key, $0), $0) }
                let sortedPairs = try JMESPath.sortedPairs(keyed)
                if name == "sort_by" { return .list(sortedPairs.map(\.1)) }
                return (name == "max_by" ? sortedPairs.last?.1 : sortedPairs.first?.1) ?? Value.none
            case "max", "min":
                try arity(1)
                let s = try JMESPath.sorted(try list(try arg(0)))
                return (name == "max" ? s.last : s.first) ?? Value.none
            case "sum", "avg":
                try arity(1)
                let items = try list(try arg(0))
                let nums = try items.map { v -> Double in
                    guard let d = JMESPath.number(v) else { throw fail("\(name)() expects an array of numbers") }
                    return d
                }
                if name == "avg" { return nums.isEmpty ? .none : .double(nums.reduce(0, +) / Double(nums.count)) }
                if items.allSatisfy({ if case .int = $0 { return true } else { return false } }) {
                    var total = 0
                    for case .int(let i) in items {
                        let (sum, overflow) = total.addingReportingOverflow(i)
                        if overflow { return .double(nums.reduce(0, +)) }
                        total = sum
                    }
                    return .int(total)
                }
                return .double(nums.reduce(0, +))
            case "abs", "ceil", "floor":
                try arity(1)
                let v = try arg(0)
                if case .int(let i) = v { return .int(name == "abs" ? abs(i) : i) }
                guard let d = JMESPath.number(v) else { throw fail("\(name)() expects a number") }
                let r = name == "abs" ? abs(d) : name == "ceil" ? d.rounded(.up) : d.rounded(.down)
                return name == "abs" ? .double(r) : (Int(exactly: r).map { .int($0) } ?? .double(r))
            case "reverse":
                try arity(1)
                let v = try arg(0)
                if case .string(let s) = v { return .string(String(s.reversed())) }
                return .list(try list(v).reversed())
            case "to_string":
                try arity(1)
                let v = try arg(0)
                if case .string = v { return v }
                var options = JSONOptions.ansible(plugin: "json_query")
                options.separators = (",", ":")
                options.ensureASCII = false
                return .string(try valueToJSON(v, options))
            case "to_number":
                try arity(1)
                switch try arg(0) {
                case .int(let i): return .int(i)
                case .double(let d): return .double(d)
                case .string(let s): return Int(s).map { .int($0) } ?? Double(s).map { .double($0) } ?? Value.none
                default: return .none
                }
            case "to_array":
                try arity(1)
                let v = try arg(0)
                return v.listValue != nil ? v : .list([v])
            case "type":
                try arity(1)
                return .string(JMESPath.typeName(try arg(0)))
            case "not_null":
                for n in argNodes {
                    let v = try eval(n, current)
                    if !v.isNone { return v }
                }
                return .none
            case "merge":
                var d = OrderedDictionary<String, Value>()
                for n in argNodes {
                    guard let obj = try eval(n, current).dictValue else { throw fail("merge() expects objects") }
                    for (k, v) in obj { d[k] = v }
                }
                return .dict(d)
            case "map":
                try arity(2)
                let key = try exprefArg(0)
                return .list(try list(try arg(1)).map { try eval(key, $0) })
            default:
                throw fail("unknown function: \(name)()")
            }
        }
    }

    static func typeName(_ v: Value) -> String {
        switch v {
        case .none, .undefined: return "null"
        case .bool: return "boolean"
        case .int, .double: return "number"
        case .string: return "string"
        case .list, .tuple: return "array"
        case .dict: return "object"
        default: return "object"
        }
    }

    static func number(_ v: Value) -> Double? {
        switch v {
        case .int(let i): return Double(i)
        case .double(let d): return d
        default: return nil
        }
    }

    /// JMESPath equality: no bool/number mixing, unlike Python's.
    static func strictEqual(_ a: Value, _ b: Value) -> Bool {
        switch (a, b) {
        case (.bool, .int), (.int, .bool), (.bool, .double), (.double, .bool): return false
        case (.list(let x), .list(let y)): return x.count == y.count && zip(x, y).allSatisfy { strictEqual($0, $1) }
        default: return a == b
        }
    }

    static func sorted(_ items: [Value]) throws -> [Value] {
        try sortedPairs(items.map { ($0, $0) }).map(\.1)
    }

    /// Sorts by key; keys must be all numbers or all strings.
    static func sortedPairs(_ pairs: [(Value, Value)]) throws -> [(Value, Value)] {
        if pairs.allSatisfy({ number($0.0) != nil }) {
            return pairs.enumerated().sorted { (number($0.element.0) ?? 0, $0.offset) < (number($1.element.0) ?? 0, $1.offset) }.map(\.element)
        }
        if pairs.allSatisfy({ $0.0.stringValue != nil }) {
            return pairs.enumerated().sorted { ($0.element.0.text, $0.offset) < ($1.element.0.text, $1.offset) }.map(\.element)
        }
        throw fail("sorting requires all numbers or all strings")
    }

    static func slice<T>(_ items: [T], _ start: Int?, _ stop: Int?, _ step: Int) -> [T] {
        let n = items.count
        func clamp(_ v: Int?, _ def: Int) -> Int {
            guard var x = v else { return def }
            if x < 0 { x += n }
            return step > 0 ? min(max(x, 0), n) : min(max(x, -1), n - 1)
        }
        let s = clamp(start, step > 0 ? 0 : n - 1)
        let e = clamp(stop, step > 0 ? n : -1)
        var out: [T] = []
        var i = s
        while step > 0 ? i < e : i > e {
            out.append(items[i])
            i += step
        }
        return out
    }
}
