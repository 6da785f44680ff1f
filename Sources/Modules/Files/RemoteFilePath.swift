import Foundation
import Jinja
import Transport

/// Host path checks shared by the modules.
enum RemotePath {
    /// Expands `$VAR`/`${VAR}` and then a leading `~` or `~user` the way Ansible's `path` arguments
    /// are expanded on the host (expandvars, then expanduser): unknown variables and users stay
    /// literal. Costs a round trip only when a path has `$` or starts with `~`.
    static func expandUser(_ paths: [String], _ context: ModuleContext) throws -> [String] {
        let names = Set(paths.flatMap { variableReferences($0).map(\.name) }).sorted()
        let users = Set(paths.compactMap { p -> String? in
            guard p.hasPrefix("~") else { return nil }
            return String(p.dropFirst().prefix { $0 != "/" })
        }.filter { $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) } }).sorted()
        guard !names.isEmpty || !users.isEmpty else { return paths }
        // One line per question: "V" + value for set variables, "H" + home for users.
        var script = names.map { n in "if [ -n \"${\(n)+x}\" ]; then printf 'V%s\\n' \"$\(n)\"; else echo; fi" }
        script += users.map { u in "printf 'H%s\\n' \(u.isEmpty ? "\"$HOME\"" : "~" + u)" }
        let out = try context.run(script.joined(separator: "\n")).stdoutText.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var values: [String: String] = [:], homes: [String: String] = [:]
        for (i, n) in names.enumerated() where i < out.count && out[i].hasPrefix("V") { values[n] = String(out[i].dropFirst()) }
        for (i, u) in users.enumerated() {
            let line = names.count + i < out.count ? out[names.count + i] : ""
            if line.count > 1, !line.hasPrefix("H~") { homes[u] = String(line.dropFirst()) }
        }
        return paths.map { original in
            var p = original
            for ref in variableReferences(original).reversed() {
                if let v = values[ref.name] { p.replaceSubrange(ref.range, with: v) }
            }
            guard p.hasPrefix("~") else { return p }
            let u = String(p.dropFirst().prefix { $0 != "/" })
            guard let home = homes[u], !home.isEmpty else { return p }
            return home + p.dropFirst(1 + u.count)
        }
    }

    /// `$NAME` and `${NAME}` references in a path (shell identifiers only).
    static func variableReferences(_ p: String) -> [(name: String, range: Range<String.Index>)] {
        var refs: [(name: String, range: Range<String.Index>)] = []
        var i = p.startIndex
        while let dollar = p[i...].firstIndex(of: "$") {
            var j = p.index(after: dollar)
            let braced = j < p.endIndex && p[j] == "{"
            if braced { j = p.index(after: j) }
            let nameStart = j
            while j < p.endIndex, p[j].isASCII, p[j].isLetter || p[j].isNumber || p[j] == "_" { j = p.index(after: j) }
            let name = String(p[nameStart..<j])
            if braced {
                guard j < p.endIndex, p[j] == "}" else { i = p.index(after: dollar); continue }
                j = p.index(after: j)
            }
            if let first = name.first, !first.isNumber { refs.append((name, dollar..<j)) }
            i = j
        }
        return refs
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
    /// Whether these host paths are literal absolute paths (no ~, $ or .. to resolve on the host), all
    /// different and none inside another: what one does to its path cannot touch another's.
    static func independent(_ paths: [String?]) -> Bool {
        var seen: [[Substring]] = []
        for p in paths {
            guard let p, p.hasPrefix("/"), !p.contains("$") else { return false }
            let parts = p.split(separator: "/")
            guard !parts.contains(where: { $0 == "." || $0 == ".." }) else { return false }
            // Equal, or one a prefix of the other by whole components.
            if seen.contains(where: { $0.starts(with: parts) || parts.starts(with: $0) }) { return false }
            seen.append(parts)
        }
        return true
    }

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
