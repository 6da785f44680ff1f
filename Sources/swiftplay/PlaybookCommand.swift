import ArgumentParser
import DataLoader
import Executor
import Foundation
import Inventory
import Jinja
import Output
import Playbook

/// Runs playbooks with ansible-playbook's options.
struct PlaybookCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "playbook", abstract: "Run playbooks (the default command).")

    @Option(name: [.short, .customLong("inventory"), .customLong("inventory-file")], help: "Inventory file, directory or host list (repeatable).")
    var inventory: [String] = []
    @Option(name: [.short, .long], help: "Further limit selected hosts to a pattern.") var limit: String?
    @Option(name: [.customShort("t"), .long], help: "Only run plays and tasks tagged with these values.") var tags: [String] = []
    @Option(name: .customLong("skip-tags"), help: "Only run plays and tasks whose tags do not match.") var skipTags: [String] = []
    @Flag(name: [.customShort("C"), .long], help: "Don't make any changes; predict some of the changes.") var check = false
    @Flag(name: [.customShort("D"), .long], help: "Show the differences in changed files.") var diff = false
    @Option(name: [.customShort("e"), .customLong("extra-vars")], help: "key=value, YAML/JSON, or @file (repeatable).")
    var extraVars: [String] = []
    @Option(name: [.short, .long], help: "Number of hosts run in parallel.") var forks: Int?
    @Flag(name: .short, help: "Verbose mode (-vvv for more).") var verbose: Int
    @Flag(name: .customLong("list-hosts"), help: "List the matching hosts; run nothing.") var listHosts = false
    @Flag(name: .customLong("list-tasks"), help: "List the tasks that would run.") var listTasks = false
    @Flag(name: .customLong("list-tags"), help: "List all available tags.") var listTags = false
    @Flag(name: .customLong("syntax-check"), help: "Check the playbook's syntax; run nothing.") var syntaxCheck = false
    @Option(name: .customLong("start-at-task"), help: "Start at the task with this name.") var startAtTask: String?
    @Flag(name: .long, help: "One step at a time: confirm each task before running it (on the terminal; without one every task runs).") var step = false
    @Flag(name: [.short, .long], help: "Run operations with become.") var become = false
    @Option(name: .customLong("become-user"), help: "Run operations as this user (default root).") var becomeUser: String?
    @Option(name: .customLong("become-method"), help: "Privilege escalation method: sudo or su.") var becomeMethod: String?
    @Flag(name: [.customShort("K"), .customLong("ask-become-pass")], help: "Ask for the privilege escalation password.") var askBecomePass = false
    @Flag(name: [.customShort("k"), .customLong("ask-pass")], help: "Ask for the connection password.") var askPass = false
    @Option(name: [.short, .long], help: "Connect as this user.") var user: String?
    @Option(name: [.customLong("private-key"), .customLong("key-file")], help: "Use this file to authenticate.") var privateKey: String?
    @Option(name: [.short, .long], help: "Connection type (ssh, local).") var connection: String?
    @Option(name: [.customShort("T"), .long], help: "Connection timeout in seconds.") var timeout: Int?
    @Flag(name: .customLong("force-handlers"), help: "Run handlers even if a task fails.") var forceHandlers = false
    @Flag(name: .customLong("flush-cache"), help: "Clear the fact cache.") var flushCache = false
    @Option(name: .long, help: "Output format: text (default) or json.") var output: String?
    @Argument(help: "Playbook(s) to run.") var playbooks: [String] = []

    func validate() throws {
        if playbooks.isEmpty { throw ValidationError("the following arguments are required: playbook") }
        if let output, output != "text" && output != "json" { throw ValidationError("--output must be text or json") }
    }

    func run() throws {
        let config = try Config.load()
        var o = RunOptions()
        let env = ProcessInfo.processInfo.environment
        o.inventorySources = inventory.isEmpty ? InventorySources.configured(config) : inventory.map { spec in
            spec.contains(",") && !FileManager.default.fileExists(atPath: spec) ? spec : config.resolve(spec)
        }
        o.limit = limit
        o.tags = tags.flatMap { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
        o.skipTags = skipTags.flatMap { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
        o.check = check
        o.diff = diff || config.bool("always", section: "diff") == true
        o.extraVars = try ExtraVars.parse(extraVars)
        o.forks = forks ?? config.value("forks").flatMap { Int($0) } ?? 50
        o.verbosity = verbose
        o.listHosts = listHosts
        o.listTasks = listTasks
        o.listTags = listTags
        o.syntaxCheck = syntaxCheck
        o.startAtTask = startAtTask
        o.step = step
        o.become = become || config.bool("become", section: "privilege_escalation") == true
        o.becomeUser = becomeUser ?? config.value("become_user", section: "privilege_escalation")
        o.becomeMethod = becomeMethod ?? config.value("become_method", section: "privilege_escalation")
        (o.connectionPassword, o.becomePassword) = Prompt.passwords(askPass: askPass, askBecomePass: askBecomePass)
        o.remoteUser = user ?? config.value("remote_user")
        o.privateKey = privateKey ?? config.value("private_key_file")
        o.connection = connection
        o.timeout = timeout ?? config.value("timeout").flatMap { Int($0) } ?? 10
        let forceHandlersEnv = env["ANSIBLE_FORCE_HANDLERS"].map { ["1", "true", "yes", "on", "y", "t"].contains($0.lowercased()) }
        o.forceHandlers = forceHandlers || (forceHandlersEnv ?? config.bool("force_handlers") ?? false)
        let missingHandlerEnv = env["ANSIBLE_ERROR_ON_MISSING_HANDLER"].map { ["1", "true", "yes", "on", "y", "t"].contains($0.lowercased()) }
        o.errorOnMissingHandler = missingHandlerEnv ?? config.bool("error_on_missing_handler") ?? true
        let statsEnv = (env["SWIFTPLAY_SHOW_CUSTOM_STATS"] ?? env["ANSIBLE_SHOW_CUSTOM_STATS"]).map { ["1", "true", "yes", "on"].contains($0.lowercased()) }
        o.showCustomStats = statsEnv ?? config.bool("show_custom_stats") ?? false
        let hkcEnv = (env["SWIFTPLAY_HOST_KEY_CHECKING"] ?? env["ANSIBLE_HOST_KEY_CHECKING"]).map { ["1", "true", "yes", "on"].contains($0.lowercased()) }
        o.hostKeyChecking = hkcEnv ?? config.bool("host_key_checking") ?? true
        o.rolesPath = config.paths("roles_path") + (env["ANSIBLE_ROLES_PATH"].map { $0.split(separator: ":").map(String.init) } ?? [])
        o.playbookPath = config.paths("playbook_path")
        o.json = (output ?? config.value("stdout_callback")) == "json"
        o.factCache.plugin = config.setting("fact_caching", env: "CACHE_PLUGIN") ?? "memory"
        o.factCache.connection = config.setting("fact_caching_connection", env: "CACHE_PLUGIN_CONNECTION")
        o.factCache.prefix = config.setting("fact_caching_prefix", env: "CACHE_PLUGIN_PREFIX") ?? ""
        if let t = config.setting("fact_caching_timeout", env: "CACHE_PLUGIN_TIMEOUT") {
            guard let seconds = Int(t.trimmingCharacters(in: .whitespaces)) else {
                throw ValidationError("fact_caching_timeout must be a number of seconds, got '\(t)'")
            }
            o.factCache.timeout = seconds
        }
        o.flushCache = flushCache
        o.allowBrokenConditionals = config.flag("allow_broken_conditionals", env: "ALLOW_BROKEN_CONDITIONALS") ?? true
        o.inspectConditionals = !(env["_ANSIBLE_DISABLE_BACKPORTED_INSPECTIONS"].flatMap(Config.boolean) ?? false)
        o.deprecationWarnings = config.flag("deprecation_warnings", env: "DEPRECATION_WARNINGS") ?? true
        o.jinja2Native = config.flag("jinja2_native", env: "JINJA2_NATIVE") ?? false
        o.strategy = config.setting("strategy", env: "STRATEGY") ?? "linear"
        let colorEnv = env["SWIFTPLAY_FORCE_COLOR"] ?? env["ANSIBLE_FORCE_COLOR"]
        o.color = env["NO_COLOR"] == nil && (colorEnv.map { ["1", "true", "yes"].contains($0.lowercased()) } ?? (isatty(1) == 1))
        let callback: Callback = o.json ? JSONCallback() : DefaultCallback(verbosity: o.verbosity, color: o.color, diff: o.diff)
        let inventory = try Inventory(sources: o.inventorySources)
        let runner = PlaybookRunner(options: o, inventory: inventory, callback: callback)
        let code = try runner.run(playbooks: playbooks.map { config.resolve($0) })
        if code != .ok { throw ExitCode(code.rawValue) }
    }
}

/// -e values: key=value pairs, inline YAML/JSON, or @file.
enum ExtraVars {
    static func parse(_ specs: [String]) throws -> Vars {
        var out: Vars = [:]
        for spec in specs {
            let s = spec.trimmingCharacters(in: .whitespaces)
            if s.hasPrefix("@") {
                let file = String(s.dropFirst())
                guard let node = try YAMLLoader.load(file: file) else { continue }
                guard case .dict(let d) = node.value else { throw SourceError("extra vars file must contain a mapping", at: node.mark) }
                out.merge(d) { $1 }
            } else if s.hasPrefix("{") || s.hasPrefix("[") {
                guard let node = try YAMLLoader.load(text: s, file: "<extra vars>"), case .dict(let d) = node.value else {
                    throw SourceError("extra vars must be a mapping: \(s)", at: nil)
                }
                out.merge(d) { $1 }
            } else {
                for token in try KeyValue.split(s) {
                    guard let eq = token.firstIndex(of: "=") else {
                        throw ValidationError("invalid extra vars '\(token)': expected key=value, YAML/JSON or @file")
                    }
                    out[String(token[..<eq])] = .string(KeyValue.unquote(String(token[token.index(after: eq)...])))
                }
            }
        }
        return out
    }
}

enum KeyValue {
    static func split(_ s: String) throws -> [String] {
        var tokens: [String] = [], cur = ""
        var quote: Character?
        for c in s {
            if let q = quote { cur.append(c); if c == q { quote = nil }; continue }
            if c == "'" || c == "\"" { quote = c; cur.append(c); continue }
            if c == " " { if !cur.isEmpty { tokens.append(cur); cur = "" }; continue }
            cur.append(c)
        }
        if quote != nil { throw ValidationError("unbalanced quotes in '\(s)'") }
        if !cur.isEmpty { tokens.append(cur) }
        return tokens
    }

    static func unquote(_ s: String) -> String {
        if s.count >= 2, let f = s.first, f == s.last, f == "'" || f == "\"" { return String(s.dropFirst().dropLast()) }
        return s
    }
}

enum Prompt {
    /// -k and -K, asked in ansible's order; an empty become password then means the SSH one.
    static func passwords(askPass: Bool, askBecomePass: Bool) -> (ssh: String?, become: String?) {
        let ssh = askPass ? secret("SSH password: ") : nil
        guard askBecomePass else { return (ssh, nil) }
        guard let ssh else { return (nil, secret("BECOME password: ")) }
        let answer = secret("BECOME password[defaults to SSH password]: ")
        return (ssh, answer.isEmpty ? ssh : answer)
    }

    /// Reads a secret from the terminal without echo; without a terminal, a line of stdin.
    static func secret(_ prompt: String) -> String {
        guard let terminal = Terminal.open() else { return readLine() ?? "" }
        return terminal.ask(prompt, echo: false) ?? ""
    }
}
