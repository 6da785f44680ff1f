import Crypto
import Foundation

/// OpenPGP public keys as APT keeps them (RFC 4880/9580 packets): binary keyrings (`.gpg`,
/// concatenated packets) and ASCII-armored files (`.asc`). Parsed on the controller, so the host
/// needs neither apt-key nor gpg.
struct OpenPGPKey: Equatable {
    /// The key's packets as found (public key, user IDs, signatures, subkeys), trust packets dropped.
    var packets: Data
    /// Fingerprints (uppercase hex) of the primary key, then of its subkeys.
    var fingerprints: [String]
    var userIDs: [String]

    /// Long (16 hex) key IDs of the primary key and subkeys, as `apt-key list --keyid-format=long` shows.
    var longIDs: [String] { fingerprints.map(OpenPGPKey.longID) }
    var primaryLongID: String { longIDs[0] }

    static func longID(_ fingerprint: String) -> String {
        // v4: the low 64 bits of the fingerprint; v5/v6 (64 hex digits): the high 64 bits.
        fingerprint.count == 40 ? String(fingerprint.suffix(16)) : String(fingerprint.prefix(16))
    }
}

enum OpenPGPKeyring {
    struct ParseError: Error, CustomStringConvertible {
        var description: String
    }

    static let armorBegin = "-----BEGIN PGP PUBLIC KEY BLOCK-----"
    static let armorEnd = "-----END PGP PUBLIC KEY BLOCK-----"

    /// The keys in a keyring file or key data, armored or binary.
    static func keys(_ data: Data) throws -> [OpenPGPKey] {
        let text = String(decoding: data.prefix(4096), as: UTF8.self)
        if text.contains(armorBegin) { return try dearmor(String(decoding: data, as: UTF8.self)).flatMap { try parse($0) } }
        return try parse(data)
    }

    /// The binary content of every PUBLIC KEY BLOCK in an armored text (headers and checksums skipped).
    static func dearmor(_ text: String) throws -> [Data] {
        var blocks: [Data] = []
        var body: String?
        var inHeaders = false
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if line == armorBegin { body = ""; inHeaders = true; continue }
            guard var b = body else { continue }
            if line == armorEnd {
                guard let d = Data(base64Encoded: b) else { throw ParseError(description: "invalid base64 in an armored key block") }
                blocks.append(d)
                body = nil
                continue
            }
            if inHeaders {
                if line.isEmpty { inHeaders = false }
                if line.isEmpty || line.contains(": ") { continue }
                inHeaders = false  // no header lines and no blank line: the data starts here
            }
            if line.hasPrefix("=") && line.count == 5 { continue }  // CRC-24 checksum line
            b += line
            body = b
        }
        if body != nil { throw ParseError(description: "armored key block without its END line") }
        return blocks
    }

    /// Transferable public keys in a packet stream: each starts at a public key packet (tag 6).
    static func parse(_ data: Data) throws -> [OpenPGPKey] {
        let bytes = [UInt8](data)
        var keys: [OpenPGPKey] = []
        var i = 0
        while i < bytes.count {
            let start = i
            let first = bytes[i]
            guard first & 0x80 != 0 else { throw ParseError(description: "not OpenPGP data (bad packet header at byte \(i))") }
            var tag: Int
            var length: Int
            if first & 0x40 != 0 {  // new format
                tag = Int(first & 0x3f)
                guard i + 1 < bytes.count else { throw ParseError(description: "truncated packet") }
                let l1 = Int(bytes[i + 1])
                if l1 < 192 { length = l1; i += 2 }
                else if l1 < 224 {
                    guard i + 2 < bytes.count else { throw ParseError(description: "truncated packet") }
                    length = ((l1 - 192) << 8) + Int(bytes[i + 2]) + 192; i += 3
                } else if l1 == 255 {
                    guard i + 5 < bytes.count else { throw ParseError(description: "truncated packet") }
                    length = bytes[(i + 2)...(i + 5)].reduce(0) { $0 << 8 | Int($1) }; i += 6
                } else {
                    throw ParseError(description: "partial-length packets do not occur in keys")
                }
            } else {  // old format
                tag = Int((first >> 2) & 0x0f)
                let lengthBytes = [1, 2, 4, 0][Int(first & 3)]
                guard i + lengthBytes < bytes.count else { throw ParseError(description: "truncated packet") }
                if lengthBytes == 0 { length = bytes.count - i - 1 }
                else { length = bytes[(i + 1)...(i + lengthBytes)].reduce(0) { $0 << 8 | Int($1) } }
                i += 1 + lengthBytes
            }
            guard i + length <= bytes.count else { throw ParseError(description: "truncated packet") }
            let body = Array(bytes[i..<(i + length)])
            i += length
            switch tag {
            case 5, 7: throw ParseError(description: "secret key material: give a public key")
            case 6:
                keys.append(OpenPGPKey(packets: Data(), fingerprints: [try fingerprint(body)], userIDs: []))
            case 14:
                guard !keys.isEmpty else { throw ParseError(description: "subkey before any primary key") }
                keys[keys.count - 1].fingerprints.append(try fingerprint(body))
            case 13:
                if !keys.isEmpty { keys[keys.count - 1].userIDs.append(String(decoding: body, as: UTF8.self)) }
            case 12:
                continue  // GnuPG trust packets are local, never exported
            default:
                break
            }
            guard !keys.isEmpty else { throw ParseError(description: "data does not start with a public key") }
            keys[keys.count - 1].packets.append(contentsOf: bytes[start..<i])
        }
        return keys
    }

    static func fingerprint(_ body: [UInt8]) throws -> String {
        guard let version = body.first else { throw ParseError(description: "empty key packet") }
        let digest: [UInt8]
        switch version {
        case 4:
            digest = Array(Insecure.SHA1.hash(data: [0x99, UInt8(body.count >> 8 & 0xff), UInt8(body.count & 0xff)] + body))
        case 5, 6:
            let n = body.count
            let prefix: [UInt8] = [version == 5 ? 0x9a : 0x9b, UInt8(n >> 24 & 0xff), UInt8(n >> 16 & 0xff), UInt8(n >> 8 & 0xff), UInt8(n & 0xff)]
            digest = Array(SHA256.hash(data: prefix + body))
        default:
            throw ParseError(description: "unsupported OpenPGP key version \(version)")
        }
        return digest.map { String(format: "%02X", $0) }.joined()
    }

    /// Keys as an ASCII-armored block (for `.asc` keyrings).
    static func armor(_ binary: Data) -> String {
        var crc: UInt32 = 0xB704CE
        for byte in binary {
            crc ^= UInt32(byte) << 16
            for _ in 0..<8 {
                crc <<= 1
                if crc & 0x1000000 != 0 { crc ^= 0x1864CFB }
            }
        }
        crc &= 0xFFFFFF
        let sum = Data([UInt8(crc >> 16 & 0xff), UInt8(crc >> 8 & 0xff), UInt8(crc & 0xff)]).base64EncodedString()
        let b64 = binary.base64EncodedString(options: [.lineLength64Characters, .endLineWithLineFeed])
        return armorBegin + "\n\n" + b64 + "\n=" + sum + "\n" + armorEnd + "\n"
    }
}
