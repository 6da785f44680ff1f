import Foundation
import Vault

/// Vaulted data on the controller: whole vaulted files are decrypted when read; an inline
/// `!vault` value becomes a template that decrypts it when it is used (as Ansible decrypts
/// lazily: an unused value needs no secret), and is never templated further.
public enum VaultedData {
    /// The function inline values call; Templating defines it.
    public static let function = "__ansible_vault"

    /// A file's bytes, decrypted when vaulted (`decrypt: false` keeps them as they are); nil when
    /// it cannot be read. A VaultError (naming the file) when no secret opens it.
    public static func contents(atPath path: String, decrypt: Bool = true) throws -> Data? {
        guard let data = FileManager.default.contents(atPath: path) ?? FileHandle(forReadingAtPath: path)?.readDataToEndOfFile() else { return nil }
        guard decrypt, VaultEnvelope.isVaulted(data) else { return data }
        do {
            return try VaultSecrets.shared.plain(data, source: path)
        } catch let e as VaultError where !e.description.contains(path) {
            throw VaultError(e.description + " on \(path)")
        }
    }

    /// The value an inline `!vault` scalar loads as.
    static func inline(_ text: String, at mark: SourceMark) -> String {
        "{{ \(function)('\(escape(text))', '\(escape(mark.description))') }}"
    }

    private static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'")
    }

    /// The vaulted text inside a value made by `inline`, for showing it without decrypting
    /// (as ansible-inventory shows `{"__ansible_vault": ...}`).
    public static func vaultedText(of value: String) -> String? {
        let prefix = "{{ \(function)('"
        guard value.hasPrefix(prefix), let end = value.range(of: "', '", options: .backwards) else { return nil }
        return String(value[value.index(value.startIndex, offsetBy: prefix.count)..<end.lowerBound])
    }
}
