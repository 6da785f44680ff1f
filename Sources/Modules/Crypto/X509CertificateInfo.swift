import Crypto
import Foundation
import Jinja
import OrderedCollections
import SwiftASN1
import Transport
import X509

/// `x509_certificate_info` (community.crypto): what a certificate on the host (or given as content) says.
public enum X509CertificateInfoModule: Module {
    public static let name = "x509_certificate_info"
    public static let aliases = ["community.crypto.x509_certificate_info"]
    public static let documentation = """
    # x509_certificate_info
    Reads the PEM certificate at `path` on the host (or `content`) and returns, as community.crypto:
    `subject`/`issuer` (dicts of long names) and `*_ordered`, `subject_alt_name`, `key_usage`,
    `extended_key_usage`, `basic_constraints` (each with `*_critical`), `not_before`/`not_after`
    (`YYYYMMDDHHMMSSZ`), `expired`, `serial_number`, `version`, `signature_algorithm`, `public_key`
    (PEM), `public_key_type`, `public_key_data`, `public_key_fingerprints`, `fingerprints`,
    `subject_key_identifier`, `authority_key_identifier`, and `valid_at` for the `valid_at` times.
    Never changes anything.
    """
    public static let spec = ArgumentSpec([
        .init("path", .path), .init("content"), .init("valid_at", .dict),
        .init("name_encoding", default: "ignore", choices: ["ignore", "idna", "unicode"]),
        .init("select_crypto_backend", default: "auto", choices: ["auto", "cryptography"]),
    ], mutuallyExclusive: [["path", "content"]], requiredOneOf: [["path", "content"]])

    public static func run(_ args: Arguments, _ context: ModuleContext) throws -> ModuleResult {
        var text: String
        if let content = args.string("content") {
            text = content
        } else {
            let path = args.string("path") ?? ""
            let f = try HostFile.load(path, context)
            guard f.exists else { return .failed("Error while reading certificate file from disk: \(path) does not exist") }
            text = String(decoding: f.data, as: UTF8.self)
        }
        guard let block = CryptoSupport.pemBlock(text, type: "CERTIFICATE"), let cert = try? Certificate(pemEncoded: block) else {
            return .failed("Unable to load certificate: not a PEM certificate")
        }
        var r = ModuleResult(changed: false)
        for (k, v) in info(cert) { r[k] = v }
        var validAt: OrderedDictionary<String, Value> = [:]
        for (name, spec) in args.dict("valid_at") {
            let t = try CryptoSupport.time(spec.pythonStr)
            validAt[name] = .bool(cert.notValidBefore <= t && t <= cert.notValidAfter)
        }
        r["valid_at"] = .dict(validAt)
        return r
    }

    static func info(_ cert: Certificate) -> OrderedDictionary<String, Value> {
        var out: OrderedDictionary<String, Value> = [:]
        func dict(_ dn: DistinguishedName) -> Value {
            var d: OrderedDictionary<String, Value> = [:]
            for (k, v) in CryptoSupport.longPairs(dn) { d[k] = .string(v) }
            return .dict(d)
        }
        func ordered(_ dn: DistinguishedName) -> Value {
            .list(CryptoSupport.longPairs(dn).map { .list([.string($0.0), .string($0.1)]) })
        }
        let s = CryptoSupport.ExtensionSummary(cert.extensions)
        let der = (try? cert.serializeAsPEM().derBytes) ?? []
        let spki = CryptoSupport.spkiDER(cert.publicKey)
        let key = CryptoSupport.describe(cert.publicKey)
        out["expired"] = .bool(cert.notValidAfter < Date())
        out["subject"] = dict(cert.subject)
        out["subject_ordered"] = ordered(cert.subject)
        out["issuer"] = dict(cert.issuer)
        out["issuer_ordered"] = ordered(cert.issuer)
        out["not_before"] = .string(CryptoSupport.asn1Time(cert.notValidBefore))
        out["not_after"] = .string(CryptoSupport.asn1Time(cert.notValidAfter))
        out["serial_number"] = CryptoSupport.serialValue(cert.serialNumber)
        out["version"] = .int(cert.version == .v3 ? 3 : (cert.version == .v1 ? 1 : 2))
        out["signature_algorithm"] = .string(signatureName(cert.signatureAlgorithm))
        out["subject_alt_name"] = s.san.map { .list($0.map { .string($0) }) } ?? .none
        out["subject_alt_name_critical"] = .bool(s.sanCritical)
        out["key_usage"] = s.keyUsage.map { .list($0.map { .string($0) }) } ?? .none
        out["key_usage_critical"] = .bool(s.keyUsageCritical)
        out["extended_key_usage"] = s.eku.map { .list($0.map { .string($0) }) } ?? .none
        out["extended_key_usage_critical"] = .bool(s.ekuCritical)
        out["basic_constraints"] = s.basic.map { .list($0.map { .string($0) }) } ?? .none
        out["basic_constraints_critical"] = .bool(s.basicCritical)
        out["ocsp_must_staple"] = .none
        out["public_key"] = .string(CryptoSupport.publicKeyPEM(cert.publicKey))
        out["public_key_type"] = .string(key.type)
        var data: OrderedDictionary<String, Value> = ["size": .int(key.size)]
        if let curve = key.curve { data["curve"] = .string(curve) }
        out["public_key_data"] = .dict(data)
        out["public_key_fingerprints"] = CryptoSupport.fingerprints(spki)
        out["fingerprints"] = CryptoSupport.fingerprints(der)
        let ski = (try? cert.extensions.subjectKeyIdentifier) ?? nil
        out["subject_key_identifier"] = ski.map { .string(CryptoSupport.hexColon($0.keyIdentifier)) } ?? .none
        let aki = (try? cert.extensions.authorityKeyIdentifier) ?? nil
        out["authority_key_identifier"] = aki?.keyIdentifier.map { .string(CryptoSupport.hexColon($0)) } ?? .none
        out["authority_cert_issuer"] = .none
        out["authority_cert_serial_number"] = .none
        var byOID: OrderedDictionary<String, Value> = [:]
        for e in cert.extensions {
            byOID[e.oid.description] = .dict(["critical": .bool(e.critical), "value": .string(Data(e.value).base64EncodedString())])
        }
        out["extensions_by_oid"] = .dict(byOID)
        return out
    }

    static func signatureName(_ a: Certificate.SignatureAlgorithm) -> String {
        switch a {
        case .sha256WithRSAEncryption: return "sha256WithRSAEncryption"
        case .sha384WithRSAEncryption: return "sha384WithRSAEncryption"
        case .sha512WithRSAEncryption: return "sha512WithRSAEncryption"
        case .sha1WithRSAEncryption: return "sha1WithRSAEncryption"
        case .ecdsaWithSHA256: return "ecdsa-with-SHA256"
        case .ecdsaWithSHA384: return "ecdsa-with-SHA384"
        case .ecdsaWithSHA512: return "ecdsa-with-SHA512"
        case .ed25519: return "ED25519"
        default: return String(describing: a)
        }
    }
}
