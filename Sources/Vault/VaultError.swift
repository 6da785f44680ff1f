/// A vault failure, worded as Ansible's so that scripts and users recognise it.
public struct VaultError: Error, CustomStringConvertible {
    public let description: String
    public init(_ message: String) { description = message }

    public static let noSecrets = VaultError("Attempting to decrypt but no vault secrets found")

    /// No secret could decrypt the data; `source` names the file when there is one.
    public static func noMatchingSecret(_ source: String?) -> VaultError {
        VaultError("Decryption failed (no vault secrets were found that could decrypt)" + (source.map { " on \($0)" } ?? ""))
    }
}
