import Foundation

/// put/get as shell commands, shared by the connections.
enum ShellFiles {
    /// Atomic write: a temporary file in the target directory gets the data and the mode, then is renamed
    /// over the target. Without a mode, an existing target keeps its mode; a new file gets the umask's.
    static func put(_ c: Connection, _ data: Data, to path: String, mode: String?, become: Become?) throws {
        if let mode, mode.isEmpty || !mode.allSatisfy({ ("0"..."7").contains($0) }) {
            throw TransportError.transferFailed(host: c.host, path: path, message: "invalid mode '\(mode)': expected octal like 0644")
        }
        let dir = (path as NSString).deletingLastPathComponent
        let tmp = (dir.isEmpty ? "." : dir) + "/.swiftplay-tmp-" + randomHex(8)
        let t = shellQuote(tmp), p = shellQuote(path)
        // umask 077 until the final mode is set: the data is never readable by others on the way.
        var script = "__sp_um=$(umask); set -C; umask 077; cat > \(t) || { rm -f \(t); exit 1; }; "
        if let mode {
            script += "chmod \(mode) \(t)"
        } else {
            script += "if [ -e \(p) ]; then chmod \"$(stat -c %a \(p))\" \(t); else chmod \"$(printf '%o' $((0666 & ~$__sp_um)))\" \(t); fi"
        }
        script += " && mv -f \(t) \(p) || { rm -f \(t); exit 1; }"
        let r = try c.run(script, stdin: data, become: become, environment: [:])
        if r.exitCode != 0 {
            throw TransportError.transferFailed(host: c.host, path: path, message: r.stderrText.trimmingCharacters(in: .whitespacesAndNewlines))
        }
    }

    static func get(_ c: Connection, _ path: String, become: Become?) throws -> Data {
        let r = try c.run("cat -- \(shellQuote(path))", stdin: nil, become: become, environment: [:])
        if r.exitCode != 0 {
            throw TransportError.transferFailed(host: c.host, path: path, message: r.stderrText.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        return r.stdout
    }
}
