import Foundation
import CCrypt

/// crypt(3)-style password hashes through libxcrypt, with the defaults Ansible uses
/// (sha512_crypt: 656000 rounds, bcrypt: cost 12, ident 2b).
enum PasswordHash {
    struct Scheme {
        let prefix: String
        let defaultRounds: Int?
        let saltSize: Int
        let maxSaltSize: Int
    }

    static let schemes: [String: Scheme] = [
        "md5_crypt": Scheme(prefix: "1", defaultRounds: nil, saltSize: 8, maxSaltSize: 8),
        "sha256_crypt": Scheme(prefix: "5", defaultRounds: 535000, saltSize: 16, maxSaltSize: 16),
        "sha512_crypt": Scheme(prefix: "6", defaultRounds: 656000, saltSize: 16, maxSaltSize: 16),
        "bcrypt": Scheme(prefix: "2b", defaultRounds: 12, saltSize: 22, maxSaltSize: 22),
    ]
    static let aliases = ["md5": "md5_crypt", "blowfish": "bcrypt", "sha256": "sha256_crypt", "sha512": "sha512_crypt"]

    static let saltAlphabet = Array("./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
    static let bcryptAlphabet = Array("./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")

    static func randomSalt(_ length: Int) -> String {
        String((0..<length).map { _ in saltAlphabet[Int.random(in: 0..<saltAlphabet.count)] })
    }

    /// Hashes `secret`; errors never include the secret.
    static func hash(_ secret: String, type: String, salt: String?, saltSize: Int?, rounds: Int?, ident: String?) throws -> String {
        let plugin = "password_hash"
        let name = aliases[type] ?? type
        guard let scheme = schemes[name] else {
            throw pluginError(plugin, "\(type) is not in the list of supported algorithms: \(aliases.keys.sorted().joined(separator: ", "))")
        }
        var saltText = salt ?? randomSalt(saltSize ?? scheme.saltSize)
        guard saltText.allSatisfy({ saltAlphabet.contains($0) }) else {
            throw pluginError(plugin, "invalid characters in salt: only ./0-9A-Za-z are allowed")
        }
        var setting: String
        if name == "bcrypt" {
            guard saltText.count == 22 else { throw pluginError(plugin, "bcrypt salt must be exactly 22 characters, got \(saltText.count)") }
            // The last salt character only carries 2 bits: clear the unused ones as passlib does.
            if let last = saltText.last, let i = bcryptAlphabet.firstIndex(of: last) {
                saltText = String(saltText.dropLast()) + String(bcryptAlphabet[i & ~0xF])
            }
            let cost = rounds ?? 12
            guard (4...31).contains(cost) else { throw pluginError(plugin, "bcrypt rounds must be between 4 and 31, got \(cost)") }
            let id = ident ?? "2b"
            guard ["2", "2a", "2b", "2y"].contains(id) else { throw pluginError(plugin, "invalid bcrypt ident '\(id)'") }
            setting = "$\(id)$" + (cost < 10 ? "0\(cost)" : "\(cost)") + "$" + saltText
        } else {
            guard saltText.count <= scheme.maxSaltSize else {
                throw pluginError(plugin, "salt too large: \(name) takes at most \(scheme.maxSaltSize) characters")
            }
            setting = "$\(scheme.prefix)$"
            // md5_crypt has a fixed cost: rounds do not apply to it.
            if name != "md5_crypt", let r = rounds ?? scheme.defaultRounds {
                guard (1000...999_999_999).contains(r) else { throw pluginError(plugin, "rounds must be between 1000 and 999999999, got \(r)") }
                // 5000 is the sha-crypt default, which the hash format leaves implicit.
                if r != 5000 { setting += "rounds=\(r)$" }
            }
            setting += saltText
        }
        guard let out = crypt(secret, setting: setting) else {
            throw pluginError(plugin, "could not hash the secret with \(name)")
        }
        return out
    }

    static func crypt(_ phrase: String, setting: String) -> String? {
        let data = UnsafeMutablePointer<crypt_data>.allocate(capacity: 1)
        defer { data.deallocate() }
        memset(data, 0, MemoryLayout<crypt_data>.size)
        guard let r = crypt_rn(phrase, setting, data, Int32(MemoryLayout<crypt_data>.size)) else { return nil }
        let s = String(cString: r)
        return s.hasPrefix("*") ? nil : s
    }
}
