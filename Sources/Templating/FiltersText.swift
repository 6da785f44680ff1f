import Foundation
import Jinja
import OrderedCollections

/// Text filters: quote (shell), comment, urlsplit.
enum TextFilters {
    static func install(into env: Environment) {
        env.addFilter("quote") { input, _, _ in .string(shellQuote(input.isNone ? "" : input.text)) }
        env.addFilter("comment") { input, args, _ in try comment(input.text, args) }
        env.addFilter("urlsplit") { input, args, _ in
            let parts = try urlSplit(input.text)
            guard let query = try args.string(0, "query"), !query.isEmpty else { return .dict(parts) }
            guard let v = parts[query] else { throw args.fail("unknown URL component: \(query)") }
            return v
        }
    }

    /// Python's shlex.quote: safe words stay bare, everything else goes in single quotes.
    static func shellQuote(_ s: String) -> String {
        if s.isEmpty { return "''" }
        let safe = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_@%+=:,./-")
        if s.allSatisfy({ safe.contains($0) }) { return s }
        return "'" + s.replacingOccurrences(of: "'", with: "'\"'\"'") + "'"
    }

    static let commentStyles: [String: [String: String]] = [
        "plain": ["decoration": "# "],
        "erlang": ["decoration": "% "],
        "c": ["decoration": "// "],
        "cblock": ["beginning": "/*", "decoration": " * ", "end": " */"],
        "xml": ["beginning": "<!--", "decoration": " - ", "end": "-->"],
    ]

    /// Wraps text in a comment block: optional beginning line, prefix lines, decorated text,
    /// postfix lines and an end line. Every part can be overridden by keyword.
    static func comment(_ text: String, _ args: Arguments) throws -> Value {
        let style = try args.string(0, "style", default: "plain") ?? "plain"
        guard let styleParams = commentStyles[style] else {
            throw args.fail("Invalid style '\(style)'. Available styles: \(commentStyles.keys.sorted().joined(separator: ", "))")
        }
        let prepostfix = args.keywords["decoration"]?.text ?? styleParams["decoration"] ?? ""
        let trimmed = String(prepostfix.reversed().drop(while: { $0.isWhitespace }).reversed())
        var p: [String: String] = ["newline": "\n", "beginning": "", "prefix": trimmed, "prefix_count": "1",
                                   "decoration": "", "postfix": trimmed, "postfix_count": "1", "end": ""]
        p.merge(styleParams) { $1 }
        for (k, v) in args.keywords where k != "style" { p[k] = v.text }
        let nl = p["newline"] ?? "\n"
        let decoration = p["decoration"] ?? ""
        guard let prefixCount = Int(p["prefix_count"] ?? "1"), let postfixCount = Int(p["postfix_count"] ?? "1") else {
            throw args.fail("prefix_count and postfix_count must be integers")
        }
        var out = ""
        if let b = p["beginning"], !b.isEmpty { out += b + nl }
        if let prefix = p["prefix"], !prefix.isEmpty {
            out += String(repeating: prefix == nl ? nl : prefix + nl, count: max(prefixCount, 0))
        }
        let decoratedRstrip = String(decoration.reversed().drop(while: { $0.isWhitespace }).reversed())
        out += (decoration + text.replacingOccurrences(of: nl, with: nl + decoration))
            .replacingOccurrences(of: decoration + nl, with: decoratedRstrip + nl)
        let postfix = p["postfix"] ?? ""
        out += String(repeating: nl + postfix, count: max(postfixCount, 0))
        if let e = p["end"], !e.isEmpty { out += nl + e }
        return .string(out)
    }

    /// Python's urllib.parse.urlsplit, as a dict of its attributes.
    static func urlSplit(_ url: String) throws -> OrderedDictionary<String, Value> {
        var rest = Substring(url)
        var scheme = ""
        if let colon = rest.firstIndex(of: ":"), let first = rest.first, first.isASCII, first.isLetter,
           rest[..<colon].allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "+-.".contains($0)) }) {
            scheme = rest[..<colon].lowercased()
            rest = rest[rest.index(after: colon)...]
        }
        var netloc = ""
        if rest.hasPrefix("//") {
            rest = rest.dropFirst(2)
            let end = rest.firstIndex(where: { "/?#".contains($0) }) ?? rest.endIndex
            netloc = String(rest[..<end])
            rest = rest[end...]
        }
        var fragment = ""
        if let hash = rest.firstIndex(of: "#") {
            fragment = String(rest[rest.index(after: hash)...])
            rest = rest[..<hash]
        }
        var query = ""
        if let q = rest.firstIndex(of: "?") {
            query = String(rest[rest.index(after: q)...])
            rest = rest[..<q]
        }
        var username: Value = .none, password: Value = .none, hostname: Value = .none, port: Value = .none
        if !netloc.isEmpty {
            var host = Substring(netloc)
            if let at = host.lastIndex(of: "@") {
                let userinfo = host[..<at]
                host = host[host.index(after: at)...]
                if let c = userinfo.firstIndex(of: ":") {
                    username = .string(String(userinfo[..<c]))
                    password = .string(String(userinfo[userinfo.index(after: c)...]))
                } else {
                    username = .string(String(userinfo))
                }
            }
            var portText: Substring?
            if host.hasPrefix("["), let close = host.firstIndex(of: "]") {
                let after = host[host.index(after: close)...]
                if after.hasPrefix(":") { portText = after.dropFirst() }
                host = host[host.index(after: host.startIndex)..<close]
            } else if let c = host.lastIndex(of: ":") {
                portText = host[host.index(after: c)...]
                host = host[..<c]
            }
            if !host.isEmpty { hostname = .string(host.lowercased()) }
            if let pt = portText, !pt.isEmpty {
                guard let n = Int(pt), (0...65535).contains(n) else {
                    throw pluginError("urlsplit", "Port could not be cast to integer value as '\(pt)'")
                }
                port = .int(n)
            }
        }
        return [
            "fragment": .string(fragment), "hostname": hostname, "netloc": .string(netloc), "password": password,
            "path": .string(String(rest)), "port": port, "query": .string(query), "scheme": .string(scheme),
            "username": username,
        ]
    }
}
