import Crypto
import Foundation
import Jinja
import OrderedCollections
import SwiftASN1
import Transport
import X509

/// `openssl_csr` (community.crypto): a certificate signing request on the host, signed on the controller
/// with the host's private key (read through the SSH channel).
public enum OpenSSLCSRModule: Module {
    public static let name = "openssl_csr"
    public static let aliases = ["community.crypto.openssl_csr"]
    public static let documentation = """
    # openssl_csr
    Writes a PEM CSR to `path` for the key at `privatekey_path` (on the host) or `privatekey_content`
    (encrypted keys open with `privatekey_passphrase`: PKCS#8 PBES2 or traditional AES-CBC PEM).
    Subject from `subject` (a dict, in order) and `common_name`, `organization_name`... Extensions:
    `subject_alt_name` (`DNS:x`, `IP:1.2.3.4`, `email:`, `URI:`; default `DNS:<common_name>` with
    `use_common_name_for_san`), `key_usage`, `extended_key_usage`, `basic_constraints` (`CA:TRUE`,
    `pathlen:0`), each with `*_critical`. An existing CSR is kept when it is signed by that key and has
    the same subject and extensions (order of SANs and usages does not matter). Returns `filename`,
    `privatekey`, `subject`, `subjectAltName`, `keyUsage`, `extendedKeyUsage`, `basicConstraints`.
    """
    public static let spec = ArgumentSpec([
        .init("path", .path, required: true),
        .init("state", default: "present", choices: ["present", "absent"]),
        .init("privatekey_path", .path), .init("privatekey_content", noLog: true), .init("privatekey_passphrase", noLog: true),
        .init("digest", default: "sha256"), .init("version", .int, default: 1),
        .init("subject", .raw), .init("subject_ordering", default: "python_dict"),
        .init("country_name", aliases: ["C", "countryName"]), .init("state_or_province_name", aliases: ["ST", "stateOrProvinceName"]),
        .init("locality_name", aliases: ["L", "localityName"]), .init("organization_name", aliases: ["O", "organizationName"]),
        .init("organizational_unit_name", aliases: ["OU", "organizationalUnitName"]), .init("common_name", aliases: ["CN", "commonName"]),
        .init("email_address", aliases: ["E", "emailAddress"]),
        .init("subject_alt_name", .list, aliases: ["subjectAltName"], elements: .str),
        .init("subject_alt_name_critical", .bool, default: false, aliases: ["subjectAltName_critical"]),
        .init("use_common_name_for_san", .bool, default: true, aliases: ["useCommonNameForSAN"]),
        .init("key_usage", .list, aliases: ["keyUsage"], elements: .str),
        .init("key_usage_critical", .bool, default: false, aliases: ["keyUsage_critical"]),
        .init("extended_key_usage", .list, aliases: ["extKeyUsage", "extendedKeyUsage"], elements: .str),
        .init("extended_key_usage_critical", .bool, default: false, aliases: ["extKeyUsage_critical", "extendedKeyUsage_critical"]),
        .init("basic_constraints", .list, aliases: ["basicConstraints"], elements: .str),
        .init("basic_constraints_critical", .bool, default: false, aliases: ["basicConstraints_critical"]),
        .init("ocsp_must_staple", .bool, default: false), .init("create_subject_key_identifier", .bool, default: false),
        .init("force", .bool, default: false), .init("return_content", .bool, default: false),
        .init("select_crypto_backend", default: "auto", choices: ["auto", "cryptography"]),
    ] + HostFile.options,
    mutuallyExclusive: [["privatekey_path", "privatekey_content"]])

    public static func run(_ args: Arguments, _ context: ModuleContext) throws -> ModuleResult {
        guard let path = args.string("path") else { return .failed("missing required arguments: path") }
        if args.string("state") == "absent" {
            let removed = try HostFile.remove(path, checkMode: context.checkMode, context)
            return ModuleResult(changed: removed, ["filename": .string(path)])
        }
        if args.bool("ocsp_must_staple") { return .failed("openssl_csr: ocsp_must_staple is not supported by swiftplay") }
        let key = try readKey(args, context, pathOption: "privatekey_path", contentOption: "privatekey_content", passphraseOption: "privatekey_passphrase")
        let subject = try subjectPairs(args)
        let extensions = try requestedExtensions(args, commonName: subject.first { $0.0 == "CN" }?.1)
        let wanted = CryptoSupport.ExtensionSummary(extensions)

        let file = try HostFile.load(path, context)
        var result = ModuleResult(changed: false)
        var pem = String(decoding: file.data, as: UTF8.self)
        var current: CertificateSigningRequest?
        if file.exists, let block = CryptoSupport.pemBlock(pem, type: "CERTIFICATE REQUEST") {
            current = try? CertificateSigningRequest(pemEncoded: block)
        }
        let valid = current.map { csr in
            csr.publicKey == key.key.publicKey
                && csr.publicKey.isValidSignature(csr.signature, for: csr)
                && CryptoSupport.pairs(csr.subject).map { "\($0.0)=\($0.1)" } == subject.map { "\(CryptoSupport.shortName(CryptoSupport.nameOID($0.0) ?? [2, 5, 4, 3]))=\($0.1)" }
                && wanted.matches(CryptoSupport.ExtensionSummary(CryptoSupport.csrExtensions(csr)))
        } ?? false

        var csr = current
        if !valid || args.bool("force") {
            let dn = try CryptoSupport.distinguishedName(subject)
            var attributes = CertificateSigningRequest.Attributes()
            if !extensions.isEmpty {
                attributes.insert(try CertificateSigningRequest.Attribute(ExtensionRequest(extensions: extensions)))
            }
            let algorithm = try CryptoSupport.signatureAlgorithm(for: key.key, digest: args.string("digest") ?? "sha256")
            let made = try CertificateSigningRequest(version: .v1, subject: dn, privateKey: key.key, attributes: attributes, signatureAlgorithm: algorithm)
            csr = made
            pem = try made.serializeAsPEM().pemString + "\n"
            result.changed = true
            if !context.checkMode {
                if args.bool("backup") && file.exists, let b = try HostFile.backup(path, context) { result["backup_file"] = .string(b) }
                try HostFile.write(Data(pem.utf8), to: path, args: args, previous: file, defaultMode: nil, context)
            }
            if context.diffMode {
                let before = current.map { describe($0) } ?? ""
                result.addDiff(before: before, after: describe(made), beforeHeader: path, afterHeader: path)
            }
        } else {
            result.changed = try HostFile.applyAttributes(path, args: args, current: file, checkMode: context.checkMode, context)
        }
        guard let csr else { return result }
        let summary = CryptoSupport.ExtensionSummary(CryptoSupport.csrExtensions(csr))
        result["filename"] = .string(path)
        result["privatekey"] = args.string("privatekey_path").map { .string($0) } ?? .none
        result["subject"] = .list(CryptoSupport.pairs(csr.subject).map { .list([.string($0.0), .string($0.1)]) })
        result["subjectAltName"] = .list((summary.san ?? []).map { .string($0) })
        result["keyUsage"] = .list((summary.keyUsage ?? []).map { .string($0) })
        result["extendedKeyUsage"] = .list((summary.eku ?? []).map { .string($0) })
        result["basicConstraints"] = .list((summary.basic ?? []).map { .string($0) })
        result["ocspMustStaple"] = false
        if args.bool("return_content") { result["csr"] = .string(pem) }
        return result
    }

    static func describe(_ csr: CertificateSigningRequest) -> String {
        let s = CryptoSupport.ExtensionSummary(CryptoSupport.csrExtensions(csr))
        var out = "subject: \(CryptoSupport.oneLine(csr.subject))\n"
        if let san = s.san { out += "subjectAltName: \(san.joined(separator: ", "))\n" }
        if let ku = s.keyUsage { out += "keyUsage: \(ku.joined(separator: ", "))\n" }
        if let eku = s.eku { out += "extendedKeyUsage: \(eku.joined(separator: ", "))\n" }
        if let bc = s.basic { out += "basicConstraints: \(bc.joined(separator: ", "))\n" }
        return out
    }

    /// A private key from a host file or from the task (never logged).
    static func readKey(_ args: Arguments, _ context: ModuleContext, pathOption: String, contentOption: String,
                        passphraseOption: String) throws -> CryptoSupport.KeyInfo {
        let passphrase = args.string(passphraseOption)
        if let content = args.string(contentOption) {
            return try CryptoSupport.loadKey(content, what: contentOption, passphrase: passphrase)
        }
        guard let keyPath = args.string(pathOption) else { throw ModuleError("one of the following is required: \(pathOption), \(contentOption)") }
        let f = try HostFile.load(keyPath, context)
        guard f.exists else { throw ModuleError("The private key \(keyPath) does not exist") }
        return try CryptoSupport.loadKey(String(decoding: f.data, as: UTF8.self), what: keyPath, passphrase: passphrase)
    }

    /// The subject in order: `subject` entries, then the single-name options.
    static func subjectPairs(_ args: Arguments) throws -> [(String, String)] {
        var pairs: [(String, String)] = []
        if let s = args["subject"] {
            let dicts: [Value] = s.listValue ?? [s]
            for d in dicts {
                guard let dict = d.dictValue else { throw ModuleError("subject must be a dict or a list of dicts") }
                for (k, v) in dict {
                    let values = v.listValue ?? [v]
                    for item in values {
                        guard CryptoSupport.nameOID(k) != nil else { throw ModuleError("unknown subject attribute '\(k)'") }
                        pairs.append((k, item.pythonStr))
                    }
                }
            }
        }
        for (option, short) in [("country_name", "C"), ("state_or_province_name", "ST"), ("locality_name", "L"),
                                ("organization_name", "O"), ("organizational_unit_name", "OU"), ("common_name", "CN"),
                                ("email_address", "emailAddress")] {
            if let v = args.string(option), !v.isEmpty { pairs.append((short, v)) }
        }
        return pairs.map { (CryptoSupport.shortName(CryptoSupport.nameOID($0.0) ?? [2, 5, 4, 3]), $0.1) }
    }

    static func requestedExtensions(_ args: Arguments, commonName: String?) throws -> Certificate.Extensions {
        var exts = Certificate.Extensions()
        var sans = args.strings("subject_alt_name")
        if sans.isEmpty, args.bool("use_common_name_for_san"), let cn = commonName { sans = ["DNS:\(cn)"] }
        if !sans.isEmpty {
            let names = try sans.map(CryptoSupport.generalName)
            try exts.append(Certificate.Extension(SubjectAlternativeNames(names), critical: args.bool("subject_alt_name_critical")))
        }
        if args.has("key_usage") && !args.strings("key_usage").isEmpty {
            try exts.append(Certificate.Extension(CryptoSupport.keyUsage(args.strings("key_usage")), critical: args.bool("key_usage_critical")))
        }
        if args.has("extended_key_usage") && !args.strings("extended_key_usage").isEmpty {
            try exts.append(Certificate.Extension(CryptoSupport.extendedKeyUsage(args.strings("extended_key_usage")), critical: args.bool("extended_key_usage_critical")))
        }
        if args.has("basic_constraints") && !args.strings("basic_constraints").isEmpty {
            try exts.append(Certificate.Extension(CryptoSupport.basicConstraints(args.strings("basic_constraints")), critical: args.bool("basic_constraints_critical")))
        }
        return exts
    }
}
