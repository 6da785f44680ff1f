import Foundation
import Jinja

/// `lookup('password', 'path length=20 chars=ascii_letters,digits encrypt=sha512_crypt seed=x')`:
/// generates a password once, stores it in `path` on the controller (mode 0600) and returns the
/// stored one on later calls. Error messages never contain the password.
enum PasswordLookup {
    static let charsets: [String: String] = [
        "ascii_letters": "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
        "ascii_lowercase": "abcdefghijklmnopqrstuvwxyz",
        "ascii_uppercase": "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
        "digits": "0123456789",
        "hexdigits": "0123456789abcdefABCDEF",
        "octdigits": "01234567",
        "punctuation": "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~",
        "printable": "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~ \t\n\r\u{0B}\u{0C}",
        "whitespace": " \t\n\r\u{0B}\u{0C}",
    ]
    static let defaultChars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.,:-_"

    struct Options {
        var path = ""
        var length = 20
        var chars = PasswordLookup.defaultChars
        var encrypt: String?
        var ident: String?
        var seed: String?
    }

    static func register(into p: inout [String: Lookups.Plugin]) {
        p["password"] = { terms, args, _, context in
            try terms.map { .string(try run(try parse($0.text, args), args, context)) }
        }
    }

    /// `a,b` names of Python string constants (ascii_letters...) or literal characters; `,,` is a comma.
    static func expandChars(_ spec: String) -> String {
        var out = ""
        let parts = spec.replacingOccurrences(of: ",,", with: "\u{0}").split(separator: ",")
        for part in parts {
            let p = part.replacingOccurrences(of: "\u{0}", with: ",")
            out += charsets[p] ?? p
        }
        return out
    }

    static func parse(_ term: String, _ args: Arguments) throws -> Options {
        var o = Options()
        var words = term.split(separator: " ").map(String.init)
        guard !words.isEmpty else { throw args.fail("missing the path of the password file") }
        o.path = words.removeFirst()
        var params: [(String, String)] = args.keywords.map { ($0.key, $0.value.text) }
        for w in words {
            guard let eq = w.firstIndex(of: "=") else { throw args.fail("unrecognized parameter '\(w)'") }
            params.append((String(w[..<eq]), String(w[w.index(after: eq)...])))
        }
        for (k, v) in params {
            switch k {
            case "length":
                guard let n = Int(v), n > 0 else { throw args.fail("length must be a positive integer, got '\(v)'") }
                o.length = n
            case "chars": o.chars = expandChars(v)
            case "encrypt": o.encrypt = v
            case "ident": o.ident = v
            case "seed": o.seed = v
            default: throw args.fail("unrecognized parameter '\(k)'")
            }
        }
        guard !o.chars.isEmpty else { throw args.fail("chars must not be empty") }
        return o
    }

    static func generate(_ o: Options) -> String {
        let pool = Array(o.chars)
        if let seed = o.seed {
            var gen = SeededGenerator(seed: seed)
            return String((0..<o.length).map { _ in pool[Int.random(in: 0..<pool.count, using: &gen)] })
        }
        return String((0..<o.length).map { _ in pool[Int.random(in: 0..<pool.count)] })
    }

    static func run(_ o: Options, _ args: Arguments, _ context: TemplatingContext) throws -> String {
        let base = context.searchPaths().last ?? FileManager.default.currentDirectoryPath
        let path = o.path.hasPrefix("/") ? o.path : PathFilters.normPath(base + "/" + PathFilters.expandUser(o.path))
        var password: String
        var salt: String?
        // bcrypt's variant is stored with the salt so later runs hash the same way.
        var ident = o.ident ?? (o.encrypt.map { PasswordHash.aliases[$0] ?? $0 } == "bcrypt" ? "2b" : nil)
        if path != "/dev/null", let data = FileManager.default.contents(atPath: path) {
            guard let text = String(data: data, encoding: .utf8) else { throw args.fail("password file \(path) is not UTF-8 text") }
            // Stored as "password" or "password salt=... ident=...".
            var content = CommandLookups.rstrip(text)
            if let r = content.range(of: " ident=", options: .backwards) {
                ident = ident ?? String(content[r.upperBound...])
                content = String(content[..<r.lowerBound])
            }
            if let r = content.range(of: " salt=", options: .backwards) {
                salt = String(content[r.upperBound...])
                content = String(content[..<r.lowerBound])
            }
            password = content
            if o.encrypt != nil && salt == nil {
                salt = PasswordHash.randomSalt(saltSize(o.encrypt))
                try store(path, password, salt: salt, ident: ident, args)
            }
        } else {
            password = generate(o)
            if o.encrypt != nil { salt = PasswordHash.randomSalt(saltSize(o.encrypt)) }
            if path != "/dev/null" { try store(path, password, salt: salt, ident: ident, args) }
        }
        guard let scheme = o.encrypt else { return password }
        return try PasswordHash.hash(password, type: scheme, salt: salt, saltSize: nil, rounds: nil, ident: ident)
    }

    static func saltSize(_ scheme: String?) -> Int {
        let name = scheme.map { PasswordHash.aliases[$0] ?? $0 } ?? ""
        return PasswordHash.schemes[name]?.saltSize ?? 8
    }

    static func store(_ path: String, _ password: String, salt: String?, ident: String?, _ args: Arguments) throws {
        let dir = PathFilters.dirname(path)
        if !dir.isEmpty {
            do {
                try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw args.fail("cannot create the directory for password file \(path)")
            }
        }
        var content = password
        if let s = salt { content += " salt=" + s }
        if let i = ident, salt != nil { content += " ident=" + i }
        content += "\n"
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard fd >= 0 else { throw args.fail("cannot write password file \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        fchmod(fd, 0o600)
        let bytes = Array(content.utf8)
        guard write(fd, bytes, bytes.count) == bytes.count else { throw args.fail("cannot write password file \(path)") }
    }
}
