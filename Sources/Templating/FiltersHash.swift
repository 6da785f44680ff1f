import Foundation
import Jinja

/// hash, checksum, md5, sha1, b64encode, b64decode, to_uuid, password_hash.
enum HashFilters {
    /// Ansible's namespace for `to_uuid` (uuid5).
    static let ansibleNamespace = "361E6D51-FAEC-444A-9079-341386DA8E2E"

    static func install(into env: Environment) {
        env.addFilter("hash") { input, args, _ in
            let type = try args.string(0, "hashtype", default: "sha1") ?? "sha1"
            guard let d = Digest.named(type, Array(input.text.utf8)) else {
                throw args.fail("unsupported hash type '\(type)' (supported: \(Digest.supported.joined(separator: ", ")))")
            }
            return .string(Digest.hex(d))
        }
        env.addFilter("checksum") { input, _, _ in .string(Digest.hex(Digest.sha1(Array(input.text.utf8)))) }
        env.addFilter("sha1") { input, _, _ in .string(Digest.hex(Digest.sha1(Array(input.text.utf8)))) }
        env.addFilter("md5") { input, _, _ in .string(Digest.hex(Digest.md5(Array(input.text.utf8)))) }
        env.addFilter("b64encode") { input, args, _ in
            var s = Data(input.text.utf8).base64EncodedString()
            if args.bool(1, "urlsafe", default: false) {
                s = s.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            }
            return .string(s)
        }
        env.addFilter("b64decode") { input, args, _ in
            var s = input.text.filter { !$0.isWhitespace }
            if args.bool(1, "urlsafe", default: false) {
                s = s.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
            }
            guard s.count % 4 != 1, let data = Data(base64Encoded: s + String(repeating: "=", count: (4 - s.count % 4) % 4)) else {
                throw args.fail("invalid base64 input")
            }
            guard let text = String(data: data, encoding: .utf8) else {
                throw args.fail("decoded data is not valid UTF-8 text")
            }
            return .string(text)
        }
        env.addFilter("to_uuid") { input, args, _ in
            let ns = try args.string(0, "namespace", default: ansibleNamespace) ?? ansibleNamespace
            guard let nsBytes = uuidBytes(ns) else { throw args.fail("Invalid value '\(ns)' for 'namespace'") }
            return .string(uuid5(namespace: nsBytes, name: input.text))
        }
        env.addFilter("password_hash") { input, args, _ in
            guard case .string(let secret) = input else {
                throw args.fail("expected a string password, got \(input.typeName)")
            }
            return .string(try PasswordHash.hash(
                secret, type: try args.string(0, "hashtype", default: "sha512") ?? "sha512",
                salt: try args.string(1, "salt"), saltSize: try args.int(2, "salt_size"),
                rounds: try args.int(3, "rounds"), ident: try args.string(4, "ident")))
        }
    }

    static func uuidBytes(_ s: String) -> [UInt8]? {
        var hex = s.lowercased().replacingOccurrences(of: "-", with: "")
        if hex.hasPrefix("{"), hex.hasSuffix("}") { hex = String(hex.dropFirst().dropLast()) }
        if hex.hasPrefix("urn:uuid:") { hex = String(hex.dropFirst(9)) }
        guard hex.count == 32 else { return nil }
        var out: [UInt8] = []
        var i = hex.startIndex
        while i < hex.endIndex {
            let j = hex.index(i, offsetBy: 2)
            guard let b = UInt8(hex[i..<j], radix: 16) else { return nil }
            out.append(b)
            i = j
        }
        return out
    }

    /// RFC 4122 name-based UUID, version 5 (SHA-1).
    static func uuid5(namespace: [UInt8], name: String) -> String {
        var b = Array(Digest.sha1(namespace + Array(name.utf8)).prefix(16))
        b[6] = (b[6] & 0x0F) | 0x50
        b[8] = (b[8] & 0x3F) | 0x80
        let h = Digest.hex(b)
        let parts = [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { r in
            String(h[h.index(h.startIndex, offsetBy: r.lowerBound)..<h.index(h.startIndex, offsetBy: r.upperBound)])
        }
        return parts.joined(separator: "-")
    }
}
