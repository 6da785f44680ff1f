import Foundation

/// One vault password with the vault id (label) it was given under.
public struct VaultSecret {
    public var label: String
    public var password: [UInt8]
    public init(label: String, password: [UInt8]) {
        self.label = label
        self.password = password
    }
}

/// Where a secret comes from: `--vault-id [LABEL@]SOURCE`, `--vault-password-file`, `--ask-vault-pass`.
public struct VaultIdentity: Equatable {
    public static let defaultLabel = "default"
    public var label: String
    /// A file, an executable, or "prompt".
    public var source: String

    public init(label: String, source: String) {
        self.label = label
        self.source = source
    }

    /// `LABEL@SOURCE` or just `SOURCE` (label "default").
    public init(parsing spec: String) {
        if let at = spec.firstIndex(of: "@") {
            label = String(spec[..<at])
            source = String(spec[spec.index(after: at)...])
        } else {
            label = VaultIdentity.defaultLabel
            source = spec
        }
    }

    public var isPrompt: Bool { source == "prompt" || source == "prompt_ask_vault_pass" }

    /// Reads the secret. `ask` shows a prompt on the terminal without echo and returns the answer.
    public func load(ask: (String) throws -> String?) throws -> VaultSecret {
        if isPrompt {
            let prompt = source == "prompt_ask_vault_pass" || label == VaultIdentity.defaultLabel ? "Vault password: " : "Vault password (\(label)): "
            guard let answer = try ask(prompt), !answer.isEmpty else { throw VaultError("Invalid vault password was provided from prompt (\(label))") }
            return VaultSecret(label: label, password: Array(answer.utf8))
        }
        let path = (source as NSString).expandingTildeInPath
        // A script named `*-client[.ext]` is asked for this id with `--vault-id LABEL`.
        let stem = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        let arguments = stem.hasSuffix("-client") ? ["--vault-id", label] : []
        return VaultSecret(label: label, password: try PasswordFile.read(path, what: "vault password", scriptArguments: arguments))
    }
}
