import CCrypt
import Crypto
import Foundation

/// Password hashes for htpasswd files, computed on the controller: libxcrypt's crypt_r for bcrypt,
/// sha512/sha256/md5 crypt, and Apache's `$apr1$` MD5 variant implemented here.
enum PasswordHash {
    /// community.general scheme names -> crypt prefixes.
    static let prefixes: [String: String] = [
        "bcrypt": "$2y$", "sha512_crypt": "$6$", "sha256_crypt": "$5$", "md5_crypt": "$1$",
    ]

    static let schemes = ["bcrypt", "sha512_crypt", "sha256_crypt", "md5_crypt", "apr_md5_crypt"]

    static let saltAlphabet = Array("./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")

    /// A new hash of `password` in `scheme` (bcrypt cost 10; sha*_crypt default rounds).
    static func hash(_ password: String, scheme: String) throws -> String {
        if scheme == "apr_md5_crypt" {
            let salt = String((0..<8).map { _ in saltAlphabet[Int.random(in: 0..<saltAlphabet.count)] })
            return apr1(password, salt: salt)
        }
        guard let prefix = prefixes[scheme] else { throw ModuleError("unsupported crypt_scheme \(scheme)") }
        var random = [UInt8](repeating: 0, count: 16)
        for i in random.indices { random[i] = UInt8.random(in: 0...255) }
        var setting = [CChar](repeating: 0, count: 128)
        let count: UInt = scheme == "bcrypt" ? 10 : 0
        let ok = random.withUnsafeBufferPointer { rb in
            setting.withUnsafeMutableBufferPointer { out in
                rb.baseAddress.flatMap { base in
                    base.withMemoryRebound(to: CChar.self, capacity: rb.count) {
                        crypt_gensalt_rn(prefix, count, $0, Int32(rb.count), out.baseAddress, Int32(out.count))
                    }
                }
            }
        } != nil
        guard ok else { throw ModuleError("cannot make a \(scheme) salt") }
        let settingString = String(cString: setting)
        guard let h = crypt(password, setting: settingString), h.hasPrefix(prefix) else {
            throw ModuleError("cannot hash with \(scheme)")
        }
        return h
    }

    /// Whether `password` matches `hash` (any scheme crypt_r knows, plus $apr1$).
    static func verify(_ password: String, hash: String) -> Bool {
        if hash.hasPrefix("$apr1$") {
            let rest = hash.dropFirst("$apr1$".count)
            guard let dollar = rest.firstIndex(of: "$") else { return false }
            return constantTimeEqual(apr1(password, salt: String(rest[..<dollar])), hash)
        }
        guard let h = crypt(password, setting: hash) else { return false }
        return constantTimeEqual(h, hash)
    }

    /// The scheme name of an existing hash, nil when unknown.
    static func scheme(of hash: String) -> String? {
        if hash.hasPrefix("$apr1$") { return "apr_md5_crypt" }
        if hash.hasPrefix("$2y$") || hash.hasPrefix("$2b$") || hash.hasPrefix("$2a$") { return "bcrypt" }
        return prefixes.first { hash.hasPrefix($0.value) }?.key
    }

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var diff: UInt8 = 0
        for i in x.indices { diff |= x[i] ^ y[i] }
        return diff == 0
    }

    /// crypt_r with its state on the heap; nil when libxcrypt rejects the setting ("*0"/"*1" answers).
    static func crypt(_ password: String, setting: String) -> String? {
        let data = UnsafeMutablePointer<crypt_data>.allocate(capacity: 1)
        defer {
            memset(data, 0, MemoryLayout<crypt_data>.size)
            data.deallocate()
        }
        memset(data, 0, MemoryLayout<crypt_data>.size)
        guard let out = crypt_r(password, setting, data) else { return nil }
        let s = String(cString: out)
        if s.hasPrefix("*") { return nil }
        return s
    }

    /// Apache's MD5 crypt ("$apr1$salt$hash"): the md5-crypt algorithm with the apr1 magic.
    static func apr1(_ password: String, salt rawSalt: String) -> String {
        let magic = Array("$apr1$".utf8)
        let pw = Array(password.utf8)
        let salt = Array(rawSalt.utf8.prefix(8))
        var alt = Insecure.MD5()
        alt.update(data: pw); alt.update(data: salt); alt.update(data: pw)
        let altDigest = Array(alt.finalize())
        var ctx = Insecure.MD5()
        ctx.update(data: pw); ctx.update(data: magic); ctx.update(data: salt)
        var left = pw.count
        while left > 0 {
            ctx.update(data: altDigest.prefix(min(16, left)))
            left -= 16
        }
        var i = pw.count
        while i > 0 {
            ctx.update(data: (i & 1) != 0 ? [0] : [pw.first ?? 0])
            i >>= 1
        }
        var final = Array(ctx.finalize())
        for round in 0..<1000 {
            var c = Insecure.MD5()
            if round & 1 != 0 { c.update(data: pw) } else { c.update(data: final) }
            if round % 3 != 0 { c.update(data: salt) }
            if round % 7 != 0 { c.update(data: pw) }
            if round & 1 != 0 { c.update(data: final) } else { c.update(data: pw) }
            final = Array(c.finalize())
        }
        var out = ""
        func to64(_ value: UInt32, _ n: Int) {
            var v = value
            for _ in 0..<n {
                out.append(saltAlphabet[Int(v & 0x3f)])
                v >>= 6
            }
        }
        for (a, b, c) in [(0, 6, 12), (1, 7, 13), (2, 8, 14), (3, 9, 15), (4, 10, 5)] {
            to64(UInt32(final[a]) << 16 | UInt32(final[b]) << 8 | UInt32(final[c]), 4)
        }
        to64(UInt32(final[11]), 2)
        return "$apr1$" + String(decoding: salt, as: UTF8.self) + "$" + out
    }
}
