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

    @OptionGroup var common: CommonOptions

    @Option(name: [.customShort("t"), .long], help: "Only run plays and tasks tagged with these values.") var tags: [String] = []
    @Option(name: .customLong("skip-tags"), help: "Only run plays and tasks whose tags do not match.") var skipTags: [String] = []
    @Flag(name: .customLong("list-hosts"), help: "List the matching hosts; run nothing.") var listHosts = false
    @Flag(name: .customLong("list-tasks"), help: "List the tasks that would run.") var listTasks = false
    @Flag(name: .customLong("list-tags"), help: "List all available tags.") var listTags = false
    @Flag(name: .customLong("syntax-check"), help: "Check the playbook's syntax; run nothing.") var syntaxCheck = false
    @Option(name: .customLong("start-at-task"), help: "Start at the task with this name.") var startAtTask: String?
    @Flag(name: .long, help: "One step at a time: confirm each task before running it (on the terminal; without one every task runs).") var step = false
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
        try common.apply(to: &o, config: config, defaultForks: 50)
        o.tags = tags.flatMap { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
        o.skipTags = skipTags.flatMap { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
        o.listHosts = listHosts
        o.listTasks = listTasks
        o.listTags = listTags
        o.syntaxCheck = syntaxCheck
        o.startAtTask = startAtTask
        o.step = step
        o.playbookPath = config.paths("playbook_path")
        o.forceHandlers = forceHandlers || config.flag("force_handlers", env: "FORCE_HANDLERS") == true
        o.errorOnMissingHandler = config.flag("error_on_missing_handler", env: "ERROR_ON_MISSING_HANDLER") ?? true
        o.showCustomStats = config.flag("show_custom_stats", env: "SHOW_CUSTOM_STATS") ?? false
        // The json callback by its short name or the collection name it ships under.
        o.json = ["json", "ansible.posix.json"].contains(output ?? config.setting("stdout_callback", env: "STDOUT_CALLBACK") ?? "default")
        o.factCache.plugin = config.setting("fact_caching", env: "CACHE_PLUGIN") ?? "memory"
        o.factCache.connection = config.setting("fact_caching_connection", env: "CACHE_PLUGIN_CONNECTION")
        o.factCache.prefix = config.setting("fact_caching_prefix", env: "CACHE_PLUGIN_PREFIX") ?? ""
        if let seconds = try config.number("fact_caching_timeout", env: "CACHE_PLUGIN_TIMEOUT") { o.factCache.timeout = seconds }
        o.flushCache = flushCache
        o.allowBrokenConditionals = config.flag("allow_broken_conditionals", env: "ALLOW_BROKEN_CONDITIONALS") ?? true
        o.inspectConditionals = !(env["_ANSIBLE_DISABLE_BACKPORTED_INSPECTIONS"].flatMap(Config.boolean) ?? false)
        o.deprecationWarnings = config.flag("deprecation_warnings", env: "DEPRECATION_WARNINGS") ?? true
        o.jinja2Native = config.flag("jinja2_native", env: "JINJA2_NATIVE") ?? false
        o.strategy = config.setting("strategy", env: "STRATEGY") ?? "linear"
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
