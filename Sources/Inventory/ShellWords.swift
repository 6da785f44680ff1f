/// Splits an INI host line into words the way Python's `shlex.split(line, comments=True)` does
/// (POSIX mode): quotes group words, backslash escapes outside single quotes, and `#` starts a
/// comment wherever a word is not quoted — so `a=1#x` is just `a=1`.
enum ShellWords {
    struct SplitError: Error, CustomStringConvertible {
        var description: String
    }

    // Every character with a meaning here is ASCII, so the line is scanned as UTF-8 bytes.
    private static let space = UInt8(ascii: " "), tab = UInt8(ascii: "\t"), cr = UInt8(ascii: "\r"), lf = UInt8(ascii: "\n")
    private static let hash = UInt8(ascii: "#"), backslash = UInt8(ascii: "\\")
    private static let single = UInt8(ascii: "'"), double = UInt8(ascii: "\"")

    static func split(_ line: String) throws -> [String] {
        var words: [String] = []
        var word: [UInt8] = []
        var inWord = false       // a word has started (possibly an empty quoted one)
        var quote: UInt8? = nil  // the open quote, if any
        let bytes = Array(line.utf8)
        var i = 0
        while i < bytes.count {
            let c = bytes[i]
            if let q = quote {
                if c == q {
                    quote = nil
                } else if q == double && c == backslash {
                    // Inside double quotes a backslash escapes only `"` and `\`.
                    guard i + 1 < bytes.count else { throw SplitError(description: "No escaped character") }
                    let next = bytes[i + 1]
                    if next != double && next != backslash { word.append(backslash) }
                    word.append(next)
                    i += 1
                } else {
                    word.append(c)
                }
            } else if c == space || c == tab || c == cr || c == lf {
                if inWord {
                    words.append(String(decoding: word, as: UTF8.self))
                    word.removeAll(keepingCapacity: true)
                    inWord = false
                }
            } else if c == hash {
                break  // a comment runs to the end of the line
            } else if c == single || c == double {
                quote = c
                inWord = true
            } else if c == backslash {
                guard i + 1 < bytes.count else { throw SplitError(description: "No escaped character") }
                // Escape a whole UTF-8 character, not just its first byte.
                i += 1
                repeat {
                    word.append(bytes[i])
                    i += 1
                } while i < bytes.count && bytes[i] & 0xC0 == 0x80
                inWord = true
                continue
            } else {
                word.append(c)
                inWord = true
            }
            i += 1
        }
        if quote != nil { throw SplitError(description: "No closing quotation") }
        if inWord { words.append(String(decoding: word, as: UTF8.self)) }
        return words
    }
}
