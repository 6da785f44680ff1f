import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Number rendering shared by `%` formatting and `str.format`.
enum NumberFormat {
    /// C printf of one double (much cheaper than Foundation's String(format:) on Linux).
    static func printf(_ spec: String, _ d: Double) -> String {
        var buf = [CChar](repeating: 0, count: 64)
        let n = withVaList([d]) { vsnprintf(&buf, buf.count, spec, $0) }
        if n >= buf.count {
            buf = [CChar](repeating: 0, count: Int(n) + 1)
            _ = withVaList([d]) { vsnprintf(&buf, buf.count, spec, $0) }
        }
        return String(cString: buf)
    }

    /// Formats the absolute value of `d` with a printf conversion (f, e, g, ...).
    static func cFloat(_ d: Double, _ conv: Character, precision: Int, alt: Bool = false) -> String {
        if d.isNaN { return conv.isUppercase ? "NAN" : "nan" }
        if d.isInfinite { return conv.isUppercase ? "INF" : "inf" }
        let p = min(max(precision, 0), 100)
        if (conv == "f" || conv == "F") && !alt, let exact = fixed(abs(d), precision: p) { return exact }
        return printf("%\(alt ? "#" : "").\(p)\(conv)", abs(d))
    }

    /// `%.Nf` of a non-negative finite double, correctly rounded (half to even on the exact binary
    /// value, as C's printf and Python do) with 128-bit integer arithmetic; nil when the value or the
    /// precision is too large for that, and printf takes over.
    static func fixed(_ d: Double, precision p: Int) -> String? {
        guard d.isFinite, d >= 0, p <= 20 else { return nil }
        if d == 0 { return p == 0 ? "0" : "0." + String(repeating: "0", count: p) }
        // d = m * 2^e exactly.
        let m = UInt128(d.significandBitPattern | (d.isNormal ? (1 << 52) : 0))
        let e = d.isNormal ? Int(d.exponentBitPattern) - 1075 : -1074
        var pow10: UInt128 = 1
        for _ in 0..<p { pow10 *= 10 }
        var scaled: UInt128  // round(d * 10^p)
        if e >= 0 {
            guard e < 8 else { return nil }  // keeps m * 2^e * 10^p (< 2^(53+7+67)) within 128 bits
            scaled = (m << UInt128(e)) * pow10
        } else {
            let k = -e
            guard k < 128 else { return p == 0 ? "0" : "0." + String(repeating: "0", count: p) }
            let product = m * pow10  // < 2^53 * 10^20 < 2^120
            scaled = product >> UInt128(k)
            let rest = product & ((1 << UInt128(k)) - 1)
            let half: UInt128 = 1 << UInt128(k - 1)
            if rest > half || (rest == half && scaled & 1 == 1) { scaled += 1 }
        }
        var digits = String(scaled)
        guard p > 0 else { return digits }
        if digits.count <= p { digits = String(repeating: "0", count: p - digits.count + 1) + digits }
        let cut = digits.index(digits.endIndex, offsetBy: -p)
        return digits[..<cut] + "." + digits[cut...]
    }

    static func groupThousands(_ digits: String, sep: String, every: Int = 3) -> String {
        let parts = digits.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let intPart = Array(parts[0])
        var out = ""
        for (i, c) in intPart.enumerated() {
            if i > 0 && (intPart.count - i) % every == 0 { out += sep }
            out.append(c)
        }
        if parts.count > 1 { out += "." + parts[1] }
        return out
    }

    /// Applies sign, zero padding and alignment around an already-formatted magnitude.
    static func finish(_ magnitude: String, negative: Bool, sign: Character?, width: Int, zeroPad: Bool, align: Character?, fill: String = " ") throws -> String {
        try PyString.checkSize(width)
        let signStr = negative ? "-" : (sign == "+" ? "+" : (sign == " " ? " " : ""))
        let len = PyString.length(signStr + magnitude)
        if zeroPad && align == nil && width > len {
            return signStr + String(repeating: "0", count: width - len) + magnitude
        }
        if align == "=" && width > len {
            return signStr + String(repeating: fill, count: width - len) + magnitude
        }
        return try PyString.pad(signStr + magnitude, width, align ?? ">", fill: fill)
    }
}

/// Python's printf-style `str % args`.
enum PercentFormat {
    static func format(_ fmt: String, _ arg: Value, env: Environment) throws -> String {
        var positional: [Value]
        var mapping: Value?
        switch arg {
        case .tuple(let t): positional = t
        case .dict: positional = [arg]; mapping = arg
        default: positional = [arg]
        }
        var next = 0
        var out = ""
        // Unicode scalars, not Characters: grapheme segmentation is needlessly slow here.
        let cs = Array(fmt.unicodeScalars)
        var i = 0
        var usedMapping = false
        func take() throws -> Value {
            guard next < positional.count else { throw TemplateError.type("not enough arguments for format string") }
            defer { next += 1 }
            return positional[next]
        }
        while i < cs.count {
            let c = cs[i]
            i += 1
            guard c == "%" else { out.unicodeScalars.append(c); continue }
            guard i < cs.count else { throw TemplateError.runtime("incomplete format") }
            var key: String?
            if cs[i] == "(" {
                var depth = 1
                var j = i + 1
                var name = ""
                while j < cs.count {
                    if cs[j] == "(" { depth += 1 } else if cs[j] == ")" { depth -= 1; if depth == 0 { break } }
                    name.unicodeScalars.append(cs[j])
                    j += 1
                }
                guard j < cs.count else { throw TemplateError.runtime("incomplete format key") }
                key = name
                i = j + 1
            }
            var flags = Set<Character>()
            while i < cs.count, "-+ #0".unicodeScalars.contains(cs[i]) { flags.insert(Character(cs[i])); i += 1 }
            func digit(_ c: Unicode.Scalar) -> Int? { c.value >= 48 && c.value <= 57 ? Int(c.value - 48) : nil }
            var width = 0
            if i < cs.count, cs[i] == "*" {
                width = try take().intValue ?? 0
                i += 1
            } else {
                while i < cs.count, let d = digit(cs[i]) { width = width * 10 + d; i += 1 }
            }
            var precision: Int?
            if i < cs.count, cs[i] == "." {
                i += 1
                var p = 0
                if i < cs.count, cs[i] == "*" {
                    p = try take().intValue ?? 0
                    i += 1
                } else {
                    while i < cs.count, let d = digit(cs[i]) { p = p * 10 + d; i += 1 }
                }
                precision = p
            }
            while i < cs.count, "hlL".unicodeScalars.contains(cs[i]) { i += 1 }
            guard i < cs.count else { throw TemplateError.runtime("incomplete format") }
            let conv = Character(cs[i])
            i += 1
            if conv == "%" { out += "%"; continue }
            let v: Value
            if let key = key {
                guard case .dict(let d)? = mapping else { throw TemplateError.type("format requires a mapping") }
                usedMapping = true
                guard let found = d[key] else { throw TemplateError.runtime("KeyError: \(Value.reprString(key))") }
                v = found
            } else {
                v = try take()
            }
            out += try convert(v, conv, flags: flags, width: width, precision: precision, env: env)
        }
        if !usedMapping && next < positional.count && mapping == nil {
            throw TemplateError.type("not all arguments converted during string formatting")
        }
        return out
    }

    private static func convert(_ v: Value, _ conv: Character, flags: Set<Character>, width: Int, precision: Int?, env: Environment) throws -> String {
        let align: Character? = flags.contains("-") ? "<" : nil
        let sign: Character? = flags.contains("+") ? "+" : (flags.contains(" ") ? " " : nil)
        let zero = flags.contains("0") && align == nil
        switch conv {
        case "s", "r", "a":
            var s = conv == "s" ? try env.str(v) : v.pythonRepr
            if let p = precision { s = PyString.string(s.unicodeScalars.prefix(p)) }
            return try PyString.pad(s, width, align ?? ">")
        case "d", "i", "u", "x", "X", "o", "c":
            let n: Int
            switch v {
            case .int(let x): n = x
            case .bool(let b): n = b ? 1 : 0
            case .double(let d) where conv != "x" && conv != "X" && conv != "o" && conv != "c":
                guard d.isFinite else { throw TemplateError.runtime("cannot convert float \(Value.formatFloat(d)) to integer") }
                n = Int(d)
            default:
                if conv == "c", case .string(let s) = v, s.unicodeScalars.count == 1 { return try PyString.pad(s, width, align ?? ">") }
                throw TemplateError.type("%\(conv) format: a number is required, not \(v.typeName)")
            }
            if conv == "c" {
                guard let u = UnicodeScalar(UInt32(clamping: max(n, 0))) else { throw TemplateError.runtime("%c arg not in range") }
                return try PyString.pad(String(Character(u)), width, align ?? ">")
            }
            var digits: String
            switch conv {
            case "x": digits = String(n.magnitude, radix: 16)
            case "X": digits = String(n.magnitude, radix: 16).uppercased()
            case "o": digits = String(n.magnitude, radix: 8)
            default: digits = String(n.magnitude)
            }
            if let p = precision, digits.count < p {
                try PyString.checkSize(p)
                digits = String(repeating: "0", count: p - digits.count) + digits
            }
            if flags.contains("#") {
                if conv == "x" { digits = "0x" + digits } else if conv == "X" { digits = "0X" + digits } else if conv == "o" { digits = "0o" + digits }
            }
            return try NumberFormat.finish(digits, negative: n < 0, sign: sign, width: width, zeroPad: zero, align: align)
        case "f", "F", "e", "E", "g", "G":
            guard let d = v.numericDouble else {
                throw TemplateError.type("must be real number, not \(v.typeName)")
            }
            let mag = NumberFormat.cFloat(d, conv, precision: precision ?? 6, alt: flags.contains("#"))
            return try NumberFormat.finish(mag, negative: d < 0 || (d == 0 && d.sign == .minus), sign: sign, width: width, zeroPad: zero, align: align)
        default:
            throw TemplateError.runtime("unsupported format character '\(conv)'")
        }
    }
}

extension Value {
    /// The value as a float if it is a number (bool counts, as in Python).
    var numericDouble: Double? {
        switch self {
        case .int(let i): return Double(i)
        case .double(let d): return d
        case .bool(let b): return b ? 1 : 0
        default: return nil
        }
    }
}

/// Python's `str.format` and the format-spec mini-language.
enum PyFormat {
    static func format(_ fmt: String, _ args: [Value], _ kwargs: Kwargs) throws -> String {
        var out = ""
        let cs = Array(fmt)
        var i = 0
        var auto = 0
        while i < cs.count {
            let c = cs[i]
            if c == "}" {
                guard i + 1 < cs.count, cs[i + 1] == "}" else { throw TemplateError.runtime("Single '}' encountered in format string") }
                out += "}"
                i += 2
                continue
            }
            guard c == "{" else { out.append(c); i += 1; continue }
            if i + 1 < cs.count, cs[i + 1] == "{" { out += "{"; i += 2; continue }
            var j = i + 1
            var depth = 1
            var field = ""
            while j < cs.count {
                if cs[j] == "{" { depth += 1 } else if cs[j] == "}" { depth -= 1; if depth == 0 { break } }
                field.append(cs[j])
                j += 1
            }
            guard j < cs.count else { throw TemplateError.runtime("Single '{' encountered in format string") }
            i = j + 1
            // field_name[!conversion][:spec]
            var spec = ""
            if let colon = field.firstIndex(of: ":") {
                spec = String(field[field.index(after: colon)...])
                field = String(field[..<colon])
            }
            var conversion: Character?
            if let bang = field.firstIndex(of: "!") {
                conversion = field[field.index(after: bang)...].first
                field = String(field[..<bang])
            }
            // Nested replacement fields in the spec ("{:{width}}").
            if spec.contains("{") { spec = try format(spec, args, kwargs) }
            var v = try resolve(field, args, kwargs, &auto)
            if conversion == "r" || conversion == "a" { v = .string(v.pythonRepr) } else if conversion == "s" { v = .string(v.pythonStr) }
            out += try formatValue(v, spec: spec)
        }
        return out
    }

    private static func resolve(_ field: String, _ args: [Value], _ kwargs: Kwargs, _ auto: inout Int) throws -> Value {
        // Split "name.attr[key]" into the first part and accessors.
        var head = ""
        var rest = Substring(field)
        while let c = rest.first, c != ".", c != "[" { head.append(c); rest = rest.dropFirst() }
        var v: Value
        if head.isEmpty {
            guard auto < args.count else { throw TemplateError.runtime("Replacement index \(auto) out of range for positional args tuple") }
            v = args[auto]
            auto += 1
        } else if let n = Int(head) {
            guard n >= 0 && n < args.count else { throw TemplateError.runtime("Replacement index \(n) out of range for positional args tuple") }
            v = args[n]
        } else {
            guard let k = kwargs[head] else { throw TemplateError.runtime("KeyError: \(Value.reprString(head))") }
            v = k
        }
        while let c = rest.first {
            rest = rest.dropFirst()
            var name = ""
            if c == "." {
                while let d = rest.first, d != ".", d != "[" { name.append(d); rest = rest.dropFirst() }
                guard let next = v[name] else { throw TemplateError.runtime("'\(v.typeName)' object has no attribute '\(name)'") }
                v = next
            } else {
                while let d = rest.first, d != "]" { name.append(d); rest = rest.dropFirst() }
                rest = rest.dropFirst()
                if let idx = Int(name), let l = v.listValue {
                    guard idx >= 0 && idx < l.count else { throw TemplateError.runtime("IndexError: list index out of range") }
                    v = l[idx]
                } else if let next = v[name] {
                    v = next
                } else {
                    throw TemplateError.runtime("KeyError: \(Value.reprString(name))")
                }
            }
        }
        return v
    }

    /// `format(value, spec)`.
    static func formatValue(_ v: Value, spec: String) throws -> String {
        let cs = Array(spec)
        var i = 0
        var fill = " "
        var align: Character?
        if cs.count >= 2, "<>^=".contains(cs[1]) {
            fill = String(cs[0]); align = cs[1]; i = 2
        } else if let f = cs.first, "<>^=".contains(f) {
            align = f; i = 1
        }
        var sign: Character?
        if i < cs.count, "+- ".contains(cs[i]) { sign = cs[i]; i += 1 }
        var alt = false
        if i < cs.count, cs[i] == "#" { alt = true; i += 1 }
        var zero = false
        if i < cs.count, cs[i] == "0" { zero = true; i += 1 }
        var width = 0
        while i < cs.count, let d = cs[i].wholeNumberValue, cs[i].isASCII { width = width * 10 + d; i += 1 }
        var grouping: String?
        if i < cs.count, cs[i] == "," || cs[i] == "_" { grouping = String(cs[i]); i += 1 }
        var precision: Int?
        if i < cs.count, cs[i] == "." {
            i += 1
            var p = 0
            while i < cs.count, let d = cs[i].wholeNumberValue, cs[i].isASCII { p = p * 10 + d; i += 1 }
            precision = p
        }
        var type: Character?
        if i < cs.count { type = cs[i]; i += 1 }
        guard i == cs.count else { throw TemplateError.runtime("Invalid format specifier") }
        if zero {
            // A leading 0 means zero fill (unless a fill was given) and sign-aware padding by default.
            if cs.count < 2 || !"<>^=".contains(cs[1]) { fill = "0" }
            if align == nil { align = "=" }
        }

        switch v {
        case .string, .undefined, .none, .list, .tuple, .dict, .object, .callable:
            guard type == nil || type == "s" else {
                throw TemplateError.runtime("Unknown format code '\(type.map(String.init) ?? "")' for object of type '\(v.typeName)'")
            }
            var s = v.pythonStr
            if let p = precision { s = PyString.string(s.unicodeScalars.prefix(p)) }
            return try PyString.pad(s, width, align == "=" ? "<" : (align ?? "<"), fill: fill)
        default:
            break
        }
        let isInt: Bool
        if case .double = v { isInt = false } else { isInt = true }
        let d = v.numericDouble ?? 0
        var magnitude: String
        var negative = d < 0 || (d == 0 && d.sign == .minus)
        switch type {
        case nil where isInt, "d", "n":
            guard isInt else { throw TemplateError.runtime("Unknown format code 'd' for object of type 'float'") }
            let n = v.intValue ?? 0
            negative = n < 0
            magnitude = String(n.magnitude)
            if let g = grouping { magnitude = NumberFormat.groupThousands(magnitude, sep: g) }
        case "b", "o", "x", "X":
            guard isInt, let n = v.intValue else { throw TemplateError.runtime("Unknown format code '\(type ?? "?")' for object of type 'float'") }
            negative = n < 0
            let radix = type == "b" ? 2 : (type == "o" ? 8 : 16)
            magnitude = String(n.magnitude, radix: radix)
            if type == "X" { magnitude = magnitude.uppercased() }
            if let g = grouping { magnitude = NumberFormat.groupThousands(magnitude, sep: g, every: 4) }
            if alt { magnitude = "0" + String(type ?? "x") + magnitude }
        case "c":
            guard let n = v.intValue, let u = UnicodeScalar(UInt32(clamping: max(n, 0))) else { throw TemplateError.runtime("%c arg not in range") }
            return try PyString.pad(String(Character(u)), width, align ?? "<", fill: fill)
        case "e", "E", "f", "F", "g", "G", "%":
            let conv: Character = type == "%" ? "f" : (type ?? "g")
            let value = type == "%" ? d * 100 : d
            magnitude = NumberFormat.cFloat(value, conv, precision: precision ?? 6, alt: alt)
            if let g = grouping { magnitude = NumberFormat.groupThousands(magnitude, sep: g) }
            if type == "%" { magnitude += "%" }
        case nil:
            // A float with no type: repr, or general format keeping a decimal point.
            if let p = precision {
                magnitude = NumberFormat.cFloat(d, "g", precision: max(p, 1))
            } else {
                magnitude = Value.formatFloat(abs(d))
            }
            if let g = grouping { magnitude = NumberFormat.groupThousands(magnitude, sep: g) }
        default:
            throw TemplateError.runtime("Unknown format code '\(type.map(String.init) ?? "")' for object of type '\(v.typeName)'")
        }
        return try NumberFormat.finish(magnitude, negative: negative, sign: sign == "-" ? nil : sign, width: width, zeroPad: false, align: align ?? ">", fill: fill)
    }
}
