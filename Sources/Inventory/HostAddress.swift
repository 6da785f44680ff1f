import Foundation

/// Host names as inventory files write them: an optional `:port` suffix (`[v6addr]:port` for IPv6)
/// and `[a:b]` / `[a:b:step]` ranges, as Ansible's address parser and range expander read them.
enum HostAddress {
    struct Invalid: Error, CustomStringConvertible {
        var description: String
    }

    /// Splits `host:port` when the host part is a valid hostname or IP address (ranges allowed
    /// when `allowRanges`); nil when it is not, in which case Ansible keeps the text as it is.
    static func parse(_ address: String, allowRanges: Bool) -> (host: String, port: Int?)? {
        var host = address
        var port: Int? = nil
        if let (inner, p) = splitBracketedPort(host) {
            host = inner
            port = p
        }
        if let (inner, p) = splitPort(host) {
            host = inner
            port = p
        }
        guard isHostname(host) || isIPv6(host) else { return nil }
        if !allowRanges && host.has("[") { return nil }
        return (host, port)
    }

    /// `[anything]:123`
    private static func splitBracketedPort(_ s: String) -> (String, Int)? {
        guard s.utf8.first == UInt8(ascii: "["), let (head, port) = trailingPort(s), head.utf8.count > 2,
              head.utf8.last == UInt8(ascii: "]") else { return nil }
        return (String(head.dropFirst().dropLast()), port)
    }

    /// `name:123`, where the name has no bare `:` or `]` outside complete `[...]` groups.
    private static func splitPort(_ s: String) -> (String, Int)? {
        guard let (head, port) = trailingPort(s) else { return nil }
        var inBracket = false
        for c in head.utf8 {
            if inBracket {
                if c == UInt8(ascii: "]") { inBracket = false }
            } else if c == UInt8(ascii: "[") {
                inBracket = true
            } else if c == UInt8(ascii: ":") || c == UInt8(ascii: "]") {
                return nil
            }
        }
        return inBracket ? nil : (head, port)
    }

    /// Text before a final `:digits`, and the port.
    private static func trailingPort(_ s: String) -> (String, Int)? {
        let utf8 = s.utf8
        guard let colon = utf8.lastIndex(of: UInt8(ascii: ":")) else { return nil }
        let digits = utf8[utf8.index(after: colon)...]
        guard !digits.isEmpty, digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        return (String(s[..<colon]), Int(Substring(digits)) ?? Int.max)
    }

    /// Dot-separated labels of word characters and `-`, not starting with `-` nor ending with `-`
    /// or `_`; each label may contain `[a:b]` ranges (numeric or one letter).
    static func isHostname(_ s: String) -> Bool {
        let chars = Array(s.unicodeScalars)
        guard !chars.isEmpty else { return false }
        var start = 0
        for (i, c) in chars.enumerated() where c == "." {
            guard isLabel(chars[start..<i]) else { return false }
            start = i + 1
        }
        return isLabel(chars[start...])
    }

    /// Python's `\w`: letters, digits and underscore, in any script.
    static func isWordCharacter(_ c: Unicode.Scalar) -> Bool {
        switch c.value {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A, 0x5F: return true
        case 0..<0x80: return false
        default: return c.properties.isAlphabetic || c.properties.numericType != nil
        }
    }

    private static func isLabel(_ chars: ArraySlice<Unicode.Scalar>) -> Bool {
        guard !chars.isEmpty else { return false }
        var i = chars.startIndex
        var last: Unicode.Scalar = " "
        while i < chars.endIndex {
            let c = chars[i]
            if c == "[" {
                guard let end = rangeEnd(chars, from: i) else { return false }
                i = end
                last = "]"
                continue
            }
            guard isWordCharacter(c) || (c == "-" && i > chars.startIndex) else { return false }
            last = c
            i += 1
        }
        return last != "-" && last != "_"
    }

    /// Index after a valid `[x:y]` or `[x:y:step]` range starting at `start`.
    private static func rangeEnd(_ chars: ArraySlice<Unicode.Scalar>, from start: Int) -> Int? {
        guard let close = chars[start...].firstIndex(of: "]") else { return nil }
        let parts = chars[(start + 1)..<close].split(separator: ":", omittingEmptySubsequences: false).map { part in
            String(String.UnicodeScalarView(part))
        }
        guard parts.count == 2 || parts.count == 3 else { return nil }
        let numeric = parts[0].isAllDigits && parts[1].isAllDigits
        let letters = parts[0].isSingleASCIILetter && parts[1].isSingleASCIILetter
        guard numeric || letters else { return nil }
        if parts.count == 3 && !parts[2].isAllDigits { return nil }
        return close + 1
    }

    private static let ipv6Pattern: NSRegularExpression? = {
        let c = "(?:[0-9a-f]{1,4}|\\[[0-9a-f]+:[0-9a-f]+(?::[0-9]+)?\\])"
        let forms = [
            "(?:\(c):){7}\(c)", "(?:\(c):){1,6}:", "(?:\(c):)(?::\(c)){1,6}",
            "(?:\(c):){2}(?::\(c)){1,5}", "(?:\(c):){3}(?::\(c)){1,4}", "(?:\(c):){4}(?::\(c)){1,3}",
            "(?:\(c):){5}(?::\(c)){1,2}", "(?:\(c):){6}(?::\(c))", ":(?::\(c)){1,6}", "\(c)?::",
            "(?:0:){6}(?:\(c)\\.){3}\(c)", "::(?:ffff:)?(?:\(c)\\.){3}\(c)", "(?:0:){5}ffff:(?:\(c)\\.){3}\(c)",
        ]
        return try? NSRegularExpression(pattern: "^(?:" + forms.joined(separator: "|") + ")$", options: [.caseInsensitive])
    }()

    static func isIPv6(_ s: String) -> Bool {
        guard s.has(":"), let re = ipv6Pattern else { return false }
        return re.firstMatch(in: s, range: NSRange(s.startIndex..., in: s)) != nil
    }

    // MARK: Ranges

    /// Expands every `[begin:end(:step)]` in a host name, left to right: `web[01:03]` gives web01,
    /// web02, web03; `db-[a:c]` gives db-a, db-b, db-c. Numeric begin with a leading zero sets the
    /// width. A range whose end is before its begin expands to nothing, as in Ansible.
    static func expand(_ name: String) throws -> [String] {
        guard let open = name.firstIndex(of: "["), let close = name.firstIndex(of: "]"), !name.has("|") else {
            if name.has("[") { throw Invalid(description: "host range in '\(name)' must look like [begin:end] or [begin:end:step]") }
            return [name]
        }
        // Ansible takes the text between the first '[' and the first ']', wherever they are.
        let (first, second) = open < close ? (open, close) : (close, open)
        let head = String(name[..<first])
        let body = String(name[name.index(after: first)..<second])
        let tail = String(name[name.index(after: second)...])
        let bounds = body.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard bounds.count == 2 || bounds.count == 3 else {
            throw Invalid(description: "host range must be begin:end or begin:end:step")
        }
        let begin = bounds[0].isEmpty ? "0" : bounds[0]
        let end = bounds[1]
        guard !end.isEmpty else { throw Invalid(description: "host range must specify end value") }
        let stepText = bounds.count == 3 ? bounds[2] : "1"
        var width = 0
        if begin.count > 1 && begin.hasPrefix("0") {
            guard begin.count == end.count else {
                throw Invalid(description: "host range must specify equal-length begin and end formats")
            }
            width = begin.count
        }
        guard let step = pythonInt(stepText) else {
            throw Invalid(description: "invalid range step '\(stepText)' in host range '\(name)'")
        }
        var items: [String] = []
        let letters = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
        let letterText = String(letters)
        if step != 0, let b = letterText.range(of: begin), let e = letterText.range(of: end) {
            let bi = letterText.distance(from: letterText.startIndex, to: b.lowerBound)
            let ei = letterText.distance(from: letterText.startIndex, to: e.lowerBound)
            guard bi <= ei else { throw Invalid(description: "host range must have begin <= end") }
            items = stride(from: bi, through: ei, by: max(step, 1)).map { String(letters[$0]) }
            if step < 0 { items = [] }
        } else {
            guard let b = pythonInt(begin), let e = pythonInt(end) else {
                throw Invalid(description: "host range '\(body)' must be numeric or a single letter at each end")
            }
            guard step != 0 else { throw Invalid(description: "host range step must not be zero") }
            let last = e + 1
            var n = b
            while step > 0 ? n < last : n > last {
                var text = String(n)
                if width > 0 && text.count < width {
                    // zfill: pad after a sign
                    let negative = n < 0
                    let digits = negative ? String(text.dropFirst()) : text
                    text = (negative ? "-" : "") + String(repeating: "0", count: width - text.count) + digits
                }
                items.append(text)
                n += step
            }
        }
        var hosts: [String] = []
        for item in items {
            hosts.append(contentsOf: try expand(head + item + tail))
        }
        return hosts
    }

    /// Python's int() of a string: optional sign, digits with single underscores, surrounding spaces.
    static func pythonInt(_ raw: String) -> Int? {
        let t = raw.trimmingCharacters(in: .whitespaces)
        guard !t.isEmpty, !t.hasPrefix("_"), !t.hasSuffix("_"), !t.contains("__") else { return nil }
        let digits = t.replacingOccurrences(of: "_", with: "")
        return Int(digits)
    }
}

extension String {
    var isAllDigits: Bool { !isEmpty && allSatisfy { $0.isASCII && $0.isNumber } }
    var isSingleASCIILetter: Bool { count == 1 && (first?.isASCII ?? false) && (first?.isLetter ?? false) }
}
