import Foundation

/// Python `str` operations. Python strings are sequences of code points, so lengths and indices
/// here count Unicode scalars, not grapheme clusters.
enum PyString {
    /// str.lower(): ASCII text is folded byte by byte (and returned as is when it has no capitals),
    /// other text through Unicode lowercasing.
    static func lower(_ s: String) -> String {
        var hasUpper = false
        for b in s.utf8 {
            if b >= 0x80 { return s.lowercased() }
            if b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z") { hasUpper = true }
        }
        guard hasUpper else { return s }
        return String(decoding: s.utf8.map { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") ? $0 + 32 : $0 }, as: UTF8.self)
    }

    static func scalars(_ s: String) -> [Unicode.Scalar] { Array(s.unicodeScalars) }

    static func string<S: Sequence>(_ xs: S) -> String where S.Element == Unicode.Scalar {
        var v = String.UnicodeScalarView()
        v.append(contentsOf: xs)
        return String(v)
    }

    static func length(_ s: String) -> Int { s.unicodeScalars.count }

    static func isSpace(_ c: Unicode.Scalar) -> Bool {
        switch c.value {
        case 0x09...0x0D, 0x1C...0x20, 0x85, 0xA0: return true
        default: return c.value > 0x7F && c.properties.isWhitespace
        }
    }

    /// `str.split(sep, maxsplit)`.
    static func split(_ s: String, _ sep: String?, _ maxsplit: Int = -1) throws -> [String] {
        if let sep = sep {
            if sep.isEmpty { throw TemplateError.runtime("empty separator") }
            var parts: [String] = []
            var rest = Substring(s)
            while maxsplit < 0 || parts.count < maxsplit, let r = rest.range(of: sep) {
                parts.append(String(rest[..<r.lowerBound]))
                rest = rest[r.upperBound...]
            }
            parts.append(String(rest))
            return parts
        }
        let cs = scalars(s)
        var parts: [String] = []
        var i = 0
        while i < cs.count {
            while i < cs.count, isSpace(cs[i]) { i += 1 }
            if i >= cs.count { break }
            if maxsplit >= 0 && parts.count == maxsplit {
                // The remainder keeps its trailing whitespace, as in Python.
                parts.append(string(cs[i...]))
                break
            }
            let start = i
            while i < cs.count, !isSpace(cs[i]) { i += 1 }
            parts.append(string(cs[start..<i]))
        }
        return parts
    }

    /// `str.rsplit(sep, maxsplit)`.
    static func rsplit(_ s: String, _ sep: String?, _ maxsplit: Int = -1) throws -> [String] {
        if maxsplit < 0 { return try split(s, sep) }
        if let sep = sep {
            if sep.isEmpty { throw TemplateError.runtime("empty separator") }
            var parts: [String] = []
            var rest = Substring(s)
            while parts.count < maxsplit, let r = rest.range(of: sep, options: .backwards) {
                parts.insert(String(rest[r.upperBound...]), at: 0)
                rest = rest[..<r.lowerBound]
            }
            parts.insert(String(rest), at: 0)
            return parts
        }
        let cs = scalars(s)
        var parts: [String] = []
        var i = cs.count
        while i > 0 {
            while i > 0, isSpace(cs[i - 1]) { i -= 1 }
            if i == 0 { break }
            if parts.count == maxsplit {
                parts.insert(string(cs[..<i]), at: 0)
                break
            }
            let end = i
            while i > 0, !isSpace(cs[i - 1]) { i -= 1 }
            parts.insert(string(cs[i..<end]), at: 0)
        }
        return parts
    }

    static func strip(_ s: String, _ chars: String?, left: Bool = true, right: Bool = true) -> String {
        let cs = scalars(s)
        let set = chars.map { Set($0.unicodeScalars) }
        func drop(_ c: Unicode.Scalar) -> Bool { set.map { $0.contains(c) } ?? isSpace(c) }
        var lo = 0, hi = cs.count
        if left { while lo < hi, drop(cs[lo]) { lo += 1 } }
        if right { while hi > lo, drop(cs[hi - 1]) { hi -= 1 } }
        return string(cs[lo..<hi])
    }

    static func replace(_ s: String, _ old: String, _ new: String, count: Int = -1) -> String {
        if count == 0 { return s }
        if old.isEmpty {
            var out = ""
            var n = 0
            for c in s.unicodeScalars {
                if count < 0 || n < count { out += new; n += 1 }
                out.unicodeScalars.append(c)
            }
            if count < 0 || n < count { out += new }
            return out
        }
        // Byte-wise search: valid UTF-8 never matches in the middle of a character.
        let hay = Array(s.utf8), needle = Array(old.utf8), rep = Array(new.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(hay.count)
        var i = 0, done = 0
        while i + needle.count <= hay.count {
            if (count < 0 || done < count), hay[i] == needle[0], hay[i..<(i + needle.count)].elementsEqual(needle) {
                out += rep
                i += needle.count
                done += 1
            } else {
                out.append(hay[i])
                i += 1
            }
        }
        out += hay[i...]
        return String(decoding: out, as: UTF8.self)
    }

    /// Python's `str.title()`: a letter is upper-cased when it follows a non-letter.
    static func title(_ s: String) -> String {
        var out = ""
        var prevCased = false
        for ch in s {
            if ch.isCased {
                out += prevCased ? ch.lowercased() : ch.uppercased()
                prevCased = true
            } else {
                out.append(ch)
                prevCased = false
            }
        }
        return out
    }

    static func capitalize(_ s: String) -> String {
        guard let first = s.first else { return s }
        return first.uppercased() + s.dropFirst().lowercased()
    }

    static func swapcase(_ s: String) -> String {
        String(s.flatMap { ch -> String in
            if ch.isUppercase { return ch.lowercased() }
            if ch.isLowercase { return ch.uppercased() }
            return String(ch)
        })
    }

    /// Code-point index of the first occurrence of `sub`, or -1.
    static func find(_ s: String, _ sub: String, reverse: Bool = false) -> Int {
        if sub.isEmpty { return reverse ? length(s) : 0 }
        guard let r = s.range(of: sub, options: reverse ? [.literal, .backwards] : .literal) else { return -1 }
        return s.unicodeScalars.distance(from: s.unicodeScalars.startIndex, to: r.lowerBound)
    }

    static func count(_ s: String, _ sub: String) -> Int {
        if sub.isEmpty { return length(s) + 1 }
        return s.components(separatedBy: sub).count - 1
    }

    private static func all(_ s: String, _ pred: (Unicode.Scalar) -> Bool) -> Bool {
        !s.isEmpty && s.unicodeScalars.allSatisfy(pred)
    }

    static func isdigit(_ s: String) -> Bool {
        all(s) { $0.properties.numericType == .digit || $0.properties.numericType == .decimal }
    }
    static func isdecimal(_ s: String) -> Bool { all(s) { $0.properties.numericType == .decimal } }
    static func isnumeric(_ s: String) -> Bool { all(s) { $0.properties.numericType != nil } }
    static func isalpha(_ s: String) -> Bool { all(s) { $0.properties.isAlphabetic } }
    static func isalnum(_ s: String) -> Bool { all(s) { $0.properties.isAlphabetic || $0.properties.numericType != nil } }
    static func isspace(_ s: String) -> Bool { all(s, isSpace) }
    static func islower(_ s: String) -> Bool {
        var cased = false
        for c in s.unicodeScalars {
            if c.properties.isUppercase { return false }
            if c.properties.isLowercase { cased = true }
        }
        return cased
    }
    static func isupper(_ s: String) -> Bool {
        var cased = false
        for c in s.unicodeScalars {
            if c.properties.isLowercase { return false }
            if c.properties.isUppercase { cased = true }
        }
        return cased
    }

    static func splitlines(_ s: String, keepends: Bool = false) -> [String] {
        var lines: [String] = []
        var cur = String.UnicodeScalarView()
        let cs = scalars(s)
        var i = 0
        while i < cs.count {
            let c = cs[i]
            switch c.value {
            case 0x0A, 0x0B, 0x0C, 0x0D, 0x1C, 0x1D, 0x1E, 0x85, 0x2028, 0x2029:
                var end = String.UnicodeScalarView()
                end.append(c)
                if c.value == 0x0D, i + 1 < cs.count, cs[i + 1].value == 0x0A {
                    end.append(cs[i + 1])
                    i += 1
                }
                if keepends { cur.append(contentsOf: end) }
                lines.append(String(cur))
                cur = String.UnicodeScalarView()
            default:
                cur.append(c)
            }
            i += 1
        }
        if !cur.isEmpty { lines.append(String(cur)) }
        return lines
    }

    /// Strings built from template-controlled sizes (padding widths, repetition counts) are capped
    /// so that a typo like `center(10**12)` is an error instead of exhausting memory.
    static let maxBuiltLength = 10_000_000

    static func checkSize(_ n: Int) throws {
        if n > maxBuiltLength { throw TemplateError.runtime("result too large (more than \(maxBuiltLength) items)") }
    }

    /// Pads to `width` code points: align "<" left, ">" right, "^" centre (Python's str.center bias).
    static func pad(_ s: String, _ width: Int, _ align: Character, fill: String = " ") throws -> String {
        try checkSize(width)
        let n = length(s)
        guard width > n else { return s }
        let total = width - n
        switch align {
        case "<": return s + String(repeating: fill, count: total)
        case ">": return String(repeating: fill, count: total) + s
        default:
            // str.center puts the extra character on the left when both n and total are odd.
            let left = total / 2 + (total & width & 1)
            return String(repeating: fill, count: left) + s + String(repeating: fill, count: total - left)
        }
    }

    static func zfill(_ s: String, _ width: Int) throws -> String {
        try checkSize(width)
        let n = length(s)
        guard width > n else { return s }
        var body = Substring(s)
        var sign = ""
        if let f = body.first, f == "+" || f == "-" { sign = String(f); body = body.dropFirst() }
        return sign + String(repeating: "0", count: width - n) + body
    }

    /// HTML escaping as markupsafe does it.
    static func escapeHTML(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for c in s.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&#34;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }
}
