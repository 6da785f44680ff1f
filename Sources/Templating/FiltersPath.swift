import Foundation
import Jinja

/// Path filters with Python's os.path / ntpath semantics: basename, dirname, expanduser,
/// expandvars, realpath, relpath, splitext, path_join, normpath, win_basename, win_dirname,
/// win_splitdrive.
enum PathFilters {
    static func install(into env: Environment) {
        env.addFilter("basename") { input, _, _ in .string(basename(input.text)) }
        env.addFilter("dirname") { input, _, _ in .string(dirname(input.text)) }
        env.addFilter("expanduser") { input, _, _ in .string(expandUser(input.text)) }
        env.addFilter("expandvars") { input, _, _ in .string(expandVars(input.text)) }
        env.addFilter("realpath") { input, _, _ in .string(realPath(input.text)) }
        env.addFilter("normpath") { input, _, _ in .string(normPath(input.text)) }
        env.addFilter("relpath") { input, args, _ in
            let start = try args.string(0, "start", default: ".") ?? "."
            return .string(relPath(input.text, start: start))
        }
        env.addFilter("splitext") { input, _, _ in
            let (root, ext) = splitExt(input.text)
            return .tuple([.string(root), .string(ext)])
        }
        env.addFilter("path_join") { input, args, _ in
            switch input {
            case .string: return input
            case .list(let l), .tuple(let l): return .string(join(l.map(\.text)))
            default: throw args.fail("expected a string or a list of strings, got \(input.typeName)")
            }
        }
        env.addFilter("win_basename") { input, _, _ in
            let (_, rest) = winSplitDrive(input.text)
            return .string(String(rest.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "/" || $0 == "\\" }).last ?? ""))
        }
        env.addFilter("win_dirname") { input, _, _ in
            let (drive, rest) = winSplitDrive(input.text)
            guard let i = rest.lastIndex(where: { $0 == "/" || $0 == "\\" }) else { return .string(drive) }
            var head = String(rest[...i])
            if head.contains(where: { $0 != "/" && $0 != "\\" }) {
                while let l = head.last, l == "/" || l == "\\" { head.removeLast() }
            }
            return .string(drive + head)
        }
        env.addFilter("win_splitdrive") { input, _, _ in
            let (d, p) = winSplitDrive(input.text)
            return .tuple([.string(d), .string(p)])
        }
    }

    static func basename(_ p: String) -> String {
        guard let i = p.lastIndex(of: "/") else { return p }
        return String(p[p.index(after: i)...])
    }

    static func dirname(_ p: String) -> String {
        guard let i = p.lastIndex(of: "/") else { return "" }
        var head = String(p[...i])
        if head.contains(where: { $0 != "/" }) { while head.hasSuffix("/") { head.removeLast() } }
        return head
    }

    static func expandUser(_ p: String) -> String {
        guard p.hasPrefix("~") else { return p }
        let slash = p.firstIndex(of: "/") ?? p.endIndex
        let user = String(p[p.index(after: p.startIndex)..<slash])
        var home: String?
        if user.isEmpty {
            home = ProcessInfo.processInfo.environment["HOME"] ?? FileManager.default.homeDirectoryForCurrentUser.path
        } else if let pw = getpwnam(user) {
            home = String(cString: pw.pointee.pw_dir)
        }
        guard var h = home else { return p }
        if h.count > 1, h.hasSuffix("/") { h.removeLast() }
        let rest = String(p[slash...])
        return h == "/" && rest.hasPrefix("/") ? rest : h + rest
    }

    /// `$NAME` and `${NAME}` from the controller's environment; unknown names stay as written.
    static func expandVars(_ s: String) -> String {
        let env = ProcessInfo.processInfo.environment
        var out = ""
        var chars = Array(s)[...]
        while let c = chars.popFirst() {
            guard c == "$" else { out.append(c); continue }
            if chars.first == "{", let close = chars.firstIndex(of: "}") {
                let name = String(chars[chars.index(after: chars.startIndex)..<close])
                if let v = env[name], !name.isEmpty {
                    out += v
                } else {
                    out += "${" + name + "}"
                }
                chars = chars[chars.index(after: close)...]
            } else {
                let name = String(chars.prefix { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") })
                chars = chars.dropFirst(name.count)
                if let v = env[name], !name.isEmpty { out += v } else { out += "$" + name }
            }
        }
        return out
    }

    static func normPath(_ p: String) -> String {
        if p.isEmpty { return "." }
        let leading = p.hasPrefix("//") && !p.hasPrefix("///") ? 2 : (p.hasPrefix("/") ? 1 : 0)
        var parts: [Substring] = []
        for comp in p.split(separator: "/") where comp != "." {
            if comp == ".." {
                if let last = parts.last, last != ".." { parts.removeLast(); continue }
                if leading > 0 { continue }
            }
            parts.append(comp)
        }
        let body = parts.joined(separator: "/")
        let out = String(repeating: "/", count: leading) + body
        return out.isEmpty ? "." : out
    }

    static func absPath(_ p: String) -> String {
        normPath(p.hasPrefix("/") ? p : FileManager.default.currentDirectoryPath + "/" + p)
    }

    /// Like os.path.realpath: symlinks resolved component by component; missing parts kept.
    static func realPath(_ p: String) -> String {
        var pending = absPath(p).split(separator: "/").map(String.init)
        var resolved = ""
        var hops = 0
        while !pending.isEmpty {
            let comp = pending.removeFirst()
            if comp == ".." {
                resolved = dirname(resolved.isEmpty ? "/" : resolved)
                if resolved == "/" { resolved = "" }
                continue
            }
            let candidate = resolved + "/" + comp
            if hops < 40, let target = try? FileManager.default.destinationOfSymbolicLink(atPath: candidate) {
                hops += 1
                if target.hasPrefix("/") { resolved = "" }
                pending = target.split(separator: "/").map(String.init).filter { $0 != "." } + pending
            } else {
                resolved = candidate
            }
        }
        return resolved.isEmpty ? "/" : resolved
    }

    static func relPath(_ path: String, start: String) -> String {
        let a = absPath(path).split(separator: "/")
        let b = absPath(start).split(separator: "/")
        var common = 0
        while common < a.count, common < b.count, a[common] == b[common] { common += 1 }
        let parts = Array(repeating: "..", count: b.count - common) + a[common...].map(String.init)
        return parts.isEmpty ? "." : parts.joined(separator: "/")
    }

    static func splitExt(_ p: String) -> (String, String) {
        let base = basename(p)
        guard let dot = base.lastIndex(of: "."), base[..<dot].contains(where: { $0 != "." }) else { return (p, "") }
        let ext = String(base[dot...])
        return (String(p.dropLast(ext.count)), ext)
    }

    static func join(_ parts: [String]) -> String {
        var out = ""
        for part in parts {
            if part.hasPrefix("/") { out = part } else if out.isEmpty || out.hasSuffix("/") { out += part } else { out += "/" + part }
        }
        return out
    }

    static func winSplitDrive(_ p: String) -> (String, String) {
        let chars = Array(p)
        let isSep: (Character) -> Bool = { $0 == "/" || $0 == "\\" }
        if chars.count >= 2, chars[1] == ":" { return (String(chars[0..<2]), String(chars[2...])) }
        // UNC: \\server\share
        if chars.count > 2, isSep(chars[0]), isSep(chars[1]), !isSep(chars[2]) {
            guard let i = chars[2...].firstIndex(where: isSep) else { return (p, "") }
            let j = chars[(i + 1)...].firstIndex(where: isSep) ?? chars.count
            return (String(chars[0..<j]), String(chars[j...]))
        }
        return ("", p)
    }
}
