import Foundation
import Jinja
import OrderedCollections
import Transport
import Crypto

// Small helpers shared by the system modules (packages, services, users, network).
// Names carry a `Sys` prefix to stay clear of other module families in the same target.

/// Output of a host script split into sections: a line "==NAME" starts section NAME.
struct SysSections {
    private(set) var sections: [String: [String]] = [:]

    init(_ text: String, marker: String = "==") {
        var current = ""
        for line in sysSplitLines(text) {
            if line.hasPrefix(marker) {
                current = String(line.dropFirst(marker.count)).trimmingCharacters(in: .whitespaces)
                if sections[current] == nil { sections[current] = [] }
                continue
            }
            sections[current, default: []].append(line)
        }
        // The final "\n" of the output leaves one empty line at the end of the last section.
        for (k, v) in sections {
            var lines = v
            while let last = lines.last, last.isEmpty { lines.removeLast() }
            sections[k] = lines
        }
    }

    func lines(_ name: String) -> [String] { sections[name] ?? [] }
    func text(_ name: String) -> String { lines(name).joined(separator: "\n") }
    func first(_ name: String) -> String? {
        lines(name).first.map { $0.trimmingCharacters(in: .whitespaces) }
    }
    func has(_ name: String) -> Bool { sections[name] != nil }
}

enum SysScript {
    /// Shell commands that write `content` to `path` atomically (temporary file, then rename), with
    /// an optional octal mode and owner/group. The content travels base64-encoded inside the script,
    /// so several files can be written in one round trip.
    static func writeFile(_ path: String, _ content: String, mode: String? = nil, owner: String? = nil, group: String? = nil) -> String {
        let b64 = Data(content.utf8).base64EncodedString()
        let dir = (path as NSString).deletingLastPathComponent
        let tmp = shellQuote((dir.isEmpty ? "." : dir) + "/.swiftplay-tmp-\(UUID().uuidString.prefix(8))")
        let p = shellQuote(path)
        var s = "( umask 077; printf '%s' \(shellQuote(b64)) | base64 -d > \(tmp) ) || { rm -f \(tmp); exit 1; }\n"
        if let mode {
            s += "chmod \(shellQuote(mode)) \(tmp) || { rm -f \(tmp); exit 1; }\n"
        } else {
            s += "if [ -e \(p) ]; then chmod \"$(stat -c %a \(p))\" \(tmp); else chmod 0644 \(tmp); fi\n"
        }
        if owner != nil || group != nil {
            let spec = (owner ?? "") + (group.map { ":" + $0 } ?? "")
            s += "chown \(shellQuote(spec)) \(tmp) || { rm -f \(tmp); exit 1; }\n"
        }
        s += "mv -f \(tmp) \(p) || { rm -f \(tmp); exit 1; }\n"
        return s
    }

    /// "==NAME" marker line for `SysSections`.
    static func section(_ name: String) -> String { "echo '==\(name)'" }

    /// Prints a file's content in a section named `file:PATH`, or a section `missing:PATH` when absent.
    static func catFile(_ path: String) -> String {
        let p = shellQuote(path)
        return "if [ -f \(p) ]; then echo \(shellQuote("==file:" + path)); cat \(p); echo; else echo \(shellQuote("==missing:" + path)); fi"
    }
}

/// Splits text into lines without the trailing empty line a final newline leaves.
func sysLines(_ text: String) -> [String] {
    var lines = sysSplitLines(text)
    if lines.last == "" { lines.removeLast() }
    return lines
}

/// Splits on every "\n", including the one in "\r\n" (a single Character for Swift's String
/// methods, so `split(separator: "\n")` would not see it). Lines keep a trailing "\r".
func sysSplitLines(_ text: String) -> [String] {
    text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).map { String(String.UnicodeScalarView($0)) }
}

func sysTrim(_ s: String) -> String { s.trimmingCharacters(in: .whitespacesAndNewlines) }

/// stdout / stderr / *_lines of a command, as Ansible returns them.
func sysOutputValues(_ r: CommandResult) -> OrderedDictionary<String, Value> {
    let out = r.stdoutText, err = r.stderrText
    return [
        "stdout": .string(out), "stderr": .string(err),
        "stdout_lines": .list(sysLines(out).map { .string($0) }),
        "stderr_lines": .list(sysLines(err).map { .string($0) }),
    ]
}

/// A failed result for a command that did not work; the command line is never included (it may
/// carry data the caller considers private), only what it printed.
func sysCommandFailure(_ what: String, _ r: CommandResult, _ extra: OrderedDictionary<String, Value> = [:]) -> ModuleResult {
    var values = sysOutputValues(r)
    values["rc"] = .int(Int(r.exitCode))
    for (k, v) in extra { values[k] = v }
    let detail = sysTrim(r.stderrText).isEmpty ? sysTrim(r.stdoutText) : sysTrim(r.stderrText)
    return .failed(detail.isEmpty ? "\(what) failed (rc=\(r.exitCode))" : "\(what) failed: \(detail)", values)
}

/// What check mode returns for modules Ansible does not run in check mode.
func sysSkippedInCheckMode(_ module: String) -> ModuleResult {
    var r = ModuleResult(changed: false, ["msg": .string("remote module (\(module)) does not support check mode")])
    r["skipped"] = .bool(true)
    return r
}

/// Shell glob match (fnmatch) for version pins such as `1.2*`.
func sysGlobMatch(_ pattern: String, _ text: String) -> Bool {
    fnmatch(pattern, text, 0) == 0
}

// MARK: - JSON

enum SysJSON {
    /// Parses JSON text into a Value (object keys keep their order); nil when it is not JSON.
    static func parse(_ text: String) -> Value? { try? parseJSON(text) }

    /// Serializes a Value as compact JSON (keys in their order, non-ASCII kept).
    static func encode(_ v: Value) -> String { (try? valueToJSON(v, ensureASCII: false)) ?? "null" }
}

/// application/x-www-form-urlencoded encoding of a dict or list of pairs.
func sysFormEncode(_ v: Value) -> String {
    var allowed = CharacterSet.alphanumerics
    allowed.insert(charactersIn: "-._~")
    func enc(_ s: String) -> String {
        (s.addingPercentEncoding(withAllowedCharacters: allowed) ?? s).replacingOccurrences(of: "%20", with: "+")
    }
    var pairs: [(String, String)] = []
    switch v {
    case .dict(let d):
        for (k, val) in d {
            if let items = val.listValue { for i in items { pairs.append((k, i.pythonStr)) } } else { pairs.append((k, val.pythonStr)) }
        }
    case .list(let l):
        for item in l {
            if let pair = item.listValue, pair.count == 2 { pairs.append((pair[0].pythonStr, pair[1].pythonStr)) }
        }
    default:
        return v.pythonStr
    }
    return pairs.map { enc($0.0) + "=" + enc($0.1) }.joined(separator: "&")
}

// MARK: - Downloads on the host

enum SysDownload {
    /// A shell command that downloads `url` to `path` on the host with curl, or wget when curl is
    /// missing. Fails (non-zero) on HTTP errors.
    static func fetchCommand(url: String, to path: String, validateCerts: Bool = true, timeout: Int = 30) -> String {
        let u = shellQuote(url), p = shellQuote(path)
        let k = validateCerts ? "" : " -k"
        let nc = validateCerts ? "" : " --no-check-certificate"
        return "if command -v curl >/dev/null 2>&1; then curl -fsSL\(k) --max-time \(timeout) -o \(p) \(u); "
            + "elif command -v wget >/dev/null 2>&1; then wget -q\(nc) -T \(timeout) -O \(p) \(u); "
            + "else echo 'neither curl nor wget is installed on the host' >&2; false; fi"
    }
}

enum SysSHA256 {
    static func hex(_ data: Data) -> String {
        SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }
}
