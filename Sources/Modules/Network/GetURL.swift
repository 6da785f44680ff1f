import Foundation
import Jinja
import OrderedCollections
import Transport

/// `get_url`: downloads a file over HTTP(S)/FTP onto the host.
public enum GetURLModule: Module {
    public static let name = "get_url"
    public static let documentation = """
    # get_url
    Downloads a file to the host with curl (or wget when curl is missing), from the host itself.

    - `url` (required), `dest` (required): a file path, or a directory (the file is then named
      after the last part of the URL path).
    - `checksum`: `ALGO:HEX` (sha256, sha1, md5, sha512, sha224, sha384) or `ALGO:URL` of a
      checksum file. The download is verified and removed when it does not match.
    - Idempotent: with a checksum, a `dest` that already matches is not downloaded; without one,
      an existing `dest` is kept unless `force` (alias `thirsty`) is set. A download identical
      to `dest` does not count as a change.
    - `mode`, `owner`, `group`: applied to `dest` (a change when they differ).
    - `headers` (dict), `url_username`/`url_password` (`username`/`password`; never logged or put on
      a command line), `force_basic_auth`, `validate_certs`, `timeout` (seconds, default 10),
      `http_agent`, `tmp_dest`, `backup`.

    Check mode reports whether a download would happen, without downloading. Returns `dest`,
    `url`, `checksum_dest`/`checksum_src` (sha1), `md5sum`, `size`, `mode`, `owner`, `group`,
    `uid`, `gid`, `status_code`, `msg`, `elapsed`.
    """
    public static let spec = ArgumentSpec([
        .init("url", required: true),
        .init("dest", .path, required: true),
        .init("checksum", default: ""),
        .init("force", .bool, default: false, aliases: ["thirsty"]),
        .init("backup", .bool, default: false),
        .init("mode", .raw),
        .init("owner"),
        .init("group"),
        .init("headers", .dict),
        .init("url_username", aliases: ["username"]),
        .init("url_password", aliases: ["password"], noLog: true),
        .init("force_basic_auth", .bool, default: false),
        .init("validate_certs", .bool, default: true),
        .init("timeout", .int, default: 10),
        .init("http_agent", default: "ansible-httpget"),
        .init("tmp_dest", .path),
        .init("use_proxy", .bool, default: true),
        .init("decompress", .bool, default: true),
        .init("ciphers", .list, elements: .str),
        .init("client_cert", .path),
        .init("client_key", .path),
        .init("unredirected_headers", .list, elements: .str),
        .init("use_gssapi", .bool, default: false),
        .init("use_netrc", .bool, default: true),
        .init("attributes"),
        .init("seuser"), .init("serole"), .init("setype"), .init("selevel"), .init("unsafe_writes", .bool),
    ])

    static let algorithms = ["md5", "sha1", "sha224", "sha256", "sha384", "sha512"]

    public static func run(_ args: Arguments, _ context: ModuleContext) throws -> ModuleResult {
        let url = args.string("url") ?? ""
        var dest = args.string("dest") ?? ""
        while dest.count > 1 && dest.hasSuffix("/") { dest.removeLast() }
        var algo: String?
        var expected: String?
        var checksumURL: String?
        let checksum = sysTrim(args.string("checksum") ?? "")
        if !checksum.isEmpty {
            guard let colon = checksum.firstIndex(of: ":") else {
                return .failed("The checksum parameter has to be in format <algorithm>:<checksum>")
            }
            let a = checksum[..<colon].lowercased()
            let v = String(checksum[checksum.index(after: colon)...])
            guard algorithms.contains(a) else { return .failed("Unsupported hash algorithm: \(a)") }
            algo = a
            if v.contains("://") { checksumURL = v } else { expected = v.lowercased() }
        }
        let mode = args["mode"].map { v -> String in
            // YAML 0644 arrives as the integer 420: the number is the mode itself.
            if case .int(let i) = v { return "0" + String(i, radix: 8) }
            return v.pythonStr
        }
        let fileName = urlFileName(url)
        let d = shellQuote(dest)
        let sumTool = "\(algo ?? "sha1")sum"
        var read = """
        if [ -d \(d) ]; then f=\(d)/\(shellQuote(fileName)); else f=\(d); fi
        echo '==dest'; printf '%s\\n' "$f"
        if [ -f "$f" ]; then
          echo '==stat'; stat -c '%a %U %G %u %g %s' "$f"
          echo '==sum'; \(sumTool) "$f" | cut -d' ' -f1
          echo '==sha1dest'; sha1sum "$f" | cut -d' ' -f1
        fi

        """
        if let checksumURL {
            read += "echo '==sumfile'; \(SysDownload.fetchCommand(url: checksumURL, to: "/dev/stdout", validateCerts: args.bool("validate_certs"), timeout: args.int("timeout") ?? 10)) || echo '==sumfailed'\n"
        }
        let r = try context.run(read)
        let out = SysSections(r.stdoutText)
        if out.has("sumfailed") { return .failed("Unable to fetch the checksum file \(checksumURL ?? "")") }
        if checksumURL != nil {
            expected = pickChecksum(out.lines("sumfile"), fileName: fileName)
            if expected == nil { return .failed("Unable to find a checksum for file '\(fileName)' in '\(checksumURL ?? "")'") }
        }
        if let e = expected, !e.allSatisfy({ $0.isHexDigit }) {
            return .failed("The checksum format is invalid: \(e)")
        }
        let path = out.first("dest") ?? dest
        let stat = (out.first("stat") ?? "").split(separator: " ").map(String.init)
        let exists = stat.count == 6
        let currentSum = out.first("sum")

        var result = ModuleResult(changed: false, ["dest": .string(path), "url": .string(url)])
        var download = true
        if exists {
            if let e = expected {
                download = currentSum != e
            } else {
                download = args.bool("force")
            }
        }
        // Attributes to apply to an existing file that is kept.
        var attrs = ""
        if let m = mode { attrs += "chmod \(shellQuote(m)) \"$f\" || exit 1\n" }
        if let o = args.string("owner") { attrs += "chown \(shellQuote(o)) \"$f\" || exit 1\n" }
        if let g = args.string("group") { attrs += "chgrp \(shellQuote(g)) \"$f\" || exit 1\n" }
        let attrsDiffer = exists && attributesDiffer(stat: stat, mode: mode, owner: args.string("owner"), group: args.string("group"))

        if !download {
            result["msg"] = "file already exists"
            if let s = out.first("sha1dest") { result["checksum_dest"] = .string(s) }
            fillStat(&result, stat)
            if !attrsDiffer { return result }
            result.changed = true
            if context.checkMode { return result }
            let r2 = try context.run("f=\(shellQuote(path))\n\(attrs)echo '==stat'; stat -c '%a %U %G %u %g %s' \"$f\"")
            if r2.exitCode != 0 { return sysCommandFailure("Setting attributes on \(path)", r2) }
            fillStat(&result, (SysSections(r2.stdoutText).first("stat") ?? "").split(separator: " ").map(String.init))
            return result
        }
        if context.checkMode {
            result.changed = true
            result["msg"] = "would download"
            return result
        }

        // Round trip 2: download into a temporary file next to dest, verify, compare, move.
        let timeout = args.int("timeout") ?? 10
        let cfg = SysCurl.config(headers: args.dict("headers"), user: args.string("url_username"),
                                 password: args.string("url_password"), agent: args.string("http_agent"))
        let k = args.bool("validate_certs") ? "" : " -k"
        let tmpDir = args.string("tmp_dest").map(shellQuote) ?? "\"$(dirname \"$f\")\""
        var s = """
        f=\(shellQuote(path))
        sp_t=$(mktemp -d) || exit 1
        trap 'rm -rf "$sp_t"' EXIT
        \(SysCurl.writeConfig(cfg))
        tmp=$(mktemp \(tmpDir)/.swiftplay-get_url.XXXXXX) || exit 1
        sp_start=$(date +%s)
        if command -v curl >/dev/null 2>&1; then
          code=$(curl -sS -L\(k)\(args.bool("decompress") ? " --compressed" : "") --max-time \(timeout) -K "$sp_t/cfg" -o "$tmp" -w '%{http_code}' \(shellQuote(url))) || { rc=$?; rm -f "$tmp"; echo "==curlfailed"; echo "$rc"; exit 0; }
        elif command -v wget >/dev/null 2>&1; then
          code=$(wget -q -S\(args.bool("validate_certs") ? "" : " --no-check-certificate") -T \(timeout) -O "$tmp" \(shellQuote(url)) 2>&1 | awk '/^  HTTP\\//{c=$2} END{print c}')
          [ -n "$code" ] || code=000
        else
          rm -f "$tmp"; echo '==nocurl'; exit 0
        fi
        echo '==code'; echo "$code"
        echo '==elapsed'; echo $(( $(date +%s) - sp_start ))
        case "$code" in 2*|000) ;; *) rm -f "$tmp"; exit 0;; esac
        echo '==newsum'; \(sumTool) "$tmp" | cut -d' ' -f1
        echo '==sha1'; sha1sum "$tmp" | cut -d' ' -f1
        echo '==md5'; md5sum "$tmp" | cut -d' ' -f1

        """
        if let e = expected {
            s += "if [ \"$(\(sumTool) \"$tmp\" | cut -d' ' -f1)\" != \(shellQuote(e)) ]; then rm -f \"$tmp\"; echo '==mismatch'; exit 0; fi\n"
        }
        s += """
        if [ -f "$f" ] && cmp -s "$tmp" "$f"; then rm -f "$tmp"; echo '==same'
        else
          if [ -e "$f" ]; then \(args.bool("backup") ? "cp -p \"$f\" \"$f.$(date +%Y-%m-%d@%H:%M:%S~)\"; echo '==backup'; echo \"$f.$(date +%Y-%m-%d@%H:%M:%S~)\"; " : "")chmod "$(stat -c %a "$f")" "$tmp"; chown "$(stat -c %u:%g "$f")" "$tmp"; else chmod "$(printf '%o' $((0666 & ~$(umask))))" "$tmp"; fi
          mv -f "$tmp" "$f" || { rm -f "$tmp"; exit 1; }
          echo '==moved'
        fi
        \(attrs)echo '==stat'; stat -c '%a %U %G %u %g %s' "$f"

        """
        let r2 = try context.run(s)
        let o2 = SysSections(r2.stdoutText)
        if o2.has("nocurl") { return .failed("neither curl nor wget is installed on the host") }
        if o2.has("curlfailed") {
            return .failed("Request failed: \(sysTrim(r2.stderrText))", ["url": .string(url), "dest": .string(path), "status_code": -1])
        }
        let code = Int(o2.first("code") ?? "") ?? -1
        result["status_code"] = .int(code)
        result["elapsed"] = .int(Int(o2.first("elapsed") ?? "") ?? 0)
        if !(200..<300).contains(code) && code != 0 {
            return .failed("Request failed", ["url": .string(url), "dest": .string(path), "status_code": .int(code), "response": .string("HTTP Error \(code)")])
        }
        if o2.has("mismatch") {
            return .failed("The checksum for \(path) did not match \(expected ?? ""); it was \(o2.first("newsum") ?? "").", ["url": .string(url), "dest": .string(path)])
        }
        if r2.exitCode != 0 { return sysCommandFailure("Moving the download to \(path)", r2) }
        let newStat = (o2.first("stat") ?? "").split(separator: " ").map(String.init)
        result.changed = o2.has("moved") || newStat != stat
        fillStat(&result, newStat)
        // As Ansible: checksum_src is the download's sha1, checksum_dest the previous file's (or null).
        if let sha1 = o2.first("sha1") { result["checksum_src"] = .string(sha1) }
        result["checksum_dest"] = out.first("sha1dest").map { .string($0) } ?? .none
        if let md5 = o2.first("md5") { result["md5sum"] = .string(md5) }
        if let b = o2.first("backup") { result["backup_file"] = .string(b) }
        result["msg"] = .string("OK (\(newStat.count == 6 ? newStat[5] : "unknown") bytes)")
        return result
    }

    /// Last path component of the URL, without query or fragment; "index.html" when empty.
    static func urlFileName(_ url: String) -> String {
        var s = Substring(url)
        if let q = s.firstIndex(where: { $0 == "?" || $0 == "#" }) { s = s[..<q] }
        if let scheme = s.range(of: "://") { s = s[scheme.upperBound...] }
        guard let slash = s.firstIndex(of: "/") else { return "index.html" }
        let path = s[slash...]
        let last = path.split(separator: "/").last.map(String.init) ?? ""
        return last.isEmpty || path.hasSuffix("/") ? "index.html" : (last.removingPercentEncoding ?? last)
    }

    /// A checksum file: either a single hash, or "HASH  NAME" lines.
    static func pickChecksum(_ lines: [String], fileName: String) -> String? {
        let rows = lines.map(sysTrim).filter { !$0.isEmpty && !$0.hasPrefix("#") }
        for row in rows {
            let f = row.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            if f.count >= 2 {
                var name = f[1]
                if name.hasPrefix("*") { name.removeFirst() }
                if name.hasPrefix("./") { name.removeFirst(2) }
                if name == fileName { return f[0].lowercased() }
            }
        }
        if rows.count == 1, let only = rows.first?.split(separator: " ").first { return String(only).lowercased() }
        return nil
    }

    static func attributesDiffer(stat: [String], mode: String?, owner: String?, group: String?) -> Bool {
        guard stat.count == 6 else { return false }
        if let m = mode {
            if let want = Int(m, radix: 8), m.allSatisfy({ $0.isNumber }) {
                if Int(stat[0], radix: 8) != want { return true }
            } else {
                return true   // symbolic modes: let chmod decide
            }
        }
        if let o = owner, o != stat[1] && o != stat[3] { return true }
        if let g = group, g != stat[2] && g != stat[4] { return true }
        return false
    }

    static func fillStat(_ result: inout ModuleResult, _ stat: [String]) {
        guard stat.count == 6 else { return }
        let mode = stat[0].count < 4 ? String(repeating: "0", count: 4 - stat[0].count) + stat[0] : stat[0]
        result["mode"] = .string(mode)
        result["owner"] = .string(stat[1])
        result["group"] = .string(stat[2])
        result["uid"] = .int(Int(stat[3]) ?? -1)
        result["gid"] = .int(Int(stat[4]) ?? -1)
        result["size"] = .int(Int(stat[5]) ?? 0)
        result["state"] = "file"
    }
}
