/// Backslash escapes in `key=value` arguments, decoded as Ansible's k=v parser does (Python's
/// unicode-escape for `\\ \' \" \a \b \f \n \r \t \v`, `\xhh`, `\uhhhh`, `\Uhhhhhhhh`; not octal, so `\1`
/// stays a backreference): `replace: regexp='\b'` means a backspace there, unlike in YAML mapping form.
enum KeyValueEscapes {
    static func decode(_ s: String) -> String {
        guard s.contains("\\") else { return s }
        let chars = Array(s.unicodeScalars)
        var out = String.UnicodeScalarView()
        var i = 0
        let hexWidths: [Unicode.Scalar: Int] = ["x": 2, "u": 4, "U": 8]
        func hex(_ from: Int, _ count: Int) -> Unicode.Scalar? {
            guard from + count <= chars.count else { return nil }
            let digits = String(String.UnicodeScalarView(chars[from..<from + count]))
            guard digits.allSatisfy(\.isHexDigit), let v = UInt32(digits, radix: 16) else { return nil }
            return Unicode.Scalar(v)
        }
        while i < chars.count {
            let c = chars[i]
            guard c == "\\", i + 1 < chars.count else { out.append(c); i += 1; continue }
            let n = chars[i + 1]
            let simple: [Unicode.Scalar: Unicode.Scalar] = ["\\": "\\", "'": "'", "\"": "\"", "a": "\u{07}", "b": "\u{08}",
                                                            "f": "\u{0C}", "n": "\n", "r": "\r", "t": "\t", "v": "\u{0B}"]
            if let m = simple[n] {
                out.append(m); i += 2
            } else if let width = hexWidths[n], let scalar = hex(i + 2, width) {
                out.append(scalar); i += 2 + width
            } else {
                out.append(c); i += 1  // not an escape: kept as written
            }
        }
        return String(out)
    }
}
