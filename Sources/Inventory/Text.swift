/// Small string helpers with Python's notions of whitespace and lines, without Foundation bridging
/// (these run for every line of large inventories).
enum Text {
    /// Calls `body` with each line (as Python's str.splitlines cuts them) until it returns false.
    static func forEachLine(_ text: String, _ body: (Substring) -> Bool) {
        let scalars = text.unicodeScalars
        var start = scalars.startIndex
        var i = start
        while i < scalars.endIndex {
            let c = scalars[i]
            if isLineBreak(c) {
                guard body(Substring(scalars[start..<i])) else { return }
                i = scalars.index(after: i)
                if c == "\r", i < scalars.endIndex, scalars[i] == "\n" { i = scalars.index(after: i) }
                start = i
            } else {
                i = scalars.index(after: i)
            }
        }
        if start < scalars.endIndex { _ = body(Substring(scalars[start...])) }
    }

    static func lines(of text: String) -> [Substring] {
        var out: [Substring] = []
        forEachLine(text) { out.append($0); return true }
        return out
    }

    static func isLineBreak(_ c: Unicode.Scalar) -> Bool {
        switch c.value {
        case 0x0A, 0x0B, 0x0C, 0x0D, 0x1C, 0x1D, 0x1E, 0x85, 0x2028, 0x2029: return true
        default: return false
        }
    }

    /// Python's str.isspace for one character.
    static func isSpace(_ c: Unicode.Scalar) -> Bool {
        switch c.value {
        case 0x20, 0x09...0x0D, 0x1C...0x1F: return true
        case 0..<0x80: return false
        default: return c.properties.isWhitespace
        }
    }
}

extension Substring {
    /// Python's str.strip().
    var stripped: String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !Text.isSpace($0) }),
              let last = scalars.lastIndex(where: { !Text.isSpace($0) }) else { return "" }
        return String(Substring(scalars[first...last]))
    }
}

extension String {
    /// Python's str.strip().
    var stripped: String { Substring(self).stripped }
}

extension StringProtocol {
    /// Whether the text contains the character; unlike `contains("x")` this does not go through
    /// Foundation's substring search, which is slow on hot paths.
    func has(_ c: Unicode.Scalar) -> Bool { unicodeScalars.contains(c) }
}
