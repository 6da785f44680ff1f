import Foundation

/// The secrets of a run, tried in turn: those whose label matches a 1.2 envelope's first, then
/// the rest in the order given.
public final class VaultSecrets: @unchecked Sendable {
    /// The secrets the command line, environment and configuration gave; every controller file
    /// read and every `!vault` value is decrypted with these.
    public static let shared = VaultSecrets()

    private let lock = NSLock()
    private var secrets: [VaultSecret] = []

    public init(_ secrets: [VaultSecret] = []) { self.secrets = secrets }

    public var all: [VaultSecret] {
        get { lock.lock(); defer { lock.unlock() }; return secrets }
        set { lock.lock(); secrets = newValue; lock.unlock() }
    }

    public var isEmpty: Bool { all.isEmpty }

    /// VAULT_ENCRYPT_SALT: a fixed salt (its UTF-8 bytes) instead of 32 random bytes, so that the same
    /// text and password always encrypt the same (e.g. to keep diffs of vaulted files small).
    private var salt: [UInt8]?
    public var encryptSalt: [UInt8]? {
        get { lock.lock(); defer { lock.unlock() }; return salt }
        set { lock.lock(); salt = newValue; lock.unlock() }
    }

    /// Decrypts vaulted text; `source` names the file in errors.
    public func decrypt(_ text: String, source: String? = nil) throws -> [UInt8] {
        let envelope = try VaultEnvelope(parsing: text)
        return try decrypt(envelope, source: source)
    }

    public func decrypt(_ envelope: VaultEnvelope, source: String? = nil) throws -> [UInt8] {
        let secrets = all
        guard !secrets.isEmpty else { throw VaultError.noSecrets }
        guard envelope.cipher == "AES256" else {
            throw VaultError("Vault cipher \(envelope.cipher) is not supported" + (source.map { " on \($0)" } ?? ""))
        }
        let ordered = secrets.filter { $0.label == envelope.label } + secrets.filter { $0.label != envelope.label }
        for secret in ordered {
            if let plain = try VaultCipher.decrypt(envelope.payload, password: secret.password) { return plain }
        }
        throw VaultError.noMatchingSecret(source)
    }

    /// Decrypted UTF-8 text.
    public func decryptText(_ text: String, source: String? = nil) throws -> String {
        let bytes = try decrypt(text, source: source)
        guard let s = String(bytes: bytes, encoding: .utf8) else {
            throw VaultError("the vaulted content" + (source.map { " of \($0)" } ?? "") + " is not valid UTF-8 text")
        }
        return s
    }

    /// File content, decrypted when it is vaulted.
    public func plain(_ data: Data, source: String?) throws -> Data {
        guard VaultEnvelope.isVaulted(data) else { return data }
        return Data(try decrypt(String(decoding: data, as: UTF8.self), source: source))
    }

    /// Encrypts with one secret; the label goes into the header unless it is "default". The salt is
    /// `salt`, else the configured one (`encryptSalt`), else random.
    public static func encrypt(_ plaintext: [UInt8], with secret: VaultSecret, salt: [UInt8]? = nil) throws -> String {
        let payload = try VaultCipher.encrypt(plaintext, password: secret.password, salt: salt ?? shared.encryptSalt)
        let label = secret.label == VaultIdentity.defaultLabel ? nil : secret.label
        return VaultEnvelope(label: label, payload: payload).text
    }
}
