/// Splits an INI host line into words the way Python's `shlex.split(line, comments=True)` does
/// (POSIX mode): quotes group words, backslash escapes outside single quotes, and `#` starts a
/// comment wherever a word is not quoted — so `a=1#x` is just `a=1`.
enum ShellWords {
    struct SplitError: Error, CustomStringConvertible {
        var description: String
    }

    static func split(_ line: String) throws -> [String] {
        var words: [String] = []
        var word = ""
        var inWord = false          // a word has started (possibly an empty quoted one)
        var quote: Character? = nil // the open quote, if any
        let chars = Array(line)
        var i = 0
        func isSpace(_ c: Character) -> Bool { c == " " || c == "\t" || c == "\r" || c == "\n" }
        while i < chars.count {
            let c = chars[i]
            if let q = quote {
                if c == q {
                    quote = nil
                } else if q == "\"" && c == "\\" {
                    // Inside double quotes a backslash escapes only `"` and `\`.
                    guard i + 1 < chars.count else { throw SplitError(description: "No escaped character") }
                    let next = chars[i + 1]
                    if next != "\"" && next != "\\" { word.append("\\") }
                    word.append(next)
                    i += 1
                } else {
                    word.append(c)
                }
            } else if isSpace(c) {
                if inWord { words.append(word); word = ""; inWord = false }
            } else if c == "#" {
                break  // a comment runs to the end of the line
            } else if c == "\"" || c == "'" {
                quote = c
                inWord = true
            } else if c == "\\" {
                guard i + 1 < chars.count else { throw SplitError(description: "No escaped character") }
                word.append(chars[i + 1])
                inWord = true
                i += 1
            } else {
                word.append(c)
                inWord = true
            }
            i += 1
        }
        if quote != nil { throw SplitError(description: "No closing quotation") }
        if inWord { words.append(word) }
        return words
    }
}
