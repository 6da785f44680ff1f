/// Greedy line filling as Python's textwrap.wrap does it for ansible's messages: words split at
/// whitespace and after hyphens inside words, whitespace dropped at line edges, over-long words cut.
enum TextWrap {
    static func wrap(_ text: String, width: Int) -> [String] {
        let chunks = split(text.map { $0.isWhitespace ? " " : $0 })
        var lines: [String] = []
        var line = ""
        for chunk in chunks {
            let isSpace = chunk.first == " "
            if line.isEmpty && isSpace && !lines.isEmpty { continue }
            if line.count + chunk.count <= width {
                line += chunk
                continue
            }
            if isSpace {
                // The space that would overflow ends the line.
                lines.append(trimTrailing(line)); line = ""
                continue
            }
            if !trimTrailing(line).isEmpty { lines.append(trimTrailing(line)); line = "" }
            var rest = Substring(chunk)
            while rest.count > width {
                lines.append(String(rest.prefix(width)))
                rest = rest.dropFirst(width)
            }
            line = String(rest)
        }
        if !trimTrailing(line).isEmpty { lines.append(trimTrailing(line)) }
        return lines
    }

    /// Runs of spaces and words; a word with inner hyphens splits after each ("long-" "word").
    static func split(_ chars: [Character]) -> [String] {
        var out: [String] = []
        var current = ""
        for (i, c) in chars.enumerated() {
            if let last = current.last, (last == " ") != (c == " ") {
                out.append(current); current = ""
            }
            current.append(c)
            let letterBefore = i > 0 && chars[i - 1].isLetter
            let letterAfter = i + 1 < chars.count && chars[i + 1].isLetter
            if c == "-" && letterBefore && letterAfter { out.append(current); current = "" }
        }
        if !current.isEmpty { out.append(current) }
        return out
    }

    static func trimTrailing(_ s: String) -> String {
        var s = s
        while s.last == " " { s.removeLast() }
        return s
    }
}
