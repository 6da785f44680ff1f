import Foundation
import Jinja
import Modules
import OrderedCollections
import Playbook

extension PlayRunner {
    /// Runs tasks and blocks in order on the hosts that are still active (linear strategy: every
    /// host finishes a task before the next starts). `rescuable`: a failure will be handled by an
    /// enclosing block's rescue, so it does not count as a failed host yet.
    func runNodes(_ nodes: [TaskNode], hosts: [String], rescuable: Bool) throws {
        for node in nodes {
            if stopPlay { return }
            let active = hosts.filter { runner.state($0).active }
            if active.isEmpty { return }
            switch node {
            case .task(let task): try runTask(task, hosts: active, rescuable: rescuable)
            case .block(let block): try runBlock(block, hosts: active, rescuable: rescuable)
            }
        }
    }

    func runBlock(_ block: Block, hosts: [String], rescuable: Bool) throws {
        let hasRescue = !block.rescue.isEmpty
        try runNodes(block.body, hosts: hosts, rescuable: rescuable || hasRescue)
        let failed = hosts.filter { runner.state($0).failed }
        if hasRescue && !failed.isEmpty {
            for h in failed {
                let s = runner.state(h)
                s.failed = false
                s.pendingFailure = false
                // A host failed only through any_errors_fatal runs the rescue but is not counted as rescued.
                if !s.failedByOtherHost { s.stats.rescued += 1 }
                s.failedByOtherHost = false
                // The rescue sees what failed, as ansible_failed_task / ansible_failed_result.
                if let t = s.lastFailedTask {
                    s.hostVars["ansible_failed_task"] = ["name": .string(t.name ?? ""), "action": .string(t.action)]
                    s.hostVars["ansible_failed_result"] = .dict(s.lastFailedResult)
                }
            }
            try runNodes(block.rescue, hosts: failed, rescuable: rescuable)
        }
        if !block.always.isEmpty {
            // `always` runs on hosts that failed in the block too, even after any_errors_fatal;
            // they stay failed afterwards unless the always section cleared host errors.
            let pausedFatal = stopPlay && fatalStop
            if pausedFatal { stopPlay = false }
            let stillFailed = hosts.filter { runner.state($0).failed && !runner.state($0).unreachable }
            for h in stillFailed {
                runner.state(h).failed = false
                runner.state(h).errorsCleared = false
            }
            let alwaysHosts = hosts.filter { !runner.state($0).unreachable && !runner.state($0).ended }
            try runNodes(block.always, hosts: alwaysHosts, rescuable: rescuable)
            for h in stillFailed where !runner.state(h).errorsCleared { runner.state(h).failed = true }
            if pausedFatal && fatalStop { stopPlay = true }
        }
    }

    /// Records a host's failure in the recap and, with any_errors_fatal, stops the play.
    func commitFailure(_ host: String) {
        let s = runner.state(host)
        if s.pendingFailure {
            s.pendingFailure = false
            s.stats.failed += 1
            runner.anyFailed = true
        }
    }

    /// Runs one task on the given hosts (in parallel, or once for run_once) and applies the outcome.
    func runTask(_ task: Task, hosts: [String], rescuable: Bool = false) throws {
        // Notified handlers run whatever the tag selection.
        guard task.isHandler || runner.tagFilter.shouldRun(evaluatedTags(task, host: hosts.first)) else { return }
        if let start = runner.startAtTaskPending {
            guard task.name == start || task.displayName == start else { return }
            runner.startAtTaskPending = nil
        }
        let isMeta = shortActionName(task.action) == "meta"
        let path = "\(task.mark.file):\(task.mark.line)"
        // The free strategy asks per host ("... on HOST"), as ansible-playbook does.
        if !isMeta && !confirmStep(task, host: play.strategy == "free" && hosts.count == 1 ? hosts[0] : nil) { return }
        if !isMeta {
            let banner = try taskBanner(task, host: hosts.first)
            callback.taskStart(name: banner, isHandler: task.isHandler, path: path)
        }
        let runOnce = try task.inherited.runOnce.map { try runner.templar.conditional($0, scope(host: hosts.first, task: task)) } ?? false
        let short = shortActionName(task.action)
        // add_host and pause run once for the play's hosts (Ansible bypasses the host loop); so do most meta actions.
        let bypass = ModuleRegistry.module(named: task.action)?.bypassHostLoop ?? ModuleRegistry.module(named: short)?.bypassHostLoop ?? false
        let targets = runOnce || bypass || (isMeta && !TaskRunner.perHostMeta(task)) ? Array(hosts.prefix(1)) : hosts
        var outcomes: [String: TaskOutcome] = [:]
        let outcomesLock = NSLock()
        let body = { (host: String) throws in
            let outcome = try TaskRunner(play: self, task: task, host: host).run()
            outcomesLock.lock()
            outcomes[host] = outcome
            outcomesLock.unlock()
        }
        if isMeta {
            // Meta tasks run host after host, each run under its own banner, as ansible-playbook shows them.
            for host in targets {
                callback.taskStart(name: try taskBanner(task, host: host), isHandler: task.isHandler, path: path)
                try body(host)
            }
        } else if PlayRunner.inventoryActions.contains(short) {
            for host in targets { try body(host) }
        } else {
            // throttle: at most this many hosts at once for this task (0: no limit beyond forks).
            let throttle = try task.throttle.map { try runner.templar.template($0, scope(host: hosts.first, task: task)) }
                .flatMap { Int($0.pythonStr) }.flatMap { $0 > 0 ? $0 : nil }
            try parallel(targets, limit: throttle, body)
        }
        if runOnce, let first = targets.first, let outcome = outcomes[first] {
            // run_once: the result (and registered variable) applies to every host of the batch.
            for h in hosts.dropFirst() {
                if let reg = task.register { runner.state(h).hostVars[reg] = .dict(outcome.result) }
            }
        }
        for host in targets {
            guard let outcome = outcomes[host] else { continue }
            let s = runner.state(host)
            if outcome.failed && !outcome.ignored {
                s.failed = true
                s.pendingFailure = true
                s.lastFailedTask = task
                s.lastFailedResult = outcome.result
                if !rescuable { commitFailure(host) }
            }
        }
        if isMeta, targets.contains(where: { outcomes[$0]?.result["_swiftplay_meta"]?.stringValue == "flush_handlers" }) {
            try flushHandlers(batch)
        }
        try runIncludes(targets.compactMap { h in outcomes[h].map { (h, $0.included) } }, rescuable: rescuable)
        // any_errors_fatal (and a failed run_once task): one failure fails every other host of the
        // batch at this task, as if it had failed there too: enclosing rescue and always sections
        // still run for them, nothing else does. They are not counted as failed in the recap.
        let fatal = try task.inherited.anyErrorsFatal.map { try runner.templar.conditional($0, scope(host: nil, task: nil)) } ?? play.anyErrorsFatal
        let failedHere = targets.filter { h in outcomes[h].map { ($0.failed && !$0.ignored) || $0.unreachable } ?? false }
        if (fatal || runOnce) && !failedHere.isEmpty {
            for h in batch where runner.state(h).active && !failedHere.contains(h) {
                runner.state(h).failed = true
                runner.state(h).failedByOtherHost = true
            }
        }
        if let pct = play.maxFailPercentage {
            let failedCount = batch.filter { runner.state($0).failed || runner.state($0).unreachable }.count
            if Double(failedCount) / Double(max(1, batch.count)) * 100 > pct { stopPlay = true }
        }
    }

    /// --step: asks whether to run `task`, as ansible-playbook does: n (the default) skips it, y runs
    /// it, c runs it and the rest without asking. Without a terminal every task runs.
    func confirmStep(_ task: Task, host: String?) -> Bool {
        guard runner.stepping else { return true }
        guard let terminal = runner.terminal else {
            runner.stepping = false
            return true
        }
        let name = task.name ?? task.action
        let what = (task.isHandler ? "HANDLER: " : "TASK: ") + (task.role.map { "\($0.name) : \(name)" } ?? name)
        let prompt = "Perform task: \(what) " + (host.map { "on \($0) " } ?? "") + "(N)o/(y)es/(c)ontinue: "
        let answer = (terminal.ask(prompt, echo: true) ?? "").trimmingCharacters(in: .whitespaces).lowercased()
        callback.stepAnswered(prompt: prompt)
        switch answer {
        case "y", "yes": return true
        case "c", "continue":
            runner.stepping = false
            return true
        default: return false
        }
    }

    /// Runs what include_tasks / include_role brought in; hosts that included the same file with
    /// the same parameters run it together.
    func runIncludes(_ perHost: [(String, [IncludedTasks])], rescuable: Bool) throws {
        // First what was included ("included: FILE for HOSTS => (item=X)"), then the tasks:
        // the n-th include of each host (loops include once per item) runs in step across hosts,
        // and hosts that included the same thing run it together.
        var rounds: [[(IncludedTasks, [String])]] = []
        let maxCount = perHost.map { $0.1.count }.max() ?? 0
        for i in 0..<maxCount {
            var order: [String] = []
            var groups: [String: (IncludedTasks, [String])] = [:]
            for (host, incs) in perHost where i < incs.count {
                let inc = incs[i]
                if groups[inc.key] == nil { order.append(inc.key); groups[inc.key] = (inc, []) }
                groups[inc.key]?.1.append(host)
            }
            rounds.append(order.compactMap { groups[$0] })
        }
        for round in rounds {
            for (inc, hosts) in round {
                guard let what = inc.file else { continue }
                let item = inc.item.map { " => (item=\($0.pythonStr))" } ?? ""
                callback.message("included: \(what) for \(hosts.joined(separator: ", "))\(item)")
            }
        }
        for round in rounds {
            for (inc, hosts) in round { try runNodes(inc.nodes, hosts: hosts, rescuable: rescuable) }
        }
    }

    func registerIncludedRole(_ role: RoleInstance) {
        lock.lock()
        defer { lock.unlock() }
        // One set of handlers per role, however often it is included.
        if !(play.importedRoles + play.roles).contains(where: { $0 === role || $0.path == role.path }) {
            play.importedRoles.append(role)
            handlers = play.allHandlers.flatMap(\.allTasks)
        }
    }

    func taskBanner(_ task: Task, host: String?) throws -> String {
        guard let name = task.name else {
            let short = shortActionName(task.action)
            if short == "include_role" || short == "import_role", let role = task.args["name"]?.stringValue {
                return "\(task.action) : \(role)"
            }
            return task.role.map { "\($0.name) : \(task.action)" } ?? task.action
        }
        var shown = name
        if Templar.hasDelimiters(name) {
            // Names template with play-level variables only; failures leave the raw text.
            shown = (try? runner.templar.render(name, scope(host: host, task: task)).pythonStr) ?? name
        }
        return task.role.map { "\($0.name) : \(shown)" } ?? shown
    }

    /// Runs the notified handlers, in definition order, on the hosts that notified them.
    func flushHandlers(_ hosts: [String]) throws {
        for handler in handlers {
            let id = ObjectIdentifier(handler)
            let targets = hosts.filter { h in
                let s = runner.state(h)
                return s.notified.contains(id) && (s.active || (play.forceHandlers ?? options.forceHandlers) && !s.unreachable)
            }
            for h in hosts { runner.state(h).notified.removeAll { $0 == id && targets.contains(h) } }
            if targets.isEmpty { continue }
            // Forced handlers run (with what they include) on hosts that had failed; those stay failed.
            let forced = targets.filter { runner.state($0).failed }
            for h in forced { runner.state(h).failed = false }
            defer { for h in forced { runner.state(h).failed = true } }
            try runTask(handler, hosts: targets)
        }
    }
}
