import DataLoader
import Foundation
import Jinja
import Vault

/// Decrypts inline `!vault` values when they are used (see VaultedData): the text is never
/// templated further. A value that no secret opens fails where it is used, as in Ansible.
enum VaultFunction {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var cache: [String: String] = [:]

    static func install(into env: Environment) {
        // `vault` / `unvault` filters: text encrypted with a password given in the template, under the
        // label filter_default unless another vault_id is given.
        env.addFilter("vault") { input, args, _ in
            guard let password = try args.string(0, "secret") else { throw args.fail("the vault filter needs a secret") }
            let salt = try args.string(1, "salt").map { Array($0.utf8) }
            let label = try args.string(2, "vault_id", default: "filter_default") ?? "filter_default"
            return .string(try VaultSecrets.encrypt(Array(input.text.utf8), with: VaultSecret(label: label, password: Array(password.utf8)), salt: salt))
        }
        env.addFilter("unvault") { input, args, _ in
            guard let password = try args.string(0, "secret") else { throw args.fail("the unvault filter needs a secret") }
            let label = try args.string(1, "vault_id", default: "filter_default") ?? "filter_default"
            do {
                return .string(try VaultSecrets([VaultSecret(label: label, password: Array(password.utf8))]).decryptText(input.text))
            } catch let e as VaultError {
                throw args.fail("Unable to decrypt: \(e.description)")
            }
        }
        env.globals[VaultedData.function] = .callable(Callable(name: VaultedData.function) { args, _ in
            guard args.count == 2, let text = args[0].stringValue, let location = args[1].stringValue else {
                throw TemplateError(kind: .runtime, message: "\(VaultedData.function) takes the vaulted text and where it is")
            }
            return .string(try decrypt(text, location: location))
        })
    }

    static func decrypt(_ text: String, location: String) throws -> String {
        lock.lock()
        let cached = cache[text]
        lock.unlock()
        if let cached { return cached }
        do {
            let plain = try VaultSecrets.shared.decryptText(text)
            lock.lock()
            cache[text] = plain
            lock.unlock()
            return plain
        } catch let e as VaultError {
            // Ansible's wording first (scripts look for it), then where the value was written; not a
            // template error: the task fails with this message alone, as in Ansible.
            throw InlineVaultError(description: "\(e.description) (the !vault value at \(location))")
        }
    }
}

/// An inline `!vault` value that no secret opens.
struct InlineVaultError: Error, CustomStringConvertible {
    var description: String
}
