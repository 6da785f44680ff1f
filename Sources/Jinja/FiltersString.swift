import Foundation
import OrderedCollections

/// Filters working on text.
enum StringFilters {
    static func register(_ f: inout [String: FilterFunction]) {
        f["capitalize"] = { v, _, _, env in .string(PyString.capitalize(try env.str(v))) }
        f["lower"] = { v, _, _, env in .string(PyString.lower(try env.str(v))) }
        f["upper"] = { v, _, _, env in .string(try env.str(v).uppercased()) }
        f["title"] = { v, _, _, env in .string(title(try env.str(v))) }
        f["trim"] = { v, a, k, env in
            .string(PyString.strip(try env.str(v), try FilterArgs(a, k, "trim").string(0, "chars", env)))
        }
        f["center"] = { v, a, k, env in
            .string(try PyString.pad(try env.str(v), try FilterArgs(a, k, "center").int(0, "width", 80), "^"))
        }
        f["replace"] = { v, a, k, env in
            let fa = FilterArgs(a, k, "replace")
            guard let old = try fa.string(0, "old", env), let new = try fa.string(1, "new", env) else {
                throw TemplateError.type("replace() missing required arguments 'old' and 'new'")
            }
            var count = -1
            if let c = fa.get(2, "count"), !c.isNone { count = try fa.int(2, "count", -1) }
            return .string(PyString.replace(try env.str(v), old, new, count: count))
        }
        f["escape"] = { v, _, _, env in try escape(v, env) }
        f["e"] = f["escape"]
        f["forceescape"] = { v, _, _, env in .object(Markup(PyString.escapeHTML(try env.str(v)))) }
        f["safe"] = { v, _, _, env in
            if case .object(let o) = v, o is Markup { return v }
            return .object(Markup(try env.str(v)))
        }
        f["string"] = { v, _, _, env in
            if case .object(let o) = v, o is Markup { return v }
            return .string(try env.str(v))
        }
        f["format"] = { v, a, k, env in
            if !a.isEmpty && !k.isEmpty {
                throw TemplateError.runtime("can't handle positional and keyword arguments at the same time")
            }
            let arg: Value = k.isEmpty ? (a.count == 1 && a[0].dictValue != nil ? a[0] : .tuple(a)) : .dict(k)
            return .string(try PercentFormat.format(try env.str(v), arg, env: env))
        }
        f["indent"] = { v, a, k, env in try indent(v, FilterArgs(a, k, "indent"), env) }
        f["striptags"] = { v, _, _, env in .string(striptags(try env.str(v))) }
        f["truncate"] = { v, a, k, env in try truncate(try env.str(v), FilterArgs(a, k, "truncate"), env) }
        f["wordcount"] = { v, _, _, env in .int(words(try env.str(v)).count) }
        f["wordwrap"] = { v, a, k, env in try wordwrap(try env.str(v), FilterArgs(a, k, "wordwrap"), env) }
        f["urlencode"] = { v, _, _, env in .string(try urlencode(v, env)) }
        f["urlize"] = { v, a, k, env in try urlize(try env.str(v), FilterArgs(a, k, "urlize"), env) }
        f["filesizeformat"] = { v, a, k, env in
            try filesizeformat(v, binary: FilterArgs(a, k, "filesizeformat").bool(0, "binary", false), env)
        }
        f["xmlattr"] = { v, a, k, env in try xmlattr(v, autospace: FilterArgs(a, k, "xmlattr").bool(0, "autospace", true), env) }
        f["pprint"] = { v, _, _, _ in .string(PrettyPrint.format(v)) }
        f["tojson"] = { v, a, k, _ in
            let fa = FilterArgs(a, k, "tojson")
            var indent: Int?
            if let i = fa.get(0, "indent"), !i.isNone { indent = try fa.int(0, "indent", 0) }
            let json = try valueToJSON(v, indent: indent, sortKeys: true)
            var out = ""
            for c in json.unicodeScalars {
                switch c {
                case "<": out += "\\u003c"
                case ">": out += "\\u003e"
                case "&": out += "\\u0026"
                case "'": out += "\\u0027"
                default: out.unicodeScalars.append(c)
                }
            }
            return .object(Markup(out))
        }
    }

    static func escape(_ v: Value, _ env: Environment) throws -> Value {
        if case .object(let o) = v, o is Markup { return v }
        return .object(Markup(PyString.escapeHTML(try env.str(v))))
    }

    /// Jinja's title: words start after whitespace or an opening bracket/dash.
    static func title(_ s: String) -> String {
        if let ascii = asciiTitle(s) { return ascii }
        var out = ""
        var atStart = true
        for ch in s {
            if ch.isWhitespace || "-([{<".contains(ch) {
                out.append(ch)
                atStart = true
            } else if atStart {
                out += ch.uppercased()
                atStart = false
            } else {
                out += ch.lowercased()
            }
        }
        return out
    }

    /// `title` on ASCII text, byte by byte (the common case; avoids a String per character).
    private static func asciiTitle(_ s: String) -> String? {
        var bytes = Array(s.utf8)
        var atStart = true
        for i in bytes.indices {
            let b = bytes[i]
            guard b < 0x80 else { return nil }
            switch b {
            case 0x09...0x0D, 0x20, UInt8(ascii: "-"), UInt8(ascii: "("), UInt8(ascii: "["), UInt8(ascii: "{"), UInt8(ascii: "<"):
                atStart = true
            case UInt8(ascii: "a")...UInt8(ascii: "z"):
                if atStart { bytes[i] = b - 32 }
                atStart = false
            case UInt8(ascii: "A")...UInt8(ascii: "Z"):
                if !atStart { bytes[i] = b + 32 }
                atStart = false
            default:
                atStart = false
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func indent(_ v: Value, _ a: FilterArgs, _ env: Environment) throws -> Value {
        let s = try env.str(v)
        var pad = "    "
        if let w = a.get(0, "width") {
            if case .string(let str) = w {
                pad = str
            } else {
                let n = max(0, try a.int(0, "width", 4))
                try PyString.checkSize(n)
                pad = String(repeating: " ", count: n)
            }
        }
        let first = a.bool(1, "first", false)
        let blank = a.bool(2, "blank", false)
        let lines = PyString.splitlines(s + "\n")
        var rv: String
        if blank {
            rv = lines.joined(separator: "\n" + pad)
        } else {
            rv = lines.first ?? ""
            if lines.count > 1 {
                rv += "\n" + lines.dropFirst().map { $0.isEmpty ? $0 : pad + $0 }.joined(separator: "\n")
            }
        }
        if first { rv = pad + rv }
        return .string(rv)
    }

    static func striptags(_ s: String) -> String {
        // Drop comments and tags, then collapse whitespace and decode entities.
        var text = s
        while let start = text.range(of: "<!--"), let end = text.range(of: "-->", range: start.upperBound..<text.endIndex) {
            text.removeSubrange(start.lowerBound..<end.upperBound)
        }
        var out = ""
        var inTag = false
        let chars = Array(text)
        for (i, c) in chars.enumerated() {
            if inTag {
                if c == ">" { inTag = false }
            } else if c == "<", i + 1 < chars.count, chars[i + 1].isLetter || chars[i + 1] == "/" || chars[i + 1] == "!" {
                // A tag only counts when it is closed later.
                if chars[(i + 1)...].contains(">") { inTag = true } else { out.append(c) }
            } else {
                out.append(c)
            }
        }
        let collapsed = (try? PyString.split(out, nil)) ?? []
        return unescapeHTML(collapsed.joined(separator: " "))
    }

    static func unescapeHTML(_ s: String) -> String {
        guard s.contains("&") else { return s }
        let named: [String: String] = ["amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": "\u{a0}"]
        var out = ""
        var i = s.startIndex
        while i < s.endIndex {
            if s[i] == "&", let semi = s[i...].firstIndex(of: ";"), s.distance(from: i, to: semi) <= 10 {
                let body = String(s[s.index(after: i)..<semi])
                var rep: String?
                if body.hasPrefix("#x") || body.hasPrefix("#X") {
                    rep = UInt32(body.dropFirst(2), radix: 16).flatMap(UnicodeScalar.init).map { String(Character($0)) }
                } else if body.hasPrefix("#") {
                    rep = UInt32(body.dropFirst()).flatMap(UnicodeScalar.init).map { String(Character($0)) }
                } else {
                    rep = named[body]
                }
                if let r = rep {
                    out += r
                    i = s.index(after: semi)
                    continue
                }
            }
            out.append(s[i])
            i = s.index(after: i)
        }
        return out
    }

    static func truncate(_ s: String, _ a: FilterArgs, _ env: Environment) throws -> Value {
        let length = try a.int(0, "length", 255)
        let killwords = a.bool(1, "killwords", false)
        let end = try a.string(2, "end", env) ?? "..."
        let leeway = try a.int(3, "leeway", 5)
        let endLen = PyString.length(end)
        if length < endLen { throw TemplateError.runtime("expected length >= \(endLen), got \(length)") }
        if leeway < 0 { throw TemplateError.runtime("expected leeway >= 0, got \(leeway)") }
        let cs = PyString.scalars(s)
        if cs.count <= length + leeway { return .string(s) }
        let head = PyString.string(cs.prefix(length - endLen))
        if killwords { return .string(head + end) }
        if let r = head.range(of: " ", options: .backwards) {
            return .string(String(head[..<r.lowerBound]) + end)
        }
        return .string(head + end)
    }

    /// Python's `\w+` matches.
    static func words(_ s: String) -> [String] {
        var out: [String] = []
        var cur = ""
        for c in s.unicodeScalars {
            if c.properties.isAlphabetic || c.properties.numericType != nil || c == "_" {
                cur.unicodeScalars.append(c)
            } else if !cur.isEmpty {
                out.append(cur)
                cur = ""
            }
        }
        if !cur.isEmpty { out.append(cur) }
        return out
    }

    static func wordwrap(_ s: String, _ a: FilterArgs, _ env: Environment) throws -> Value {
        let width = try a.int(0, "width", 79)
        let breakLong = a.bool(1, "break_long_words", true)
        let wrapstring = try a.string(2, "wrapstring", env) ?? "\n"
        let breakOnHyphens = a.bool(3, "break_on_hyphens", true)
        if width <= 0 { throw TemplateError.runtime("invalid width \(width) (must be > 0)") }
        let paragraphs = PyString.splitlines(s).map { line in
            TextWrap.wrap(line, width: width, breakLongWords: breakLong, breakOnHyphens: breakOnHyphens).joined(separator: wrapstring)
        }
        return .string(paragraphs.joined(separator: wrapstring))
    }

    static func quote(_ s: String, safe: String) -> String {
        var out = ""
        for b in s.utf8 {
            let c = Character(UnicodeScalar(b))
            if (b < 128 && (c.isLetter || c.isNumber)) || "_.-~".contains(c) || (b < 128 && safe.contains(c)) {
                out.append(c)
            } else {
                out += String(format: "%%%02X", b)
            }
        }
        return out
    }

    static func urlencode(_ v: Value, _ env: Environment) throws -> String {
        switch v {
        case .string(let s): return quote(s, safe: "/")
        case .dict(let d):
            return try d.map { quote($0.key, safe: "").replacingOccurrences(of: "%20", with: "+") + "=" + quote(try env.str($0.value), safe: "").replacingOccurrences(of: "%20", with: "+") }.joined(separator: "&")
        case .list(let l), .tuple(let l):
            return try l.map { pair in
                let kv = try env.iterate(pair)
                guard kv.count == 2 else { throw TemplateError.runtime("too many values to unpack (expected 2)") }
                return quote(try env.str(kv[0]), safe: "").replacingOccurrences(of: "%20", with: "+") + "=" + quote(try env.str(kv[1]), safe: "").replacingOccurrences(of: "%20", with: "+")
            }.joined(separator: "&")
        default:
            return quote(try env.str(v), safe: "/")
        }
    }

    static func urlize(_ s: String, _ a: FilterArgs, _ env: Environment) throws -> Value {
        var trimLimit: Int?
        if let t = a.get(0, "trim_url_limit"), !t.isNone { trimLimit = try a.int(0, "trim_url_limit", 0) }
        let nofollow = a.bool(1, "nofollow", false)
        let target = try a.string(2, "target", env)
        var relParts = Set((try a.string(3, "rel", env) ?? "").split(separator: " ").map(String.init))
        if nofollow { relParts.insert("nofollow") }
        relParts.insert("noopener")
        let rel = relParts.sorted().joined(separator: " ")
        var attrs = " rel=\"\(PyString.escapeHTML(rel))\""
        if let t = target { attrs += " target=\"\(PyString.escapeHTML(t))\"" }
        func trim(_ x: String) -> String {
            guard let l = trimLimit, PyString.length(x) > l else { return x }
            return PyString.string(x.unicodeScalars.prefix(l)) + (l >= 3 ? "..." : "")
        }
        // Split on whitespace, keeping the separators.
        var pieces: [String] = []
        var cur = ""
        var curSpace: Bool?
        for c in s {
            let sp = c.isWhitespace
            if curSpace != nil && sp != curSpace { pieces.append(cur); cur = "" }
            cur.append(c)
            curSpace = sp
        }
        if !cur.isEmpty { pieces.append(cur) }
        var out = ""
        for piece in pieces {
            if piece.first?.isWhitespace ?? true { out += PyString.escapeHTML(piece); continue }
            var head = "", middle = piece, tail = ""
            while let f = middle.first, "(<".contains(f) { head.append(f); middle.removeFirst() }
            while let l = middle.last, ".,)>!?:;\n".contains(l) {
                // Keep a closing parenthesis when it balances one inside the URL.
                if l == ")" && middle.filter({ $0 == "(" }).count >= middle.filter({ $0 == ")" }).count { break }
                tail = String(l) + tail
                middle.removeLast()
            }
            let lower = middle.lowercased()
            var link: String?
            if lower.hasPrefix("https://") || lower.hasPrefix("http://") {
                link = middle
            } else if lower.hasPrefix("www.") || (!middle.contains("@") && !middle.hasPrefix("http") && [".org", ".net", ".com"].contains(where: { lower.hasSuffix($0) }) && middle.first?.isLetter == true && !middle.contains(":")) {
                link = "https://" + middle
            }
            if let l = link {
                out += PyString.escapeHTML(head) + "<a href=\"\(PyString.escapeHTML(l))\"\(attrs)>\(PyString.escapeHTML(trim(middle)))</a>" + PyString.escapeHTML(tail)
            } else if middle.contains("@"), !middle.contains(":"), !lower.hasPrefix("www."), isEmail(middle) {
                out += PyString.escapeHTML(head) + "<a href=\"mailto:\(PyString.escapeHTML(middle))\">\(PyString.escapeHTML(middle))</a>" + PyString.escapeHTML(tail)
            } else {
                out += PyString.escapeHTML(piece)
            }
        }
        return .object(Markup(out))
    }

    private static func isEmail(_ s: String) -> Bool {
        let parts = s.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !parts[1].hasPrefix("."), !parts[1].hasSuffix(".") else { return false }
        return parts[1].allSatisfy { $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" }
    }

    static func filesizeformat(_ v: Value, binary: Bool, _ env: Environment) throws -> Value {
        let bytes: Double
        switch v {
        case .string(let s):
            guard let d = ValueFilters.parseFloat(s) else { throw TemplateError.runtime("could not convert string to float: \(Value.reprString(s))") }
            bytes = d
        default:
            guard let d = v.numericDouble else { throw TemplateError.type("float() argument must be a string or a real number, not '\(v.typeName)'") }
            bytes = d
        }
        let base: Double = binary ? 1024 : 1000
        let prefixes = binary ? ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB"] : ["kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"]
        if bytes == 1 { return .string("1 Byte") }
        if bytes < base { return .string("\(Int(bytes)) Bytes") }
        var unit = base
        for (i, p) in prefixes.enumerated() {
            unit = Foundation.pow(base, Double(i + 2))
            if bytes < unit || i == prefixes.count - 1 {
                return .string(NumberFormat.printf("%.1f", base * bytes / unit) + " " + p)
            }
        }
        return .string("")
    }

    static func xmlattr(_ v: Value, autospace: Bool, _ env: Environment) throws -> Value {
        guard case .dict(let d) = v else { throw TemplateError.type("xmlattr expects a mapping") }
        var parts: [String] = []
        for (k, val) in d {
            if val.isNone || val.isUndefined { continue }
            if k.contains(where: { $0.isWhitespace || "/>=".contains($0) }) {
                throw TemplateError.runtime("Invalid character in attribute name: \(Value.reprString(k))")
            }
            parts.append("\(PyString.escapeHTML(k))=\"\(PyString.escapeHTML(try env.str(val)))\"")
        }
        var rv = parts.joined(separator: " ")
        if autospace && !rv.isEmpty { rv = " " + rv }
        return .object(Markup(rv))
    }
}

/// Python's textwrap.wrap as used by `wordwrap` (no tab expansion, whitespace kept inside lines).
enum TextWrap {
    static func chunks(_ text: String, breakOnHyphens: Bool) -> [String] {
        var out: [String] = []
        var cur = ""
        var curSpace: Bool?
        for c in text {
            let sp = c.isWhitespace
            if let cs = curSpace, cs != sp { out.append(cur); cur = "" }
            cur.append(c)
            curSpace = sp
            // Split words after a hyphen that follows a letter and precedes a letter.
            if !sp && breakOnHyphens && c == "-" && cur.count > 1 && cur.dropLast().last?.isLetter == true {
                out.append(cur)
                cur = ""
                curSpace = nil
            }
        }
        if !cur.isEmpty { out.append(cur) }
        // Re-join hyphen splits that were not followed by a letter.
        var merged: [String] = []
        for ch in out {
            if let last = merged.last, last.hasSuffix("-"), !(ch.first?.isLetter ?? false), !(ch.first?.isWhitespace ?? true) {
                merged[merged.count - 1] += ch
            } else {
                merged.append(ch)
            }
        }
        return merged
    }

    static func wrap(_ text: String, width: Int, breakLongWords: Bool, breakOnHyphens: Bool) -> [String] {
        var chunks = Array(chunks(text, breakOnHyphens: breakOnHyphens).reversed())
        var lines: [String] = []
        while !chunks.isEmpty {
            var cur: [String] = []
            var len = 0
            // Drop leading whitespace on every line but the first.
            if !lines.isEmpty, let last = chunks.last, last.allSatisfy(\.isWhitespace) { chunks.removeLast() }
            while let chunk = chunks.last {
                let l = PyString.length(chunk)
                if len + l <= width {
                    cur.append(chunk)
                    len += l
                    chunks.removeLast()
                } else {
                    break
                }
            }
            if let chunk = chunks.last, PyString.length(chunk) > width {
                let space = max(width - len, 1)
                if breakLongWords {
                    let cs = PyString.scalars(chunk)
                    cur.append(PyString.string(cs.prefix(space)))
                    chunks[chunks.count - 1] = PyString.string(cs.dropFirst(space))
                } else if cur.isEmpty {
                    cur.append(chunk)
                    chunks.removeLast()
                }
            }
            if let last = cur.last, last.allSatisfy(\.isWhitespace) { cur.removeLast() }
            if !cur.isEmpty { lines.append(cur.joined()) }
        }
        return lines
    }
}

/// Python's pprint.pformat (width 80, dict keys sorted): values that do not fit on the remaining
/// line are split one element per line.
enum PrettyPrint {
    static let width = 80

    static func format(_ v: Value) -> String {
        var out = ""
        write(v, indent: 0, allowance: 0, into: &out)
        return out
    }

    /// repr() with dict keys sorted, as pprint shows them.
    static func repr(_ v: Value) -> String {
        switch v {
        case .list(let l): return "[" + l.map(repr).joined(separator: ", ") + "]"
        case .tuple(let l):
            if l.count == 1 { return "(" + repr(l[0]) + ",)" }
            return "(" + l.map(repr).joined(separator: ", ") + ")"
        case .dict(let d):
            return "{" + sortedKeys(d.keys).map { Value.reprString($0) + ": " + repr(d[$0] ?? .none) }.joined(separator: ", ") + "}"
        default: return v.pythonRepr
        }
    }

    private static func sortedKeys<C: Collection>(_ keys: C) -> [String] where C.Element == String {
        keys.sorted { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) }
    }

    private static func write(_ v: Value, indent: Int, allowance: Int, into out: inout String) {
        let rep = repr(v)
        guard PyString.length(rep) > width - indent - allowance else { out += rep; return }
        switch v {
        case .list(let l) where !l.isEmpty:
            out += "["
            items(l, indent: indent, allowance: allowance + 1, into: &out)
            out += "]"
        case .tuple(let l) where !l.isEmpty:
            let end = l.count == 1 ? ",)" : ")"
            out += "("
            items(l, indent: indent, allowance: allowance + end.count, into: &out)
            out += end
        case .dict(let d) where !d.isEmpty:
            out += "{"
            let keys = sortedKeys(d.keys)
            let inner = indent + 1
            for (i, k) in keys.enumerated() {
                let last = i == keys.count - 1
                let kr = Value.reprString(k)
                out += kr + ": "
                write(d[k] ?? .none, indent: inner + PyString.length(kr) + 2, allowance: last ? allowance + 1 : 1, into: &out)
                if !last { out += ",\n" + String(repeating: " ", count: inner) }
            }
            out += "}"
        default:
            out += rep
        }
    }

    private static func items(_ l: [Value], indent: Int, allowance: Int, into out: inout String) {
        let inner = indent + 1
        for (i, x) in l.enumerated() {
            let last = i == l.count - 1
            write(x, indent: inner, allowance: last ? allowance : 1, into: &out)
            if !last { out += ",\n" + String(repeating: " ", count: inner) }
        }
    }
}
