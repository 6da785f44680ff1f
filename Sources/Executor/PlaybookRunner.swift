import DataLoader
import Foundation
import Inventory
import Jinja
import Modules
import OrderedCollections
import Output
import Playbook
import Templating
import Transport

/// Runs playbooks: the heart of `swiftplay`. Returns ansible-playbook's exit codes.
public final class PlaybookRunner {
    public enum ExitCode: Int32 {
        case ok = 0, error = 1, hostsFailed = 2, unreachable = 4, parseError = 5, interrupted = 99
    }

    let options: RunOptions
    let inventory: Inventory
    let loader: PlaybookLoader
    let callback: Callback
    let templatingContext = TemplatingContext()
    lazy var templar = Templar(context: templatingContext)
    let tagFilter: TagFilter
    var hostStates: [String: HostState] = [:]
    let statesLock = NSLock()
    let connections: ConnectionPool
    /// Tasks running with `async`.
    let jobs = AsyncJobs()
    var playbookDir = FileManager.default.currentDirectoryPath
    /// Set by the first fatal error that stops the whole run (e.g. a syntax error in an include).
    var anyUnreachable = false
    var anyFailed = false
    /// --start-at-task: tasks are skipped until one with this name is reached.
    var startAtTaskPending: String?
    var shownDeprecations = Set<String>()
    /// The persistent fact cache (jsonfile), nil for the default memory cache.
    var factCache: FactCache?
    /// --step: ask before each task until the user answers "continue" (or there is no terminal).
    var stepping: Bool
    /// set_stats data, shown after the recap with show_custom_stats.
    let customStats = CustomStats()
    /// Serialises add_host / group_by changes to the inventory.
    let inventoryLock = NSLock()
    /// The user's terminal, opened when a question must be asked (--step, vars_prompt).
    lazy var terminal: Terminal? = Terminal.open()

    public init(options: RunOptions, inventory: Inventory, callback: Callback) {
        self.options = options
        self.inventory = inventory
        self.callback = callback
        self.loader = PlaybookLoader(rolesPath: options.rolesPath, playbookPath: options.playbookPath)
        self.tagFilter = TagFilter(tags: options.tags, skipTags: options.skipTags)
        self.connections = ConnectionPool(options: options)
        if options.verbosity >= 4 { connections.trace = { [callback] in callback.message($0) } }
        self.startAtTaskPending = options.startAtTask
        self.stepping = options.step
        configureTemplating()
        loader.renderStatic = { [unowned self] text, vars in
            try self.templar.render(text, VarScope(layers: [vars, self.options.extraVars], magic: [:], templar: self.templar)).pythonStr
        }
        templar.allowBrokenConditionals = options.allowBrokenConditionals
        templar.inspectConditionals = options.inspectConditionals
        templar.deprecate = { [weak self] message in self?.deprecation(message) }
    }

    /// Shows a deprecation once per run, unless deprecation warnings are off.
    func deprecation(_ message: String) {
        guard options.deprecationWarnings else { return }
        statesLock.lock()
        let new = shownDeprecations.insert(message).inserted
        statesLock.unlock()
        if new { callback.deprecation(message) }
    }

    /// Loads every playbook first (so a syntax error anywhere stops before anything runs), then runs.
    public func run(playbooks: [String]) throws -> ExitCode {
        factCache = try FactCache.make(options.factCache)
        factCache?.warn = { [weak self] in self?.callback.warning($0) }
        if options.flushCache, let cache = factCache {
            for host in inventory.hosts(matching: "all") { cache.remove(host) }
        }
        var loaded: [(given: String, path: String, plays: [Play])] = []
        for given in playbooks {
            let resolved = try loader.resolvePlaybook(given, relativeTo: FileManager.default.currentDirectoryPath, mark: nil)
            loader.playbookBaseDir = (resolved as NSString).deletingLastPathComponent
            let plays = try loader.loadPlaybook(resolved)
            try Validation.check(plays, library: options.library, playbookDir: loader.playbookBaseDir)
            loaded.append((given, resolved, plays))
        }
        if options.syntaxCheck {
            for entry in loaded { callback.message("\nplaybook: \(entry.given)") }
            return .ok
        }
        for w in inventory.warnings { callback.warning(w) }
        for (given, path, plays) in loaded {
            playbookDir = (path as NSString).deletingLastPathComponent
            loader.playbookBaseDir = playbookDir
            if options.listHosts || options.listTasks || options.listTags {
                try Listing(runner: self).list(path: given, plays: plays)
                continue
            }
            if options.verbosity >= 2 {
                let banner = "PLAYBOOK: \((path as NSString).lastPathComponent)"
                callback.message("\n\(banner) \(String(repeating: "*", count: max(3, 79 - banner.count)))")
                callback.message("\(plays.count) plays in \(given)")
            }
            for play in plays {
                let keepGoing = try PlayRunner(runner: self, play: play).run()
                if !keepGoing { break }
            }
        }
        if options.listHosts || options.listTasks || options.listTags { return .ok }
        // ansible-playbook's recap lists hosts sorted by name.
        let order = hostStates.keys.sorted { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) }
        var custom: CustomStatsData?
        if options.showCustomStats && !customStats.isEmpty {
            let hosts = customStats.perHost.keys.sorted { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) }
            custom = CustomStatsData(perHost: hosts.map { ($0, customStats.perHost[$0] ?? [:]) },
                                     run: customStats.run.isEmpty ? nil : customStats.run)
        }
        callback.recap(order.compactMap { h in hostStates[h].map { (h, $0.stats) } }, custom: custom)
        connections.closeAll()
        if anyUnreachable { return .unreachable }
        // meta: clear_host_errors forgives earlier failures (they stay in the recap).
        if anyFailed && hostStates.values.contains(where: \.failed) { return .hostsFailed }
        return .ok
    }

    func state(_ host: String) -> HostState {
        statesLock.lock()
        defer { statesLock.unlock() }
        if let s = hostStates[host] { return s }
        let s = HostState(name: host)
        s.facts = factCache?.load(host) ?? [:]
        hostStates[host] = s
        return s
    }

    /// A host's facts: those of this run, else the cached ones (hostvars of hosts not yet seen).
    func facts(of host: String) -> Vars {
        existingState(host)?.facts ?? factCache?.load(host) ?? [:]
    }

    func existingState(_ host: String) -> HostState? {
        statesLock.lock()
        defer { statesLock.unlock() }
        return hostStates[host]
    }
}
