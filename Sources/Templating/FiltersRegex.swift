import Foundation
import Jinja

/// regex_search, regex_replace, regex_findall, regex_escape: Python `re` semantics.
enum RegexFilters {
    static func install(into env: Environment) {
        env.addFilter("regex_replace") { input, args, _ in
            let pattern = try args.string(0, "pattern", default: "") ?? ""
            let replacement = try args.string(1, "replacement", default: "") ?? ""
            let re = try PythonRegex(pattern, ignoreCase: args.bool(2, "ignorecase", default: false),
                                     multiline: args.bool(3, "multiline", default: false), plugin: "regex_replace")
            let (out, subs) = try re.substitute(input.text, template: replacement, count: try args.int(4, "count", default: 0) ?? 0)
            if let want = try args.int(5, "mandatory_count"), want != 0, want != subs {
                throw args.fail("'\(pattern)' should match \(want) times, but matches \(subs) times")
            }
            return .string(out)
        }
        env.addFilter("regex_findall") { input, args, _ in
            let re = try PythonRegex(try args.required(0, "regex").text, ignoreCase: args.bool(2, "ignorecase", default: false),
                                     multiline: args.bool(1, "multiline", default: false), plugin: "regex_findall")
            return .list(re.matches(input.text).map { m in
                switch m.groupCount {
                case 0: return .string(m.group(0) ?? "")
                case 1: return .string(m.group(1) ?? "")
                default: return .tuple((1...m.groupCount).map { .string(m.group($0) ?? "") })
                }
            })
        }
        env.addFilter("regex_search") { input, args, _ in
            guard let pattern = args.positional.first?.text ?? args.keywords["regex"]?.text else {
                throw args.fail("missing required argument 'regex'")
            }
            // Extra positional arguments name the groups to return: '\\1' or '\\g<name>'.
            var groups: [Value] = []
            for arg in args.positional.dropFirst() {
                let s = arg.text
                if s.hasPrefix("\\g<"), s.hasSuffix(">") {
                    let name = String(s.dropFirst(3).dropLast())
                    groups.append(Int(name).map { .int($0) } ?? .string(name))
                } else if s.hasPrefix("\\"), let i = Int(s.dropFirst()) {
                    groups.append(.int(i))
                } else {
                    throw args.fail("unknown argument \(arg.pythonRepr): expected a group reference like '\\\\1' or '\\\\g<name>'")
                }
            }
            let re = try PythonRegex(pattern, ignoreCase: args.keywords["ignorecase"]?.truthy ?? false,
                                     multiline: args.keywords["multiline"]?.truthy ?? false, plugin: "regex_search")
            guard let m = re.first(input.text) else { return .none }
            if groups.isEmpty { return .string(m.group(0) ?? "") }
            return .list(try groups.map { g in
                if case .int(let i) = g {
                    guard i <= m.groupCount else { throw args.fail("no such group \(i)") }
                    return m.group(i).map { .string($0) } ?? Value.none
                }
                return m.group(named: g.text).map { .string($0) } ?? Value.none
            })
        }
        env.addFilter("regex_escape") { input, args, _ in
            let type = try args.string(0, "re_type", default: "python") ?? "python"
            switch type {
            case "python": return .string(pythonEscape(input.text))
            case "posix_basic":
                return .string(String(input.text.flatMap { ".[]^$*\\".contains($0) ? ["\\", $0] : [$0] }))
            default:
                throw args.fail("regex_escape: \(type) is not a supported re_type (python, posix_basic)")
            }
        }
    }

    /// Python 3.7+ `re.escape`: only characters special in a pattern get a backslash.
    static func pythonEscape(_ s: String) -> String {
        let special = Set("()[]{}?*+-|^$\\.&~# \t\n\r\u{0B}\u{0C}")
        var out = ""
        for c in s {
            if special.contains(c) { out.append("\\") }
            out.append(c)
        }
        return out
    }
}
