import Foundation
import Jinja
import OrderedCollections
import Transport

/// A Docker Engine API client that runs on the host: each request is one `curl --unix-socket` command.
/// The request (URL, headers, body) goes to curl as a config file on stdin (`curl -K -`), so bodies and
/// credentials (X-Registry-Auth) never appear on a command line.
struct DockerAPI {
    let context: ModuleContext
    let socket: String
    let version: String

    struct Response {
        var status: Int
        var body: Data
        var json: Value? { try? DockerJSON.parse(body) }
        var ok: Bool { (200..<300).contains(status) }
        /// The Engine's `{"message": ...}` error text, or the raw body.
        var message: String {
            if let m = json?["message"]?.stringValue { return m }
            return String(decoding: body, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }

    /// Options every docker module accepts (as community.docker's common arguments). Only local unix
    /// sockets are supported; TLS settings are accepted for compatibility and must stay unset.
    static let commonOptions: [ArgumentSpec.Option] = [
        .init("docker_host", default: "unix:///var/run/docker.sock", aliases: ["docker_url"],
              help: "The Engine socket on the host, unix:///path (TCP endpoints are not supported)."),
        .init("api_version", default: "1.41", aliases: ["docker_api_version"], help: "Engine API version used (auto means 1.41)."),
        .init("timeout", .int, default: 60, help: "Seconds allowed for one API call (pulls and loads get 20x as long)."),
        .init("tls", .bool, default: false), .init("validate_certs", .bool, default: false, aliases: ["tls_verify"]),
        .init("ca_path", .path, aliases: ["ca_cert", "tls_ca_cert", "cacert_path"]),
        .init("client_cert", .path, aliases: ["tls_client_cert", "cert_path"]),
        .init("client_key", .path, aliases: ["tls_client_key", "key_path"]),
        .init("tls_hostname"), .init("debug", .bool, default: false), .init("use_ssh_client", .bool, default: false),
    ]

    init(_ args: Arguments, _ context: ModuleContext) throws {
        self.context = context
        let host = args.string("docker_host") ?? "unix:///var/run/docker.sock"
        guard host.hasPrefix("unix://") else {
            throw ModuleError("docker_host \(host): only unix:// sockets on the host are supported")
        }
        socket = String(host.dropFirst("unix://".count))
        if args.bool("tls") || args.bool("validate_certs") {
            throw ModuleError("TLS connections to the Docker daemon are not supported; the modules use the local socket")
        }
        var v = args.string("api_version") ?? "1.41"
        if v == "auto" { v = "1.41" }
        version = "v" + v
        timeout = args.int("timeout") ?? 60
    }

    var timeout: Int

    /// Percent-encodes a query value.
    static func encode(_ s: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return s.addingPercentEncoding(withAllowedCharacters: allowed) ?? s
    }

    /// One API call. `body` is sent as JSON; `bodyFile` (a path on the host) as raw bytes.
    func request(_ method: String, _ path: String, query: [(String, String)] = [], body: Value? = nil,
                 bodyFile: String? = nil, contentType: String? = nil, headers: [String] = [], longRunning: Bool = false,
                 outputFile: String? = nil) throws -> Response {
        var url = "http://localhost/\(version)\(path)"
        if !query.isEmpty { url += "?" + query.map { "\($0.0)=\(DockerAPI.encode($0.1))" }.joined(separator: "&") }
        var config = [
            "url = \(SysCurl.configQuote(url))",
            "unix-socket = \(SysCurl.configQuote(socket))",
            "request = \(SysCurl.configQuote(method))",
            "silent", "show-error",
            "max-time = \(longRunning ? timeout * 20 : timeout)",
            "write-out = \"\\n%{http_code}\"",
        ]
        for h in headers { config.append("header = \(SysCurl.configQuote(h))") }
        if let outputFile { config.append("output = \(SysCurl.configQuote(outputFile))") }
        if let body {
            config.append("header = \"Content-Type: application/json\"")
            config.append("data-binary = \(SysCurl.configQuote(DockerJSON.serialize(body)))")
        } else if let bodyFile {
            config.append("header = \(SysCurl.configQuote("Content-Type: " + (contentType ?? "application/octet-stream")))")
            config.append("data-binary = \(SysCurl.configQuote("@" + bodyFile))")
        }
        let stdin = Data((config.joined(separator: "\n") + "\n").utf8)
        let r = try context.run("command -v curl >/dev/null 2>&1 || { echo 'curl is not installed on the host' >&2; exit 127; }; curl -K -", stdin: stdin)
        if r.exitCode != 0 {
            let err = r.stderrText.trimmingCharacters(in: .whitespacesAndNewlines)
            if r.exitCode == 7 {
                throw ModuleError("Error connecting: cannot reach the Docker daemon at unix://\(socket) (is it running, and may this user open the socket? use become): \(err)")
            }
            throw ModuleError("Docker API \(method) \(path) failed: \(err.isEmpty ? "curl exit \(r.exitCode)" : err)")
        }
        var out = r.stdout
        guard let nl = out.lastIndex(of: 0x0a) else { throw ModuleError("Docker API \(method) \(path): no response") }
        let status = Int(String(decoding: out[out.index(after: nl)...], as: UTF8.self)) ?? 0
        out = out[out.startIndex..<nl]
        return Response(status: status, body: Data(out))
    }

    /// Streams a GET answer into a file on the host (written to a temporary name, renamed when complete).
    func download(_ what: String, _ path: String, to file: String) throws {
        let tmp = file + ".swiftplay-part"
        let r = try request("GET", path, longRunning: true, outputFile: tmp)
        if !r.ok {
            let body = try context.run("cat -- \(shellQuote(tmp)); rm -f -- \(shellQuote(tmp))")
            let message = (try? DockerJSON.parse(body.stdout))?["message"]?.stringValue ?? body.stdoutText
            throw ModuleError("Error \(what): \(message)")
        }
        let mv = try context.run("mv -f -- \(shellQuote(tmp)) \(shellQuote(file))")
        if mv.exitCode != 0 { throw ModuleError("Error \(what): \(mv.stderrText.trimmingCharacters(in: .whitespacesAndNewlines))") }
    }

    /// GET that returns parsed JSON, nil on 404, and fails on other errors.
    func inspect(_ path: String) throws -> Value? {
        let r = try request("GET", path)
        if r.status == 404 { return nil }
        guard r.ok else { throw ModuleError("Error inspecting \(path): \(r.message)") }
        guard let v = r.json else { throw ModuleError("Error inspecting \(path): unreadable answer") }
        return v
    }

    /// A call that must succeed (2xx); throws with the Engine's message otherwise.
    @discardableResult
    func expect(_ what: String, _ method: String, _ path: String, query: [(String, String)] = [], body: Value? = nil,
                bodyFile: String? = nil, contentType: String? = nil, headers: [String] = [], longRunning: Bool = false) throws -> Response {
        let r = try request(method, path, query: query, body: body, bodyFile: bodyFile, contentType: contentType,
                            headers: headers, longRunning: longRunning)
        guard r.ok else { throw ModuleError("Error \(what): \(r.message)") }
        return r
    }

    /// Errors reported inside a progress stream (pull, push, load answer 200 and then `{"error": ...}`).
    static func streamError(_ body: Data) -> String? {
        for item in DockerJSON.parseStream(body) {
            if let e = item["error"]?.stringValue { return e }
            if let e = item["errorDetail"]?["message"]?.stringValue { return e }
        }
        return nil
    }

    // MARK: images

    /// Splits "repo[:tag]" / "repo@digest" into repository and tag (default "latest").
    static func splitImage(_ name: String, tag: String? = nil) -> (repo: String, tag: String) {
        if name.contains("@") { return (name, "") }
        if let colon = name.lastIndex(of: ":"), !name[colon...].contains("/") {
            return (String(name[..<colon]), String(name[name.index(after: colon)...]))
        }
        return (name, tag ?? "latest")
    }

    static func reference(_ name: String, tag: String? = nil) -> String {
        let (repo, t) = splitImage(name, tag: tag)
        return t.isEmpty ? repo : "\(repo):\(t)"
    }

    func inspectImage(_ ref: String) throws -> Value? {
        try inspect("/images/\(DockerAPI.encode(ref))/json")
    }

    /// Pulls an image; auth comes from the host's ~/.docker/config.json when it has an entry for the registry.
    func pull(_ ref: String) throws {
        let (repo, tag) = DockerAPI.splitImage(ref)
        var query = [("fromImage", repo)]
        if !tag.isEmpty { query.append(("tag", tag)) }
        var headers: [String] = []
        if let auth = try registryAuthHeader(for: repo) { headers.append(auth) }
        let r = try expect("pulling image \(ref)", "POST", "/images/create", query: query, headers: headers, longRunning: true)
        if let e = DockerAPI.streamError(r.body) { throw ModuleError("Error pulling image \(ref): \(e)") }
    }

    /// The registry host of a repository name ("docker.io" when the first part has no '.', ':' or is not localhost).
    static func registry(of repo: String) -> String {
        let parts = repo.split(separator: "/", maxSplits: 1)
        if parts.count == 2, parts[0].contains(".") || parts[0].contains(":") || parts[0] == "localhost" {
            return String(parts[0])
        }
        return "docker.io"
    }

    /// `X-Registry-Auth` from the host's docker config (as the docker CLI and SDK do), or nil.
    func registryAuthHeader(for repo: String) throws -> String? {
        let registry = DockerAPI.registry(of: repo)
        let r = try context.run("cat \"$HOME/.docker/config.json\" 2>/dev/null")
        guard r.exitCode == 0, let config = try? DockerJSON.parse(r.stdout), let auths = config["auths"]?.dictValue else { return nil }
        let keys = registry == "docker.io" ? ["https://index.docker.io/v1/", "docker.io", "index.docker.io"]
            : [registry, "https://\(registry)", "http://\(registry)", "https://\(registry)/v1/", "https://\(registry)/v2/"]
        for k in keys {
            guard let encoded = auths[k]?["auth"]?.stringValue, let raw = Data(base64Encoded: encoded),
                  let text = String(data: raw, encoding: .utf8), let colon = text.firstIndex(of: ":") else { continue }
            let auth: Value = .dict(["username": .string(String(text[..<colon])),
                                     "password": .string(String(text[text.index(after: colon)...])),
                                     "serveraddress": .string(registry)])
            return "X-Registry-Auth: " + DockerAPI.base64url(DockerJSON.serialize(auth))
        }
        return nil
    }

    static func base64url(_ s: String) -> String {
        Data(s.utf8).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
    }
}

/// Small conversions shared by the docker modules.
enum DockerValues {
    /// "512m", "1g", "1024" (bytes) -> bytes, as docker's --memory.
    static func bytes(_ s: String) throws -> Int {
        let t = s.trimmingCharacters(in: .whitespaces).lowercased()
        let units: [(String, Int)] = [("kb", 1 << 10), ("mb", 1 << 20), ("gb", 1 << 30), ("tb", 1 << 40),
                                      ("k", 1 << 10), ("m", 1 << 20), ("g", 1 << 30), ("t", 1 << 40), ("b", 1)]
        for (suffix, mult) in units where t.hasSuffix(suffix) {
            if let n = Double(t.dropLast(suffix.count)) { return Int(n * Double(mult)) }
        }
        if let n = Int(t) { return n }
        throw ModuleError("invalid size '\(s)': expected a number with an optional unit (B, K, M, G, T)")
    }

    /// "1m30s", "10s", "500ms", "2h" -> nanoseconds, as docker's durations.
    static func nanoseconds(_ s: String) throws -> Int {
        let t = s.trimmingCharacters(in: .whitespaces)
        if let n = Int(t) { return n * 1_000_000_000 }
        var total = 0.0
        var number = ""
        var unit = ""
        func flush() throws {
            guard !number.isEmpty, let n = Double(number) else { throw ModuleError("invalid duration '\(s)'") }
            let mult: Double
            switch unit {
            case "ns": mult = 1
            case "us": mult = 1e3
            case "ms": mult = 1e6
            case "s": mult = 1e9
            case "m": mult = 60e9
            case "h": mult = 3600e9
            default: throw ModuleError("invalid duration unit in '\(s)'")
            }
            total += n * mult
            number = ""
            unit = ""
        }
        for ch in t {
            if ch.isNumber || ch == "." {
                if !unit.isEmpty { try flush() }
                number.append(ch)
            } else {
                unit.append(ch)
            }
        }
        try flush()
        return Int(total)
    }

    /// "KEY=VALUE" list, sorted by key, from a dict of env values (booleans rendered as Ansible would quote them).
    static func envList(_ d: OrderedDictionary<String, Value>) -> [String] {
        d.map { "\($0.key)=\(envString($0.value))" }
    }

    static func envString(_ v: Value) -> String {
        switch v {
        case .none: return ""
        case .bool(let b): return b ? "True" : "False"
        default: return v.pythonStr
        }
    }
}
