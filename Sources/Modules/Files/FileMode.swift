import Foundation
import Jinja

/// A `mode:` argument as Ansible accepts it: an octal string ("0644", "644"), an integer (YAML
/// `0644` arrives as 420 and is used as the number it is, so a bare `644` means 0o1204 just as in
/// Ansible), or a symbolic form ("u+rwx,g-w,o=r", "a+X", "u=g").
public enum FileMode: Equatable {
    case numeric(Int)
    case symbolic(String)

    /// Parses a mode argument; nil when the argument is absent.
    public static func parse(_ value: Value?) throws -> FileMode? {
        guard let value, !value.isNone else { return nil }
        switch value {
        case .int(let i):
            guard i >= 0, i <= 0o7777 else { throw ModuleError("bad mode: \(i) (must be between 0 and 0o7777)") }
            return .numeric(i)
        case .string(let raw):
            let s = raw.trimmingCharacters(in: .whitespaces)
            if s.isEmpty { throw ModuleError("mode must be in octal or symbolic form") }
            var digits = Substring(s)
            if digits.hasPrefix("0o") || digits.hasPrefix("0O") { digits = digits.dropFirst(2) }
            if !digits.isEmpty, digits.allSatisfy({ ("0"..."7").contains($0) }) {
                guard let n = Int(digits, radix: 8), n <= 0o7777 else { throw ModuleError("bad mode: \(s)") }
                return .numeric(n)
            }
            if s.allSatisfy(\.isNumber) { throw ModuleError("mode must be in octal or symbolic form") }
            // Validate now so a typo fails before anything changes on the host.
            do {
                _ = try applySymbolic(s, to: 0o644, isDirectory: false)
            } catch let e as ModuleError {
                throw ModuleError("mode must be in octal or symbolic form", ["details": .string(e.message)])
            }
            return .symbolic(s)
        default:
            throw ModuleError("mode must be in octal or symbolic form, got \(value.typeName)")
        }
    }

    /// The permission bits this mode gives a file whose current bits are `current`.
    public func apply(to current: Int, isDirectory: Bool) throws -> Int {
        switch self {
        case .numeric(let n): return n
        case .symbolic(let s): return try FileMode.applySymbolic(s, to: current, isDirectory: isDirectory)
        }
    }

    /// Octal text as Ansible returns it: "0644", "01777".
    public static func octal(_ bits: Int) -> String {
        let s = String(bits & 0o7777, radix: 8)
        return "0" + String(repeating: "0", count: max(0, 3 - s.count)) + s
    }

    /// chmod-style symbolic clauses, comma separated: [ugoa]*[+-=]([rwxXst]*|[ugo]).
    /// A clause without users applies to all (Ansible ignores the umask here).
    static func applySymbolic(_ text: String, to current: Int, isDirectory: Bool) throws -> Int {
        var mode = current & 0o7777
        for clause in text.split(separator: ",", omittingEmptySubsequences: false) {
            guard let opIndex = clause.firstIndex(where: { "+-=".contains($0) }) else {
                throw ModuleError("bad symbolic permission for mode: \(text)")
            }
            let who = clause[clause.startIndex..<opIndex]
            guard who.allSatisfy({ "ugoa".contains($0) }) else { throw ModuleError("bad symbolic permission for mode: \(text)") }
            // Several operations may follow one user list: "u+r-w".
            var rest = clause[opIndex...]
            let users = who.isEmpty || who.contains("a") ? Set("ugo") : Set(who)
            while let op = rest.first {
                rest = rest.dropFirst()
                let permsEnd = rest.firstIndex(where: { "+-=".contains($0) }) ?? rest.endIndex
                let perms = rest[rest.startIndex..<permsEnd]
                rest = rest[permsEnd...]
                let bits = try permissionBits(String(perms), users: users, mode: mode, isDirectory: isDirectory, text: text)
                switch op {
                case "+": mode |= bits
                case "-": mode &= ~bits
                default:
                    // '=' clears the named users' rwx bits (and their special bit) first.
                    var clear = 0
                    if users.contains("u") { clear |= 0o4700 }
                    if users.contains("g") { clear |= 0o2070 }
                    if users.contains("o") { clear |= 0o1007 }
                    mode = (mode & ~clear) | bits
                }
            }
        }
        return mode
    }

    private static func permissionBits(_ perms: String, users: Set<Character>, mode: Int, isDirectory: Bool, text: String) throws -> Int {
        // Copying another class's bits: "g=u".
        if perms.count == 1, let from = perms.first, "ugo".contains(from) {
            let shift = from == "u" ? 6 : (from == "g" ? 3 : 0)
            let rwx = (mode >> shift) & 7
            var bits = 0
            if users.contains("u") { bits |= rwx << 6 }
            if users.contains("g") { bits |= rwx << 3 }
            if users.contains("o") { bits |= rwx }
            return bits
        }
        var rwx = 0, special = 0
        for p in perms {
            switch p {
            case "r": rwx |= 4
            case "w": rwx |= 2
            case "x": rwx |= 1
            case "X": if isDirectory || mode & 0o111 != 0 { rwx |= 1 }
            case "s":
                if users.contains("u") { special |= 0o4000 }
                if users.contains("g") { special |= 0o2000 }
            case "t": if users.contains("o") { special |= 0o1000 }  // sticky belongs to "other", as in Ansible
            default: throw ModuleError("bad symbolic permission for mode: \(text)")
            }
        }
        var bits = special
        if users.contains("u") { bits |= rwx << 6 }
        if users.contains("g") { bits |= rwx << 3 }
        if users.contains("o") { bits |= rwx }
        return bits
    }
}
