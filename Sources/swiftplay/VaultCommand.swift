import ArgumentParser
import Executor
import Foundation
import Vault

/// `swiftplay vault` (ansible-vault): encrypts, decrypts, shows, re-keys, creates and edits vaulted
/// files, and encrypts strings for `!vault` values.
struct VaultCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vault", abstract: "Encrypt and decrypt Ansible Vault data (like ansible-vault).",
        subcommands: [VaultEncrypt.self, VaultDecrypt.self, VaultView.self, VaultEncryptString.self, VaultRekey.self, VaultCreate.self, VaultEdit.self])
}

/// The secret options of every vault subcommand.
struct VaultSecretOptions: ParsableArguments {
    @OptionGroup var vault: VaultOptions
    @Option(name: .customLong("encrypt-vault-id"), help: "The vault id (label) to encrypt with, when several are given.")
    var encryptVaultId: String?

    /// The secrets, asking on the terminal when none are given (a new password is asked twice).
    func secrets(newPassword: Bool) throws -> [VaultSecret] {
        let config = try Config.load()
        VaultCLI.configureSalt(config)
        let ids = vault.identities(config: config, autoPrompt: true)
        return try VaultSetup.load(ids, ask: newPassword ? VaultCLI.askNew : VaultPrompt.ask)
    }

    /// The secret to encrypt with: the --encrypt-vault-id one, else the only one (as ansible-vault).
    func encryptSecret(_ secrets: [VaultSecret]) throws -> VaultSecret {
        let wanted = encryptVaultId ?? ProcessInfo.processInfo.environment["ANSIBLE_VAULT_ENCRYPT_IDENTITY"]
        if let wanted {
            guard let s = secrets.first(where: { $0.label == wanted }) else {
                let known = secrets.map { "'\($0.label)'" }.joined(separator: ", ")
                throw VaultError("Did not find a match for --encrypt-vault-id=\(wanted) in the known vault-ids [\(known)]")
            }
            return s
        }
        guard secrets.count <= 1 else {
            var labels: [String] = []
            for s in secrets where !labels.contains(s.label) { labels.append(s.label) }
            if labels.count == 1 { return secrets[0] }
            throw VaultError("The vault-ids \(labels.joined(separator: ",")) are available to encrypt. Specify the vault-id to encrypt with --encrypt-vault-id")
        }
        guard let s = secrets.first else { throw VaultError("A vault password is required to use Ansible's Vault") }
        return s
    }
}

enum VaultCLI {
    /// vault_encrypt_salt / ANSIBLE_VAULT_ENCRYPT_SALT.
    static func configureSalt(_ config: Config) {
        VaultSecrets.shared.encryptSalt = config.setting("vault_encrypt_salt", env: "VAULT_ENCRYPT_SALT").map { Array($0.utf8) }
    }

    /// A new password, asked twice.
    static func askNew(_ prompt: String) throws -> String? {
        let (ask, confirm) = prompt == "Vault password: "
            ? ("New Vault password: ", "Confirm New Vault password: ")
            : ("New v" + prompt.dropFirst(), "Confirm new v" + prompt.dropFirst())
        let first = VaultPrompt.ask(ask)
        guard let second = VaultPrompt.ask(confirm), first == second else { throw VaultError("Passwords do not match") }
        return first
    }

    static func read(_ file: String) throws -> Data {
        if file == "-" { return FileHandle.standardInput.readDataToEndOfFile() }
        let path = absolute(file)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw VaultError("Unable to read source file (\(path)): [Errno 2] No such file or directory: '\(path)'")
        }
        return data
    }

    static func write(_ data: Data, to file: String) throws {
        if file == "-" {
            FileHandle.standardOutput.write(data)
        } else {
            try VaultFile.write(data, to: file)
        }
    }

    static func absolute(_ file: String) -> String {
        let path = (file as NSString).expandingTildeInPath
        return path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    }

    static func decrypt(_ data: Data, secrets: [VaultSecret], file: String) throws -> Data {
        let text = String(decoding: data, as: UTF8.self)
        guard VaultEnvelope.isVaulted(text.trimmingCharacters(in: .whitespaces)) else {
            let shown = file == "-" ? "-" : absolute(file)
            throw VaultError("input is not vault encrypted data. \(shown) is not a vault encrypted file for \(shown)")
        }
        do {
            return Data(try VaultSecrets(secrets).decrypt(text, source: file))
        } catch let e as VaultError {
            throw VaultError(e.description + " for \(file)")  // ansible-vault names the file again
        }
    }

    /// "Encryption successful" and the like go to stderr when stdout is a terminal, as ansible-vault does.
    static func done(_ message: String) {
        if isatty(1) == 1 { FileHandle.standardError.write(Data((message + "\n").utf8)) }
    }

    static func checkOutput(_ files: [String], _ output: String?) throws -> [String] {
        let files = files.isEmpty ? ["-"] : files
        if output != nil && files.count > 1 { throw UsageError("At most one input file may be used with the --output option") }
        return files
    }
}

struct VaultEncrypt: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "encrypt", abstract: "Encrypt files (in place, or to --output).")
    @OptionGroup var options: VaultSecretOptions
    @Option(name: .customLong("output"), help: "Write to this file ('-' for standard output).") var output: String?
    @Argument(help: "Files to encrypt ('-' or none: standard input).") var files: [String] = []

    func run() throws {
        let files = try VaultCLI.checkOutput(files, output)
        let secret = try options.encryptSecret(options.secrets(newPassword: true))
        if self.files.isEmpty && isatty(0) == 1 { FileHandle.standardError.write(Data("Reading plaintext input from stdin\n".utf8)) }
        for file in files {
            let data = try VaultCLI.read(file)
            if VaultEnvelope.isVaulted(data) { throw VaultError("input is already encrypted") }
            let text = try VaultSecrets.encrypt(Array(data), with: secret)
            try VaultCLI.write(Data(text.utf8), to: output ?? file)
        }
        VaultCLI.done("Encryption successful")
    }
}

struct VaultDecrypt: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "decrypt", abstract: "Decrypt files (in place, or to --output).")
    @OptionGroup var options: VaultSecretOptions
    @Option(name: .customLong("output"), help: "Write to this file ('-' for standard output).") var output: String?
    @Argument(help: "Files to decrypt ('-' or none: standard input).") var files: [String] = []

    func run() throws {
        let files = try VaultCLI.checkOutput(files, output)
        let secrets = try options.secrets(newPassword: false)
        for file in files {
            let plain = try VaultCLI.decrypt(try VaultCLI.read(file), secrets: secrets, file: file)
            try VaultCLI.write(plain, to: output ?? file)
        }
        VaultCLI.done("Decryption successful")
    }
}

struct VaultView: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "view", abstract: "Show the decrypted content of files.")
    @OptionGroup var options: VaultSecretOptions
    @Argument(help: "Files to show.") var files: [String] = []

    func run() throws {
        let secrets = try options.secrets(newPassword: false)
        for file in files.isEmpty ? ["-"] : files {
            var text = String(decoding: try VaultCLI.decrypt(try VaultCLI.read(file), secrets: secrets, file: file), as: UTF8.self)
            if !text.hasSuffix("\n") { text += "\n" }
            Self.page(Data(text.utf8))
        }
    }

    /// On a terminal, through $PAGER (else `less`, with LESS=FRX unless set), as ansible-vault view
    /// shows it; otherwise, or when the pager cannot run, straight to stdout.
    static func page(_ data: Data) {
        guard isatty(1) == 1 else { return FileHandle.standardOutput.write(data) }
        let env = ProcessInfo.processInfo.environment
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", env["PAGER"].flatMap { $0.isEmpty ? nil : $0 } ?? "less"]
        p.environment = env.merging(["LESS": env["LESS"] ?? "FRX"]) { $1 }
        let input = Pipe()
        p.standardInput = input
        do {
            try p.run()
        } catch {
            return FileHandle.standardOutput.write(data)
        }
        // A pager quit early closes the pipe: the rest is not wanted, and writing must not kill us.
        signal(SIGPIPE, SIG_IGN)
        try? input.fileHandleForWriting.write(contentsOf: data)
        try? input.fileHandleForWriting.close()
        p.waitUntilExit()
        if p.terminationStatus == 127 { FileHandle.standardOutput.write(data) }  // no such pager
    }
}

struct VaultEncryptString: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "encrypt_string", abstract: "Encrypt strings, printed as YAML `!vault` values.")
    @OptionGroup var options: VaultSecretOptions
    @Option(name: [.short, .customLong("name")], help: "The variable name of each string (repeatable, in order).") var names: [String] = []
    @Option(name: .customLong("stdin-name"), help: "Read the string from standard input and name it NAME.") var stdinName: String?
    @Flag(name: [.short, .customLong("prompt")], help: "Ask for the string to encrypt.") var prompt = false
    @Flag(name: .customLong("show-input"), help: "Show the string typed at the prompt.") var showInput = false
    @Option(name: .customLong("output"), help: "Write to this file ('-' for standard output).") var output: String?
    @Argument(help: "Strings to encrypt (none: standard input).") var strings: [String] = []

    func run() throws {
        if stdinName != nil && !strings.isEmpty { throw UsageError("Can't use --stdin-name with positional string arguments") }
        let secret = try options.encryptSecret(options.secrets(newPassword: true))
        var items: [(name: String?, text: String, source: String)] = []
        if prompt {
            let name = names.first ?? VaultPrompt.ask("Variable name (enter for no name): ", echo: true).flatMap { $0.isEmpty ? nil : $0 }
            let question = showInput ? "String to encrypt: " : "String to encrypt (hidden): "
            guard let text = VaultPrompt.ask(question, echo: showInput), !text.isEmpty else { throw VaultError("The plaintext provided from the prompt was empty, not encrypting") }
            items.append((name, text, "the interactive prompt"))
        } else if strings.isEmpty || stdinName != nil {
            if isatty(0) == 1 {
                FileHandle.standardError.write(Data("Reading plaintext input from stdin. (ctrl-d to end input, twice if your content does not already have a newline)\n".utf8))
            }
            let text = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
            if text.isEmpty { throw VaultError("stdin was empty, not encrypting") }
            items.append((stdinName ?? names.first, text, "stdin"))
        } else {
            for (i, s) in strings.enumerated() {
                items.append((i < names.count ? names[i] : nil, s, "the string #\(i + 1) from the command line args"))
            }
        }
        var out = ""
        for item in items {
            if items.count > 1 {
                let what = item.name.map { "variable (\"\($0)\", \(item.source))" } ?? "\(item.source))"
                FileHandle.standardError.write(Data("# The encrypted version of \(what).\n".utf8))
            }
            let envelope = try VaultSecrets.encrypt(Array(item.text.utf8), with: secret)
            out += (item.name.map { "\($0): " } ?? "") + "!vault |\n"
            out += envelope.split(separator: "\n").map { "          " + $0 }.joined(separator: "\n") + "\n"
        }
        if let output, output != "-" { try VaultFile.write(Data(out.utf8), to: output) } else { FileHandle.standardOutput.write(Data(out.utf8)) }
        VaultCLI.done("Encryption successful")
    }
}

struct VaultRekey: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "rekey", abstract: "Re-encrypt files with a new password.")
    @OptionGroup var options: VaultSecretOptions
    @Option(name: [.customLong("new-vault-password-file")], help: "The new vault password file.") var newPasswordFile: String?
    @Option(name: .customLong("new-vault-id"), help: "The new vault identity: [LABEL@]SOURCE.") var newVaultId: String?
    @Argument(help: "Files to re-key.") var files: [String]

    func run() throws {
        let secrets = try options.secrets(newPassword: false)
        var id = VaultIdentity(parsing: newVaultId ?? "prompt")
        if let newPasswordFile { id.source = newPasswordFile }
        if newVaultId == nil { id.label = options.encryptVaultId ?? VaultIdentity.defaultLabel }
        let newSecret = try id.load(ask: VaultCLI.askNew)
        for file in files {
            let plain = try VaultCLI.decrypt(try VaultCLI.read(file), secrets: secrets, file: file)
            try VaultFile.write(Data(try VaultSecrets.encrypt(Array(plain), with: newSecret).utf8), to: file)
        }
        VaultCLI.done("Rekey successful")
    }
}

/// Runs $EDITOR (default vi) on a private temporary copy of the plaintext; returns what was saved.
enum VaultEditor {
    static func edit(_ plain: Data, suffix: String) throws -> Data {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("swiftplay-vault-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(at: dir) }
        let tmp = dir.appendingPathComponent("edit" + suffix).path
        try VaultFile.write(plain, to: tmp)
        let editor = ProcessInfo.processInfo.environment["EDITOR"].flatMap { $0.isEmpty ? nil : $0 } ?? "vi"
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", editor + " \"$1\"", "sh", tmp]
        try p.run()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw VaultError("Failed to open editor (\(editor)): exit status \(p.terminationStatus)") }
        return FileManager.default.contents(atPath: tmp) ?? Data()
    }
}

struct VaultCreate: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "create", abstract: "Create a vaulted file with $EDITOR.")
    @OptionGroup var options: VaultSecretOptions
    @Argument(help: "The file to create.") var file: String

    func run() throws {
        if FileManager.default.fileExists(atPath: file) { throw VaultError("\(file) exists, please use 'edit' instead") }
        let secret = try options.encryptSecret(options.secrets(newPassword: true))
        let plain = try VaultEditor.edit(Data(), suffix: (file as NSString).pathExtension.isEmpty ? "" : "." + (file as NSString).pathExtension)
        try VaultFile.write(Data(try VaultSecrets.encrypt(Array(plain), with: secret).utf8), to: file)
    }
}

struct VaultEdit: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "edit", abstract: "Edit a vaulted file with $EDITOR.")
    @OptionGroup var options: VaultSecretOptions
    @Argument(help: "The file to edit.") var file: String

    func run() throws {
        let secrets = try options.secrets(newPassword: false)
        let data = try VaultCLI.read(file)
        let text = String(decoding: data, as: UTF8.self)
        let plain = try VaultCLI.decrypt(data, secrets: secrets, file: file)
        let edited = try VaultEditor.edit(plain, suffix: (file as NSString).pathExtension.isEmpty ? "" : "." + (file as NSString).pathExtension)
        guard edited != plain else { return }
        // Re-encrypted with the secret that opened it, under the file's label, unless told otherwise.
        let envelope = try VaultEnvelope(parsing: text)
        var secret: VaultSecret
        if options.encryptVaultId != nil {
            secret = try options.encryptSecret(secrets)
        } else {
            let ordered = secrets.filter { $0.label == envelope.label } + secrets.filter { $0.label != envelope.label }
            guard let opener = try ordered.first(where: { try VaultCipher.decrypt(envelope.payload, password: $0.password) != nil }) else {
                throw VaultError.noMatchingSecret(file)
            }
            secret = opener
            if let label = envelope.label { secret.label = label }
        }
        try VaultFile.write(Data(try VaultSecrets.encrypt(Array(edited), with: secret).utf8), to: file)
    }
}
