import Foundation
import Jinja
import OrderedCollections
import Transport

/// One `stat` record of a path on the host.
public struct FileInfo: Equatable {
    public enum Kind: String { case file, directory, link, fifo, socket, block, char, other }
    public var kind: Kind
    public var mode: Int            // permission bits (07777)
    public var uid: Int
    public var gid: Int
    public var size: Int
    public var atime: Double
    public var mtime: Double
    public var ctime: Double
    public var inode: Int
    public var nlink: Int
    public var dev: Int
    public var owner: String
    public var group: String
    /// The name as listed (tree listings only).
    public var name: String = ""

    public var isDirectory: Bool { kind == .directory }
}

/// What one probe learnt about a path: lstat, the link target's stat, checksum, content...
public struct PathState {
    public var path: String
    public var info: FileInfo?          // lstat; nil when the path does not exist
    public var target: FileInfo?        // stat through a symlink (nil when not a link or dangling)
    public var linkTarget: String?      // readlink
    public var realPath: String?
    public var checksum: String?
    public var parentIsDirectory = true
    public var umask = 0o022
    public var readable = false
    public var writeable = false
    public var executable = false
    public var content: Data?

    public var exists: Bool { info != nil }
    /// The stat through links when there is one (what `follow` sees).
    public var followed: FileInfo? { info?.kind == .link ? target : info }
    /// The name Ansible's file module gives the current state.
    public var state: String {
        guard let info else { return "absent" }
        switch info.kind {
        case .link: return "link"
        case .directory: return "directory"
        case .file: return info.nlink > 1 ? "hard" : "file"
        default: return "file"
        }
    }
}

/// Shell fragments that read and write files on the host, each module costing one round trip to
/// read and one to change. Output lines start with "@@" tags parsed here; only GNU or BSD `stat`,
/// `mktemp` and POSIX tools are needed on the host.
public enum RemoteFile {
    /// Defines the stat format (GNU or BSD) and helpers; put once at the start of a script. Linux
    /// (GNU coreutils or busybox stat, both with -c) is recognised without starting a process.
    /// Times have nanoseconds as Python's stat gives them (%.9Y; stats without sub-second
    /// support print whole seconds for it).
    public static let preamble = """
    if [ -d /proc/sys ] || stat -c %a / >/dev/null 2>&1; then SP_SF=-c; SP_FMT='%a %u %g %s %.9X %.9Y %.9Z %i %h %d %F|%U|%G'; SP_FMTN="$SP_FMT|%n"
    else SP_SF=-f; SP_FMT='%Lp %u %g %z %a %m %c %i %l %d %HT|%Su|%Sg'; SP_FMTN="$SP_FMT|%N"; fi
    sp_sum() {
      if command -v "$1sum" >/dev/null 2>&1; then "$1sum" < "$2" | cut -d' ' -f1
      elif [ "$1" != md5 ] && command -v shasum >/dev/null 2>&1; then shasum -a "${1#sha}" < "$2" | cut -d' ' -f1
      elif command -v openssl >/dev/null 2>&1; then openssl dgst -"$1" < "$2" | sed 's/^.*= *//'
      elif [ "$1" = md5 ] && command -v md5 >/dev/null 2>&1; then md5 -q < "$2"
      fi
    }
    sp_hash() {
      if command -v "$1sum" >/dev/null 2>&1; then "$1sum" < "$2"
      elif [ "$1" != md5 ] && command -v shasum >/dev/null 2>&1; then shasum -a "${1#sha}" < "$2"
      else sp_sum "$1" "$2"; fi
    }
    sp_sumall() {
      if command -v "$1sum" >/dev/null 2>&1; then find "$2" -type f -exec "$1sum" {} +
      elif [ "$1" != md5 ] && command -v shasum >/dev/null 2>&1; then find "$2" -type f -exec shasum -a "${1#sha}" {} +
      else find "$2" -type f | while IFS= read -r f; do printf '%s  %s\\n' "$(sp_sum "$1" "$f")" "$f"; done; fi
    }
    sp_backup() { sp_b="$1.$$.$(date +%Y-%m-%d@%H:%M:%S~)"; cp -p -- "$1" "$sp_b" && printf '@@K %s\\n' "$sp_b"; }

    """

    /// The directory part of a path, as POSIX `dirname` prints it.
    static func parentDirectory(_ path: String) -> String {
        var p = Substring(path)
        while p.count > 1, p.hasSuffix("/") { p = p.dropLast() }
        guard let slash = p.lastIndex(of: "/") else { return "." }
        var parent = p[..<slash]
        while parent.count > 1, parent.hasSuffix("/") { parent = parent.dropLast() }
        return parent.isEmpty ? "/" : String(parent)
    }

    /// Prints one probe record for `path`. `checksum` is an algorithm (sha1, md5, sha256...);
    /// `content` cats the file last, so only the last probe of a command may ask for it.
    public static func probe(_ path: String, follow: Bool = false, checksum: String? = nil, content: Bool = false,
                             access: Bool = false, realPath: Bool = false) -> String {
        let p = shellQuote(path)
        let regular = follow ? "[ -f \(p) ]" : "[ -f \(p) ] && [ ! -L \(p) ]"
        var s = "printf '@@B\\n'\n"
        s += "if [ -e \(p) ] || [ -L \(p) ]; then\n"
        s += "  printf '@@S '; stat $SP_SF \"$SP_FMT\" -- \(p) || echo\n"
        s += "  if [ -L \(p) ]; then printf '@@L '; readlink -- \(p); if [ -e \(p) ]; then printf '@@T '; stat -L $SP_SF \"$SP_FMT\" -- \(p) || echo; fi; fi\n"
        // Only a link's real path differs in what modules do with it (a link in a parent directory
        // resolves the same through the kernel), so other paths cost no process here.
        if realPath { s += "  if [ -L \(p) ]; then printf '@@R '; readlink -f -- \(p) 2>/dev/null || realpath -- \(p) 2>/dev/null || echo \(p); fi\n" }
        // sp_hash prints "DIGEST  -" (no `cut` process): the parser keeps the first word.
        if let checksum { s += "  if \(regular) && [ -r \(p) ]; then printf '@@H '; sp_hash \(shellQuote(checksum)) \(p); fi\n" }
        if access { s += "  sp_a=; [ -r \(p) ] && sp_a=r; [ -w \(p) ] && sp_a=${sp_a}w; [ -x \(p) ] && sp_a=${sp_a}x; echo \"@@A $sp_a\"\n" }
        s += "fi\n"
        // The parent is computed here: `$(dirname ...)` would cost the host a subshell and a process.
        s += "if [ -d \(shellQuote(parentDirectory(path))) ]; then echo '@@P 1'; else echo '@@P 0'; fi\n"
        s += "printf '@@M '; umask\n"
        if content { s += "if [ -f \(p) ] && [ -r \(p) ]; then printf '@@C\\n'; cat -- \(p); fi\n" }
        return s
    }

    /// Resolves user and group names on the host (for comparing with numeric ids and for early
    /// "failed to look up" errors); prints "@@OU uid" / "@@OG gid", empty when unknown.
    public static func lookup(owner: String?, group: String?) -> String {
        var s = ""
        if let owner, let uid = Int(owner) {
            // A numeric id is used as it is; whether it names a user only matters for check mode's warning.
            s += "echo \"@@OU $({ getent passwd \(uid) 2>/dev/null || awk -F: -v u=\(uid) '$3==u{print; exit}' /etc/passwd; } | head -n 1 | cut -d: -f3)\"\n"
        } else if let owner {
            s += "printf '@@OU '; id -u -- \(shellQuote(owner)) 2>/dev/null || echo\n"
        }
        if let group, let gid = Int(group) {
            s += "echo \"@@OG $({ getent group \(gid) 2>/dev/null || awk -F: -v g=\(gid) '$3==g{print; exit}' /etc/group; } | head -n 1 | cut -d: -f3)\"\n"
        } else if let group {
            let g = shellQuote(group)
            s += "echo \"@@OG $({ getent group \(g) 2>/dev/null || awk -F: -v g=\(g) '$1==g{print; exit}' /etc/group; } | head -n 1 | cut -d: -f3)\"\n"
        }
        return s
    }

    /// Output of a command made of probes: the states in order, plus the tagged extra lines
    /// ("OU", "OG", "K" backup file...) by tag.
    public struct Output {
        public var states: [PathState] = []
        public var tags: [String: String] = [:]
        public var lines: [String] = []      // untagged lines (listings and module-specific output)
    }

    /// Parses probe output. `paths` names the probes in order.
    public static func parse(_ data: Data, paths: [String]) -> Output {
        var header = data
        var content: Data?
        let marker = Data("@@C\n".utf8)
        if data.starts(with: marker) {
            header = Data()
            content = data.dropFirst(marker.count)
        } else if let r = data.range(of: Data("\n@@C\n".utf8)) {
            header = data[data.startIndex..<r.lowerBound]
            content = Data(data[r.upperBound...])
        }
        var out = Output()
        var current: PathState?
        func finish() { if let c = current { out.states.append(c) } }
        for raw in String(decoding: header, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false) {
            let line = String(raw)
            guard line.hasPrefix("@@") else { if !line.isEmpty { out.lines.append(line) }; continue }
            let tag = String(line.dropFirst(2).prefix { $0 != " " })
            let rest = line.count > tag.count + 3 ? String(line.dropFirst(tag.count + 3)) : ""
            switch tag {
            case "B":
                finish()
                let index = out.states.count
                current = PathState(path: index < paths.count ? paths[index] : "")
            case "S": current?.info = parseStat(rest)
            case "T": current?.target = parseStat(rest)
            case "L": current?.linkTarget = rest
            case "R": current?.realPath = rest
            case "H": current?.checksum = rest.split(separator: " ", maxSplits: 1).first.map(String.init)
            case "A":
                current?.readable = rest.contains("r")
                current?.writeable = rest.contains("w")
                current?.executable = rest.contains("x")
            case "P": current?.parentIsDirectory = rest == "1"
            case "M": current?.umask = Int(rest.trimmingCharacters(in: .whitespaces), radix: 8) ?? 0o022
            default: out.tags[tag] = rest
            }
        }
        if content != nil { current?.content = content }
        finish()
        return out
    }

    /// Parses "MODE UID GID SIZE ATIME MTIME CTIME INODE NLINK DEV TYPE TEXT|OWNER|GROUP[|NAME]".
    public static func parseStat(_ line: String) -> FileInfo? {
        let parts = line.split(separator: "|", maxSplits: 3, omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 3 else { return nil }
        let fields = parts[0].split(separator: " ", maxSplits: 10).map(String.init)
        guard fields.count == 11, let mode = Int(fields[0], radix: 8) else { return nil }
        let n = fields[1...9].map { Double($0) ?? 0 }
        // GNU %F ("regular empty file", "symbolic link") or BSD %HT ("Regular File", "Fifo File");
        // prefix and suffix tests, which are native (String.contains(String) goes through Foundation).
        let type = fields[10].lowercased()
        let kind: FileInfo.Kind
        if type.hasPrefix("regular") { kind = .file }
        else if type == "directory" { kind = .directory }
        else if type.hasSuffix("link") { kind = .link }
        else if type.hasPrefix("fifo") { kind = .fifo }
        else if type.hasPrefix("socket") { kind = .socket }
        else if type.hasPrefix("block") { kind = .block }
        else if type.hasPrefix("character") { kind = .char }
        else { kind = .other }
        return FileInfo(kind: kind, mode: mode & 0o7777, uid: Int(n[0]), gid: Int(n[1]), size: Int(n[2]),
                        atime: n[3], mtime: n[4], ctime: n[5], inode: Int(n[6]), nlink: Int(n[7]), dev: Int(n[8]),
                        owner: parts[1], group: parts[2], name: parts.count > 3 ? parts[3] : "")
    }

    /// A `find` listing of everything under `root` (not root itself), one stat line per entry with
    /// its path last. Entries are printed as untagged lines.
    public static func listing(_ root: String, follow: Bool = false, maxDepth: Int? = nil) -> String {
        let depth = maxDepth.map { " -maxdepth \($0)" } ?? ""
        return "find \(follow ? "-L " : "")\(shellQuote(root)) -mindepth 1\(depth) -exec stat \(follow ? "-L " : "")$SP_SF \"$SP_FMTN\" {} + 2>/dev/null || true\n"
    }

    /// Parses the untagged lines of a listing.
    public static func parseListing(_ lines: [String]) -> [FileInfo] {
        lines.compactMap(parseStat).filter { !$0.name.isEmpty }
    }

    @discardableResult
    /// Runs a script (preamble included) and fails with the command's error when it exits non-zero.
    /// Its output is text (stat lines, tags), unless `binary` (a probe printing a file's content).
    public static func run(_ script: String, _ context: ModuleContext, stdin: Data? = nil, binary: Bool = false,
                           what: String) throws -> CommandResult {
        let full = preamble + script
        // Command lines are limited (128 KiB per argument on Linux, for `sh -c` and ssh alike): long
        // scripts (per-file commands over big trees) go through stdin when it is free.
        let r = stdin == nil && full.utf8.count > maxCommandLength
            ? try context.run("/bin/sh -s", stdin: Data(full.utf8))
            : try context.run(full, stdin: stdin, textOutput: !binary)
        if r.exitCode != 0 {
            let err = r.stderrText.trimmingCharacters(in: .whitespacesAndNewlines)
            throw ModuleError("\(what) failed: \(err.isEmpty ? "exit status \(r.exitCode)" : err)", ["rc": .int(Int(r.exitCode))])
        }
        return r
    }

    /// Scripts longer than this are sent on stdin.
    static let maxCommandLength = 32 * 1024

    /// Reads one path in one round trip, with optional user/group resolution.
    public static func read(_ path: String, _ context: ModuleContext, follow: Bool = false, checksum: String? = nil,
                            content: Bool = false, access: Bool = false, realPath: Bool = false,
                            owner: String? = nil, group: String? = nil) throws -> (PathState, Output) {
        let script = lookup(owner: owner, group: group)
            + probe(path, follow: follow, checksum: checksum, content: content, access: access, realPath: realPath)
        var out = parse(try run(script, context, what: "reading \(path)").stdout, paths: [path])
        // Text output drops NUL bytes: content that is not the file's size (binary, or changed meanwhile)
        // is read again byte for byte.
        if content, let state = out.states.first, let data = state.content, let size = state.followed?.size, data.count != size {
            out = parse(try run(script, context, binary: true, what: "reading \(path)").stdout, paths: [path])
        }
        guard let state = out.states.first else { throw ModuleError("could not read the state of \(path)") }
        return (state, out)
    }
}
