import Foundation
import Jinja
import OrderedCollections
import Transport

/// `file`: sets attributes of files, directories and links, or creates/removes them.
public enum FileModule: LoopBatchable {
    public static let name = "file"
    public static let documentation = """
    # file
    Manages a path's existence and attributes on the host.

    - `path` (aliases `dest`, `name`, required): the path.
    - `state`: `file` (only change attributes; fails when absent), `directory` (created with missing
      parents), `link` (symlink to `src`), `hard` (hard link to `src`), `touch` (create or update times),
      `absent` (remove recursively). Default: the current state, or `file`.
    - `src`: the link target (relative symlink targets are relative to the link's directory).
    - `owner`, `group`, `mode` (octal "0644", YAML 0644, or symbolic "u=rwX,g-w").
    - `recurse`: with `state: directory`, apply owner/group/mode to everything below.
    - `follow` (default yes): act on a symlink's target. `force`: replace a file/directory by a link,
      or create a symlink to a missing source.
    - `modification_time`, `access_time`: `preserve`, `now` or a time in `*_time_format`
      (default `%Y%m%d%H%M.%S`); `touch` defaults to `now`.

    Returns path, state, mode, uid, gid, owner, group, size (and src for links), and always a `diff`
    dictionary of state and attributes (with `path_content` when removing a directory). Without
    `src` an existing link or hard link keeps its target. In check mode an unknown owner or group
    is a warning, not a failure.
    """
    public static let spec = ArgumentSpec([
        .init("path", .path, required: true, aliases: ["dest", "name"]),
        .init("state", choices: ["absent", "directory", "file", "hard", "link", "touch"]),
        .init("src", .path),
        .init("recurse", .bool, default: .bool(false)),
        .init("follow", .bool, default: .bool(true)),
        .init("force", .bool, default: .bool(false)),
        .init("modification_time"),
        .init("modification_time_format", default: "%Y%m%d%H%M.%S"),
        .init("access_time"),
        .init("access_time_format", default: "%Y%m%d%H%M.%S"),
        .init("_original_basename"), .init("_diff_peek"),
    ] + FileAttributes.options)

    /// Links read their source, which may be another item's path: only the other states batch.
    public static func independent(_ items: [Arguments]) -> Bool {
        items.allSatisfy { !["link", "hard"].contains($0.string("state") ?? "") && !$0.has("src") }
            && RemotePathText.independent(items.map { $0.string("path") })
    }

    public static func run(_ args: Arguments, _ context: ModuleContext) throws -> ModuleResult {
        var warnings: [String] = []
        do {
            var result = try ensure(args, context, warnings: &warnings)
            if !warnings.isEmpty { result["warnings"] = .list(warnings.map { .string($0) }) }
            return result
        } catch var e as ModuleError {
            if !warnings.isEmpty { e.values["warnings"] = .list(warnings.map { .string($0) }) }
            throw e
        }
    }

    static func ensure(_ args: Arguments, _ context: ModuleContext, warnings: inout [String]) throws -> ModuleResult {
        let expanded = try RemotePath.expandUser([args.string("path") ?? "", args.string("src") ?? ""], context)
        let path = try RemotePath.normalize(expanded[0])
        let attributes = try FileAttributes(args)
        let follow = args.bool("follow"), force = args.bool("force"), recurse = args.bool("recurse")
        var src = args.has("src") ? expanded[1] : nil
        if let s = args.string("state"), src != nil, s != "link", s != "hard" {
            throw ModuleError("src option requires state to be 'link' or 'hard'")
        }
        if let s = args.string("state"), recurse, s != "directory" {
            throw ModuleError("recurse option requires state to be 'directory'")
        }

        // One round trip: the path, the source of a hard link, names to ids, and the tree when recursing.
        var script = attributes.lookupScript + RemoteFile.probe(path, follow: follow, realPath: follow)
        var paths = [path]
        let srcPath = src.map { s in s.hasPrefix("/") ? s : ((path as NSString).deletingLastPathComponent as NSString).appendingPathComponent(s) }
        if let srcPath {
            script += RemoteFile.probe(srcPath)
            paths.append(srcPath)
        }
        if recurse { script += RemoteFile.listing(path, follow: follow) }
        if args.string("state") == "absent" { script += contentListing(path) }
        let read = RemoteFile.parse(try RemoteFile.run(script, context, what: "reading \(path)").stdout, paths: paths)
        guard let current = read.states.first else { throw ModuleError("could not read \(path)") }
        if context.checkMode && args.string("state") != "absent" { warnings = attributes.lookupWarnings(read) }
        let ids = try attributes.resolve(read, lenient: context.checkMode)
        let prevState = current.state

        var state = args.string("state") ?? (prevState != "absent" ? prevState : (recurse ? "directory" : "file"))
        if src != nil, state != "link", state != "hard" { throw ModuleError("src option requires state to be 'link' or 'hard'", ["path": .string(path)]) }
        if recurse && state != "directory" { throw ModuleError("recurse option requires state to be 'directory'") }
        // Without src an existing link is kept as it is (only its attributes change), as in Ansible.
        let keepLink = state == "link" && src == nil && prevState == "link"
        if keepLink { src = current.linkTarget }
        // Without src an existing hard link only gets its attributes set.
        let keepHard = state == "hard" && src == nil && prevState == "hard"
        if (state == "link" || state == "hard") && src == nil && !keepHard {
            throw ModuleError("src is required for creating new \(state == "link" ? "symlinks" : "hardlinks")")
        }
        let isDefaultTouch = state == "touch"
        let mtime = try FileTime.parse(args.string("modification_time"), format: args.string("modification_time_format") ?? "",
                                       default: isDefaultTouch ? .now : .preserve, option: "modification_time")
        let atime = try FileTime.parse(args.string("access_time"), format: args.string("access_time_format") ?? "",
                                       default: isDefaultTouch ? .now : .preserve, option: "access_time")

        var plan = Plan(path: path, prevState: prevState, state: state)
        var resultPath = path
        switch state {
        case "absent":
            if current.exists {
                plan.change("rm -rf -- \(shellQuote(path)) || exit 1\n")
                if prevState == "directory" { plan.diffBefore["path_content"] = parseContentListing(read.lines) }
            }
        case "file":
            // Following a link, Ansible checks and reports the link's final target.
            var info = current.info, fileState = prevState
            if follow && prevState == "link" {
                resultPath = current.realPath ?? path
                info = current.target
                fileState = PathState(path: resultPath, info: info).state
            }
            guard let info, fileState == "file" || fileState == "hard" else {
                throw ModuleError("file (\(resultPath)) is \(fileState), cannot continue", ["path": .string(resultPath), "state": .string(fileState)])
            }
            try plan.attributes(attributes, info: info, ids: ids, link: false)
            plan.times(mtime, atime, info: info, link: false)
        case "directory":
            try directory(&plan, current: current, attributes: attributes, ids: ids, follow: follow)
            if let info = current.exists ? (follow ? current.followed : current.info) : nil {
                plan.times(mtime, atime, info: info, link: false)
            }
            if recurse { try plan.recurse(RemoteFile.parseListing(read.lines), attributes: attributes, ids: ids) }
        case "touch":
            if let info = follow ? current.followed ?? current.info : current.info {
                try plan.attributes(attributes, info: info, ids: ids, link: info.kind == .link)
                plan.times(mtime, atime, info: info, link: info.kind == .link)
            } else {
                let mode = try attributes.mode?.apply(to: 0o666 & ~current.umask, isDirectory: false)
                // A file whose attributes cannot be set is removed again, as Ansible does.
                var s = ": >> \(shellQuote(path)) || exit 1\n"
                let attrs = Plan.creationAttributes(path, mode: mode, ids: ids)
                if !attrs.isEmpty { s += "(\n\(attrs)) || { rm -f -- \(shellQuote(path)); exit 1; }\n" }
                plan.change(s)
                plan.times(mtime == .now ? .preserve : mtime, atime == .now ? .preserve : atime, info: nil, link: false)
            }
        case "link":
            try link(&plan, current: current, src: src ?? "", srcState: keepLink ? current : (read.states.count > 1 ? read.states[1] : nil),
                     attributes: attributes, ids: ids, follow: follow, force: force)
        default: // hard
            if keepHard, let info = current.info {
                try plan.attributes(attributes, info: info, ids: ids, link: info.kind == .link)
                plan.times(mtime, atime, info: info, link: info.kind == .link)
                break
            }
            try hardLink(&plan, current: current, src: srcPath ?? "", given: src ?? "", srcState: read.states.count > 1 ? read.states[1] : nil,
                         attributes: attributes, ids: ids, force: force)
        }

        var result = ModuleResult(changed: plan.changed)
        // Ansible names the path "dest" for touch and links, "path" otherwise.
        let pathKey = ["touch", "link", "hard"].contains(state) ? "dest" : "path"
        let reported = state == "touch" ? "file" : state
        var after = current
        if plan.changed && !context.checkMode {
            let r = try RemoteFile.run(plan.script + RemoteFile.probe(path, follow: follow), context, what: "changing \(path)")
            after = RemoteFile.parse(r.stdout, paths: [path]).states.first ?? current
        }
        // Report the path as it is now (before the change in check mode); a link as itself.
        let shown = state == "absent" || after.info == nil ? nil : (follow && state != "link" ? after.followed ?? after.info : after.info)
        result.values.merge(FileResult.attributes(shown, path: resultPath, pathKey: pathKey, state: state == "hard" ? nil : reported)) { $1 }
        if shown == nil { result["state"] = .string(reported) }
        if state == "link" || state == "hard" { result["src"] = .string(src ?? "") }
        // Ansible's file module always returns its diff (one dictionary), diff mode or not.
        result["diff"] = .dict(["before": .dict(plan.diffBefore), "after": .dict(plan.diffAfter)])
        return result
    }

    /// Accumulates the change script, whether anything changes, and the diff.
    struct Plan {
        var script = ""
        var changed = false
        var diffBefore: OrderedDictionary<String, Value>
        var diffAfter: OrderedDictionary<String, Value>

        let path: String
        let prevState: String

        /// The diff names the state asked for whenever it differs from the current one, changed or not.
        init(path: String, prevState: String, state: String) {
            self.path = path
            self.prevState = prevState
            diffBefore = ["path": .string(path)]
            diffAfter = ["path": .string(path)]
            if state != prevState {
                diffBefore["state"] = .string(prevState)
                diffAfter["state"] = .string(state)
            }
        }

        mutating func change(_ s: String) {
            script += s
            changed = true
        }

        mutating func attributes(_ attributes: FileAttributes, info: FileInfo, ids: (uid: Int?, gid: Int?), link: Bool) throws {
            var c = try attributes.changes(for: info, ids: ids)
            if link { c.mode = nil }  // Linux cannot chmod a symlink itself
            guard !c.isEmpty else { return }
            c.addDiff(before: &diffBefore, after: &diffAfter)
            change(c.commands(path, link: link))
        }

        mutating func times(_ mtime: FileTime, _ atime: FileTime, info: FileInfo?, link: Bool) {
            let p = shellQuote(path)
            let h = link ? "-h " : ""
            if mtime == .now && atime == .now {
                // One plain touch: setting both times to now needs only write permission, not ownership.
                change("touch \(h)-- \(p) || exit 1\n")
                return
            }
            for (t, flag, current, key) in [(mtime, "-m", info?.mtime, "mtime"), (atime, "-a", info?.atime, "atime")] {
                guard let arg = t.touchArgument() else { continue }
                if let current, !t.changes(current) { continue }
                if let current { diffBefore[key] = .double(current) }
                if case .at(let v) = t { diffAfter[key] = .double(Double(v)) }
                change("touch \(h)\(flag)\(arg) -- \(p) || exit 1\n")
            }
        }

        /// Owner/group/mode of each entry below a directory (symbolic modes computed per entry).
        mutating func recurse(_ entries: [FileInfo], attributes: FileAttributes, ids: (uid: Int?, gid: Int?)) throws {
            var batch = AttributeBatch()
            for entry in entries {
                let c = try attributes.changes(for: entry, ids: ids)
                if !c.isEmpty { batch.add(c, word: shellQuote(entry.name), link: entry.kind == .link) }
            }
            if !batch.isEmpty {
                script += batch.script
                changed = true
            }
        }

        static func creationAttributes(_ path: String, mode: Int?, ids: (uid: Int?, gid: Int?)) -> String {
            var c = AttributeChanges()
            if let uid = ids.uid { c.uid = (uid, uid) }
            if let gid = ids.gid { c.gid = (gid, gid) }
            if let mode { c.mode = (mode, mode) }
            return c.commands(path)
        }
    }

    /// Lists what is below a directory as "D path" / "F path" lines (symlinks to directories count
    /// as directories, as in Python's os.walk), for the diff of state=absent.
    static func contentListing(_ path: String) -> String {
        let p = shellQuote(path)
        return "if [ -d \(p) ] && [ ! -L \(p) ]; then find \(p) -mindepth 1 -exec sh -c 'for f; do if [ -d \"$f\" ]; then echo \"D $f\"; else echo \"F $f\"; fi; done' sh {} + 2>/dev/null; fi\n"
    }

    static func parseContentListing(_ lines: [String]) -> Value {
        var dirs: [Value] = [], files: [Value] = []
        for line in lines {
            if line.hasPrefix("D ") { dirs.append(.string(String(line.dropFirst(2)))) }
            else if line.hasPrefix("F ") { files.append(.string(String(line.dropFirst(2)))) }
        }
        return .dict(["directories": .list(dirs), "files": .list(files)])
    }

    private static func directory(_ plan: inout Plan, current: PathState, attributes: FileAttributes, ids: (uid: Int?, gid: Int?), follow: Bool) throws {
        let path = current.path
        if let info = follow ? current.followed ?? current.info : current.info, current.exists {
            guard info.kind == .directory else {
                throw ModuleError("\(path) already exists as a \(current.state)", ["path": .string(path)])
            }
            try plan.attributes(attributes, info: info, ids: ids, link: false)
            return
        }
        // Create each missing ancestor with the requested attributes, as Ansible does.
        let mode = try attributes.mode?.apply(to: 0o777 & ~current.umask, isDirectory: true)
        // Ansible's diff shows the mode set on the directory it made with the default one.
        if let mode, mode != 0o777 & ~current.umask {
            plan.diffBefore["mode"] = .string(FileMode.octal(0o777 & ~current.umask))
            plan.diffAfter["mode"] = .string(FileMode.octal(mode))
        }
        var s = ""
        var prefix = path.hasPrefix("/") ? "" : "."
        if ids.uid == nil && ids.gid == nil {
            // No owner to set: the missing directories (listed with builtins) are made by one mkdir,
            // which gives each the mode itself (-m sets it as chmod does, whatever the umask).
            s = "set --\n"
            for component in path.split(separator: "/") {
                prefix += "/" + component
                s += "[ -d \(shellQuote(prefix)) ] || set -- \"$@\" \(shellQuote(prefix))\n"
            }
            s += "[ $# -eq 0 ] || mkdir \(mode.map { "-m \(FileMode.octal($0)) " } ?? "")-- \"$@\" || exit 1\n"
            plan.change(s)
            return
        }
        for component in path.split(separator: "/") {
            prefix += "/" + component
            let d = shellQuote(prefix)
            s += "if [ ! -d \(d) ]; then mkdir -- \(d) || exit 1\n\(Plan.creationAttributes(prefix, mode: mode, ids: ids))fi\n"
        }
        plan.change(s)
    }

    private static func link(_ plan: inout Plan, current: PathState, src: String, srcState: PathState?, attributes: FileAttributes,
                             ids: (uid: Int?, gid: Int?), follow: Bool, force: Bool) throws {
        let path = current.path
        let p = shellQuote(path)
        if srcState?.exists != true && !force && current.linkTarget != src {
            throw ModuleError("src file does not exist, use \"force=yes\" if you really want to create the link: \(srcState?.path ?? src)",
                              ["path": .string(path), "src": .string(src)])
        }
        var replace = ""
        switch current.info?.kind {
        case nil: break
        case .link?:
            if current.linkTarget == src {
                // Following, the attributes are the target's; otherwise the link's own (no chmod on Linux).
                if follow, let target = current.target {
                    try plan.attributes(attributes, info: target, ids: ids, link: false)
                } else if let info = current.info {
                    try plan.attributes(attributes, info: info, ids: ids, link: true)
                }
                return
            }
            replace = "rm -f -- \(p) || exit 1\n"
        case .directory?:
            if !force { throw ModuleError("refusing to convert from directory to symlink for \(path)", ["path": .string(path)]) }
            replace = "rmdir -- \(p) 2>/dev/null || { echo 'the directory \(path) is not empty, refusing to convert it' >&2; exit 1; }\n"
        default:
            if !force { throw ModuleError("refusing to convert from \(current.state) to symlink for \(path)", ["path": .string(path)]) }
            replace = "rm -f -- \(p) || exit 1\n"
        }
        var s = replace + "ln -s -- \(shellQuote(src)) \(p) || exit 1\n"
        if follow, let target = srcState?.followed {
            // Following, the attributes go to the link's target (chown/chmod follow the new link).
            let c = try attributes.changes(for: target, ids: ids)
            c.addDiff(before: &plan.diffBefore, after: &plan.diffAfter)
            s += c.commands(path)
        } else {
            var c = AttributeChanges()
            if let uid = ids.uid { c.uid = (uid, uid) }
            if let gid = ids.gid { c.gid = (gid, gid) }
            s += c.commands(path, link: true)
        }
        plan.change(s)
        if current.info?.kind == .link {
            plan.diffBefore["src"] = .string(current.linkTarget ?? "")
            plan.diffAfter["src"] = .string(src)
        }
    }

    private static func hardLink(_ plan: inout Plan, current: PathState, src: String, given: String, srcState: PathState?, attributes: FileAttributes,
                                 ids: (uid: Int?, gid: Int?), force: Bool) throws {
        let path = current.path
        guard let srcInfo = srcState?.followed else {
            throw ModuleError("src does not exist", ["dest": .string(path), "src": .string(given)])
        }
        if let info = current.info {
            if info.inode == srcInfo.inode && info.dev == srcInfo.dev {
                try plan.attributes(attributes, info: info, ids: ids, link: false)
                return
            }
            if info.kind == .directory { throw ModuleError("refusing to convert from directory to hard link for \(path)", ["path": .string(path)]) }
            if !force { throw ModuleError("Cannot link, \(current.state) exists at destination", ["dest": .string(path), "src": .string(given)]) }
        }
        let p = shellQuote(path)
        var s = "ln -f -- \(shellQuote(src)) \(p) || exit 1\n"
        var c = try attributes.changes(for: srcInfo, ids: ids)
        if c.isEmpty { c = AttributeChanges() }
        s += c.commands(path)
        plan.change(s)
    }
}
