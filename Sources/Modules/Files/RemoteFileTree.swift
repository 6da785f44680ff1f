import Foundation
import Jinja
import OrderedCollections
import Transport

/// Copies a controller directory tree to the host (copy with a directory `src`): one round trip
/// lists the destination tree with checksums, one sends the changed files as a tar stream into a
/// staging directory and renames each into place.
struct DirectoryCopy {
    var localRoot: String
    var dest: String
    var attributes: FileAttributes
    var directoryMode: FileMode?
    var preserveMode = false
    var force = true
    var localFollow = true
    var decrypt = true

    struct LocalEntry {
        var relative: String
        var isDirectory: Bool
        var mode: Int
        var path: String
        /// Set for a symlink copied as a symlink (not followed, dangling, or circular).
        var linkTarget: String? = nil
    }

    /// Controller entries below the root, parents before children. With `localFollow` symlinks
    /// are followed except dangling ones and links to a directory enclosing them (copied as links,
    /// as Ansible does to break cycles); without it every symlink is copied as a symlink.
    func localEntries() throws -> [LocalEntry] {
        var rootStat = stat()
        guard stat(localRoot, &rootStat) == 0 else { throw ModuleError("Could not find or access '\(localRoot)'") }
        func key(_ st: stat) -> String { "\(st.st_dev):\(st.st_ino)" }
        var out: [LocalEntry] = []
        func walk(_ dir: String, _ rel: String, _ enclosing: Set<String>) throws {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
            var subdirs: [(String, String, stat)] = []
            for name in names.sorted() {
                let full = (dir as NSString).appendingPathComponent(name)
                let relative = rel.isEmpty ? name : rel + "/" + name
                var lst = stat(), st = stat()
                guard lstat(full, &lst) == 0 else { continue }
                let resolves = stat(full, &st) == 0
                let kind = resolves ? st.st_mode & S_IFMT : 0
                if (lst.st_mode & S_IFMT) == S_IFLNK {
                    let circular = kind == S_IFDIR && enclosing.contains(key(st))
                    if !localFollow || !(kind == S_IFDIR || kind == S_IFREG) || circular {
                        let target = (try? FileManager.default.destinationOfSymbolicLink(atPath: full)) ?? ""
                        out.append(LocalEntry(relative: relative, isDirectory: false, mode: 0o777, path: full, linkTarget: target))
                        continue
                    }
                }
                if kind == S_IFDIR {
                    subdirs.append((full, relative, st))
                } else if kind == S_IFREG {
                    out.append(LocalEntry(relative: relative, isDirectory: false, mode: Int(st.st_mode & 0o7777), path: full))
                }
            }
            // A directory's files come before its subdirectories (os.walk's order, which decides
            // which file an error names first).
            for (full, relative, st) in subdirs {
                out.append(LocalEntry(relative: relative, isDirectory: true, mode: Int(st.st_mode & 0o7777), path: full))
                try walk(full, relative, enclosing.union([key(st)]))
            }
        }
        try walk(localRoot, "", [key(rootStat)])
        return out
    }

    func run(_ context: ModuleContext, displaySource: String) throws -> ModuleResult {
        let entries = try localEntries()
        let root = shellQuote(dest)
        var script = attributes.lookupScript + RemoteFile.probe(dest) + RemoteFile.listing(dest)
        script += "if [ -d \(root) ]; then sp_sumall sha1 \(root) 2>/dev/null | sed 's/^/#F /'; fi\n"
        script += "if [ -d \(root) ]; then find \(root) -mindepth 1 -type l -exec sh -c 'for f; do printf \"#L %s\\t%s\\n\" \"$f\" \"$(readlink -- \"$f\")\"; done' sh {} + 2>/dev/null; fi\ntrue\n"
        let read = RemoteFile.parse(try RemoteFile.run(script, context, what: "reading \(dest)").stdout, paths: [dest])
        let ids = try attributes.resolve(read)
        guard let rootState = read.states.first else { throw ModuleError("could not read \(dest)") }
        if let kind = rootState.followed?.kind, kind != .directory { throw ModuleError("Destination \(dest) exists and is not a directory") }

        var remote: [String: FileInfo] = [:]
        for info in RemoteFile.parseListing(read.lines) { remote[info.name] = info }
        var links: [String: String] = [:]
        for line in read.lines where line.hasPrefix("#L ") {
            let parts = line.dropFirst(3).split(separator: "\t", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            if parts.count == 2 { links[parts[0]] = parts[1] }
        }
        var sums: [String: String] = [:]
        for line in read.lines where line.hasPrefix("#F ") {
            // "HASH  PATH" as sha1sum prints it
            let parts = line.dropFirst(3).split(separator: " ", maxSplits: 1).map(String.init)
            if parts.count == 2 { sums[String(parts[1].drop { $0 == " " || $0 == "*" })] = parts[0] }
        }

        var mkdirs = ""
        var tar = TarWriter()
        var staged = 0
        var stagedModes = AttributeBatch(), fixes = AttributeBatch()
        // Staged files go to "<n>/<basename>", one <n> per target directory, so a single `mv`
        // per directory renames them all into place (each rename atomic).
        var targetDirs: [String] = []
        var moves: [Int: [String]] = [:]
        let dirMode = try directoryMode.map { try $0.apply(to: 0o777 & ~rootState.umask, isDirectory: true) } ?? (0o777 & ~rootState.umask)
        func creation(_ p: String, mode: Int) -> String {
            var c = AttributeChanges()
            c.mode = (mode, mode)
            if let u = ids.uid { c.uid = (u, u) }
            if let g = ids.gid { c.gid = (g, g) }
            return c.commands(p)
        }
        if !rootState.exists {
            mkdirs += "mkdir -p -- \(root) || exit 1\n" + creation(dest, mode: dirMode)
        }
        for e in entries {
            let target = (dest as NSString).appendingPathComponent(e.relative)
            let existing = remote[target]
            if let linkTarget = e.linkTarget {
                if existing?.kind == .link && links[target] == linkTarget { continue }
                let t = shellQuote(target)
                if existing?.kind == .directory { mkdirs += "rmdir -- \(t) || exit 1\n" } else if existing != nil { mkdirs += "rm -f -- \(t) || exit 1\n" }
                mkdirs += "ln -s -- \(shellQuote(linkTarget)) \(t) || exit 1\n"
                continue
            }
            if e.isDirectory {
                if let existing {
                    guard existing.kind == .directory else { throw ModuleError("Destination \(target) exists and is not a directory") }
                    let c = try FileAttributes(owner: attributes.owner, group: attributes.group, mode: directoryMode).changes(for: existing, ids: ids)
                    fixes.add(c, word: shellQuote(target))
                } else {
                    mkdirs += "mkdir -- \(shellQuote(target)) || exit 1\n" + creation(target, mode: dirMode)
                }
                continue
            }
            guard let data = try CopyModule.controllerData(e.path, decrypt: decrypt) else { throw ModuleError("Could not read '\(e.path)' on the controller") }
            if let existing, existing.kind == .directory { throw ModuleError("Destination \(target) is a directory") }
            let differs = existing == nil || (force && sums[target] != SHA1.hex(data))
            let modeSpec: FileMode? = preserveMode ? .numeric(e.mode) : attributes.mode
            if differs {
                let base = existing?.mode ?? (0o666 & ~rootState.umask)
                let mode = try modeSpec?.apply(to: base, isDirectory: false) ?? base
                let targetDir = (target as NSString).deletingLastPathComponent
                let n: Int
                if let i = targetDirs.firstIndex(of: targetDir) { n = i } else { n = targetDirs.count; targetDirs.append(targetDir) }
                let name = (target as NSString).lastPathComponent
                try tar.addFile("\(n)/\(name)", data)
                staged += 1
                let word = "\"$sp_stage\"/\(n)/\(shellQuote(name))"
                stagedModes.chmod(mode, word: word)
                let uid = ids.uid ?? existing?.uid, gid = ids.gid ?? existing?.gid
                if uid != nil || gid != nil { stagedModes.chown(uid: uid, gid: gid, word: word) }
                moves[n, default: []].append(word)
            } else if let existing {
                fixes.add(try FileAttributes(owner: attributes.owner, group: attributes.group, mode: modeSpec).changes(for: existing, ids: ids),
                          word: shellQuote(target))
            }
        }
        var moveScript = stagedModes.script
        for (n, dir) in targetDirs.enumerated() {
            if let words = moves[n] { moveScript += "mv -f -- \(words.joined(separator: " ")) \(shellQuote(dir))/ || exit 1\n" }
        }

        let result = ModuleResult(changed: !mkdirs.isEmpty || staged > 0 || !fixes.isEmpty, ["dest": .string(dest), "src": .string(displaySource)])
        if result.changed && !context.checkMode {
            if staged > 0 {
                // The script travels inside the tar stream with the files, so its size is not limited
                // by the command line; the short command below unpacks both and sources the script.
                try tar.addFile(".swiftplay-script", Data((RemoteFile.preamble + "set -e\n" + mkdirs + moveScript + fixes.script).utf8))
                var command = "mkdir -p -- \(root) || exit 1\n"
                command += "sp_stage=$(mktemp -d \(root)/.swiftplay-XXXXXXXX) || exit 1\n"
                command += "trap 'rm -rf -- \"$sp_stage\"' EXIT HUP INT TERM\n"
                command += "tar -xof - -C \"$sp_stage\" || exit 1\n"
                command += ". \"$sp_stage/.swiftplay-script\"\n"
                try context.run(command, stdin: tar.archive).checked("copying \(displaySource) to \(dest)")
            } else {
                try RemoteFile.run("set -e\n" + mkdirs + fixes.script, context, what: "copying \(displaySource) to \(dest)")
            }
        }
        return result
    }
}

extension CommandResult {
    /// Fails with the command's stderr when it exited non-zero.
    @discardableResult
    func checked(_ what: String) throws -> CommandResult {
        if exitCode != 0 {
            let err = stderrText.trimmingCharacters(in: .whitespacesAndNewlines)
            throw ModuleError("\(what) failed: \(err.isEmpty ? "exit status \(exitCode)" : err)")
        }
        return self
    }
}

/// Copies a directory that is already on the host (copy with `remote_src` and a directory `src`):
/// one round trip compares checksums of both trees, one runs `cp -RPp` and applies attributes.
/// Files are copied in place (not renamed atomically one by one as from the controller).
struct RemoteDirectoryCopy {
    var src: String
    var dest: String
    var attributes: FileAttributes
    var directoryMode: FileMode?
    var force = true
    var followLinks = false

    func run(_ context: ModuleContext) throws -> ModuleResult {
        let srcDir = src.count > 1 && src.hasSuffix("/") ? String(src.dropLast()) : src
        let destDir = dest.count > 1 && dest.hasSuffix("/") ? String(dest.dropLast()) : dest
        let root = src.hasSuffix("/") ? destDir : (destDir as NSString).appendingPathComponent((srcDir as NSString).lastPathComponent)
        let s = shellQuote(srcDir), r = shellQuote(root)
        var script = attributes.lookupScript + RemoteFile.probe(root)
        script += "(cd \(s) && sp_sumall sha1 .) 2>/dev/null | sed 's/^/#S /'\n"
        script += "(cd \(s) && find . -mindepth 1 -type d) 2>/dev/null | sed 's/^/#SD /'\n"
        script += "if [ -d \(r) ]; then (cd \(r) && sp_sumall sha1 .) 2>/dev/null | sed 's/^/#F /'; fi\n"
        script += RemoteFile.listing(root)
        let read = RemoteFile.parse(try RemoteFile.run(script, context, what: "reading \(src)").stdout, paths: [root])
        let ids = try attributes.resolve(read)
        guard let rootState = read.states.first else { throw ModuleError("could not read \(root)") }
        if let kind = rootState.followed?.kind, kind != .directory { throw ModuleError("Destination \(root) exists and is not a directory") }

        func sums(_ tag: String) -> [String: String] {
            var out: [String: String] = [:]
            for line in read.lines where line.hasPrefix(tag + " ") {
                let parts = line.dropFirst(tag.count + 1).split(separator: " ", maxSplits: 1).map(String.init)
                if parts.count == 2 { out[String(parts[1].drop { $0 == " " || $0 == "*" })] = parts[0] }
            }
            return out
        }
        let srcSums = sums("#S"), destSums = sums("#F")
        let srcDirs = read.lines.filter { $0.hasPrefix("#SD ") }.map { String($0.dropFirst(4)) }
        var existing: [String: FileInfo] = [:]
        for info in RemoteFile.parseListing(read.lines) { existing["." + info.name.dropFirst(root.count)] = info }

        let contentChanges = !rootState.exists
            || srcDirs.contains { existing[$0] == nil }
            || srcSums.contains { rel, sum in destSums[rel] == nil || (force && destSums[rel] != sum) }
        // Attributes of what is (or will be) under the destination.
        var fixes = AttributeBatch()
        for (rel, info) in existing where srcSums[rel] != nil || srcDirs.contains(rel) {
            let mode = info.kind == .directory ? directoryMode : attributes.mode
            var c = try FileAttributes(owner: attributes.owner, group: attributes.group, mode: mode).changes(for: info, ids: ids)
            if info.kind == .link { c.mode = nil }
            fixes.add(c, word: shellQuote(root + String(rel.dropFirst())), link: info.kind == .link)
        }
        let result = ModuleResult(changed: contentChanges || !fixes.isEmpty, ["dest": .string(root), "src": .string(src)])
        guard result.changed && !context.checkMode else { return result }

        var change = ""
        if contentChanges {
            change += "mkdir -p -- \(r) || exit 1\n"
            change += "cp -R\(followLinks ? "L" : "P")p\(force ? "" : "n") -- \(s)/. \(r)/ || exit 1\n"
            // Fresh copies get the requested attributes everywhere below the root.
            if ids.uid != nil || ids.gid != nil {
                change += "chown -R -h \((ids.uid.map(String.init) ?? "") + (ids.gid.map { ":\($0)" } ?? "")) -- \(r) || exit 1\n"
            }
            for (mode, type) in [(attributes.mode, "f"), (directoryMode, "d")] {
                guard let mode else { continue }
                let arg: String
                switch mode {
                case .numeric(let n): arg = FileMode.octal(n)
                case .symbolic(let t): arg = shellQuote(t)
                }
                change += "find \(r) -type \(type) -exec chmod \(arg) {} + || exit 1\n"
            }
        } else {
            change += fixes.script
        }
        try RemoteFile.run(change, context, what: "copying \(src) to \(root)")
        return result
    }
}
