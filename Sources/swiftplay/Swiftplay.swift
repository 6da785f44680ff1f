import ArgumentParser

/// `swiftplay`: runs playbooks like ansible-playbook; `swiftplay doc MODULE` documents a module.
struct Swiftplay: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "swiftplay",
        abstract: "An Ansible-compatible playbook engine: runs playbooks over SSH without Python on the hosts.",
        version: "0.1.0",
        subcommands: [PlaybookCommand.self, AdhocCommand.self, InventoryCommand.self, VaultCommand.self, DocCommand.self],
        defaultSubcommand: PlaybookCommand.self
    )
}
