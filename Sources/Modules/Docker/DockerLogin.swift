import Foundation
import Jinja
import OrderedCollections
import Transport

/// `docker_login` (community.docker): logs in to a registry through the Engine and records the
/// credentials in the docker config file on the host, as `docker login` does.
public enum DockerLoginModule: Module {
    public static let name = "docker_login"
    public static let aliases = ["community.docker.docker_login", "community.general.docker_login"]
    public static let documentation = """
    # docker_login
    `state: present` checks the credentials with the Engine (`/auth`, which contacts the registry) when
    they are new or `reauthorize` is set, then writes `auths[registry_url].auth` (base64 of
    `user:password`) into `config_path` (default `~/.docker/config.json` of the remote user, mode 0600,
    other entries kept). Nothing changes when the file already holds these credentials.
    `state: absent` removes the registry's entry. The password is sent over stdin only and is never
    returned. Credential helpers (`credsStore`) are not used.
    """
    public static let spec = ArgumentSpec([
        .init("registry_url", default: "https://index.docker.io/v1/", aliases: ["registry", "url"]),
        .init("username"), .init("password", noLog: true), .init("email"),
        .init("reauthorize", .bool, default: false, aliases: ["reauth"]),
        .init("config_path", .path, default: "~/.docker/config.json", aliases: ["dockercfg_path"]),
        .init("state", default: "present", choices: ["present", "absent"]),
    ] + DockerAPI.commonOptions, requiredIf: [("state", "present", ["username", "password"])])

    public static func run(_ args: Arguments, _ context: ModuleContext) throws -> ModuleResult {
        let api = try DockerAPI(args, context)
        let registry = args.string("registry_url") ?? "https://index.docker.io/v1/"
        var path = args.string("config_path") ?? "~/.docker/config.json"
        if path.hasPrefix("~/") {
            let home = try context.run("printf %s \"$HOME\"").stdoutText
            guard !home.isEmpty else { throw ModuleError("cannot find the remote user's home directory") }
            path = home + path.dropFirst(1)
        }
        let read = try context.run("if [ -e \(shellQuote(path)) ]; then cat -- \(shellQuote(path)); fi")
        if read.exitCode != 0 { throw ModuleError("Cannot read \(path): \(read.stderrText.trimmingCharacters(in: .whitespacesAndNewlines))") }
        var config: OrderedDictionary<String, Value> = [:]
        if !read.stdout.isEmpty {
            guard let parsed = try? DockerJSON.parse(read.stdout), let d = parsed.dictValue else {
                throw ModuleError("\(path) is not a JSON object")
            }
            config = d
        }
        var auths = config["auths"]?.dictValue ?? [:]

        if args.string("state") == "absent" {
            guard auths[registry] != nil else { return ModuleResult(changed: false, ["msg": .string("No auth for \(registry) in \(path)")]) }
            auths[registry] = nil
            config["auths"] = .dict(auths)
            if !context.checkMode { try write(config, to: path, context) }
            return ModuleResult(changed: true, ["msg": .string("Removed \(registry) from \(path)")])
        }

        let user = args.string("username") ?? ""
        let password = args.string("password") ?? ""
        let encoded = Data("\(user):\(password)".utf8).base64EncodedString()
        let current = auths[registry]?["auth"]?.stringValue
        if current == encoded && !args.bool("reauthorize") {
            return ModuleResult(changed: false, ["login_result": .dict(["Status": "Login Succeeded", "username": .string(user), "serveraddress": .string(registry)])])
        }
        var status: Value = "Login Succeeded"
        if !context.checkMode {
            var body: OrderedDictionary<String, Value> = ["username": .string(user), "password": .string(password), "serveraddress": .string(registry)]
            if let email = args.string("email") { body["email"] = .string(email) }
            let r = try api.request("POST", "/auth", body: .dict(body), longRunning: true)
            guard r.ok else {
                // The Engine's message names the registry, never the password.
                let message = password.isEmpty ? r.message : r.message.replacingOccurrences(of: password, with: "********")
                return .failed("Logging into \(registry) for user \(user) failed - \(message)")
            }
            if let s = r.json?["Status"] { status = s }
            var entry = auths[registry]?.dictValue ?? [:]
            entry["auth"] = .string(encoded)
            auths[registry] = .dict(entry)
            config["auths"] = .dict(auths)
            try write(config, to: path, context)
        }
        return ModuleResult(changed: current != encoded, ["login_result": .dict(["Status": status, "username": .string(user), "serveraddress": .string(registry)])])
    }

    static func write(_ config: OrderedDictionary<String, Value>, to path: String, _ context: ModuleContext) throws {
        let dir = (path as NSString).deletingLastPathComponent
        if !dir.isEmpty {
            let r = try context.run("[ -d \(shellQuote(dir)) ] || mkdir -m 0700 -p \(shellQuote(dir))")
            if r.exitCode != 0 { throw ModuleError("Cannot create \(dir): \(r.stderrText.trimmingCharacters(in: .whitespacesAndNewlines))") }
        }
        try context.connection.put(Data((DockerJSON.serialize(.dict(config)) + "\n").utf8), to: path, mode: "0600", become: context.become)
    }
}
