import Foundation

/// Version ordering for the `version` test: loose (distutils LooseVersion), strict
/// (StrictVersion), semver (semver.org 2.0) and pep440 (release, pre, post, dev segments).
enum VersionCompare {
    static let operators: [String: (Int) -> Bool] = [
        "<": { $0 < 0 }, "lt": { $0 < 0 }, "<=": { $0 <= 0 }, "le": { $0 <= 0 },
        ">": { $0 > 0 }, "gt": { $0 > 0 }, ">=": { $0 >= 0 }, "ge": { $0 >= 0 },
        "==": { $0 == 0 }, "=": { $0 == 0 }, "eq": { $0 == 0 },
        "!=": { $0 != 0 }, "<>": { $0 != 0 }, "ne": { $0 != 0 },
    ]

    /// -1, 0 or 1; throws with a message naming the version when it is invalid for the type.
    static func compare(_ a: String, _ b: String, type: String, plugin: String) throws -> Int {
        switch type {
        case "loose": return try compareLoose(loose(a), loose(b), plugin)
        case "strict":
            guard let x = strict(a) else { throw pluginError(plugin, "invalid version number '\(a)'") }
            guard let y = strict(b) else { throw pluginError(plugin, "invalid version number '\(b)'") }
            return compareStrict(x, y)
        case "semver", "semantic":
            guard let x = semver(a) else { throw pluginError(plugin, "invalid semantic version '\(a)'") }
            guard let y = semver(b) else { throw pluginError(plugin, "invalid semantic version '\(b)'") }
            return compareSemver(x, y)
        case "pep440":
            guard let x = pep440(a) else { throw pluginError(plugin, "invalid PEP 440 version '\(a)'") }
            guard let y = pep440(b) else { throw pluginError(plugin, "invalid PEP 440 version '\(b)'") }
            return comparePEP440(x, y)
        default:
            throw pluginError(plugin, "Invalid version type (\(type)). Must be one of loose, strict, semver, semantic, pep440")
        }
    }

    enum Part: Equatable { case number(Int), word(String) }

    /// Runs of digits become numbers, runs of lowercase letters words, dots separate, and any
    /// other characters between those form words of their own (LooseVersion's splitting).
    static func loose(_ v: String) -> [Part] {
        enum Kind { case digit, lower, other }
        func kind(_ c: Character) -> Kind {
            if c.isASCII && c.isNumber { return .digit }
            if c.isASCII && c.isLowercase { return .lower }
            return .other
        }
        var parts: [Part] = []
        var current = ""
        var currentKind = Kind.other
        func flush() {
            if current.isEmpty { return }
            parts.append(currentKind == .digit ? .number(Int(current) ?? 0) : .word(current))
            current = ""
        }
        for c in v {
            if c == "." { flush(); continue }
            let k = kind(c)
            if k != currentKind { flush() }
            currentKind = k
            current.append(c)
        }
        flush()
        return parts
    }

    static func compareLoose(_ a: [Part], _ b: [Part], _ plugin: String) throws -> Int {
        for (x, y) in zip(a, b) {
            switch (x, y) {
            case (.number(let i), .number(let j)): if i != j { return i < j ? -1 : 1 }
            case (.word(let s), .word(let t)): if s != t { return s < t ? -1 : 1 }
            default:
                throw pluginError(plugin, "Version comparison failed: cannot compare a number with a string component")
            }
        }
        return a.count == b.count ? 0 : (a.count < b.count ? -1 : 1)
    }

    struct Strict { var release: [Int]; var pre: (String, Int)? }

    static func strict(_ v: String) -> Strict? {
        guard let re = try? NSRegularExpression(pattern: "^(\\d+)\\.(\\d+)(\\.(\\d+))?([ab](\\d+))?$"),
              let m = re.firstMatch(in: v, range: NSRange(v.startIndex..., in: v)) else { return nil }
        func g(_ i: Int) -> String? { Range(m.range(at: i), in: v).map { String(v[$0]) } }
        let release = [Int(g(1) ?? "0") ?? 0, Int(g(2) ?? "0") ?? 0, Int(g(4) ?? "0") ?? 0]
        var pre: (String, Int)?
        if let p = g(5), let n = g(6) { pre = (String(p.prefix(1)), Int(n) ?? 0) }
        return Strict(release: release, pre: pre)
    }

    static func compareStrict(_ a: Strict, _ b: Strict) -> Int {
        if a.release != b.release { return a.release.lexicographicallyPrecedes(b.release) ? -1 : 1 }
        switch (a.pre, b.pre) {
        case (nil, nil): return 0
        case (nil, _): return 1
        case (_, nil): return -1
        case (let x?, let y?):
            if x.0 != y.0 { return x.0 < y.0 ? -1 : 1 }
            return x.1 == y.1 ? 0 : (x.1 < y.1 ? -1 : 1)
        }
    }

    struct Semver { var core: [Int]; var pre: [String] }

    static func semver(_ v: String) -> Semver? {
        var text = Substring(v)
        if let plus = text.firstIndex(of: "+") { text = text[..<plus] }
        var pre: [String] = []
        if let dash = text.firstIndex(of: "-") {
            pre = text[text.index(after: dash)...].split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            if pre.contains(where: \.isEmpty) { return nil }
            text = text[..<dash]
        }
        let core = text.split(separator: ".", omittingEmptySubsequences: false).compactMap { Int($0) }
        guard core.count == 3, text.split(separator: ".").count == 3 else { return nil }
        return Semver(core: core, pre: pre)
    }

    static func compareSemver(_ a: Semver, _ b: Semver) -> Int {
        if a.core != b.core { return a.core.lexicographicallyPrecedes(b.core) ? -1 : 1 }
        if a.pre.isEmpty || b.pre.isEmpty { return a.pre.isEmpty == b.pre.isEmpty ? 0 : (a.pre.isEmpty ? 1 : -1) }
        for (x, y) in zip(a.pre, b.pre) where x != y {
            switch (Int(x), Int(y)) {
            case (let i?, let j?): return i < j ? -1 : 1
            case (.some, nil): return -1
            case (nil, .some): return 1
            default: return x < y ? -1 : 1
            }
        }
        return a.pre.count == b.pre.count ? 0 : (a.pre.count < b.pre.count ? -1 : 1)
    }

    /// (epoch, release, pre-release rank, post, dev) enough to order common PEP 440 versions.
    struct PEP440 { var epoch: Int; var release: [Int]; var pre: (Int, Int)?; var post: Int?; var dev: Int? }

    static func pep440(_ raw: String) -> PEP440? {
        var v = raw.lowercased().trimmingCharacters(in: .whitespaces)
        if v.hasPrefix("v") { v.removeFirst() }
        let pattern = "^(?:(\\d+)!)?(\\d+(?:\\.\\d+)*)(?:[-_.]?(a|alpha|b|beta|rc|c|pre|preview)[-_.]?(\\d*))?(?:(?:-(\\d+))|(?:[-_.]?(?:post|rev|r)[-_.]?(\\d*)))?(?:[-_.]?dev[-_.]?(\\d*))?(?:\\+[a-z0-9.]+)?$"
        guard let re = try? NSRegularExpression(pattern: pattern),
              let m = re.firstMatch(in: v, range: NSRange(v.startIndex..., in: v)) else { return nil }
        func g(_ i: Int) -> String? { Range(m.range(at: i), in: v).map { String(v[$0]) } }
        var release = (g(2) ?? "0").split(separator: ".").map { Int($0) ?? 0 }
        while release.count > 1, release.last == 0 { release.removeLast() }
        var pre: (Int, Int)?
        if let kind = g(3) {
            let rank = kind.hasPrefix("a") ? 0 : kind.hasPrefix("b") ? 1 : 2
            pre = (rank, Int(g(4) ?? "") ?? 0)
        }
        var post: Int?
        if let p = g(5) { post = Int(p) } else if m.range(at: 6).location != NSNotFound { post = Int(g(6) ?? "") ?? 0 }
        let dev: Int? = m.range(at: 7).location != NSNotFound ? (Int(g(7) ?? "") ?? 0) : nil
        return PEP440(epoch: Int(g(1) ?? "0") ?? 0, release: release, pre: pre, post: post, dev: dev)
    }

    static func comparePEP440(_ a: PEP440, _ b: PEP440) -> Int {
        // Sort keys as tuples: dev-only releases sort before pre-releases; absent pieces rank high or low.
        func key(_ v: PEP440) -> [Double] {
            let pre: [Double]
            if let p = v.pre { pre = [Double(p.0), Double(p.1)] } else if v.post == nil, v.dev != nil { pre = [-1, 0] } else { pre = [.infinity, 0] }
            let post: Double = v.post.map(Double.init) ?? -1
            let dev: Double = v.dev.map(Double.init) ?? .infinity
            return pre + [post, dev]
        }
        if a.epoch != b.epoch { return a.epoch < b.epoch ? -1 : 1 }
        let n = max(a.release.count, b.release.count)
        let ra = a.release + Array(repeating: 0, count: n - a.release.count)
        let rb = b.release + Array(repeating: 0, count: n - b.release.count)
        if ra != rb { return ra.lexicographicallyPrecedes(rb) ? -1 : 1 }
        let ka = key(a), kb = key(b)
        if ka == kb { return 0 }
        return ka.lexicographicallyPrecedes(kb) ? -1 : 1
    }
}
