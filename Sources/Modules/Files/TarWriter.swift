import Foundation

/// Builds a ustar archive in memory: the one-command transport for several files at once
/// (`tar -xf -` on the host reads it from stdin).
struct TarWriter {
    private(set) var data = Data()

    mutating func addFile(_ name: String, _ content: Data, mode: Int = 0o600) throws {
        try addHeader(name, size: content.count, mode: mode, type: "0")
        data.append(content)
        let pad = (512 - content.count % 512) % 512
        data.append(Data(count: pad))
    }

    mutating func addDirectory(_ name: String, mode: Int = 0o700) throws {
        try addHeader(name.hasSuffix("/") ? name : name + "/", size: 0, mode: mode, type: "5")
    }

    /// The archive with its end marker (two zero blocks).
    var archive: Data { data + Data(count: 1024) }

    private mutating func addHeader(_ name: String, size: Int, mode: Int, type: Character) throws {
        var bytes = [UInt8](name.utf8)
        var prefix: [UInt8] = []
        if bytes.count > 100 {
            // Split at a '/' so the last part fits the 100-byte name and the rest the 155-byte prefix.
            guard let cut = bytes.indices.last(where: { bytes[$0] == UInt8(ascii: "/") && bytes.count - $0 - 1 <= 100 && $0 <= 155 }) else {
                throw ModuleError("path too long to transfer: \(name)")
            }
            prefix = Array(bytes[..<cut])
            bytes = Array(bytes[(cut + 1)...])
        }
        var h = [UInt8](repeating: 0, count: 512)
        func put(_ field: [UInt8], at offset: Int) { for (i, b) in field.enumerated() { h[offset + i] = b } }
        func octal(_ v: Int, width: Int) -> [UInt8] {
            let s = String(v, radix: 8)
            return Array((String(repeating: "0", count: max(0, width - 1 - s.count)) + s).utf8) + [0]
        }
        put(bytes, at: 0)
        put(octal(mode & 0o7777, width: 8), at: 100)
        put(octal(0, width: 8), at: 108)
        put(octal(0, width: 8), at: 116)
        put(octal(size, width: 12), at: 124)
        put(octal(Int(Date().timeIntervalSince1970), width: 12), at: 136)
        put(Array("        ".utf8), at: 148)
        h[156] = UInt8(ascii: type == "5" ? "5" : "0")
        put(Array("ustar\u{0}00".utf8), at: 257)
        put(prefix, at: 345)
        let sum = h.reduce(0) { $0 + Int($1) }
        put(Array((String(repeating: "0", count: max(0, 6 - String(sum, radix: 8).count)) + String(sum, radix: 8)).utf8) + [0, 32], at: 148)
        data.append(contentsOf: h)
    }
}
