import Crypto
import _CryptoExtras
import Foundation

/// The AES256 vault cipher: PBKDF2-HMAC-SHA256 (10000 rounds) turns password and a 32-byte salt
/// into an AES-256 key, an HMAC-SHA256 key and a 16-byte counter; the PKCS#7-padded plaintext
/// is encrypted with AES-256-CTR and the HMAC covers the ciphertext.
public enum VaultCipher {
    static let rounds = 10_000

    struct Keys {
        let cipher: SymmetricKey
        let mac: SymmetricKey
        let counter: [UInt8]
    }

    static func keys(password: [UInt8], salt: [UInt8]) throws -> Keys {
        let derived = try KDF.Insecure.PBKDF2.deriveKey(from: password, salt: salt, using: .sha256,
                                                        outputByteCount: 80, unsafeUncheckedRounds: rounds)
        let bytes = derived.withUnsafeBytes { Array($0) }
        return Keys(cipher: SymmetricKey(data: bytes[0..<32]), mac: SymmetricKey(data: bytes[32..<64]), counter: Array(bytes[64..<80]))
    }

    /// The payload of an envelope (hex salt, hex HMAC, hex ciphertext, joined by newlines).
    public static func encrypt(_ plaintext: [UInt8], password: [UInt8], salt: [UInt8]? = nil) throws -> [UInt8] {
        let salt = salt ?? randomSalt()
        let keys = try keys(password: password, salt: salt)
        let padding = 16 - plaintext.count % 16
        let padded = plaintext + [UInt8](repeating: UInt8(padding), count: padding)
        let ciphertext = try Array(AES._CTR.encrypt(padded, using: keys.cipher, nonce: AES._CTR.Nonce(nonceBytes: keys.counter)))
        let mac = Array(HMAC<SHA256>.authenticationCode(for: ciphertext, using: keys.mac))
        return Array((Hex.encode(salt) + "\n" + Hex.encode(mac) + "\n" + Hex.encode(ciphertext)).utf8)
    }

    /// The plaintext, or nil when the password does not fit (the HMAC, checked in constant time
    /// before anything is decrypted, does not match) or the padding is wrong.
    public static func decrypt(_ payload: [UInt8], password: [UInt8]) throws -> [UInt8]? {
        let parts = payload.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        guard parts.count == 3, let salt = Hex.decode(String(decoding: parts[0], as: UTF8.self)),
              let mac = Hex.decode(String(decoding: parts[1], as: UTF8.self)),
              let ciphertext = Hex.decode(String(decoding: parts[2], as: UTF8.self)) else {
            throw VaultError("Vault format unhexlify error: the vaulted data is malformed")
        }
        let keys = try keys(password: password, salt: salt)
        // HMAC's isValidAuthenticationCode compares in constant time.
        guard HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: ciphertext, using: keys.mac) else { return nil }
        let padded = try Array(AES._CTR.decrypt(ciphertext, using: keys.cipher, nonce: AES._CTR.Nonce(nonceBytes: keys.counter)))
        guard let last = padded.last, last >= 1, last <= 16, Int(last) <= padded.count,
              padded.suffix(Int(last)).allSatisfy({ $0 == last }) else { return nil }
        return Array(padded.dropLast(Int(last)))
    }

    static func randomSalt() -> [UInt8] {
        var rng = SystemRandomNumberGenerator()
        return (0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) }
    }
}
