import Crypto
import Foundation
import Jinja
import OrderedCollections
import Transport
import X509
import _CryptoExtras

/// `openssl_privatekey` (community.crypto): a private key file on the host, generated on the controller.
public enum OpenSSLPrivateKeyModule: Module {
    public static let name = "openssl_privatekey"
    public static let aliases = ["community.crypto.openssl_privatekey"]
    public static let documentation = """
    # openssl_privatekey
    Makes `path` on the host hold a PEM private key of `type` (RSA with `size` bits, default 4096; ECC
    with `curve` secp256r1/secp384r1/secp521r1; Ed25519). The key is generated on the controller with
    swift-crypto and written through the SSH channel with mode 0600 (or `mode`); it is never put on a
    command line or in a result (except `privatekey` with `return_content: true`).

    An existing key is read back and kept when it parses and has the requested type, size and curve
    (`regenerate: full_idempotence`, the default). `regenerate: never` keeps any parseable key, `fail`
    fails on a mismatch, `always` (or `force: true`) always makes a new key. RSA keys are written as
    PKCS#1 (`format: pkcs1`, the default) or PKCS#8 (`format: pkcs8`). With `passphrase` the key is written
    as an encrypted PKCS#8 key (PBES2: AES-256-CBC, PBKDF2-HMAC-SHA256); an existing key is kept only if
    it is encrypted and opens with that passphrase. `cipher` is accepted and ignored (always AES-256). Returns `filename`, `type`, `size`, `curve`, `fingerprint`, `public_key`.
    """
    public static let spec = ArgumentSpec([
        .init("path", .path, required: true),
        .init("state", default: "present", choices: ["present", "absent"]),
        .init("type", default: "RSA", choices: ["RSA", "ECC", "Ed25519", "DSA", "X25519", "Ed448", "X448"]),
        .init("size", .int, default: 4096),
        .init("curve", choices: ["secp256r1", "secp384r1", "secp521r1"]),
        .init("format", default: "auto_ignore", choices: ["pkcs1", "pkcs8", "raw", "auto", "auto_ignore"]),
        .init("format_mismatch", default: "regenerate", choices: ["regenerate", "convert"]),
        .init("passphrase", noLog: true), .init("cipher"),
        .init("force", .bool, default: false), .init("return_content", .bool, default: false),
        .init("regenerate", default: "full_idempotence", choices: ["never", "fail", "partial_idempotence", "full_idempotence", "always"]),
        .init("select_crypto_backend", default: "auto", choices: ["auto", "cryptography"]),
    ] + HostFile.options)

    public static func run(_ args: Arguments, _ context: ModuleContext) throws -> ModuleResult {
        guard let path = args.string("path") else { return .failed("missing required arguments: path") }
        if args.string("state") == "absent" {
            let removed = try HostFile.remove(path, checkMode: context.checkMode, context)
            return ModuleResult(changed: removed, ["filename": .string(path)])
        }
        let type = args.string("type") ?? "RSA"
        let size = args.int("size") ?? 4096
        var curve = args.string("curve")
        switch type {
        case "RSA":
            guard size >= 2048 && size <= 16384 && size % 8 == 0 else { return .failed("RSA size must be a multiple of 8 between 2048 and 16384, got \(size)") }
            curve = nil
        case "ECC":
            guard curve != nil else { return .failed("type is ECC but all of the following are missing: curve") }
        case "Ed25519": curve = nil
        default: return .failed("openssl_privatekey: key type \(type) is not supported by swiftplay (use RSA, ECC or Ed25519)")
        }

        let file = try HostFile.load(path, context)
        var keep: CryptoSupport.KeyInfo?
        if file.exists {
            let passphrase = args.string("passphrase")
            let existing = try? CryptoSupport.loadKey(String(decoding: file.data, as: UTF8.self), what: path, passphrase: passphrase)
            let matches = existing.map { k in
                k.type == type && (type != "RSA" || k.size == size) && (type != "ECC" || k.curve == curve)
                    && k.encrypted == (passphrase != nil)
            } ?? false
            let policy = args.bool("force") ? "always" : (args.string("regenerate") ?? "full_idempotence")
            switch policy {
            case "never": keep = existing
            case "fail":
                if !matches { return .failed("Key \(path) does not match the requested type/size/curve and regenerate is fail") }
                keep = existing
            case "always": keep = nil
            default: keep = matches ? existing : nil
            }
        }

        var result = ModuleResult(changed: false)
        var info: CryptoSupport.KeyInfo
        var pem: String
        if let keep {
            info = keep
            pem = String(decoding: file.data, as: UTF8.self)
            result.changed = try HostFile.applyAttributes(path, args: args, current: file, checkMode: context.checkMode, context)
        } else {
            let made = try generate(type: type, size: size, curve: curve, format: args.string("format") ?? "auto_ignore")
            info = made.info
            pem = made.pem
            if let passphrase = args.string("passphrase") {
                pem = try KeyEncryption.encrypt(pkcs8: made.pkcs8, passphrase: passphrase)
                info.encrypted = true
            }
            result.changed = true
            if !context.checkMode {
                if args.bool("backup") && file.exists, let b = try HostFile.backup(path, context) { result["backup_file"] = .string(b) }
                try HostFile.write(Data(pem.utf8), to: path, args: args, previous: file, defaultMode: "0600", context)
            }
            if context.diffMode {
                result.addDiff(before: file.exists ? "key: present\n" : "key: absent\n", after: "key: \(type) \(type == "RSA" ? String(size) : (curve ?? ""))\n")
            }
        }
        if !pem.hasSuffix("\n") { pem += "\n" }
        result["filename"] = .string(path)
        result["type"] = .string(info.type)
        result["size"] = .int(info.size)
        result["curve"] = info.curve.map { .string($0) } ?? .none
        result["fingerprint"] = CryptoSupport.fingerprints(CryptoSupport.spkiDER(info.key.publicKey))
        result["public_key"] = .string(CryptoSupport.publicKeyPEM(info.key.publicKey))
        if args.bool("return_content") { result["privatekey"] = .string(pem) }
        return result
    }

    /// A new key, its PEM text and its PKCS#8 DER (for encryption).
    static func generate(type: String, size: Int, curve: String?, format: String) throws -> (info: CryptoSupport.KeyInfo, pem: String, pkcs8: [UInt8]) {
        switch type {
        case "RSA":
            let k = try _RSA.Signing.PrivateKey(keySize: _RSA.Signing.KeySize(bitCount: size))
            let pem = format == "pkcs8" ? k.pkcs8PEMRepresentation : k.pemRepresentation
            return (CryptoSupport.KeyInfo(key: Certificate.PrivateKey(k), type: "RSA", size: size, curve: nil), pem, Array(k.pkcs8DERRepresentation))
        case "ECC":
            switch curve {
            case "secp256r1":
                let k = P256.Signing.PrivateKey()
                return (CryptoSupport.KeyInfo(key: Certificate.PrivateKey(k), type: "ECC", size: 256, curve: curve), k.pemRepresentation, Array(k.pkcs8DERRepresentation))
            case "secp384r1":
                let k = P384.Signing.PrivateKey()
                return (CryptoSupport.KeyInfo(key: Certificate.PrivateKey(k), type: "ECC", size: 384, curve: curve), k.pemRepresentation, Array(k.pkcs8DERRepresentation))
            case "secp521r1":
                let k = P521.Signing.PrivateKey()
                return (CryptoSupport.KeyInfo(key: Certificate.PrivateKey(k), type: "ECC", size: 521, curve: curve), k.pemRepresentation, Array(k.pkcs8DERRepresentation))
            default: throw ModuleError("unsupported curve \(curve ?? "")")
            }
        default:
            let k = Curve25519.Signing.PrivateKey()
            let key = Certificate.PrivateKey(k)
            let pem = try key.serializeAsPEM().pemString
            return (CryptoSupport.KeyInfo(key: key, type: "Ed25519", size: 256, curve: nil), pem, Array(k.pkcs8DERRepresentation))
        }
    }
}
