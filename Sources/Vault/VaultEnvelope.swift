import Foundation

/// The text form of vaulted data: a header line `$ANSIBLE_VAULT;1.1;AES256` (or
/// `$ANSIBLE_VAULT;1.2;AES256;LABEL`) and the hex-encoded payload in lines of 80.
public struct VaultEnvelope: Equatable {
    public static let marker = "$ANSIBLE_VAULT"

    public var version: String
    public var cipher: String
    /// The vault id of a 1.2 envelope; nil for 1.1.
    public var label: String?
    /// The bytes the hex body stands for: hex(salt) \n hex(hmac) \n hex(ciphertext).
    public var payload: [UInt8]

    public init(label: String?, payload: [UInt8]) {
        self.version = label == nil ? "1.1" : "1.2"
        self.cipher = "AES256"
        self.label = label
        self.payload = payload
    }

    /// Whether text is vaulted (starts with the marker), as Ansible tests it.
    public static func isVaulted(_ text: some StringProtocol) -> Bool {
        text.hasPrefix(marker)
    }

    public static func isVaulted(_ data: Data) -> Bool {
        data.starts(with: Array(marker.utf8))
    }

    /// Reads an envelope; throws when the text is not vaulted or its body is not hex.
    public init(parsing text: String) throws {
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        guard let first = lines.first, VaultEnvelope.isVaulted(first.trimmingCharacters(in: .whitespaces)) else {
            throw VaultError("input is not vault encrypted data")
        }
        let header = first.trimmingCharacters(in: .whitespaces).split(separator: ";", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        guard header.count >= 3 else { throw VaultError("Vault format unhexlify error: invalid vault header") }
        version = header[1]
        cipher = header[2]
        label = header.count >= 4 && !header[3].isEmpty ? header[3] : nil
        let body = lines.dropFirst().map { $0.trimmingCharacters(in: .whitespaces) }.joined()
        guard let bytes = Hex.decode(body) else {
            throw VaultError("Vault format unhexlify error: Non-hexadecimal digit found")
        }
        payload = bytes
    }

    /// The envelope as text: header, then the hex body wrapped at 80 columns, each line ending in \n.
    public var text: String {
        var header = "\(VaultEnvelope.marker);\(version);\(cipher)"
        if let label, version == "1.2" { header += ";\(label)" }
        var out = header + "\n"
        let hex = Array(Hex.encode(payload))
        var i = 0
        while i < hex.count {
            out += String(hex[i..<min(i + 80, hex.count)]) + "\n"
            i += 80
        }
        return out
    }
}

/// Lower-case hexadecimal, as Python's hexlify/unhexlify.
public enum Hex {
    public static func encode(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    public static func decode(_ text: some StringProtocol) -> [UInt8]? {
        let chars = Array(text.utf8)
        guard chars.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(chars.count / 2)
        var i = 0
        while i < chars.count {
            guard let hi = nibble(chars[i]), let lo = nibble(chars[i + 1]) else { return nil }
            out.append(hi << 4 | lo)
            i += 2
        }
        return out
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
