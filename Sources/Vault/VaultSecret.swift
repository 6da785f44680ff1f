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
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir), !isDir.boolValue else {
            throw VaultError("The vault password file \(path) was not found")
        }
        if FileManager.default.isExecutableFile(atPath: path) {
            return VaultSecret(label: label, password: try runScript(path))
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw VaultError("Could not read vault password file \(path)")
        }
        // A password file's content without surrounding whitespace, as Python's strip().
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { throw VaultError("Invalid vault password was provided from file (\(path))") }
        return VaultSecret(label: label, password: Array(text.utf8))
    }

    /// An executable password file: its standard output without trailing line ends. A script
    /// named `*-client[.ext]` is asked for this id with `--vault-id LABEL`.
    private func runScript(_ path: String) throws -> [UInt8] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        let stem = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
        if stem.hasSuffix("-client") { process.arguments = ["--vault-id", label] }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        do { try process.run() } catch {
            throw VaultError("Problem running vault password script \(path) (\(error.localizedDescription)). If this is not a script, remove the executable bit from the file.")
        }
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw VaultError("Vault password script \(path) returned non-zero (\(process.terminationStatus)): \(String(decoding: stderr, as: UTF8.self))")
        }
        var bytes = Array(stdout)
        while let last = bytes.last, last == 10 || last == 13 { bytes.removeLast() }
        guard !bytes.isEmpty else { throw VaultError("Invalid vault password was provided from script (\(path))") }
        return bytes
    }
}
