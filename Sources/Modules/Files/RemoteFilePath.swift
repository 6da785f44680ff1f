import Foundation
import Jinja
import Transport

/// Host path checks shared by the modules.
enum RemotePath {
    /// Expands a leading `~` or `~user` the way the host's shell does (Ansible modules call
    /// expanduser on the host). Costs a round trip only when a path starts with `~`.
    static func expandUser(_ paths: [String], _ context: ModuleContext) throws -> [String] {
        let users = paths.compactMap { p -> String? in
            guard p.hasPrefix("~") else { return nil }
            return String(p.dropFirst().prefix { $0 != "/" })
        }
        guard !users.isEmpty else { return paths }
        // Only plain user names are expanded; anything else stays literal, like the shell does.
        let order = Set(users).filter { $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) } }.sorted()
        guard !order.isEmpty else { return paths }
        var homes: [String: String] = [:]
        let script = order.map { u in "printf '%s\\n' \(u.isEmpty ? "\"$HOME\"" : "~" + u)" }.joined(separator: "\n")
        let out = try context.run(script).stdoutText.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for (i, u) in order.enumerated() where i < out.count && !out[i].isEmpty && !out[i].hasPrefix("~") { homes[u] = out[i] }
        return paths.map { p in
            guard p.hasPrefix("~") else { return p }
            let u = String(p.dropFirst().prefix { $0 != "/" })
            guard let home = homes[u], !home.isEmpty else { return p }
            return home + p.dropFirst(1 + u.count)
        }
    }

    /// Ansible's message for a controller file that findFile did not find.
    static func notFoundOnController(_ src: String, in subdir: String, _ context: ModuleContext) -> String {
        let searched = src.hasPrefix("/") ? [src] : context.searchPaths.flatMap { ["\($0)/\(subdir)/\(src)", "\($0)/\(src)"] }
        return "Could not find or access '\(src)'\nSearched in:\n\t" + searched.joined(separator: "\n\t")
            + " on the Ansible Controller.\nIf you are using a module and expect the file to exist on the remote, see the remote_src option"
    }

    static func expandUser(_ path: String, _ context: ModuleContext) throws -> String {
        try expandUser([path], context)[0]
    }

    /// Rejects empty paths; strips a trailing slash (except for "/") as Ansible's path handling does.
    static func normalize(_ path: String) throws -> String {
        guard !path.isEmpty else { throw ModuleError("path must not be empty") }
        var p = path
        while p.count > 1 && p.hasSuffix("/") { p.removeLast() }
        return p
    }
}

/// Path text helpers for host paths handled in Swift.
enum RemotePathText {
    /// Without trailing slashes or "./" segments.
    static func clean(_ p: String) -> String {
        var s = p.replacingOccurrences(of: "/./", with: "/")
        while s.count > 1 && s.hasSuffix("/") { s.removeLast() }
        return s
    }

    /// The deepest directory containing all paths (the parent of a single path).
    static func commonParent(_ paths: [String]) -> String {
        let dirs = paths.map { ($0 as NSString).deletingLastPathComponent.split(separator: "/", omittingEmptySubsequences: true) }
        guard var common = dirs.first else { return "/" }
        for d in dirs.dropFirst() {
            var n = 0
            while n < common.count && n < d.count && common[n] == d[n] { n += 1 }
            common = Array(common[..<n])
        }
        let absolute = paths.first?.hasPrefix("/") ?? true
        let joined = common.joined(separator: "/")
        return absolute ? "/" + joined : (joined.isEmpty ? "." : joined)
    }

    static func relative(_ path: String, to root: String) -> String {
        if root == "/" { return String(path.drop { $0 == "/" }) }
        if root == "." { return path }
        return path.hasPrefix(root + "/") ? String(path.dropFirst(root.count + 1)) : path
    }

    /// Quotes for sh but leaves glob characters (* ? [ ]) active.
    static func globQuote(_ s: String) -> String {
        var out = ""
        for ch in s {
            if "*?[]".contains(ch) || ch.isLetter && ch.isASCII || ch.isNumber && ch.isASCII || "/._-+,=:@%".contains(ch) {
                out.append(ch)
            } else if ch == "\n" {
                out += "'\n'"
            } else {
                out += "\\" + String(ch)
            }
        }
        return out.isEmpty ? "''" : out
    }
}
