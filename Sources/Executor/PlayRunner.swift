import DataLoader
import Foundation
import Inventory
import Jinja
import Modules
import OrderedCollections
import Output
import Playbook

/// Runs one play: host selection, serial batches, fact gathering, the task sections and handlers,
/// with the linear or free strategy.
final class PlayRunner {
    let runner: PlaybookRunner
    let play: Play
    var playHosts: [String] = []
    var batch: [String] = []
    var inventoryVars: [String: Vars] = [:]
    let lock = NSLock()
    var varsFilesLayer: Vars = [:]
    /// Handler tasks in order, with their (templated) names and listen topics.
    var handlers: [Task] = []
    /// Handler names templated with the play's variables (nil: unusable), computed once.
    var handlerNames: [ObjectIdentifier: String?] = [:]
    var stopPlay = false
    /// The play stops because of any_errors_fatal: `always` sections still run, and
    /// meta: clear_host_errors lets the play go on.
    var fatalStop = false

    init(runner: PlaybookRunner, play: Play) {
        self.runner = runner
        self.play = play
    }

    var options: RunOptions { runner.options }
    var callback: Callback { runner.callback }

    /// Returns false when the run must stop (every host failed, as ansible-playbook does).
    func run() throws -> Bool {
        // ansible-playbook asks vars_prompt questions before it looks at the hosts.
        for (name, value) in try promptedVars() { varsFilesLayer[name] = value }
        let pattern = play.hosts.listValue?.map(\.pythonStr).joined(separator: ",") ?? play.hosts.pythonStr
        let patternText = try runner.templar.render(pattern, DictVariables(options.extraVars.reduce(into: [:]) { $0[$1.key] = $1.value })).pythonStr
        let selected = try runner.inventory.hosts(matching: patternText, limit: options.limit)
        // Hosts that failed or were unreachable in earlier plays are left out.
        playHosts = ordered(selected.filter { h in runner.hostStates[h].map { !$0.failed && !$0.unreachable } ?? true })
        if playHosts.isEmpty {
            callback.playStart(name: try playName())
            callback.noHostsMatched()
            return true
        }
        handlers = play.allHandlers.flatMap(\.allTasks)
        for batch in try batches() {
            self.batch = batch
            // Each serial batch is shown as its own play, as ansible-playbook does.
            callback.playStart(name: try playName())
            try runBatch(batch)
            if stopPlay { break }
        }
        let remaining = playHosts.filter { runner.state($0).active || runner.state($0).ended }
        for h in playHosts { runner.state(h).ended = false }
        return !remaining.isEmpty || playHosts.isEmpty
    }

    func playName() throws -> String {
        guard let name = play.name else { return play.displayName }
        return try runner.templar.render(name, scope(host: nil, task: nil)).pythonStr
    }

    /// vars_prompt: asks on the terminal (private answers without echo; an empty answer takes the
    /// default); a variable given with -e is not asked. Without a terminal the default is used.
    func promptedVars() throws -> Vars {
        var out: Vars = [:]
        for p in play.varsPrompt where options.extraVars[p.name] == nil {
            guard let terminal = runner.terminal else {
                out[p.name] = p.defaultValue ?? .string("")
                continue
            }
            let question = p.prompt + (p.defaultValue.map { " [\($0.pythonStr)]" } ?? "") + ": "
            var answer = terminal.ask(question, echo: !p.isPrivate) ?? ""
            while p.confirm && (terminal.ask("confirm " + question, echo: !p.isPrivate) ?? "") != answer {
                terminal.write("***** VALUES ENTERED DO NOT MATCH ****\n")
                answer = terminal.ask(question, echo: !p.isPrivate) ?? ""
            }
            out[p.name] = answer.isEmpty ? (p.defaultValue ?? .string("")) : .string(answer)
            if let scheme = p.encrypt, let value = out[p.name] {
                out[p.name] = try encryptPrompted(value, scheme: scheme, salt: p.salt, saltSize: p.saltSize)
            }
        }
        return out
    }

    /// vars_prompt `encrypt`: the answer hashed as the password_hash filter hashes it.
    func encryptPrompted(_ value: Value, scheme: String, salt: String?, saltSize: Int?) throws -> Value {
        var vars: [String: Value] = ["value": value, "scheme": .string(scheme), "salt": salt.map(Value.string) ?? .none]
        var expression = "value | password_hash(scheme, salt"
        if let saltSize {
            vars["size"] = .int(saltSize)
            expression += ", salt_size=size"
        }
        return try runner.templar.evaluate(expression + ")", DictVariables(vars))
    }

    func batches() throws -> [[String]] {
        guard let serial = play.serial else { return [playHosts] }
        let specs = serial.listValue ?? [serial]
        var sizes: [Int] = []
        for s in specs {
            let text = s.pythonStr.trimmingCharacters(in: .whitespaces)
            if text.hasSuffix("%"), let pct = Double(text.dropLast()) {
                sizes.append(max(1, Int(Double(playHosts.count) * pct / 100)))
            } else if let n = s.intValue, n > 0 {
                sizes.append(n)
            } else {
                sizes.append(playHosts.count)
            }
        }
        var out: [[String]] = []
        var i = 0, k = 0
        while i < playHosts.count {
            let size = sizes[min(k, sizes.count - 1)]
            out.append(Array(playHosts[i..<min(playHosts.count, i + size)]))
            i += size
            k += 1
        }
        return out
    }

    func runBatch(_ hosts: [String]) throws {
        varsFilesLayer.merge(try loadVarsFiles(hosts.first ?? "localhost")) { $1 }
        if try gatherFactsEnabled() {
            try runTask(factsTask(), hosts: hosts.filter { runner.state($0).active })
        }
        let sections: [[TaskNode]] = [play.preTasks, roleTasks(), play.tasks, play.postTasks]
        for (i, section) in sections.enumerated() {
            if stopPlay { break }
            try runSection(section, hosts: hosts)
            // Handlers flush after pre_tasks, after roles+tasks, and after post_tasks.
            if i != 1 { try flushHandlers(hosts) }
        }
    }

    func runSection(_ nodes: [TaskNode], hosts: [String]) throws {
        if (play.strategy ?? options.strategy) == "free" {
            // Each host goes through the section at its own pace.
            try parallel(hosts) { host in try self.runNodes(nodes, hosts: [host], rescuable: false) }
        } else {
            try runNodes(nodes, hosts: hosts, rescuable: false)
        }
    }

    func roleTasks() -> [TaskNode] {
        var out: [TaskNode] = []
        var seen = Set<ObjectIdentifier>()
        func add(_ r: RoleInstance) {
            for d in r.dependencies { add(d) }
            guard r.allowDuplicates || seen.insert(ObjectIdentifier(r)).inserted else { return }
            out += r.tasks
        }
        play.roles.forEach(add)
        return out
    }

    func gatherFactsEnabled() throws -> Bool {
        if let g = play.gatherFacts { return try runner.templar.conditional(g, scope(host: nil, task: nil)) }
        return true
    }

    func factsTask() -> Task {
        var args: Vars = [:]
        if let subset = play.gatherSubset { args["gather_subset"] = subset }
        let t = Task(action: "setup", args: args, mark: play.mark, inherited: play.inherited)
        t.name = "Gathering Facts"
        t.when = play.when
        t.ownTags = ["always"]
        return t
    }

    func loadVarsFiles(_ host: String) throws -> Vars {
        var out: Vars = [:]
        for entry in play.varsFiles {
            // A list entry means "the first of these that exists".
            let candidates = entry.listValue ?? [entry]
            var loaded = false
            for c in candidates {
                let name = try runner.templar.render(c.pythonStr, scope(host: host, task: nil)).pythonStr
                // Like Ansible, a relative name is looked up in the play's vars/ folder first.
                let vars = name.hasPrefix("vars/") ? [] : [play.baseDir + "/vars/" + name]
                let paths = name.hasPrefix("/") || name.hasPrefix("~") ? [(name as NSString).expandingTildeInPath] : vars + [play.baseDir + "/" + name]
                if let path = paths.first(where: { FileManager.default.fileExists(atPath: $0) }) {
                    out.merge(try runner.loader.loadVars(file: path)) { $1 }
                    loaded = true
                    break
                }
            }
            if !loaded && entry.listValue == nil {
                throw SourceError("vars file \(entry.pythonStr) was not found", at: play.mark)
            }
        }
        return out
    }

    /// Runs `body` for each host in parallel, at most `forks` at a time; rethrows the first error.
    /// The play's hosts in the order its `order` keyword asks for.
    func ordered(_ hosts: [String]) -> [String] {
        let byName = { (a: String, b: String) in a.unicodeScalars.lexicographicallyPrecedes(b.unicodeScalars) }
        switch play.order {
        case "reverse_inventory": return hosts.reversed()
        case "sorted": return hosts.sorted(by: byName)
        case "reverse_sorted": return hosts.sorted(by: byName).reversed()
        case "shuffle": return hosts.shuffled()
        default: return hosts
        }
    }

    /// Runs `body` for each host in threads, at most `forks` (or the task's `throttle`) at a time.
    func parallel(_ hosts: [String], limit: Int? = nil, _ body: @escaping (String) throws -> Void) throws {
        if hosts.count == 1 { try body(hosts[0]); return }
        let semaphore = DispatchSemaphore(value: max(1, min(options.forks, limit ?? options.forks)))
        let group = DispatchGroup()
        var firstError: Error?
        let errLock = NSLock()
        for h in hosts {
            semaphore.wait()
            group.enter()
            let thread = Thread {
                defer { semaphore.signal(); group.leave() }
                do { try body(h) } catch {
                    errLock.lock()
                    if firstError == nil { firstError = error }
                    errLock.unlock()
                }
            }
            thread.stackSize = 8 << 20  // deep templates recurse
            thread.start()
        }
        group.wait()
        if let firstError { throw firstError }
    }
}
