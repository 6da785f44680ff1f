import DataLoader
import Foundation
import Jinja

/// Inline `!vault` values in output that shows variables without using them (swiftplay inventory):
/// kept vaulted, never decrypted.
enum VaultedValues {
    static func replace(_ v: Value, _ transform: (String) -> Value) -> Value {
        switch v {
        case .string(let s): return VaultedData.vaultedText(of: s).map(transform) ?? v
        case .list(let l): return .list(l.map { replace($0, transform) })
        case .dict(var d):
            for (k, val) in d { d[k] = replace(val, transform) }
            return .dict(d)
        default: return v
        }
    }

    static func token(_ i: Int) -> String { "__swiftplay_vaulted_\(i)__" }

    /// Puts each vaulted text back as a `!vault |` block where its token was.
    static func restoreYAML(_ yaml: String, _ vaulted: [String]) -> String {
        guard !vaulted.isEmpty else { return yaml }
        var out: [String] = []
        for line in yaml.split(separator: "\n", omittingEmptySubsequences: false) {
            guard let i = vaulted.indices.first(where: { line.hasSuffix(token($0)) }) else { out.append(String(line)); continue }
            let indent = line.prefix { $0 == " " || $0 == "-" }.count
            out.append(line.dropLast(token(i).count) + "!vault |")
            out += vaulted[i].split(separator: "\n").map { String(repeating: " ", count: indent + 2) + $0 }
        }
        return out.joined(separator: "\n")
    }
}
