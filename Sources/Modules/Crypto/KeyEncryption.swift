import Crypto
import Foundation
import SwiftASN1
import _CryptoExtras

/// Passphrase-protected private keys, as openssl and community.crypto write them:
/// - PKCS#8 "ENCRYPTED PRIVATE KEY" with PBES2 (PBKDF2 with HMAC-SHA1/256/384/512, AES-128/192/256-CBC),
///   read and written (AES-256-CBC, PBKDF2-HMAC-SHA256, 210000 rounds);
/// - traditional PEM with `Proc-Type: 4,ENCRYPTED` and `DEK-Info: AES-*-CBC` (OpenSSL's MD5 key
///   derivation), read only.
enum KeyEncryption {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    // DER object identifiers, as encoded content bytes.
    static let pbes2: [UInt8] = [0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x05, 0x0D]
    static let pbkdf2: [UInt8] = [0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x05, 0x0C]
    static let prfs: [([UInt8], KDF.Insecure.PBKDF2.HashFunction)] = [
        ([0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x02, 0x07], .insecureSHA1),
        ([0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x02, 0x09], .sha256),
        ([0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x02, 0x0A], .sha384),
        ([0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x02, 0x0B], .sha512),
    ]
    static let ciphers: [([UInt8], Int)] = [
        ([0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x01, 0x02], 16),
        ([0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x01, 0x16], 24),
        ([0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x01, 0x2A], 32),
    ]

    static func isEncrypted(_ pem: String) -> Bool {
        pem.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----") || pem.contains("Proc-Type: 4,ENCRYPTED")
    }

    // MARK: write

    static func tlv(_ tag: UInt8, _ content: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [tag]
        if content.count < 128 {
            out.append(UInt8(content.count))
        } else {
            var len: [UInt8] = []
            var n = content.count
            while n > 0 { len.insert(UInt8(n & 0xff), at: 0); n >>= 8 }
            out.append(0x80 | UInt8(len.count))
            out += len
        }
        return out + content
    }

    static func integer(_ value: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        var n = value
        repeat { bytes.insert(UInt8(n & 0xff), at: 0); n >>= 8 } while n > 0
        if let first = bytes.first, first & 0x80 != 0 { bytes.insert(0, at: 0) }
        return tlv(0x02, bytes)
    }

    static func random(_ n: Int) -> [UInt8] {
        var g = SystemRandomNumberGenerator()
        return (0..<n).map { _ in UInt8.random(in: 0...255, using: &g) }
    }

    /// An "ENCRYPTED PRIVATE KEY" PEM of a PKCS#8 private key.
    static func encrypt(pkcs8 der: [UInt8], passphrase: String) throws -> String {
        let salt = random(16), iv = random(16), rounds = 210_000
        let key = try KDF.Insecure.PBKDF2.deriveKey(from: Array(passphrase.utf8), salt: salt, using: .sha256, outputByteCount: 32, rounds: rounds)
        let encrypted = try AES._CBC.encrypt(der, using: key, iv: AES._CBC.IV(ivBytes: iv))
        let kdfParams = tlv(0x30, tlv(0x04, salt) + integer(rounds) + tlv(0x30, tlv(0x06, prfs[1].0) + [0x05, 0x00]))
        let kdf = tlv(0x30, tlv(0x06, pbkdf2) + kdfParams)
        let scheme = tlv(0x30, tlv(0x06, ciphers[2].0) + tlv(0x04, iv))
        let algorithm = tlv(0x30, tlv(0x06, pbes2) + tlv(0x30, kdf + scheme))
        let info = tlv(0x30, algorithm + tlv(0x04, Array(encrypted)))
        return pem("ENCRYPTED PRIVATE KEY", info)
    }

    static func pem(_ type: String, _ der: [UInt8]) -> String {
        let b64 = Data(der).base64EncodedString()
        var lines: [String] = []
        var i = b64.startIndex
        while i < b64.endIndex {
            let j = b64.index(i, offsetBy: 64, limitedBy: b64.endIndex) ?? b64.endIndex
            lines.append(String(b64[i..<j]))
            i = j
        }
        return "-----BEGIN \(type)-----\n" + lines.joined(separator: "\n") + "\n-----END \(type)-----\n"
    }

    // MARK: read

    static func children(_ node: ASN1Node) throws -> [ASN1Node] {
        guard case .constructed(let c) = node.content else { throw Failure(description: "unexpected ASN.1 structure") }
        return Array(c)
    }

    static func content(_ node: ASN1Node) throws -> [UInt8] {
        guard case .primitive(let b) = node.content else { throw Failure(description: "unexpected ASN.1 structure") }
        return Array(b)
    }

    static func intValue(_ node: ASN1Node) throws -> Int {
        let b = try content(node)
        guard b.count <= 4 else { throw Failure(description: "integer too large") }
        return b.reduce(0) { $0 << 8 | Int($1) }
    }

    /// The decrypted key as an unencrypted PEM (PKCS#8, or the traditional type for Proc-Type keys).
    /// A wrong passphrase fails (the padding or the inner structure does not check out).
    static func decrypt(_ text: String, passphrase: String) throws -> String {
        if text.contains("Proc-Type: 4,ENCRYPTED") { return try decryptTraditional(text, passphrase: passphrase) }
        guard let block = CryptoSupport.pemBlock(text, type: "ENCRYPTED PRIVATE KEY"),
              let der = Data(base64Encoded: block.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()) else {
            throw Failure(description: "not an encrypted private key")
        }
        let top = try children(try DER.parse(Array(der)))
        guard top.count == 2 else { throw Failure(description: "unexpected ASN.1 structure") }
        let alg = try children(top[0])
        guard alg.count == 2, try content(alg[0]) == pbes2 else { throw Failure(description: "only PBES2 encrypted keys are supported") }
        let params = try children(alg[1])
        guard params.count == 2 else { throw Failure(description: "unexpected PBES2 parameters") }
        let kdf = try children(params[0])
        guard kdf.count == 2, try content(kdf[0]) == pbkdf2 else { throw Failure(description: "only PBKDF2 key derivation is supported") }
        let kdfParams = try children(kdf[1])
        guard kdfParams.count >= 2 else { throw Failure(description: "unexpected PBKDF2 parameters") }
        let salt = try content(kdfParams[0])
        let rounds = try intValue(kdfParams[1])
        guard rounds > 0 && rounds <= 10_000_000 else { throw Failure(description: "unreasonable PBKDF2 iteration count \(rounds)") }
        var hash: KDF.Insecure.PBKDF2.HashFunction = .insecureSHA1
        for p in kdfParams.dropFirst(2) {
            guard case .constructed = p.content else { continue }  // the optional keyLength is an INTEGER
            let prf = try children(p)
            guard let first = prf.first else { throw Failure(description: "unexpected PBKDF2 parameters") }
            let oid = try content(first)
            guard let h = prfs.first(where: { $0.0 == oid })?.1 else { throw Failure(description: "unsupported PBKDF2 hash") }
            hash = h
        }
        let scheme = try children(params[1])
        guard scheme.count == 2 else { throw Failure(description: "unexpected encryption scheme") }
        let cipherOID = try content(scheme[0])
        guard let cipher = ciphers.first(where: { $0.0 == cipherOID }) else {
            throw Failure(description: "only AES-CBC encrypted keys are supported")
        }
        let iv = try content(scheme[1])
        let key = try KDF.Insecure.PBKDF2.deriveKey(from: Array(passphrase.utf8), salt: salt, using: hash,
                                                    outputByteCount: cipher.1, unsafeUncheckedRounds: rounds)
        let plain: Data
        do {
            plain = try AES._CBC.decrypt(try content(top[1]), using: key, iv: AES._CBC.IV(ivBytes: iv))
        } catch {
            throw Failure(description: "wrong passphrase")
        }
        return pem("PRIVATE KEY", Array(plain))
    }

    /// `Proc-Type: 4,ENCRYPTED` / `DEK-Info: AES-256-CBC,<iv hex>` PEM (key = OpenSSL's EVP_BytesToKey with MD5).
    static func decryptTraditional(_ text: String, passphrase: String) throws -> String {
        let lines = text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        guard let begin = lines.first(where: { $0.hasPrefix("-----BEGIN ") }),
              let dek = lines.first(where: { $0.hasPrefix("DEK-Info:") }) else { throw Failure(description: "not an encrypted private key") }
        let type = begin.dropFirst("-----BEGIN ".count).dropLast(5)
        let info = dek.dropFirst("DEK-Info:".count).trimmingCharacters(in: .whitespaces).split(separator: ",")
        guard info.count == 2 else { throw Failure(description: "bad DEK-Info") }
        let keyLength: Int
        switch info[0].uppercased() {
        case "AES-128-CBC": keyLength = 16
        case "AES-192-CBC": keyLength = 24
        case "AES-256-CBC": keyLength = 32
        default: throw Failure(description: "unsupported key cipher \(info[0]) (AES-CBC only)")
        }
        var iv: [UInt8] = []
        var hex = Substring(info[1])
        while hex.count >= 2 {
            guard let b = UInt8(hex.prefix(2), radix: 16) else { throw Failure(description: "bad DEK-Info IV") }
            iv.append(b)
            hex = hex.dropFirst(2)
        }
        guard iv.count == 16 else { throw Failure(description: "bad DEK-Info IV") }
        let body = lines.filter { !$0.hasPrefix("-----") && !$0.contains(":") && !$0.isEmpty }.joined()
        guard let der = Data(base64Encoded: body) else { throw Failure(description: "bad base64") }
        var key: [UInt8] = []
        var previous: [UInt8] = []
        while key.count < keyLength {
            var md5 = Insecure.MD5()
            md5.update(data: previous)
            md5.update(data: Array(passphrase.utf8))
            md5.update(data: Array(iv.prefix(8)))
            previous = Array(md5.finalize())
            key += previous
        }
        let plain: Data
        do {
            plain = try AES._CBC.decrypt(der, using: SymmetricKey(data: key.prefix(keyLength)), iv: AES._CBC.IV(ivBytes: iv))
        } catch {
            throw Failure(description: "wrong passphrase")
        }
        return pem(String(type), Array(plain))
    }
}
