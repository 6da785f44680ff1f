import DataLoader
import Foundation

extension Inventory {
    /// Hosts matching an Ansible host pattern, in inventory order: `all`, `*`, host and group names,
    /// globs (`web*`), regexes (`~web\d+`), unions (`a:b`, `a,b`), exclusions (`!a`) and intersections
    /// (`&a`) — applied after all unions, whatever their position — and subscripts (`g[0]`, `g[1:3]`,
    /// `g[-1]`). A pattern that matches nothing gives a warning in `warnings`, as does an invalid one.
    public func hosts(matching pattern: String) -> [String] {
        do {
            return try hosts(matching: pattern, limit: nil)
        } catch {
            addWarning("\(error)")
            return []
        }
    }

    /// As `hosts(matching:)`, then restricted to the hosts matching `limit` (`--limit`: same syntax,
    /// plus `@file` naming a file with one pattern per line). Throws on a missing limit file, an
    /// out-of-range subscript or an invalid regex.
    public func hosts(matching pattern: String, limit: String?) throws -> [String] {
        var result = try evaluate(Self.splitPattern(pattern))
        if let limit {
            var subset: [String] = []
            for p in Self.splitPattern(limit) {
                guard p.hasPrefix("@") else {
                    subset.append(p)
                    continue
                }
                let path = String(p.dropFirst())
                var isDir: ObjCBool = false
                guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
                    throw SourceError("Unable to find limit file \(path)", at: nil)
                }
                guard !isDir.boolValue else {
                    throw SourceError("Limit starting with \"@\" must be a file, not a directory: \(path)", at: nil)
                }
                let text = try String(contentsOfFile: path, encoding: .utf8)
                subset += text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            }
            // An empty limit restricts nothing, as in Ansible.
            if !subset.isEmpty {
                let allowed = Set(try evaluate(subset))
                result = result.filter { allowed.contains($0) }
            }
        }
        var seen: Set<String> = []
        return result.filter { seen.insert($0).inserted }
    }

    func addWarning(_ message: String) {
        lock.lock()
        defer { lock.unlock() }
        data.warn(message)
    }

    /// Splits on commas if there are any; else on colons and spaces outside `[...]`, unless the whole
    /// pattern is a host address (so `host:22` or an IPv6 address stays one pattern).
    static func splitPattern(_ pattern: String) -> [String] {
        var parts: [String]
        if pattern.has(",") {
            parts = pattern.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        } else if HostAddress.parse(pattern, allowRanges: true) != nil {
            parts = [pattern]
        } else {
            parts = []
            var current = ""
            let chars = Array(pattern)
            var i = 0
            while i < chars.count {
                let c = chars[i]
                if c == "[", let close = chars[(i + 1)...].firstIndex(of: "]") {
                    current += String(chars[i...close])
                    i = close + 1
                    continue
                }
                if c.isWhitespace || c == ":" || c == "[" || c == "]" {
                    if !current.isEmpty { parts.append(current) }
                    current = ""
                } else {
                    current.append(c)
                }
                i += 1
            }
            if !current.isEmpty { parts.append(current) }
        }
        return parts.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
    }

    /// Unions first, then intersections, then exclusions; `all` when there is no union.
    func evaluate(_ patterns: [String]) throws -> [String] {
        var regular: [String] = []
        var intersect: [String] = []
        var exclude: [String] = []
        for p in patterns where !p.isEmpty {
            if p.hasPrefix("!") { exclude.append(p) } else if p.hasPrefix("&") { intersect.append(p) } else { regular.append(p) }
        }
        if regular.isEmpty { regular = ["all"] }
        var result: [String] = []
        for p in regular + intersect + exclude {
            if data.hosts[p] != nil {
                result.append(p)
                continue
            }
            let matched = try matchOne(p)
            if p.hasPrefix("!") {
                let set = Set(matched)
                result.removeAll { set.contains($0) }
            } else if p.hasPrefix("&") {
                let set = Set(matched)
                result.removeAll { !set.contains($0) }
            } else {
                let existing = Set(result)
                result += matched.filter { !existing.contains($0) }
            }
        }
        return result
    }

    /// One pattern without its `!`/`&`, subscript applied.
    private func matchOne(_ raw: String) throws -> [String] {
        let pattern = raw.hasPrefix("!") || raw.hasPrefix("&") ? String(raw.dropFirst()) : raw
        lock.lock()
        let cached = patternCache[pattern]
        lock.unlock()
        if let cached { return cached }
        let (expr, sub) = splitSubscript(pattern)
        let hosts = try enumerate(expr)
        var result = hosts
        if let sub, !hosts.isEmpty {
            switch sub {
            case .index(let i):
                let index = i < 0 ? hosts.count + i : i
                guard index >= 0 && index < hosts.count else {
                    throw SourceError("No hosts matched the subscripted pattern '\(pattern)'", at: nil)
                }
                result = [hosts[index]]
            case .slice(let start, let end):
                let last = end == -1 ? hosts.count - 1 : end
                result = start <= last && start < hosts.count ? Array(hosts[start...min(last, hosts.count - 1)]) : []
            }
        }
        lock.lock()
        patternCache[pattern] = result
        lock.unlock()
        return result
    }

    private enum Subscript {
        case index(Int)
        case slice(Int, Int)
    }

    /// `name[3]`, `name[-1]`, `name[1:3]`, `name[2:]` (and the removed `name[1-3]`, with a warning).
    private func splitSubscript(_ pattern: String) -> (String, Subscript?) {
        guard !pattern.hasPrefix("~"), pattern.hasSuffix("]"), let open = pattern.lastIndex(of: "["),
              open > pattern.startIndex else { return (pattern, nil) }
        let body = String(pattern[pattern.index(after: open)..<pattern.index(before: pattern.endIndex)])
        let base = String(pattern[..<open])
        let unsigned = body.hasPrefix("-") ? String(body.dropFirst()) : body
        if unsigned.isAllDigits, let i = Int(body) { return (base, .index(i)) }
        guard let sep = body.firstIndex(where: { $0 == ":" || $0 == "-" }) else { return (pattern, nil) }
        let startText = String(body[..<sep])
        let endText = String(body[body.index(after: sep)...])
        guard startText.isAllDigits, endText.isEmpty || endText.isAllDigits, let start = Int(startText) else { return (pattern, nil) }
        if body[sep] == "-" { addWarning("Use [x:y] inclusive subscripts instead of [x-y] which has been removed") }
        let end = endText.isEmpty ? -1 : (Int(endText) ?? -1)
        // As in Ansible, an end of 0 selects the single host at `start`.
        return (base, end == 0 ? .index(start) : .slice(start, end))
    }

    /// Hosts of matching groups, then (for globs, regexes or when no group matched) matching hosts.
    private func enumerate(_ pattern: String) throws -> [String] {
        let matcher = try NameMatcher(pattern)
        var results: [String] = []
        var matchedGroup = false
        if let exact = matcher.exactName {
            if data.groups[exact] != nil {
                matchedGroup = true
                results += hostsOfGroup(exact)
            }
        } else {
            for name in data.groups.keys where matcher.matches(name) {
                matchedGroup = true
                results += hostsOfGroup(name)
            }
        }
        let special = pattern.hasPrefix("~") || pattern.contains { ".?*[".contains($0) }
        if !matchedGroup || special {
            if let exact = matcher.exactName {
                if data.hosts[exact] != nil { results.append(exact) }
            } else {
                results += data.hosts.keys.filter { matcher.matches($0) }
            }
        }
        if results.isEmpty, Self.localhostNames.contains(pattern), let local = host(pattern) {
            results.append(local.name)
        }
        if results.isEmpty && !matchedGroup && pattern != "all" {
            addWarning("Could not match supplied host pattern, ignoring: \(pattern)")
        }
        return results
    }
}

/// Matches names against a host pattern: `~regex` (anchored at the start, like Python's re.match) or a
/// shell glob (whole name; `*`, `?`, `[abc]`, `[a-z]`, `[!x]`), as Ansible's fnmatch-based matching.
struct NameMatcher {
    private enum Token: Equatable {
        case star, any
        case char(Character)
        case set(negated: Bool, singles: [Character], ranges: [ClosedRange<Character>])
    }

    private var tokens: [Token] = []
    private var regex: NSRegularExpression?
    /// Set when the pattern has no wildcard: a plain name compares by equality.
    private(set) var exactName: String?

    init(_ pattern: String) throws {
        if pattern.hasPrefix("~") {
            do {
                regex = try NSRegularExpression(pattern: String(pattern.dropFirst()))
            } catch {
                throw SourceError("Invalid host list pattern: \(pattern)", at: nil)
            }
            return
        }
        tokens = Self.parseGlob(Array(pattern))
        if tokens.allSatisfy({ if case .char = $0 { return true } else { return false } }) {
            exactName = String(tokens.compactMap { if case .char(let c) = $0 { return c } else { return nil } })
        }
    }

    func matches(_ name: String) -> Bool {
        if let regex {
            return regex.firstMatch(in: name, options: [.anchored], range: NSRange(name.startIndex..., in: name)) != nil
        }
        if let exactName { return name == exactName }
        return Self.glob(tokens[...], Array(name)[...])
    }

    private static func parseGlob(_ p: [Character]) -> [Token] {
        var out: [Token] = []
        var i = 0
        while i < p.count {
            let c = p[i]
            i += 1
            switch c {
            case "*":
                if out.last != .star { out.append(.star) }
            case "?":
                out.append(.any)
            case "[":
                // The set runs to the next ']', a ']' right after '[' or '[!' being a member.
                var j = i
                if j < p.count && p[j] == "!" { j += 1 }
                if j < p.count && p[j] == "]" { j += 1 }
                while j < p.count && p[j] != "]" { j += 1 }
                guard j < p.count else {
                    out.append(.char("["))
                    continue
                }
                var body = Array(p[i..<j])
                i = j + 1
                let negated = body.first == "!"
                if negated { body.removeFirst() }
                var singles: [Character] = []
                var ranges: [ClosedRange<Character>] = []
                var k = 0
                while k < body.count {
                    if k + 2 < body.count && body[k + 1] == "-" {
                        if body[k] <= body[k + 2] { ranges.append(body[k]...body[k + 2]) }
                        k += 3
                    } else {
                        singles.append(body[k])
                        k += 1
                    }
                }
                out.append(.set(negated: negated, singles: singles, ranges: ranges))
            default:
                out.append(.char(c))
            }
        }
        return out
    }

    private static func glob(_ tokens: ArraySlice<Token>, _ name: ArraySlice<Character>) -> Bool {
        var t = tokens.startIndex
        var n = name.startIndex
        var starT: Int? = nil
        var starN = 0
        while n < name.endIndex {
            if t < tokens.endIndex, tokens[t] != .star, matchOne(tokens[t], name[n]) {
                t += 1
                n += 1
            } else if t < tokens.endIndex, tokens[t] == .star {
                starT = t
                starN = n
                t += 1
            } else if let s = starT {
                t = s + 1
                starN += 1
                n = starN
            } else {
                return false
            }
        }
        while t < tokens.endIndex && tokens[t] == .star { t += 1 }
        return t == tokens.endIndex
    }

    private static func matchOne(_ token: Token, _ c: Character) -> Bool {
        switch token {
        case .star: return true
        case .any: return true
        case .char(let x): return x == c
        case .set(let negated, let singles, let ranges):
            let inSet = singles.contains(c) || ranges.contains { $0.contains(c) }
            return inSet != negated
        }
    }
}
