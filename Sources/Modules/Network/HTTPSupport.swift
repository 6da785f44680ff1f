import Foundation
import Jinja
import OrderedCollections
import Transport

/// curl on the host for get_url and uri. Credentials and headers go into a curl config file
/// created with umask 077 from the script text (never on a command line) and removed at once.
enum SysCurl {
    /// Double-quoted value for a curl config file.
    static func configQuote(_ s: String) -> String {
        var out = "\""
        for c in s {
            switch c {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default: out.append(c)
            }
        }
        return out + "\""
    }

    /// The curl config text for headers and credentials.
    static func config(headers: OrderedDictionary<String, Value>, user: String?, password: String?, agent: String?) -> String {
        var cfg = ""
        for (k, v) in headers { cfg += "header = \(configQuote("\(k): \(v.pythonStr)"))\n" }
        if let user { cfg += "user = \(configQuote(user + ":" + (password ?? "")))\n" }
        if let agent { cfg += "user-agent = \(configQuote(agent))\n" }
        return cfg
    }

    /// Shell lines that write `cfg` to "$sp_cfg" (mode 0600) in the temporary directory "$sp_t".
    static func writeConfig(_ cfg: String) -> String {
        "( umask 077; printf '%s' \(shellQuote(Data(cfg.utf8).base64EncodedString())) | base64 -d > \"$sp_t/cfg\" )\n"
    }

    /// Parses the last response's headers from `curl -D` output (several blocks after redirects).
    static func lastHeaders(_ text: String) -> (statusLine: String, headers: [(String, String)]) {
        var blocks: [[String]] = []
        for raw in sysSplitLines(text) {
            let line = raw.trimmingCharacters(in: CharacterSet(charactersIn: "\r"))
            if line.hasPrefix("HTTP/") { blocks.append([line]); continue }
            if line.isEmpty || blocks.isEmpty { continue }
            blocks[blocks.count - 1].append(line)
        }
        guard let last = blocks.last else { return ("", []) }
        var headers: [(String, String)] = []
        for line in last.dropFirst() {
            guard let c = line.firstIndex(of: ":") else { continue }
            headers.append((String(line[..<c]), sysTrim(String(line[line.index(after: c)...]))))
        }
        return (last[0], headers)
    }

    /// "HTTP/1.0 404 File not found" -> "File not found"
    static func reason(_ statusLine: String) -> String {
        let parts = statusLine.split(separator: " ", maxSplits: 2).map(String.init)
        return parts.count == 3 ? parts[2] : ""
    }
}
