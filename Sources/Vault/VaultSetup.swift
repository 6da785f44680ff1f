import Foundation

/// Which identities a command uses, in Ansible's order: the configured identity list
/// (ANSIBLE_VAULT_IDENTITY_LIST / vault_identity_list), the `--vault-id`s, the password files
/// (`--vault-password-file`, then ANSIBLE_VAULT_PASSWORD_FILE / vault_password_file), then the
/// prompt for `--ask-vault-pass` (or, with `autoPrompt`, when nothing else was given).
public enum VaultSetup {
    public static func identities(configuredList: [String], vaultIds: [String], passwordFiles: [String],
                                  configuredPasswordFile: String?, askVaultPass: Bool, autoPrompt: Bool = false) -> [VaultIdentity] {
        var ids = (configuredList + vaultIds).map(VaultIdentity.init(parsing:))
        for file in passwordFiles + (configuredPasswordFile.map { [$0] } ?? []) {
            ids.append(VaultIdentity(label: VaultIdentity.defaultLabel, source: file))
        }
        if askVaultPass || (ids.isEmpty && autoPrompt) {
            ids.append(VaultIdentity(label: VaultIdentity.defaultLabel, source: "prompt_ask_vault_pass"))
        }
        return ids
    }

    /// Loads each identity once (a prompt is asked once per label).
    public static func load(_ ids: [VaultIdentity], ask: (String) throws -> String?) throws -> [VaultSecret] {
        var out: [VaultSecret] = []
        var seen: [VaultIdentity] = []
        for id in ids where !seen.contains(id) {
            seen.append(id)
            out.append(try id.load(ask: ask))
        }
        return out
    }
}
