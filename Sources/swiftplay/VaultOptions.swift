import ArgumentParser
import Executor
import Foundation
import Vault

/// The vault options ansible-playbook, ansible and ansible-inventory share.
struct VaultOptions: ParsableArguments {
    @Option(name: .customLong("vault-id"), help: "The vault identity to use: [LABEL@]SOURCE, SOURCE a password file, an executable or 'prompt' (repeatable).")
    var vaultIds: [String] = []
    @Option(name: [.customLong("vault-password-file"), .customLong("vault-pass-file")], help: "Vault password file, or an executable that prints the password (repeatable).")
    var vaultPasswordFiles: [String] = []
    @Flag(name: [.customShort("J"), .customLong("ask-vault-password"), .customLong("ask-vault-pass")], help: "Ask for the vault password.")
    var askVaultPass = false

    /// The identities in Ansible's order (see VaultSetup), with the configured ones.
    func identities(config: Config, autoPrompt: Bool = false) -> [VaultIdentity] {
        let env = ProcessInfo.processInfo.environment
        let list = config.setting("vault_identity_list", env: "VAULT_IDENTITY_LIST").map {
            $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        } ?? []
        // From the config file a relative password file is relative to that file's directory.
        var configured = env["SWIFTPLAY_VAULT_PASSWORD_FILE"] ?? env["ANSIBLE_VAULT_PASSWORD_FILE"]
        if configured == nil, let file = config.value("vault_password_file") {
            let path = (file as NSString).expandingTildeInPath
            let base = config.path.map { ($0 as NSString).deletingLastPathComponent } ?? "."
            configured = path.hasPrefix("/") ? path : base + "/" + path
        }
        if configured?.isEmpty == true { configured = nil }
        return VaultSetup.identities(configuredList: list, vaultIds: vaultIds, passwordFiles: vaultPasswordFiles,
                                     configuredPasswordFile: configured, askVaultPass: askVaultPass, autoPrompt: autoPrompt)
    }

    /// Loads the secrets and makes them the run's (VaultSecrets.shared).
    func install(config: Config) throws {
        VaultCLI.configureSalt(config)
        VaultSecrets.shared.all = try VaultSetup.load(identities(config: config), ask: VaultPrompt.ask)
    }
}

enum VaultPrompt {
    /// A password from the terminal without echo; without one, a line of stdin.
    static func ask(_ prompt: String) -> String? { ask(prompt, echo: false) }

    /// An answer from the terminal, shown as typed when `echo`; without one, a line of stdin.
    static func ask(_ prompt: String, echo: Bool) -> String? {
        guard let terminal = Terminal.open() else { return readLine() }
        return terminal.ask(prompt, echo: echo)
    }
}
