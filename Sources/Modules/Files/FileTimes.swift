import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `modification_time` / `access_time` of the file module: "preserve", "now" or a time in the
/// given strftime format (local time of the controller, as Ansible reads it).
enum FileTime: Equatable {
    case preserve
    case now
    case at(time_t)

    static func parse(_ value: String?, format: String, default fallback: FileTime, option: String) throws -> FileTime {
        guard let value else { return fallback }
        switch value {
        case "preserve": return .preserve
        case "now": return .now
        default:
            guard var tm = parseTime(value, format: format) else {
                throw ModuleError("Error while obtaining timestamp for time \(value) using format \(format)")
            }
            tm.tm_isdst = -1
            return .at(mktime(&tm))
        }
    }

    /// A small strptime for the numeric directives (%Y %y %m %d %H %M %S %%); glibc's is not exported to Swift.
    static func parseTime(_ value: String, format: String) -> tm? {
        var t = tm()
        t.tm_mday = 1
        let v = Array(value.utf8), f = Array(format.utf8)
        var i = 0, j = 0
        func number(maxDigits: Int) -> Int? {
            var n = 0, count = 0
            while i < v.count, count < maxDigits, (48...57).contains(v[i]) { n = n * 10 + Int(v[i] - 48); i += 1; count += 1 }
            return count == 0 ? nil : n
        }
        while j < f.count {
            if f[j] == UInt8(ascii: "%"), j + 1 < f.count {
                let d = f[j + 1]
                j += 2
                switch d {
                case UInt8(ascii: "Y"): guard let n = number(maxDigits: 4) else { return nil }; t.tm_year = Int32(n - 1900)
                case UInt8(ascii: "y"): guard let n = number(maxDigits: 2) else { return nil }; t.tm_year = Int32(n < 69 ? n + 100 : n)
                case UInt8(ascii: "m"): guard let n = number(maxDigits: 2), (1...12).contains(n) else { return nil }; t.tm_mon = Int32(n - 1)
                case UInt8(ascii: "d"): guard let n = number(maxDigits: 2), (1...31).contains(n) else { return nil }; t.tm_mday = Int32(n)
                case UInt8(ascii: "H"): guard let n = number(maxDigits: 2), n < 24 else { return nil }; t.tm_hour = Int32(n)
                case UInt8(ascii: "M"): guard let n = number(maxDigits: 2), n < 60 else { return nil }; t.tm_min = Int32(n)
                case UInt8(ascii: "S"): guard let n = number(maxDigits: 2), n < 62 else { return nil }; t.tm_sec = Int32(n)
                case UInt8(ascii: "%"): guard i < v.count, v[i] == d else { return nil }; i += 1
                default: return nil
                }
            } else {
                guard i < v.count, v[i] == f[j] else { return nil }
                i += 1
                j += 1
            }
        }
        return i == v.count ? t : nil
    }

    /// Whether applying it changes a file whose time is `current`.
    func changes(_ current: Double) -> Bool {
        switch self {
        case .preserve: return false
        case .now: return true
        case .at(let t): return Int(t) != Int(current)
        }
    }

    /// `touch` arguments (POSIX -t stamp in local time).
    func touchArgument() -> String? {
        switch self {
        case .preserve: return nil
        case .now: return ""
        case .at(var t):
            var tm = tm()
            localtime_r(&t, &tm)
            var buf = [CChar](repeating: 0, count: 32)
            let n = strftime(&buf, buf.count, "%Y%m%d%H%M.%S", &tm)
            return " -t " + String(decoding: buf.prefix(n).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
    }
}
