import Foundation
import Jinja

/// Set theory, randomness and math filters: unique, union, intersect, difference,
/// symmetric_difference, random, shuffle, product, permutations, combinations, log, pow, root.
enum CollectionFilters {
    static func install(into env: Environment) {
        env.addFilter("unique") { input, args, _ in
            let caseSensitive = args.bool(0, "case_sensitive", default: false)
            let attribute = try args.string(1, "attribute")
            return .list(unique(try input.iterated("unique"), caseSensitive: caseSensitive, attribute: attribute))
        }
        env.addFilter("union") { input, args, _ in
            let (a, b) = try operands(input, args)
            return .list(unique(a + b, caseSensitive: true))
        }
        env.addFilter("intersect") { input, args, _ in
            let (a, b) = try operands(input, args)
            return .list(unique(a.filter { b.contains($0) }, caseSensitive: true))
        }
        env.addFilter("difference") { input, args, _ in
            let (a, b) = try operands(input, args)
            return .list(unique(a.filter { !b.contains($0) }, caseSensitive: true))
        }
        env.addFilter("symmetric_difference") { input, args, _ in
            let (a, b) = try operands(input, args)
            let both = a.filter { b.contains($0) }
            return .list(unique(a + b, caseSensitive: true).filter { !both.contains($0) })
        }
        env.addFilter("random") { input, args, _ in try random(input, args) }
        env.addFilter("shuffle") { input, args, _ in
            guard var list = input.listValue else { return input }
            if let seed = args.value(0, "seed"), !seed.isNone {
                var gen = SeededGenerator(seed: seed.text)
                list.shuffle(using: &gen)
            } else {
                list.shuffle()
            }
            return .list(list)
        }
        env.addFilter("product") { input, args, _ in
            var result: [[Value]] = [[]]
            for list in try ([input] + args.positional).map({ try $0.iterated("product") }) {
                result = result.flatMap { prefix in list.map { prefix + [$0] } }
            }
            return .list(result.map { .tuple($0) })
        }
        env.addFilter("permutations") { input, args, _ in
            let items = try input.iterated("permutations")
            let r = try args.int(0, "r", default: items.count) ?? items.count
            return .list(permutations(items, r).map { .tuple($0) })
        }
        env.addFilter("combinations") { input, args, _ in
            let items = try input.iterated("combinations")
            guard let r = try args.int(0, "r") else { throw args.fail("missing required argument 'r'") }
            return .list(combinations(items, r).map { .tuple($0) })
        }
        env.addFilter("log") { input, args, _ in
            guard let x = input.doubleValue else { throw args.fail("log() can only be used on numbers") }
            guard let base = args.value(0, "base")?.doubleValue else { return .double(Foundation.log(x)) }
            return .double(base == 10 ? log10(x) : Foundation.log(x) / Foundation.log(base))
        }
        env.addFilter("pow") { input, args, _ in
            guard let x = input.doubleValue, let y = try args.required(0, "y").doubleValue else {
                throw args.fail("pow() can only be used on numbers")
            }
            return .double(Foundation.pow(x, y))
        }
        env.addFilter("root") { input, args, _ in
            guard let x = input.doubleValue else { throw args.fail("root() can only be used on numbers") }
            let base = args.value(0, "base")?.doubleValue ?? 2
            return .double(base == 2 ? x.squareRoot() : Foundation.pow(x, 1 / base))
        }
    }

    private static func operands(_ input: Value, _ args: Arguments) throws -> ([Value], [Value]) {
        let other = try args.required(0, "b")
        return (try input.iterated(args.plugin), try other.iterated(args.plugin))
    }

    /// First occurrence wins; strings compare case-insensitively unless `caseSensitive`.
    static func unique(_ items: [Value], caseSensitive: Bool, attribute: String? = nil) -> [Value] {
        var seen: [Value] = []
        var out: [Value] = []
        for item in items {
            var key = item
            if let attr = attribute { key = DataFilters.item(item, .string(attr)) ?? Value.none }
            if !caseSensitive, case .string(let s) = key { key = .string(s.lowercased()) }
            if seen.contains(key) { continue }
            seen.append(key)
            out.append(item)
        }
        return out
    }

    static func random(_ input: Value, _ args: Arguments) throws -> Value {
        let seed = args.value(2, "seed").flatMap { $0.isNone ? nil : $0.text }
        let start = try args.int(0, "start") ?? 0
        let step = try args.int(1, "step") ?? 1
        switch input {
        case .int(let end):
            guard step != 0 else { throw args.fail("step must not be zero") }
            // Python's randrange(start, end, step), in wider arithmetic so extreme bounds cannot trap.
            let span = step > 0 ? Double(end) - Double(start) : Double(start) - Double(end)
            let count = (span / Double(abs(step))).rounded(.up)
            guard count >= 1 else { throw args.fail("empty range for randrange(\(start), \(end), \(step))") }
            guard count < Double(Int.max) else { throw args.fail("range too large") }
            let (offset, o1) = step.multipliedReportingOverflow(by: randomIndex(Int(count), seed: seed))
            let (value, o2) = start.addingReportingOverflow(offset)
            guard !o1, !o2 else { throw args.fail("range too large") }
            return .int(value)
        case .list, .tuple, .string, .dict:
            if args.value(0, "start")?.truthy == true || args.value(1, "step")?.truthy == true {
                throw args.fail("start and step can only be used with integer values")
            }
            let items = try input.iterated("random")
            guard !items.isEmpty else { throw args.fail("cannot choose from an empty sequence") }
            return items[randomIndex(items.count, seed: seed)]
        default:
            throw args.fail("random can only be used on sequences and integers, got \(input.typeName)")
        }
    }

    static func permutations(_ items: [Value], _ r: Int) -> [[Value]] {
        guard r >= 0, r <= items.count else { return [] }
        if r == 0 { return [[]] }
        var out: [[Value]] = []
        for i in items.indices {
            var rest = items
            let head = rest.remove(at: i)
            out += permutations(rest, r - 1).map { [head] + $0 }
        }
        return out
    }

    static func combinations(_ items: [Value], _ r: Int) -> [[Value]] {
        guard r >= 0, r <= items.count else { return [] }
        if r == 0 { return [[]] }
        var out: [[Value]] = []
        for i in items.indices {
            out += combinations(Array(items[(i + 1)...]), r - 1).map { [items[i]] + $0 }
        }
        return out
    }
}


/// A number in 0..<count: repeatable when a seed is given, from the system generator otherwise.
func randomIndex(_ count: Int, seed: String?) -> Int {
    guard let seed else { return Int.random(in: 0..<count) }
    var gen = SeededGenerator(seed: seed)
    return Int.random(in: 0..<count, using: &gen)
}
