import Foundation
import Jinja

/// to_datetime, strftime, human_readable, human_to_bytes.
enum TimeFilters {
    static func install(into env: Environment) {
        env.addFilter("to_datetime") { input, args, _ in
            let format = try args.string(0, "format", default: "%Y-%m-%d %H:%M:%S") ?? "%Y-%m-%d %H:%M:%S"
            guard let dt = DateTimeObject.parse(input.text, format: format) else {
                throw args.fail("time data '\(input.text)' does not match format '\(format)'")
            }
            return .object(dt)
        }
        env.addFilter("strftime") { input, args, _ in
            var seconds = Date().timeIntervalSince1970
            if let s = args.value(0, "second"), !s.isNone {
                guard let d = s.doubleValue, d.isFinite, abs(d) < 1e15 else { throw args.fail("Invalid value for epoch value (\(s.text))") }
                seconds = d
            }
            return .string(formatTime(input.text, epoch: seconds, utc: args.bool(1, "utc", default: false)))
        }
        env.addFilter("human_readable") { input, args, _ in
            guard let size = input.doubleValue else {
                throw args.fail("human_readable() failed on bad input: \(input.pythonRepr)")
            }
            return .string(try humanReadable(size, isBits: args.bool(0, "isbits", default: false), unit: try args.string(1, "unit"), args))
        }
        env.addFilter("human_to_bytes") { input, args, _ in
            .int(try humanToBytes(input.text, defaultUnit: try args.string(0, "default_unit"),
                                  isBits: args.bool(1, "isbits", default: false), args))
        }
    }

    /// C strftime on the controller, local time unless `utc`.
    /// With `microseconds`, `%f` is the six-digit fraction of the second, as Python's datetime.strftime
    /// writes it (time.strftime, behind the strftime filter, leaves it alone).
    static func formatTime(_ format: String, epoch: Double, utc: Bool, microseconds: Bool = false) -> String {
        var t = time_t(epoch.rounded(.down))
        var parts = tm()
        if utc { gmtime_r(&t, &parts) } else { localtime_r(&t, &parts) }
        var format = format
        if microseconds && format.contains("%f") {
            let micro = String(format: "%06d", min(999_999, Int(((epoch - epoch.rounded(.down)) * 1_000_000).rounded())))
            var out = ""
            var chars = format.makeIterator()
            while let c = chars.next() {
                guard c == "%", let d = chars.next() else { out.append(c); continue }
                if d == "f" { out += micro } else { out += "%" + String(d) }
            }
            format = out
        }
        var buffer = [Int8](repeating: 0, count: 1024)
        let n = strftime(&buffer, buffer.count, format, &parts)
        return n == 0 && !format.isEmpty ? "" : String(decoding: buffer.prefix(n).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    static let sizeRanges: [(String, Double)] = [
        ("Y", 0x1p80), ("Z", 0x1p70), ("E", 0x1p60), ("P", 0x1p50), ("T", 0x1p40), ("G", 0x1p30), ("M", 0x1p20), ("K", 0x1p10), ("B", 1),
    ]

    static func humanReadable(_ size: Double, isBits: Bool, unit: String?, _ args: Arguments) throws -> String {
        let base = isBits ? "bits" : "Bytes"
        var chosen = sizeRanges[sizeRanges.count - 1]
        for range in sizeRanges {
            if let u = unit {
                if u.uppercased().first.map(String.init) == range.0 { chosen = range; break }
            } else if size >= range.1 {
                chosen = range
                break
            }
        }
        let suffix = chosen.1 == 1 ? base : chosen.0 + String(base.prefix(1))
        return String(format: "%.2f", size / chosen.1) + " " + suffix
    }

    static func humanToBytes(_ text: String, defaultUnit: String?, isBits: Bool, _ args: Arguments) throws -> Int {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let numberPart = trimmed.prefix { $0.isNumber || $0 == "." }
        let unitPart = trimmed.dropFirst(numberPart.count).trimmingCharacters(in: .whitespaces)
        guard let number = Double(numberPart), unitPart.allSatisfy({ $0.isASCII && $0.isLetter }) else {
            throw args.fail("human_to_bytes() can't interpret following string: \(text)")
        }
        guard let unit = unitPart.isEmpty ? defaultUnit : unitPart else {
            guard let n = Int(exactly: number.rounded(.toNearestOrEven)) else { throw args.fail("\(text) is too large") }
            return n
        }
        guard let key = unit.first.map({ String($0).uppercased() }), let limit = sizeRanges.first(where: { $0.0 == key })?.1 else {
            throw args.fail("human_to_bytes() failed to convert \(text) (unit = \(unit)). The suffix must be one of \(sizeRanges.map(\.0).joined(separator: ", "))")
        }
        let unitClass: Character = isBits ? "b" : "B"
        let unitName = isBits ? "bit" : "byte"
        if unit.count > 1, !unit.lowercased().contains(unitName), Array(unit)[1] != unitClass {
            let expect = key == "B" ? "expect \(unitClass) or \(unitName)" : "expect \(key)\(unitClass) or \(key)"
            throw args.fail("human_to_bytes() failed to convert \(text). Value is not a valid string (\(expect))")
        }
        let bytes = (number * limit).rounded(.toNearestOrEven)
        guard let result = Int(exactly: bytes) else { throw args.fail("\(text) is too large to count in bytes") }
        return result
    }
}

/// What `to_datetime` returns: a Python-datetime-like object with its fields as attributes and
/// `strftime`, `timestamp`, `isoformat` methods. Renders like str(datetime).
final class DateTimeObject: ValueObject {
    var year = 1900, month = 1, day = 1, hour = 0, minute = 0, second = 0, microsecond = 0

    var typeName: String { "datetime" }

    var stringValue: String {
        var s = String(format: "%04d-%02d-%02d %02d:%02d:%02d", year, month, day, hour, minute, second)
        if microsecond != 0 { s += String(format: ".%06d", microsecond) }
        return s
    }

    /// Seconds since the epoch, reading the fields as UTC.
    var epochUTC: Double {
        var parts = tm()
        parts.tm_year = Int32(year - 1900)
        parts.tm_mon = Int32(month - 1)
        parts.tm_mday = Int32(day)
        parts.tm_hour = Int32(hour)
        parts.tm_min = Int32(minute)
        parts.tm_sec = Int32(second)
        return Double(timegm(&parts)) + Double(microsecond) / 1e6
    }

    func attribute(_ name: String) -> Value? {
        switch name {
        case "year": return .int(year)
        case "month": return .int(month)
        case "day": return .int(day)
        case "hour": return .int(hour)
        case "minute": return .int(minute)
        case "second": return .int(second)
        case "microsecond": return .int(microsecond)
        case "strftime":
            return .callable(Callable(name: "strftime") { [self] args, _ in
                .string(TimeFilters.formatTime(args.first?.text ?? "", epoch: epochUTC, utc: true, microseconds: true))
            })
        case "timestamp":
            return .callable(Callable(name: "timestamp") { [self] _, _ in
                var parts = tm()
                var t = time_t(epochUTC)
                gmtime_r(&t, &parts)
                parts.tm_isdst = -1
                return .double(Double(mktime(&parts)) + Double(microsecond) / 1e6)
            })
        case "isoformat":
            return .callable(Callable(name: "isoformat") { [self] _, _ in
                .string(stringValue.replacingOccurrences(of: " ", with: "T"))
            })
        default: return nil
        }
    }

    private static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    private static let monthNames = ["january", "february", "march", "april", "may", "june", "july", "august",
                                     "september", "october", "november", "december"]

    /// A strptime subset: %Y %y %m %d %H %I %M %S %f %p %b %B %a %A %j %%; whole input must match.
    static func parse(_ text: String, format: String) -> DateTimeObject? {
        let dt = DateTimeObject()
        var s = Array(text)[...]
        var f = Array(format)[...]
        var pm: Bool?
        func number(_ maxDigits: Int) -> Int? {
            let digits = s.prefix(maxDigits).prefix { $0.isASCII && $0.isNumber }
            guard !digits.isEmpty else { return nil }
            s = s.dropFirst(digits.count)
            return Int(String(digits))
        }
        func word(_ names: [String]) -> Int? {
            for (i, n) in names.enumerated() where String(s.prefix(n.count)).lowercased() == n {
                s = s.dropFirst(n.count)
                return i
            }
            return nil
        }
        while let c = f.popFirst() {
            if c != "%" {
                if c.isWhitespace {
                    while let x = s.first, x.isWhitespace { s.removeFirst() }
                    continue
                }
                guard s.popFirst() == c else { return nil }
                continue
            }
            guard let d = f.popFirst() else { return nil }
            switch d {
            case "Y": guard let v = number(4) else { return nil }; dt.year = v
            case "y": guard let v = number(2) else { return nil }; dt.year = v < 69 ? 2000 + v : 1900 + v
            case "m": guard let v = number(2), (1...12).contains(v) else { return nil }; dt.month = v
            case "d": guard let v = number(2), (1...31).contains(v) else { return nil }; dt.day = v
            case "H": guard let v = number(2), v < 24 else { return nil }; dt.hour = v
            case "I": guard let v = number(2), (1...12).contains(v) else { return nil }; dt.hour = v % 12
            case "M": guard let v = number(2), v < 60 else { return nil }; dt.minute = v
            case "S": guard let v = number(2), v < 62 else { return nil }; dt.second = v
            case "f":
                let digits = s.prefix(6).prefix { $0.isNumber }
                guard !digits.isEmpty, let v = Int(String(digits)) else { return nil }
                s = s.dropFirst(digits.count)
                dt.microsecond = v * Int(pow(10, Double(6 - digits.count)))
            case "p":
                guard let i = word(["am", "pm"]) else { return nil }
                pm = i == 1
            case "b": guard let i = word(months) else { return nil }; dt.month = i + 1
            case "B": guard let i = word(monthNames) ?? word(months) else { return nil }; dt.month = i + 1
            case "a": guard word(["mon", "tue", "wed", "thu", "fri", "sat", "sun"]) != nil else { return nil }
            case "A":
                guard word(["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]) != nil else { return nil }
            case "j":
                guard let v = number(3), (1...366).contains(v) else { return nil }
                var parts = tm()
                parts.tm_year = Int32(dt.year - 1900)
                parts.tm_mday = Int32(v)
                var t = timegm(&parts)
                gmtime_r(&t, &parts)
                dt.month = Int(parts.tm_mon) + 1
                dt.day = Int(parts.tm_mday)
            case "%": guard s.popFirst() == "%" else { return nil }
            default: return nil
            }
        }
        guard s.isEmpty else { return nil }
        if let pm, pm { dt.hour += 12 }
        return dt
    }
}
