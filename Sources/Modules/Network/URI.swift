import Foundation
import Jinja
import OrderedCollections
import Transport

/// `uri`: HTTP requests made with curl on the host.
public enum URIModule: Module {
    public static let name = "uri"
    public static let documentation = """
    # uri
    Makes an HTTP(S) request from the host with curl and returns the response.

    - `url` (required), `method` (default GET), `body` with `body_format` `raw` (default),
      `json` (dicts/lists are serialized; Content-Type application/json is added) or
      `form-urlencoded` (dict or list of pairs).
    - `status_code`: accepted status codes (int or list, default [200]); anything else fails.
    - `return_content`: add `content` (the body text); `json` is returned whenever the response is
      JSON. `dest`: save the body to this path on the host (a change when the file differs).
    - `headers` (dict), `url_username`/`url_password` (never logged or put on a command line),
      `force_basic_auth` (curl sends Basic credentials at once anyway), `validate_certs`,
      `ca_path`, `client_cert`, `client_key`, `timeout` (default 30), `follow_redirects`
      (`safe` default: only GET/HEAD, `all`/`yes`, `none`/`no`), `http_agent`,
      `unix_socket`, `creates`/`removes` (skip the request).

    Response headers are returned as top-level keys, lower-cased with `-` turned into `_`
    (`content_type`...), with `status`, `url`, `redirected`, `elapsed`, `msg`, `cookies`,
    `cookies_string`. One round trip. Not run in check mode (as in Ansible).
    """
    public static let spec = ArgumentSpec([
        .init("url", required: true),
        .init("method", default: "GET"),
        .init("body", .raw),
        .init("body_format", default: "raw", choices: ["form-urlencoded", "json", "raw", "form-multipart"]),
        .init("status_code", .list, default: [200], elements: .int),
        .init("return_content", .bool, default: false),
        .init("headers", .dict),
        .init("url_username", aliases: ["user"]),
        .init("url_password", aliases: ["password"], noLog: true),
        .init("force_basic_auth", .bool, default: false),
        .init("validate_certs", .bool, default: true),
        .init("ca_path", .path),
        .init("client_cert", .path),
        .init("client_key", .path),
        .init("dest", .path),
        .init("creates", .path),
        .init("removes", .path),
        .init("timeout", .int, default: 30),
        .init("follow_redirects", default: "safe", choices: ["all", "no", "none", "safe", "urllib2", "yes"]),
        .init("http_agent", default: "ansible-httpget"),
        .init("unix_socket", .path),
        .init("use_proxy", .bool, default: true),
        .init("decompress", .bool, default: true),
        .init("src", .path),
        .init("remote_src", .bool, default: false),
        .init("unredirected_headers", .list, elements: .str),
        .init("use_gssapi", .bool, default: false),
        .init("use_netrc", .bool, default: true),
        .init("ciphers", .list, elements: .str),
        .init("mode", .raw), .init("owner"), .init("group"),
    ])

    public static func run(_ args: Arguments, _ context: ModuleContext) throws -> ModuleResult {
        if context.checkMode { return sysSkippedInCheckMode(name) }
        let url = args.string("url") ?? ""
        let method = (args.string("method") ?? "GET").uppercased()
        var headers = args.dict("headers")
        func hasHeader(_ n: String) -> Bool { headers.keys.contains { $0.lowercased() == n.lowercased() } }

        // The request body travels on stdin.
        var body: Data?
        if let b = args["body"], !b.isNone {
            switch args.string("body_format") ?? "raw" {
            case "json":
                let text: String
                if case .string(let s) = b { text = s } else { text = SysJSON.encode(b) }
                body = Data(text.utf8)
                if !hasHeader("Content-Type") { headers["Content-Type"] = "application/json" }
            case "form-urlencoded":
                body = Data(sysFormEncode(b).utf8)
                if !hasHeader("Content-Type") { headers["Content-Type"] = "application/x-www-form-urlencoded" }
            case "form-multipart":
                return .failed("body_format form-multipart is not supported by swiftplay's uri module")
            default:
                body = Data(b.pythonStr.utf8)
            }
        }
        let follow = args.string("follow_redirects") ?? "safe"
        let followAll = ["all", "yes", "urllib2"].contains(follow) || (follow == "safe" && (method == "GET" || method == "HEAD"))
        var curl = "curl -sS -X \(shellQuote(method)) --max-time \(args.int("timeout") ?? 30) -K \"$sp_t/cfg\" -D \"$sp_t/h\" -o \"$sp_t/b\""
        curl += " -w '%{http_code}\\n%{url_effective}\\n%{num_redirects}\\n%{time_total}\\n'"
        if followAll { curl += " -L" }
        if method == "HEAD" { curl += " -I" }
        if !args.bool("validate_certs") { curl += " -k" }
        if let ca = args.string("ca_path") { curl += " --cacert \(shellQuote(ca))" }
        if let c = args.string("client_cert") { curl += " --cert \(shellQuote(c))" }
        if let k = args.string("client_key") { curl += " --key \(shellQuote(k))" }
        if let s = args.string("unix_socket") { curl += " --unix-socket \(shellQuote(s))" }
        if !args.bool("use_proxy") { curl += " --noproxy '*'" }
        if args.bool("decompress") { curl += " --compressed" }
        if body != nil { curl += " --data-binary @-" } else if let src = args.string("src") { curl += " --data-binary @\(shellQuote(src))" }
        curl += " " + shellQuote(url)
        let cfg = SysCurl.config(headers: headers, user: args.string("url_username"), password: args.string("url_password"),
                                 agent: args.string("http_agent"))
        let bodyMarker = "==swiftplay-body-\(UUID().uuidString)"
        var s = ""
        if let c = args.string("creates") { s += "if [ -e \(shellQuote(c)) ]; then echo '==creates'; exit 0; fi\n" }
        if let r = args.string("removes") { s += "if [ ! -e \(shellQuote(r)) ]; then echo '==removes'; exit 0; fi\n" }
        s += """
        command -v curl >/dev/null 2>&1 || { echo '==nocurl'; exit 0; }
        sp_t=$(mktemp -d) || exit 1
        trap 'rm -rf "$sp_t"' EXIT
        \(SysCurl.writeConfig(cfg))
        echo '==meta'
        \(curl) || { rc=$?; echo '==curlfailed'; echo "$rc"; exit 0; }

        """
        if let dest = args.string("dest") {
            let d = shellQuote(dest)
            s += "echo '==dest'; if [ -d \(d) ]; then f=\(d)/\(shellQuote(GetURLModule.urlFileName(url))); else f=\(d); fi; printf '%s\\n' \"$f\"\n"
            s += "if [ -f \"$f\" ] && cmp -s \"$sp_t/b\" \"$f\"; then echo same; else cp \"$sp_t/b\" \"$f.swiftplay-tmp\" && mv -f \"$f.swiftplay-tmp\" \"$f\" && echo written; fi\n"
        }
        s += "echo '==headers'; cat \"$sp_t/h\"\necho \(shellQuote(bodyMarker)); cat \"$sp_t/b\"\n"
        let r = try context.run(s, stdin: body)
        let text = r.stdoutText
        let head: String, content: String
        if let range = text.range(of: bodyMarker + "\n") {
            head = String(text[..<range.lowerBound])
            content = String(text[range.upperBound...])
        } else {
            head = text
            content = ""
        }
        let out = SysSections(head)
        if out.has("creates") {
            return ModuleResult(changed: false, ["msg": .string("\(args.string("creates") ?? "") exists, skipping"), "skipped": true])
        }
        if out.has("removes") {
            return ModuleResult(changed: false, ["msg": .string("\(args.string("removes") ?? "") does not exist, skipping"), "skipped": true])
        }
        if out.has("nocurl") { return .failed("curl is not installed on the host; the uri module needs it") }
        if r.exitCode != 0 && !out.has("meta") { return sysCommandFailure("uri", r) }
        if out.has("curlfailed") {
            var f = ModuleResult.failed("Status code was -1 and not \(statusList(args)): Request failed: \(sysTrim(r.stderrText))")
            f["status"] = -1
            f["url"] = .string(url)
            f["elapsed"] = 0
            return f
        }
        let meta = out.lines("meta")
        let status = Int(meta.first ?? "") ?? -1
        let effective = meta.count > 1 ? meta[1] : url
        let redirects = meta.count > 2 ? Int(meta[2]) ?? 0 : 0
        let elapsed = meta.count > 3 ? Int(Double(meta[3]) ?? 0) : 0
        let (statusLine, respHeaders) = SysCurl.lastHeaders(out.text("headers"))

        var result = ModuleResult(changed: false)
        var contentType = ""
        var length: String?
        for (k, v) in respHeaders {
            let key = k.lowercased().replacingOccurrences(of: "-", with: "_")
            result[key] = .string(v)
            if key == "content_type" { contentType = v }
            if key == "content_length" { length = v }
        }
        var cookies = OrderedDictionary<String, Value>()
        for (k, v) in respHeaders where k.lowercased() == "set-cookie" {
            let pair = v.split(separator: ";").first.map(String.init) ?? ""
            if let eq = pair.firstIndex(of: "=") { cookies[sysTrim(String(pair[..<eq]))] = .string(String(pair[pair.index(after: eq)...])) }
        }
        result["cookies"] = .dict(cookies)
        result["cookies_string"] = .string(cookies.map { "\($0.key)=\($0.value.pythonStr)" }.joined(separator: "; "))
        result["status"] = .int(status)
        result["url"] = .string(effective)
        result["redirected"] = .bool(redirects > 0)
        result["elapsed"] = .int(elapsed)
        let reason = SysCurl.reason(statusLine)
        result["msg"] = .string("OK (\(length ?? "unknown") bytes)")
        if args.bool("return_content") { result["content"] = .string(content) }
        let lowerType = contentType.lowercased()
        if lowerType.contains("json") || lowerType.hasSuffix("+json"), let js = SysJSON.parse(content) {
            result["json"] = js
        }
        if let dest = out.first("dest") {
            result["path"] = .string(dest)
            result.changed = out.lines("dest").contains("written")
        }
        let accepted = args.list("status_code").compactMap(\.intValue)
        if !accepted.contains(status) {
            result["failed"] = true
            result["msg"] = .string("Status code was \(status) and not \(statusList(args)): HTTP Error \(status): \(reason)")
            if !args.bool("return_content") { result["content"] = .string(content) }
        }
        return result
    }

    static func statusList(_ args: Arguments) -> String {
        "[" + args.list("status_code").map(\.pythonStr).joined(separator: ", ") + "]"
    }
}
