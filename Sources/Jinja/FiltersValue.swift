import Foundation

/// Filters on single values: numbers, defaults, attributes.
enum ValueFilters {
    static func register(_ f: inout [String: FilterFunction]) {
        f["default"] = { v, a, k, _ in
            let fa = FilterArgs(a, k, "default")
            let def = fa.get(0, "default_value") ?? .string("")
            if case .undefined = v { return def }
            if fa.bool(1, "boolean", false) && !v.truthy { return def }
            return v
        }
        f["d"] = f["default"]
        f["abs"] = { v, _, _, env in
            switch v {
            case .int(let i):
                if i == Int.min { throw TemplateError.runtime("integer overflow") }
                return .int(abs(i))
            case .bool(let b): return .int(b ? 1 : 0)
            case .double(let d): return .double(abs(d))
            case .undefined(let u): throw env.undefinedError(u)
            default: throw TemplateError.type("bad operand type for abs(): '\(v.typeName)'")
            }
        }
        f["attr"] = { v, a, k, env in
            guard let nameV = FilterArgs(a, k, "attr").get(0, "name") else { throw TemplateError.type("attr() missing required argument 'name'") }
            let name = try env.str(nameV)
            if case .undefined(let u) = v, env.options.undefined == .lenient || u.alwaysLenient { throw env.undefinedError(u) }
            if case .undefined = v { return v }
            return env.attribute(v, name) ?? .undefined(Undefined(name: name, hint: "\(Value.reprString(v.isNone ? "None" : "\(v.typeName) object")) has no attribute \(Value.reprString(name))"))
        }
        f["int"] = { v, a, k, env in
            let fa = FilterArgs(a, k, "int")
            let def = fa.get(0, "default") ?? .int(0)
            let base = try fa.int(1, "base", 10)
            return try toInt(v, base: base, env) ?? def
        }
        f["float"] = { v, a, k, env in
            let def = FilterArgs(a, k, "float").get(0, "default") ?? .double(0)
            switch v {
            case .int(let i): return .double(Double(i))
            case .bool(let b): return .double(b ? 1 : 0)
            case .double: return v
            case .string(let s): return parseFloat(s).map(Value.double) ?? def
            // float(Undefined) fails in every undefined mode.
            case .undefined(let u): throw env.undefinedError(u)
            default: return def
            }
        }
        f["round"] = { v, a, k, env in
            let fa = FilterArgs(a, k, "round")
            let precision = try fa.int(0, "precision", 0)
            let method = try fa.string(1, "method", env) ?? "common"
            guard ["common", "ceil", "floor"].contains(method) else {
                throw TemplateError.runtime("method must be common, ceil or floor")
            }
            guard let d = v.numericDouble else { throw TemplateError.type("type \(v.typeName) doesn't define __round__ method") }
            if method == "common" {
                if case .double = v { return .double(pyRound(d, precision)) }
                // round(int, n) stays an int.
                guard precision < 0, let i = v.intValue else { return .int(v.intValue ?? 0) }
                return .int(Int(pyRound(Double(i), precision)))
            }
            let scale = Foundation.pow(10.0, Double(precision))
            let scaled = method == "ceil" ? (d * scale).rounded(.up) : (d * scale).rounded(.down)
            return .double(scaled / scale)
        }
    }

    /// Python's round(x, n) for floats: correctly rounded, ties to even on the exact binary value.
    static func pyRound(_ d: Double, _ n: Int) -> Double {
        guard d.isFinite else { return d }
        if n >= 0 {
            if n > 300 { return d }
            return Double(NumberFormat.printf("%.\(n)f", d)) ?? d
        }
        let scale = Foundation.pow(10.0, Double(-n))
        return (d / scale).rounded(.toNearestOrEven) * scale
    }

    /// Python float(str): surrounding whitespace, underscores between digits, inf/nan.
    static func parseFloat(_ raw: String) -> Double? {
        var s = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        if s.contains("_") {
            let cs = Array(s)
            for (i, c) in cs.enumerated() where c == "_" {
                guard i > 0, i + 1 < cs.count, cs[i - 1].isNumber, cs[i + 1].isNumber else { return nil }
            }
            s = s.replacingOccurrences(of: "_", with: "")
        }
        let lower = s.lowercased()
        let body = lower.hasPrefix("+") || lower.hasPrefix("-") ? String(lower.dropFirst()) : lower
        if ["inf", "infinity", "nan"].contains(body) {
            let neg = lower.hasPrefix("-")
            return body == "nan" ? .nan : (neg ? -.infinity : .infinity)
        }
        // Reject forms Swift accepts but Python does not (hex floats, bare words).
        guard !body.isEmpty, body.allSatisfy({ $0.isNumber || $0 == "." || $0 == "e" || $0 == "+" || $0 == "-" }) else { return nil }
        return Double(s)
    }

    /// Python int(str, base) with Jinja's fallback through float ("42.5" -> 42).
    static func toInt(_ v: Value, base: Int, _ env: Environment) throws -> Value? {
        switch v {
        case .int: return v
        case .bool(let b): return .int(b ? 1 : 0)
        case .double(let d):
            guard d.isFinite else { return nil }
            guard abs(d) < 9.2e18 else { throw TemplateError.runtime("integer overflow") }
            return .int(Int(d))
        case .string(let s):
            if let i = parseInt(s, base: base) { return .int(i) }
            if let d = parseFloat(s), d.isFinite, abs(d) < 9.2e18 { return .int(Int(d)) }
            return nil
        // int(Undefined) fails in every undefined mode.
        case .undefined(let u): throw env.undefinedError(u)
        default: return nil
        }
    }

    static func parseInt(_ raw: String, base: Int) -> Int? {
        var s = raw.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        var neg = false
        if s.hasPrefix("-") { neg = true; s.removeFirst() } else if s.hasPrefix("+") { s.removeFirst() }
        var b = base
        let prefixes: [(String, Int)] = [("0x", 16), ("0o", 8), ("0b", 2)]
        for (p, pb) in prefixes where s.hasPrefix(p) && (b == pb || b == 0) {
            s.removeFirst(2)
            if s.hasPrefix("_") { s.removeFirst() }
            b = pb
        }
        if b == 0 {
            b = 10
            if s.count > 1 && s.hasPrefix("0") && s.contains(where: { $0 != "0" && $0 != "_" }) { return nil }
        }
        guard !s.isEmpty, !s.hasPrefix("_"), !s.hasSuffix("_"), !s.contains("__") else { return nil }
        guard let n = Int(s.replacingOccurrences(of: "_", with: ""), radix: b) else { return nil }
        return neg ? -n : n
    }
}
