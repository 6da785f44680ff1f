import Crypto
import Foundation
import Jinja
import OrderedCollections
import Transport

/// Writing a file on the host atomically: the data goes to a temporary file in the destination's
/// directory, which is validated, given its mode and owner, then renamed over the destination.
/// Any failure removes the temporary file (trap) and leaves the destination untouched.
public struct AtomicWrite {
    public var dest: String
    public var data: Data
    /// Permission bits of the result.
    public var mode: Int
    /// Ids to give the file; `requireOwnership` makes a failing chown an error (an explicit owner/group)
    /// instead of a best effort (keeping an existing file's owner).
    public var uid: Int?
    public var gid: Int?
    public var requireOwnership = false
    /// Command with %s standing for the temporary file.
    public var validate: String?
    public var backup = false
    /// Copy this host file instead of reading stdin (copy with remote_src).
    public var remoteSource: String?
    /// Create the destination's directory first (dest given as "dir/").
    public var createDirectory = false
    /// Also print the written file's MD5 (copy's md5sum).
    public var md5 = false
    /// Checksum algorithm of the probe printed after the write.
    public var checksum: String? = "sha1"
    /// The read found nothing at the destination: when no owner is required and the mode has no
    /// special bits, the temporary file is created with its final mode (umask) and needs no chmod.
    public var newFile = false
    /// Mode of the regular file being replaced, as read: when it is the mode wanted, the copy of the
    /// old file's attributes (cp) already gives it and no chmod follows.
    public var currentMode: Int?
    /// The session's umask, as the read probe saw it: the temporary file is then created by the shell
    /// itself under umask 077 (restored after) rather than in a subshell.
    public var sessionUmask: Int?
    /// Print the destination's state after the write (the result's values); text edits do not use it.
    public var probeAfter = true

    public init(dest: String, data: Data, mode: Int, uid: Int? = nil, gid: Int? = nil, requireOwnership: Bool = false,
                validate: String? = nil, backup: Bool = false) {
        self.dest = dest
        self.data = data
        self.mode = mode
        self.uid = uid
        self.gid = gid
        self.requireOwnership = requireOwnership
        self.validate = validate
        self.backup = backup
    }

    /// What the read found at the destination (nil: nothing) and the session's umask, which spare the
    /// script a chmod or a subshell (see newFile, currentMode, sessionUmask).
    public mutating func replacing(_ current: FileInfo?, umask: Int) {
        newFile = current == nil
        currentMode = current?.kind == .file ? current?.mode : nil
        sessionUmask = umask
    }

    static let validateFailed: Int32 = 93

    /// The temporary file, next to the destination.
    public var tmpPath: String {
        RemoteFile.parentDirectory(dest) + "/.swiftplay-" + tmpSuffix
    }
    private let tmpSuffix = UUID().uuidString.prefix(12).lowercased()

    /// Small text data goes in the script itself, written by the shell's `printf` builtin: no process
    /// reads stdin on the host. Data with NUL bytes (which a shell string cannot hold), not UTF-8
    /// (the script is text) or bigger than this goes on stdin.
    static let inlineLimit = 16 * 1024

    /// The data as script text when it can be written inline (see `inlineLimit`).
    var inlineText: String? {
        guard remoteSource == nil, data.count <= Self.inlineLimit, !data.contains(0),
              let text = String(data: data, encoding: .utf8), Data(text.utf8) == data else { return nil }
        return text
    }

    /// The temporary file can be created with the final mode: a new file, no owner to set afterwards
    /// (which would briefly give the data the final mode under another owner), no special bits.
    private var createdWithMode: Bool { newFile && !requireOwnership && mode & ~0o666 == 0 }

    /// The script: content comes inline or on stdin; it ends with a probe of the destination.
    public var script: String {
        let d = shellQuote(dest)
        var s = "sp_dir=\(shellQuote(RemoteFile.parentDirectory(dest)))\n"
        if createDirectory { s += "mkdir -p -- \"$sp_dir\" || exit 90\n" }
        // The temporary name is chosen here so `validate` gets it literally (a user's '%s' quoting
        // keeps working); noclobber makes its creation fail rather than reuse an existing file.
        // umask 077 keeps the data from others until the final mode is set, unless the file is
        // created with that mode and owner already (`createdWithMode`).
        s += "sp_tmp=\(shellQuote(tmpPath))\n"
        let umask = createdWithMode ? FileMode.octal(~mode & 0o777) : "077"
        if let sessionUmask {
            // `true`, not `:`: a failed redirection of a special builtin would end the shell.
            s += "set -C; umask \(umask); { true > \"$sp_tmp\"; } 2>/dev/null || exit 90; set +C; umask \(FileMode.octal(sessionUmask))\n"
        } else {
            s += "(umask \(umask); set -C; : > \"$sp_tmp\") 2>/dev/null || exit 90\n"
        }
        s += "trap 'rm -f -- \"$sp_tmp\"' EXIT HUP INT TERM\n"
        if let remoteSource {
            s += "cp -- \(shellQuote(remoteSource)) \"$sp_tmp\" || exit 91\n"
        } else if let text = inlineText {
            s += "printf '%s' \(shellQuote(text)) > \"$sp_tmp\" || exit 91\n"
        } else {
            s += "cat > \"$sp_tmp\" || exit 91\n"
        }
        // A replaced file keeps its ACLs, extended attributes and (best effort) owner, as Ansible's atomic
        // move does: GNU cp copies them in one process; elsewhere, or when it fails, chown keeps the owner.
        // cp gives the old file's mode: chmod only when another mode is wanted, or cp failed.
        let spec = (uid.map(String.init) ?? "") + (gid.map { ":\($0)" } ?? "")
        let keepOwner = !requireOwnership && !spec.isEmpty
        let chmod = "chmod \(FileMode.octal(mode)) \"$sp_tmp\" || exit 92"
        let chown = keepOwner ? "chown \(spec) \"$sp_tmp\" 2>/dev/null" : ""
        s += "if [ -f \(d) ]; then cp --attributes-only --preserve=mode,ownership,xattr -- \(d) \"$sp_tmp\" 2>/dev/null"
        if currentMode == mode {
            s += " || { \(chown.isEmpty ? "" : chown + "; ")\(chmod); }\n"
        } else {
            s += "\(chown.isEmpty ? "" : " || " + chown); \(chmod)\n"
        }
        if !createdWithMode { s += "else \(chmod)\n" }
        s += "fi\n"
        if requireOwnership { s += "chown \(spec) \"$sp_tmp\" || exit 92\n" }
        if let validate {
            let command = validate.replacingOccurrences(of: "%s", with: shellQuote(tmpPath))
            s += "( \(command) ) >&2 || { sp_rc=$?; echo \"validation exited with $sp_rc\" >&2; exit \(Self.validateFailed); }\n"
        }
        if backup { s += "if [ -f \(d) ]; then sp_backup \(d) || exit 94; fi\n" }
        s += "mv -f -- \"$sp_tmp\" \(d) || exit 95\n"
        s += "trap - EXIT HUP INT TERM\n"
        if probeAfter { s += RemoteFile.probe(dest, checksum: checksumsOnController ? nil : checksum) }
        if md5 && !checksumsOnController { s += "printf '@@MD5 '; sp_sum md5 \(d)\n" }
        return s
    }

    /// The written file's SHA-1 and MD5 are computed here from the data rather than by processes on
    /// the host; the host computes other algorithms, and those of copies of host files.
    private var checksumsOnController: Bool { (checksum == nil || checksum == "sha1") && remoteSource == nil }

    /// Writes in one round trip; returns the destination's new state and the backup file, if any.
    public func run(_ context: ModuleContext) throws -> (PathState, backup: String?, md5: String?) {
        if let validate, !validate.contains("%s") {
            throw ModuleError("validate must contain %s: \(validate)")
        }
        let r = try context.run(RemoteFile.preamble + script, stdin: inlineText == nil && remoteSource == nil ? data : nil, textOutput: true)
        let err = r.stderrText.trimmingCharacters(in: .whitespacesAndNewlines)
        switch r.exitCode {
        case 0: break
        case Self.validateFailed:
            throw ModuleError("failed to validate", ["exit_status": .int(Int(r.exitCode)), "stderr": .string(err)])
        case 90: throw ModuleError("Destination directory \(RemoteFile.parentDirectory(dest)) is not writable or does not exist: \(err)")
        case 94: throw ModuleError("Could not make backup of \(dest): \(err)")
        default: throw ModuleError("Could not write \(dest): \(err.isEmpty ? "exit status \(r.exitCode)" : err)")
        }
        let out = RemoteFile.parse(r.stdout, paths: [dest])
        if !probeAfter { return (PathState(path: dest), out.tags["K"], nil) }
        guard var state = out.states.first else { throw ModuleError("could not read \(dest) after writing it") }
        var md5 = out.tags["MD5"].flatMap { $0.isEmpty ? nil : $0 }
        if checksumsOnController, state.info?.kind == .file {
            if checksum != nil { state.checksum = SHA1.hex(data) }
            if self.md5 { md5 = Insecure.MD5.hash(data: data).map { String(format: "%02x", $0) }.joined() }
        }
        return (state, out.tags["K"], md5)
    }
}

/// Plans a whole-file write for copy/template/lineinfile...: from the destination's current state
/// and the attribute options, the mode and ownership of the new file, and whether they change.
public struct WritePlan {
    public var mode: Int
    public var uid: Int?
    public var gid: Int?
    public var requireOwnership: Bool
    /// Attribute changes on an existing file whose content does not change.
    public var changes: AttributeChanges

    public init(current: FileInfo?, umask: Int, attributes: FileAttributes, ids: (uid: Int?, gid: Int?)) throws {
        if let current {
            changes = try attributes.changes(for: current, ids: ids)
            mode = changes.mode?.after ?? current.mode
            uid = ids.uid ?? current.uid
            gid = ids.gid ?? current.gid
        } else {
            changes = AttributeChanges()
            let base = 0o666 & ~umask
            mode = try attributes.mode?.apply(to: base, isDirectory: false) ?? base
            uid = ids.uid
            gid = ids.gid
        }
        requireOwnership = ids.uid != nil || ids.gid != nil
    }
}
