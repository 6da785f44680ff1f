import ArgumentParser
import Executor
import Foundation
import Vault

/// The options ansible-playbook and ansible share (inventory, variables, check/diff, connection and
/// privilege escalation), with the settings behind them: command line first, then the environment
/// (SWIFTPLAY_X / ANSIBLE_X), then swiftplay.cfg / ansible.cfg, then Ansible's default.
struct CommonOptions: ParsableArguments {
    @Option(name: [.short, .customLong("inventory"), .customLong("inventory-file")], help: "Inventory file, directory or host list (repeatable).")
    var inventory: [String] = []
    @Option(name: [.short, .long], help: "Further limit selected hosts to a pattern.") var limit: String?
    @Option(name: [.customShort("e"), .customLong("extra-vars")], help: "key=value, YAML/JSON, or @file (repeatable).")
    var extraVars: [String] = []
    @Flag(name: [.customShort("C"), .long], help: "Don't make any changes; predict some of the changes.") var check = false
    @Flag(name: [.customShort("D"), .long], help: "Show the differences in changed files.") var diff = false
    @Option(name: [.short, .long], help: "Number of hosts run in parallel.") var forks: Int?
    @Flag(name: [.short, .long], help: "Verbose mode (-vvv for more).") var verbose: Int
    @Flag(name: [.short, .long], help: "Run operations with become.") var become = false
    @Option(name: .customLong("become-user"), help: "Run operations as this user (default root).") var becomeUser: String?
    @Option(name: .customLong("become-method"), help: "Privilege escalation method: sudo or su.") var becomeMethod: String?
    @Flag(name: [.customShort("K"), .customLong("ask-become-pass")], help: "Ask for the privilege escalation password.") var askBecomePass = false
    @Flag(name: [.customShort("k"), .customLong("ask-pass")], help: "Ask for the connection password.") var askPass = false
    @Option(name: [.customLong("connection-password-file"), .customLong("conn-pass-file")], help: "Connection password file.")
    var connectionPasswordFile: String?
    @Option(name: [.customLong("become-password-file"), .customLong("become-pass-file")], help: "Privilege escalation password file.")
    var becomePasswordFile: String?
    @Option(name: .customLong("ssh-common-args"), parsing: .unconditional, help: "Arguments for ssh (ProxyJump, -o options...), as ansible_ssh_common_args.")
    var sshCommonArgs: String?
    @Option(name: .customLong("ssh-extra-args"), parsing: .unconditional, help: "Further arguments for ssh, as ansible_ssh_extra_args.")
    var sshExtraArgs: String?
    @Option(name: [.short, .long], help: "Connect as this user.") var user: String?
    @Option(name: [.customLong("private-key"), .customLong("key-file")], help: "Use this file to authenticate.") var privateKey: String?
    @Option(name: [.short, .long], help: "Connection type (ssh, local).") var connection: String?
    @Option(name: [.customShort("T"), .long], help: "Connection timeout in seconds.") var timeout: Int?
    @Option(name: [.customShort("M"), .customLong("module-path")], help: "Prepend these colon-separated directories to the module library path.")
    var modulePath: String?
    @OptionGroup var vault: VaultOptions

    /// Fills the shared part of the run options; `defaultForks` differs (ansible-playbook 50 here, ansible 5).
    func apply(to o: inout RunOptions, config: Config, defaultForks: Int) throws {
        o.inventorySources = inventory.isEmpty ? InventorySources.configured(config) : inventory.map { spec in
            spec.contains(",") && !FileManager.default.fileExists(atPath: spec) ? spec : config.resolve(spec)
        }
        o.limit = limit
        o.check = check
        o.diff = diff || config.flag("always", env: "DIFF_ALWAYS", section: "diff") == true
        o.forks = try forks ?? config.number("forks", env: "FORKS") ?? defaultForks
        o.verbosity = verbose
        o.become = become || config.flag("become", env: "BECOME", section: "privilege_escalation") == true
        o.becomeUser = becomeUser ?? config.setting("become_user", env: "BECOME_USER", section: "privilege_escalation")
        o.becomeMethod = becomeMethod ?? config.setting("become_method", env: "BECOME_METHOD", section: "privilege_escalation")
        (o.connectionPassword, o.becomePassword) = Prompt.passwords(askPass: askPass, askBecomePass: askBecomePass)
        // Password files: the command line, then ANSIBLE_*_PASSWORD_FILE / the config file; an executable is run.
        if let file = connectionPasswordFile ?? config.setting("connection_password_file", env: "CONNECTION_PASSWORD_FILE") {
            o.connectionPassword = try PasswordFile.text(file, what: "connection password")
        }
        if let file = becomePasswordFile ?? config.setting("become_password_file", env: "BECOME_PASSWORD_FILE") {
            o.becomePassword = try PasswordFile.text(file, what: "become password")
        }
        o.sshCommonArgs = sshCommonArgs ?? config.setting("ssh_common_args", env: "SSH_COMMON_ARGS", section: "ssh_connection")
        o.sshExtraArgs = sshExtraArgs ?? config.setting("ssh_extra_args", env: "SSH_EXTRA_ARGS", section: "ssh_connection")
        try vault.install(config: config)
        o.extraVars = try ExtraVars.parse(extraVars)
        o.remoteUser = user ?? config.setting("remote_user", env: "REMOTE_USER")
        o.privateKey = privateKey ?? config.setting("private_key_file", env: "PRIVATE_KEY_FILE")
        o.connection = connection
        o.timeout = try timeout ?? config.number("timeout", env: "TIMEOUT") ?? 10
        o.taskTimeout = try config.number("task_timeout", env: "TASK_TIMEOUT") ?? 0
        o.hostKeyChecking = config.flag("host_key_checking", env: "HOST_KEY_CHECKING") ?? true
        let env = ProcessInfo.processInfo.environment
        o.rolesPath = config.paths("roles_path") + (env["ANSIBLE_ROLES_PATH"].map { $0.split(separator: ":").map(String.init) } ?? [])
        // ANSIBLE_LIBRARY / ANSIBLE_MODULE_UTILS replace the configured paths; -M comes first.
        func searchPath(_ key: String, env name: String, default plugins: String) -> [String] {
            if let v = env["ANSIBLE_" + name] { return v.split(separator: ":").map { (String($0) as NSString).expandingTildeInPath } }
            let configured = config.paths(key)
            return configured.isEmpty ? ["~/.ansible/plugins/\(plugins)", "/usr/share/ansible/plugins/\(plugins)"].map { ($0 as NSString).expandingTildeInPath } : configured
        }
        let cli = modulePath.map { $0.split(separator: ":").map { (String($0) as NSString).expandingTildeInPath } } ?? []
        o.library = ModuleLibrary(modulePath: cli + searchPath("library", env: "LIBRARY", default: "modules"),
                                  moduleUtilsPath: searchPath("module_utils", env: "MODULE_UTILS", default: "module_utils"))
        o.color = env["NO_COLOR"] == nil && (config.flag("force_color", env: "FORCE_COLOR") ?? (isatty(1) == 1))
    }
}

extension Config {
    /// A whole-number setting (environment first, then the config file); a bad value is a usage error.
    func number(_ key: String, env: String) throws -> Int? {
        guard let text = setting(key, env: env) else { return nil }
        guard let n = Int(text.trimmingCharacters(in: .whitespaces)) else {
            throw ValidationError("\(key) must be a whole number, got '\(text)'")
        }
        return n
    }
}
