import Crypto
import Foundation
import Jinja
import OrderedCollections
import SwiftASN1
import X509
import _CryptoExtras

/// Shared by the openssl_* and x509_* modules: key loading, names, extensions, times, formatting.
enum CryptoSupport {
    // MARK: keys

    struct KeyInfo {
        var key: Certificate.PrivateKey
        var type: String      // RSA, ECC, Ed25519
        var size: Int
        var curve: String?    // secp256r1...
        var encrypted = false
    }

    static func describe(_ pub: Certificate.PublicKey) -> (type: String, size: Int, curve: String?) {
        if let rsa = _RSA.Signing.PublicKey(pub) { return ("RSA", rsa.keySizeInBits, nil) }
        if P256.Signing.PublicKey(pub) != nil { return ("ECC", 256, "secp256r1") }
        if P384.Signing.PublicKey(pub) != nil { return ("ECC", 384, "secp384r1") }
        if P521.Signing.PublicKey(pub) != nil { return ("ECC", 521, "secp521r1") }
        if Curve25519.Signing.PublicKey(pub) != nil { return ("Ed25519", 256, nil) }
        return ("unknown", 0, nil)
    }

    /// Parses a PEM private key (PKCS#1, SEC1 or PKCS#8; encrypted ones with `passphrase`).
    /// Errors name the key, never its content or the passphrase.
    static func loadKey(_ pem: String, what: String, passphrase: String? = nil) throws -> KeyInfo {
        var text = pem
        let encrypted = KeyEncryption.isEncrypted(pem)
        if encrypted {
            guard let passphrase else { throw ModuleError("\(what) is encrypted; a passphrase is needed") }
            do {
                text = try KeyEncryption.decrypt(pem, passphrase: passphrase)
            } catch {
                throw ModuleError("\(what): cannot decrypt the key (\(error))")
            }
        }
        let key: Certificate.PrivateKey
        do {
            key = try Certificate.PrivateKey(pemEncoded: text)
        } catch {
            throw ModuleError("\(what) is not a valid PEM private key")
        }
        let d = describe(key.publicKey)
        return KeyInfo(key: key, type: d.type, size: d.size, curve: d.curve, encrypted: encrypted)
    }

    static func publicKeyPEM(_ pub: Certificate.PublicKey) -> String {
        (try? pub.serializeAsPEM().pemString).map { $0 + "\n" } ?? ""
    }

    static func spkiDER(_ pub: Certificate.PublicKey) -> [UInt8] { Array(pub.subjectPublicKeyInfoBytes) }

    static func hexColon<B: Sequence>(_ bytes: B) -> String where B.Element == UInt8 {
        bytes.map { String(format: "%02x", $0) }.joined(separator: ":")
    }

    /// Fingerprints of some bytes by hash name (as community.crypto's `fingerprint` returns).
    static func fingerprints(_ bytes: [UInt8]) -> Value {
        .dict([
            "md5": .string(hexColon(Insecure.MD5.hash(data: bytes))),
            "sha1": .string(hexColon(Insecure.SHA1.hash(data: bytes))),
            "sha256": .string(hexColon(SHA256.hash(data: bytes))),
            "sha384": .string(hexColon(SHA384.hash(data: bytes))),
            "sha512": .string(hexColon(SHA512.hash(data: bytes))),
        ])
    }

    static func signatureAlgorithm(for key: Certificate.PrivateKey, digest: String) throws -> Certificate.SignatureAlgorithm {
        let d = describe(key.publicKey)
        switch (d.type, digest.lowercased()) {
        case ("RSA", "sha256"): return .sha256WithRSAEncryption
        case ("RSA", "sha384"): return .sha384WithRSAEncryption
        case ("RSA", "sha512"): return .sha512WithRSAEncryption
        case ("ECC", "sha256"): return .ecdsaWithSHA256
        case ("ECC", "sha384"): return .ecdsaWithSHA384
        case ("ECC", "sha512"): return .ecdsaWithSHA512
        case ("Ed25519", _): return .ed25519
        default: throw ModuleError("unsupported digest \(digest) for a \(d.type) key")
        }
    }

    // MARK: names

    /// Short and long names of subject attributes, with their OIDs.
    static let nameTable: [(short: String, long: String, oid: ASN1ObjectIdentifier)] = [
        ("C", "countryName", ASN1ObjectIdentifier.RDNAttributeType.countryName),
        ("ST", "stateOrProvinceName", ASN1ObjectIdentifier.RDNAttributeType.stateOrProvinceName),
        ("L", "localityName", ASN1ObjectIdentifier.RDNAttributeType.localityName),
        ("O", "organizationName", ASN1ObjectIdentifier.RDNAttributeType.organizationName),
        ("OU", "organizationalUnitName", ASN1ObjectIdentifier.RDNAttributeType.organizationalUnitName),
        ("CN", "commonName", ASN1ObjectIdentifier.RDNAttributeType.commonName),
        ("street", "streetAddress", ASN1ObjectIdentifier.RDNAttributeType.streetAddress),
        ("DC", "domainComponent", ASN1ObjectIdentifier.RDNAttributeType.domainComponent),
        ("emailAddress", "emailAddress", ASN1ObjectIdentifier.RDNAttributeType.emailAddress),
    ]

    static func nameOID(_ key: String) -> ASN1ObjectIdentifier? {
        let k = key.lowercased()
        if k == "e" || k == "email" { return ASN1ObjectIdentifier.RDNAttributeType.emailAddress }
        return nameTable.first { $0.short.lowercased() == k || $0.long.lowercased() == k }?.oid
    }

    static func shortName(_ oid: ASN1ObjectIdentifier) -> String {
        nameTable.first { $0.oid == oid }?.short ?? oid.description
    }

    static func longName(_ oid: ASN1ObjectIdentifier) -> String {
        nameTable.first { $0.oid == oid }?.long ?? oid.description
    }

    /// A distinguished name from ordered (name, value) pairs. Country uses PrintableString, emails IA5.
    static func distinguishedName(_ pairs: [(String, String)]) throws -> DistinguishedName {
        var rdns: [RelativeDistinguishedName] = []
        for (k, v) in pairs {
            guard let oid = nameOID(k) else { throw ModuleError("unknown subject attribute '\(k)'") }
            let attr: RelativeDistinguishedName.Attribute
            if oid == ASN1ObjectIdentifier.RDNAttributeType.countryName {
                attr = try .init(type: oid, printableString: v)
            } else if oid == ASN1ObjectIdentifier.RDNAttributeType.emailAddress || oid == ASN1ObjectIdentifier.RDNAttributeType.domainComponent {
                attr = try .init(type: oid, ia5String: v)
            } else {
                attr = .init(type: oid, utf8String: v)
            }
            rdns.append(RelativeDistinguishedName(attr))
        }
        return DistinguishedName(rdns)
    }

    /// (short name, value) pairs in order.
    static func pairs(_ dn: DistinguishedName) -> [(String, String)] {
        dn.flatMap { rdn in rdn.map { (shortName($0.type), String($0.value) ?? $0.value.description) } }
    }

    static func longPairs(_ dn: DistinguishedName) -> [(String, String)] {
        dn.flatMap { rdn in rdn.map { (longName($0.type), String($0.value) ?? $0.value.description) } }
    }

    /// The openssl one-line form, e.g. "CN=example,O=Org".
    static func oneLine(_ dn: DistinguishedName) -> String {
        pairs(dn).map { "\($0.0)=\($0.1)" }.joined(separator: ",")
    }

    // MARK: extensions

    static func generalName(_ spec: String) throws -> GeneralName {
        guard let colon = spec.firstIndex(of: ":") else { throw ModuleError("subject_alt_name entry '\(spec)' needs a type prefix such as DNS: or IP:") }
        let type = spec[..<colon].lowercased()
        let value = String(spec[spec.index(after: colon)...])
        switch type {
        case "dns": return .dnsName(value)
        case "email": return .rfc822Name(value)
        case "uri": return .uniformResourceIdentifier(value)
        case "ip":
            guard let bytes = ipBytes(value) else { throw ModuleError("subject_alt_name: invalid IP address '\(value)'") }
            return .ipAddress(ASN1OctetString(contentBytes: bytes[...]))
        case "rid":
            return .registeredID(try ASN1ObjectIdentifier(dotRepresentation: value))
        case "dirname":
            let pairs = value.split(separator: ",").compactMap { part -> (String, String)? in
                let kv = part.split(separator: "=", maxSplits: 1)
                return kv.count == 2 ? (String(kv[0]).trimmingCharacters(in: .whitespaces), String(kv[1])) : nil
            }
            return .directoryName(try distinguishedName(pairs))
        default: throw ModuleError("subject_alt_name: unsupported type '\(spec[..<colon])'")
        }
    }

    static func ipBytes(_ s: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, s, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, s, &v6) == 1 { return withUnsafeBytes(of: &v6) { Array($0) } }
        return nil
    }

    static func ipString(_ bytes: [UInt8]) -> String {
        if bytes.count == 4 { return bytes.map(String.init).joined(separator: ".") }
        if bytes.count == 16 {
            var buf = [CChar](repeating: 0, count: 64)
            var addr = in6_addr()
            withUnsafeMutableBytes(of: &addr) { $0.copyBytes(from: bytes) }
            if inet_ntop(AF_INET6, &addr, &buf, 64) != nil {
                return String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            }
        }
        return hexColon(bytes)
    }

    /// "DNS:x", "IP:1.2.3.4", as openssl and community.crypto print them.
    static func describe(_ name: GeneralName) -> String {
        switch name {
        case .dnsName(let s): return "DNS:\(s)"
        case .rfc822Name(let s): return "email:\(s)"
        case .uniformResourceIdentifier(let s): return "URI:\(s)"
        case .ipAddress(let o): return "IP:\(ipString(Array(o.bytes)))"
        case .registeredID(let oid): return "RID:\(oid.description)"
        case .directoryName(let dn): return "dirName:\(pairs(dn).map { "\($0.0)=\($0.1)" }.joined(separator: ","))"
        default: return "othername:<unsupported>"
        }
    }

    /// Key usage names: input accepts camelCase and openssl's long names; output is the long name.
    static let keyUsageNames: [(key: String, long: String)] = [
        ("digitalsignature", "Digital Signature"), ("nonrepudiation", "Non Repudiation"),
        ("keyencipherment", "Key Encipherment"), ("dataencipherment", "Data Encipherment"),
        ("keyagreement", "Key Agreement"), ("keycertsign", "Certificate Sign"), ("crlsign", "CRL Sign"),
        ("encipheronly", "Encipher Only"), ("decipheronly", "Decipher Only"),
    ]

    static func keyUsage(_ names: [String]) throws -> KeyUsage {
        var ku = KeyUsage()
        for n in names {
            var k = n.lowercased().replacingOccurrences(of: " ", with: "")
            if k == "contentcommitment" { k = "nonrepudiation" }
            if k == "certificatesign" { k = "keycertsign" }
            switch k {
            case "digitalsignature": ku.digitalSignature = true
            case "nonrepudiation": ku.nonRepudiation = true
            case "keyencipherment": ku.keyEncipherment = true
            case "dataencipherment": ku.dataEncipherment = true
            case "keyagreement": ku.keyAgreement = true
            case "keycertsign": ku.keyCertSign = true
            case "crlsign": ku.cRLSign = true
            case "encipheronly": ku.encipherOnly = true
            case "decipheronly": ku.decipherOnly = true
            default: throw ModuleError("unknown key_usage '\(n)'")
            }
        }
        return ku
    }

    static func keyUsageList(_ ku: KeyUsage) -> [String] {
        let flags = [ku.digitalSignature, ku.nonRepudiation, ku.keyEncipherment, ku.dataEncipherment, ku.keyAgreement,
                     ku.keyCertSign, ku.cRLSign, ku.encipherOnly, ku.decipherOnly]
        return zip(keyUsageNames, flags).filter { $0.1 }.map { $0.0.long }
    }

    static let ekuNames: [(names: [String], long: String, oid: ASN1ObjectIdentifier)] = [
        (["serverauth", "tlswebserverauthentication"], "TLS Web Server Authentication", [1, 3, 6, 1, 5, 5, 7, 3, 1]),
        (["clientauth", "tlswebclientauthentication"], "TLS Web Client Authentication", [1, 3, 6, 1, 5, 5, 7, 3, 2]),
        (["codesigning"], "Code Signing", [1, 3, 6, 1, 5, 5, 7, 3, 3]),
        (["emailprotection", "e-mailprotection"], "E-mail Protection", [1, 3, 6, 1, 5, 5, 7, 3, 4]),
        (["timestamping"], "Time Stamping", [1, 3, 6, 1, 5, 5, 7, 3, 8]),
        (["ocspsigning"], "OCSP Signing", [1, 3, 6, 1, 5, 5, 7, 3, 9]),
        (["anyextendedkeyusage", "any"], "Any Extended Key Usage", [2, 5, 29, 37, 0]),
    ]

    static func extendedKeyUsage(_ names: [String]) throws -> ExtendedKeyUsage {
        var usages: [ExtendedKeyUsage.Usage] = []
        for n in names {
            let k = n.lowercased().replacingOccurrences(of: " ", with: "")
            if let e = ekuNames.first(where: { $0.names.contains(k) || $0.long.lowercased().replacingOccurrences(of: " ", with: "") == k }) {
                usages.append(ExtendedKeyUsage.Usage(oid: e.oid))
            } else if let oid = try? ASN1ObjectIdentifier(dotRepresentation: n) {
                usages.append(ExtendedKeyUsage.Usage(oid: oid))
            } else {
                throw ModuleError("unknown extended_key_usage '\(n)'")
            }
        }
        return try ExtendedKeyUsage(usages)
    }

    static func ekuList(_ eku: ExtendedKeyUsage) -> [String] {
        eku.map { u in
            let oid = ASN1ObjectIdentifier(u)
            return ekuNames.first { $0.oid == oid }?.long ?? oid.description
        }
    }

    static func basicConstraints(_ list: [String]) throws -> BasicConstraints {
        var ca = false
        var pathlen: Int?
        for item in list {
            let kv = item.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard kv.count == 2 else { throw ModuleError("basic_constraints entry '\(item)' must be like CA:TRUE or pathlen:0") }
            switch kv[0].lowercased() {
            case "ca": ca = kv[1].uppercased() == "TRUE"
            case "pathlen":
                guard let n = Int(kv[1]) else { throw ModuleError("basic_constraints: invalid pathlen '\(kv[1])'") }
                pathlen = n
            default: throw ModuleError("basic_constraints: unknown entry '\(item)'")
            }
        }
        return ca ? .isCertificateAuthority(maxPathLength: pathlen) : .notCertificateAuthority
    }

    static func basicConstraintsList(_ bc: BasicConstraints) -> [String] {
        switch bc {
        case .isCertificateAuthority(let len): return ["CA:TRUE"] + (len.map { ["pathlen:\($0)"] } ?? [])
        case .notCertificateAuthority: return ["CA:FALSE"]
        }
    }

    /// The parts of a set of extensions that the modules compare and report.
    struct ExtensionSummary: Equatable {
        var san: [String]? ; var sanCritical = false
        var keyUsage: [String]? ; var keyUsageCritical = false
        var eku: [String]? ; var ekuCritical = false
        var basic: [String]? ; var basicCritical = false

        init() {}

        init(_ exts: Certificate.Extensions) {
            for e in exts {
                switch e.oid {
                case .X509ExtensionID.subjectAlternativeName:
                    if let v = try? SubjectAlternativeNames(e) { san = v.map { CryptoSupport.describe($0) }; sanCritical = e.critical }
                case .X509ExtensionID.keyUsage:
                    if let v = try? KeyUsage(e) { keyUsage = CryptoSupport.keyUsageList(v); keyUsageCritical = e.critical }
                case .X509ExtensionID.extendedKeyUsage:
                    if let v = try? ExtendedKeyUsage(e) { eku = CryptoSupport.ekuList(v); ekuCritical = e.critical }
                case .X509ExtensionID.basicConstraints:
                    if let v = try? BasicConstraints(e) { basic = CryptoSupport.basicConstraintsList(v); basicCritical = e.critical }
                default: break
                }
            }
        }

        /// Order-insensitive comparison of the requested extensions.
        func matches(_ other: ExtensionSummary) -> Bool {
            func same(_ a: [String]?, _ b: [String]?) -> Bool { Set(a ?? []) == Set(b ?? []) }
            return same(san, other.san) && (san == nil || sanCritical == other.sanCritical)
                && same(keyUsage, other.keyUsage) && (keyUsage == nil || keyUsageCritical == other.keyUsageCritical)
                && same(eku, other.eku) && (eku == nil || ekuCritical == other.ekuCritical)
                && same(basic, other.basic) && (basic == nil || basicCritical == other.basicCritical)
        }
    }

    /// The extensions a CSR requests (none when it has no readable extension request).
    static func csrExtensions(_ csr: CertificateSigningRequest) -> Certificate.Extensions {
        (try? csr.attributes.extensionRequest)?.extensions ?? Certificate.Extensions()
    }

    // MARK: times

    /// community.crypto time specs: "+3650d", "-1w2d3h4m5s", "+0s", "20250101000000Z", "always", "forever".
    static func time(_ spec: String, now: Date = Date()) throws -> Date {
        let s = spec.trimmingCharacters(in: .whitespaces)
        if s == "always" { return Date(timeIntervalSince1970: 0) }
        if s == "forever" { return try time("99991231235959Z") }
        if s.hasPrefix("+") || s.hasPrefix("-") {
            let sign: Double = s.hasPrefix("-") ? -1 : 1
            var total = 0.0
            var number = ""
            for ch in s.dropFirst() {
                if ch.isNumber { number.append(ch); continue }
                guard let n = Double(number) else { throw ModuleError("invalid relative time '\(spec)'") }
                switch ch {
                case "w": total += n * 7 * 86400
                case "d": total += n * 86400
                case "h": total += n * 3600
                case "m": total += n * 60
                case "s": total += n
                default: throw ModuleError("invalid relative time '\(spec)'")
                }
                number = ""
            }
            if !number.isEmpty { throw ModuleError("invalid relative time '\(spec)': missing unit") }
            // Whole seconds, rounded down: certificates store seconds, and a not_before rounded up
            // would make a fresh certificate not yet valid.
            return Date(timeIntervalSince1970: (now.timeIntervalSince1970 + sign * total).rounded(.down))
        }
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        for fmt in ["yyyyMMddHHmmss'Z'", "yyyyMMddHHmmssZ", "yyyyMMddHHmmss"] {
            f.dateFormat = fmt
            if let d = f.date(from: s) { return d }
        }
        throw ModuleError("invalid time '\(spec)': expected +/-NNd (w, d, h, m, s) or YYYYMMDDHHMMSSZ")
    }

    static func asn1Time(_ d: Date) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyyMMddHHmmss'Z'"
        return f.string(from: d)
    }

    /// A big-endian unsigned integer as decimal (serial numbers can exceed 64 bits).
    static func decimal(_ bytes: [UInt8]) -> String {
        var digits: [UInt8] = [0]   // little-endian base 10
        for b in bytes {
            var carry = Int(b)
            for i in 0..<digits.count {
                let v = Int(digits[i]) * 256 + carry
                digits[i] = UInt8(v % 10)
                carry = v / 10
            }
            while carry > 0 { digits.append(UInt8(carry % 10)); carry /= 10 }
        }
        while digits.count > 1 && digits.last == 0 { digits.removeLast() }
        return String(digits.reversed().map { Character(String($0)) })
    }

    static func serialValue(_ s: Certificate.SerialNumber) -> Value {
        let bytes = Array(s.bytes)
        let dec = decimal(bytes)
        if let i = Int(dec) { return .int(i) }
        return .string(dec)
    }

    /// A certificate or CSR PEM block from a file's text (the first one of that type).
    static func pemBlock(_ text: String, type: String) -> String? {
        let begin = "-----BEGIN \(type)-----", end = "-----END \(type)-----"
        guard let b = text.range(of: begin), let e = text.range(of: end, range: b.upperBound..<text.endIndex) else { return nil }
        return String(text[b.lowerBound..<e.upperBound])
    }
}
