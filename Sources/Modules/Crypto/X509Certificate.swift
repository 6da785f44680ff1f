import Crypto
import Foundation
import Jinja
import OrderedCollections
import SwiftASN1
import Transport
import X509

/// `x509_certificate` (community.crypto): a certificate on the host, self-signed or signed by an own CA,
/// issued on the controller from the host's CSR and keys (read through the SSH channel).
public enum X509CertificateModule: Module {
    public static let name = "x509_certificate"
    public static let aliases = ["community.crypto.x509_certificate"]
    public static let documentation = """
    # x509_certificate
    Writes a PEM certificate to `path` for the CSR `csr_path`/`csr_content` (subject and extensions are
    copied from it; for `selfsigned` without CSR the subject is empty) and the key `privatekey_path`.
    Providers: `selfsigned` (signed by `privatekey_path`) and `ownca` (signed by `ownca_privatekey_path`,
    issuer from `ownca_path`). Validity: `selfsigned_not_before`/`selfsigned_not_after` and
    `ownca_not_before`/`ownca_not_after` (`+3650d`, `-1d`, `+52w`, `YYYYMMDDHHMMSSZ`, default now and
    +3650d). The serial number is a random positive 63-bit integer. A subject key identifier is added
    (`*_create_subject_key_identifier`), and for ownca an authority key identifier.

    The existing certificate is kept unless: it does not parse; its public key is not the key's; its
    subject or extensions differ from the CSR; its issuer or signature do not match the signer; it has
    expired or expires within min(30 days, half the requested validity); `ignore_timestamps: false`
    and an absolute not_before/not_after differs; or `force`. `acme` and `entrust` are not supported.
    Encrypted keys open with `privatekey_passphrase` / `ownca_privatekey_passphrase`.
    Returns `filename`, `certificate` (with `return_content`).
    """
    public static let spec = ArgumentSpec([
        .init("path", .path, required: true),
        .init("state", default: "present", choices: ["present", "absent"]),
        .init("provider", choices: ["selfsigned", "ownca", "acme", "entrust"]),
        .init("csr_path", .path), .init("csr_content"),
        .init("privatekey_path", .path), .init("privatekey_content", noLog: true), .init("privatekey_passphrase", noLog: true),
        .init("force", .bool, default: false), .init("return_content", .bool, default: false),
        .init("ignore_timestamps", .bool, default: true),
        .init("selfsigned_version", .int, default: 3), .init("selfsigned_digest", default: "sha256"),
        .init("selfsigned_not_before", default: "+0s", aliases: ["selfsigned_notBefore"]),
        .init("selfsigned_not_after", default: "+3650d", aliases: ["selfsigned_notAfter"]),
        .init("selfsigned_create_subject_key_identifier", default: "create_if_not_provided", choices: ["create_if_not_provided", "always_create", "never_create"]),
        .init("ownca_path", .path), .init("ownca_content"),
        .init("ownca_privatekey_path", .path), .init("ownca_privatekey_content", noLog: true), .init("ownca_privatekey_passphrase", noLog: true),
        .init("ownca_digest", default: "sha256"), .init("ownca_version", .int, default: 3),
        .init("ownca_not_before", default: "+0s"), .init("ownca_not_after", default: "+3650d"),
        .init("ownca_create_subject_key_identifier", default: "create_if_not_provided", choices: ["create_if_not_provided", "always_create", "never_create"]),
        .init("ownca_create_authority_key_identifier", .bool, default: true),
        .init("select_crypto_backend", default: "auto", choices: ["auto", "cryptography"]),
    ] + HostFile.options,
    mutuallyExclusive: [["csr_path", "csr_content"], ["privatekey_path", "privatekey_content"], ["ownca_path", "ownca_content"],
                        ["ownca_privatekey_path", "ownca_privatekey_content"]])

    public static func run(_ args: Arguments, _ context: ModuleContext) throws -> ModuleResult {
        guard let path = args.string("path") else { return .failed("missing required arguments: path") }
        if args.string("state") == "absent" {
            let removed = try HostFile.remove(path, checkMode: context.checkMode, context)
            return ModuleResult(changed: removed, ["filename": .string(path)])
        }
        guard let provider = args.string("provider") else { return .failed("state is present but all of the following are missing: provider") }
        guard provider == "selfsigned" || provider == "ownca" else { return .failed("x509_certificate: provider \(provider) is not supported by swiftplay") }

        // Inputs: CSR, subject key, signer.
        let csr = try readCSR(args, context)
        let subjectPublicKey: Certificate.PublicKey
        var subjectKey: CryptoSupport.KeyInfo?
        if args.has("privatekey_path") || args.has("privatekey_content") {
            subjectKey = try OpenSSLCSRModule.readKey(args, context, pathOption: "privatekey_path", contentOption: "privatekey_content", passphraseOption: "privatekey_passphrase")
        }
        if let csr {
            guard csr.publicKey.isValidSignature(csr.signature, for: csr) else { return .failed("The CSR signature is not valid") }
            if let subjectKey, subjectKey.key.publicKey != csr.publicKey { return .failed("The private key does not match the CSR's public key") }
            subjectPublicKey = csr.publicKey
        } else if let subjectKey {
            subjectPublicKey = subjectKey.key.publicKey
        } else {
            return .failed("one of csr_path, csr_content, privatekey_path, privatekey_content is required")
        }
        let subject = csr?.subject ?? DistinguishedName()
        let csrExtensions = csr.map(CryptoSupport.csrExtensions) ?? Certificate.Extensions()

        let signer: CryptoSupport.KeyInfo
        let issuer: DistinguishedName
        var caCertificate: Certificate?
        let prefix = provider == "selfsigned" ? "selfsigned" : "ownca"
        if provider == "selfsigned" {
            guard let subjectKey else { return .failed("provider is selfsigned but all of the following are missing: privatekey_path") }
            signer = subjectKey
            issuer = subject
        } else {
            let ca = try readCA(args, context)
            caCertificate = ca
            issuer = ca.subject
            signer = try OpenSSLCSRModule.readKey(args, context, pathOption: "ownca_privatekey_path", contentOption: "ownca_privatekey_content", passphraseOption: "ownca_privatekey_passphrase")
            guard signer.key.publicKey == ca.publicKey else { return .failed("The CA private key does not match the CA certificate") }
        }
        let now = Date()
        let notBefore = try CryptoSupport.time(args.string("\(prefix)_not_before") ?? "+0s", now: now)
        let notAfter = try CryptoSupport.time(args.string("\(prefix)_not_after") ?? "+3650d", now: now)
        guard notAfter > notBefore else { return .failed("The certificate's not_after must be later than its not_before") }

        // Does the current certificate do?
        let file = try HostFile.load(path, context)
        var current: Certificate?
        if file.exists, let block = CryptoSupport.pemBlock(String(decoding: file.data, as: UTF8.self), type: "CERTIFICATE") {
            current = try? Certificate(pemEncoded: block)
        }
        var reasons: [String] = []
        if let cert = current {
            if cert.publicKey != subjectPublicKey { reasons.append("public key") }
            if CryptoSupport.pairs(cert.subject).map({ "\($0.0)=\($0.1)" }) != CryptoSupport.pairs(subject).map({ "\($0.0)=\($0.1)" }) { reasons.append("subject") }
            if CryptoSupport.pairs(cert.issuer).map({ "\($0.0)=\($0.1)" }) != CryptoSupport.pairs(issuer).map({ "\($0.0)=\($0.1)" }) { reasons.append("issuer") }
            if !signer.key.publicKey.isValidSignature(cert.signature, for: cert) { reasons.append("signature") }
            if !CryptoSupport.ExtensionSummary(csrExtensions).matches(CryptoSupport.ExtensionSummary(cert.extensions)) { reasons.append("extensions") }
            let lifetime = notAfter.timeIntervalSince(notBefore)
            let threshold = min(30 * 86400, lifetime / 2)
            if cert.notValidAfter.timeIntervalSince(now) < threshold { reasons.append("expiry") }
            if !args.bool("ignore_timestamps") {
                for (option, have) in [("\(prefix)_not_before", cert.notValidBefore), ("\(prefix)_not_after", cert.notValidAfter)] {
                    if let spec = args.string(option), !spec.hasPrefix("+"), !spec.hasPrefix("-"),
                       let want = try? CryptoSupport.time(spec), abs(want.timeIntervalSince(have)) > 1 {
                        reasons.append(option)
                    }
                }
            }
        } else {
            reasons.append(file.exists ? "unreadable certificate" : "missing")
        }
        if args.bool("force") { reasons.append("force") }

        var result = ModuleResult(changed: false)
        var pem = String(decoding: file.data, as: UTF8.self)
        if reasons.isEmpty {
            result.changed = try HostFile.applyAttributes(path, args: args, current: file, checkMode: context.checkMode, context)
        } else {
            var extensions = csrExtensions
            let skiMode = args.string("\(prefix)_create_subject_key_identifier") ?? "create_if_not_provided"
            if skiMode == "always_create" || (skiMode == "create_if_not_provided" && (try? extensions.subjectKeyIdentifier) == nil) {
                _ = extensions.remove(.X509ExtensionID.subjectKeyIdentifier)
                try extensions.append(Certificate.Extension(SubjectKeyIdentifier(hash: subjectPublicKey), critical: false))
            }
            if provider == "ownca", args.bool("ownca_create_authority_key_identifier"), let ca = caCertificate {
                let keyID = (try? ca.extensions.subjectKeyIdentifier)?.keyIdentifier ?? SubjectKeyIdentifier(hash: ca.publicKey).keyIdentifier
                _ = extensions.remove(.X509ExtensionID.authorityKeyIdentifier)
                try extensions.append(Certificate.Extension(AuthorityKeyIdentifier(keyIdentifier: keyID), critical: false))
            }
            var serial = [UInt8](repeating: 0, count: 8)
            for i in serial.indices { serial[i] = UInt8.random(in: 0...255) }
            serial[0] &= 0x7f
            if serial[0] == 0 { serial[0] = 1 }
            let digest = args.string("\(prefix)_digest") ?? "sha256"
            let cert = try Certificate(
                version: .v3, serialNumber: Certificate.SerialNumber(bytes: serial), publicKey: subjectPublicKey,
                notValidBefore: notBefore, notValidAfter: notAfter, issuer: issuer, subject: subject,
                signatureAlgorithm: try CryptoSupport.signatureAlgorithm(for: signer.key, digest: digest),
                extensions: extensions, issuerPrivateKey: signer.key)
            pem = try cert.serializeAsPEM().pemString + "\n"
            result.changed = true
            if !context.checkMode {
                if args.bool("backup") && file.exists, let b = try HostFile.backup(path, context) { result["backup_file"] = .string(b) }
                try HostFile.write(Data(pem.utf8), to: path, args: args, previous: file, defaultMode: nil, context)
            }
            if context.diffMode {
                result.addDiff(before: current.map(summary) ?? "", after: summary(cert), beforeHeader: path, afterHeader: path)
            }
            result["reasons"] = .list(reasons.map { .string($0) })
        }
        result["filename"] = .string(path)
        if args.bool("return_content") { result["certificate"] = .string(pem) }
        return result
    }

    static func summary(_ c: Certificate) -> String {
        "subject: \(CryptoSupport.oneLine(c.subject))\nissuer: \(CryptoSupport.oneLine(c.issuer))\n"
            + "not_before: \(CryptoSupport.asn1Time(c.notValidBefore))\nnot_after: \(CryptoSupport.asn1Time(c.notValidAfter))\n"
    }

    static func readCSR(_ args: Arguments, _ context: ModuleContext) throws -> CertificateSigningRequest? {
        var text: String
        if let content = args.string("csr_content") {
            text = content
        } else if let p = args.string("csr_path") {
            let f = try HostFile.load(p, context)
            guard f.exists else { throw ModuleError("The CSR \(p) does not exist") }
            text = String(decoding: f.data, as: UTF8.self)
        } else {
            return nil
        }
        guard let block = CryptoSupport.pemBlock(text, type: "CERTIFICATE REQUEST"), let csr = try? CertificateSigningRequest(pemEncoded: block) else {
            throw ModuleError("The CSR is not a valid PEM certificate request")
        }
        return csr
    }

    static func readCA(_ args: Arguments, _ context: ModuleContext) throws -> Certificate {
        var text: String
        if let content = args.string("ownca_content") {
            text = content
        } else if let p = args.string("ownca_path") {
            let f = try HostFile.load(p, context)
            guard f.exists else { throw ModuleError("The CA certificate \(p) does not exist") }
            text = String(decoding: f.data, as: UTF8.self)
        } else {
            throw ModuleError("provider is ownca but all of the following are missing: ownca_path")
        }
        guard let block = CryptoSupport.pemBlock(text, type: "CERTIFICATE"), let cert = try? Certificate(pemEncoded: block) else {
            throw ModuleError("The CA certificate is not a valid PEM certificate")
        }
        return cert
    }
}
