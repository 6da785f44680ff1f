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
    var playbookDir = FileManager.default.currentDirectoryPath
    /// Set by the first fatal error that stops the whole run (e.g. a syntax error in an include).
    var anyUnreachable = false
    var anyFailed = false
    /// --start-at-task: tasks are skipped until one with this name is reached.
    var startAtTaskPending: String?

    public init(options: RunOptions, inventory: Inventory, callback: Callback) {
        self.options = options
        self.inventory = inventory
        self.callback = callback
        self.loader = PlaybookLoader(rolesPath: options.rolesPath, playbookPath: options.playbookPath)
        self.tagFilter = TagFilter(tags: options.tags, skipTags: options.skipTags)
        self.connections = ConnectionPool(options: options)
        self.startAtTaskPending = options.startAtTask
        configureTemplating()
    }

    /// Loads every playbook first (so a syntax error anywhere stops before anything runs), then runs.
    public func run(playbooks: [String]) throws -> ExitCode {
        var loaded: [(given: String, path: String, plays: [Play])] = []
        for given in playbooks {
            let resolved = try loader.resolvePlaybook(given, relativeTo: FileManager.default.currentDirectoryPath, mark: nil)
            loader.playbookBaseDir = (resolved as NSString).deletingLastPathComponent
            let plays = try loader.loadPlaybook(resolved)
            try Validation.check(plays)
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
        let order = inventoryOrder(Array(hostStates.keys))
        callback.recap(order.compactMap { h in hostStates[h].map { (h, $0.stats) } })
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
        hostStates[host] = s
        return s
    }

    func existingState(_ host: String) -> HostState? {
        statesLock.lock()
        defer { statesLock.unlock() }
        return hostStates[host]
    }

    func inventoryOrder(_ hosts: [String]) -> [String] {
        let all = inventory.hosts(matching: "all")
        let index = Dictionary(all.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        return hosts.sorted { (index[$0] ?? Int.max, $0) < (index[$1] ?? Int.max, $1) }
    }
}
