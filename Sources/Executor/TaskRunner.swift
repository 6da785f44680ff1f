import DataLoader
import Foundation
import Jinja
import Modules
import OrderedCollections
import Output
import Playbook
import Transport

/// The outcome of one task on one host, after loops, retries and changed_when/failed_when.
struct TaskOutcome {
    var result: Vars
    var failed: Bool { result["failed"]?.truthy ?? false }
    var ignored = false
    var unreachable = false
    /// For a loop: whether its unreachable items were all ignored (each item decides for itself).
    var ignoreUnreachable: Bool?
    var skipped: Bool { result["skipped"]?.truthy ?? false }
    var changed: Bool { result["changed"]?.truthy ?? false }
    /// Tasks brought in by include_tasks / include_role, to run next on this host.
    var included: [IncludedTasks] = []
}

/// Runs one task on one host: conditions, loops, until/retries, the action itself, and registers
/// and reports the result.
final class TaskRunner {
    let play: PlayRunner
    let task: Task
    let host: String
    var runner: PlaybookRunner { play.runner }
    var templar: Templar { runner.templar }

    init(play: PlayRunner, task: Task, host: String) {
        self.play = play
        self.task = task
        self.host = host
    }

    func run() throws -> TaskOutcome {
        var scope = play.scope(host: host, task: task)
        if let target = delegatedHost {
            // A delegated task sees the delegated host's variables as ansible_delegated_vars[target].
            let entry = HostVarsEntry(scope: play.scope(host: target, task: task))
            scope = scope.adding(["ansible_delegated_vars": .dict([target: .object(entry)])])
        }
        return try CurrentTask(scope: scope, searchPaths: searchPaths).activate { try run(scope) }
    }

    /// Controller directories for `src` files and lookups: the role, the task file's directory, the playbook's.
    var searchPaths: [String] { play.searchPaths(task) }

    private func run(_ scope: VarScope) throws -> TaskOutcome {
        let state = runner.state(host)
        var outcome: TaskOutcome
        do {
            outcome = try runLoopOrOnce(scope)
        } catch TransportError.becomeFailed(_, let message) {
            // A wrong or missing become password fails the task; the host stays reachable (as Ansible).
            outcome = TaskOutcome(result: ["failed": true, "msg": .string(message)])
            let ignored = (try? task.inherited.ignoreErrors.map { try templar.conditional($0, scope) } ?? false) ?? false
            report(outcome.result, item: nil, status: .failed, ignored: ignored)
        } catch let e as TransportError {
            outcome = TaskOutcome(result: ["unreachable": true, "changed": false, "msg": .string(e.description)])
            outcome.unreachable = true
        } catch let e as ExecutionError {
            throw e
        } catch let e as SourceError where isErrorInIncludedFile(e) {
            throw e
        } catch {
            outcome = TaskOutcome(result: ["failed": true, "msg": .string(failureMessage(error))])
            let ignored = (try? task.inherited.ignoreErrors.map { try templar.conditional($0, scope) } ?? false) ?? false
            report(outcome.result, item: nil, status: .failed, ignored: ignored)
        }
        if outcome.unreachable {
            let ignore = try outcome.ignoreUnreachable ?? task.inherited.ignoreUnreachable.map { try templar.conditional($0, scope) } ?? false
            report(outcome.result, item: nil, status: .unreachable, ignored: ignore)
            runner.callback.hostDone(host: host, status: .unreachable, result: outcome.result, ignored: ignore)
            // Registered either way, as Ansible registers every result.
            if let reg = task.register { state.hostVars[reg] = .dict(TaskRunner.publicResult(outcome.result)) }
            if ignore {
                // ansible-core 2.18 counts an ignored unreachable result as ok and ignored; the host
                // stays in the play.
                outcome.ignored = true
                state.stats.ok += 1
                state.stats.ignored += 1
            } else {
                state.unreachable = true
                state.stats.unreachable += 1
                runner.anyUnreachable = true
            }
            return outcome
        }
        if let reg = task.register { state.hostVars[reg] = .dict(TaskRunner.publicResult(outcome.result)) }
        // meta tasks do not count in the recap.
        if shortActionName(task.action) == "meta" && !outcome.failed { return outcome }
        defer {
            let status: ResultStatus = outcome.failed ? .failed : (outcome.skipped ? .skipped : (outcome.changed ? .changed : .ok))
            runner.callback.hostDone(host: host, status: status, result: outcome.result, ignored: outcome.ignored)
        }
        if outcome.failed {
            outcome.ignored = try task.inherited.ignoreErrors.map { try templar.conditional($0, scope) } ?? false
            if outcome.ignored {
                state.stats.ok += 1
                state.stats.ignored += 1
                // An ignored failure that changed something counts as changed too, as in Ansible.
                if outcome.changed { state.stats.changed += 1 }
            }
        } else if outcome.skipped {
            state.stats.skipped += 1
        } else {
            // A looped include counts once per included file, as ansible-playbook counts it.
            let short = shortActionName(task.action)
            let perItem = task.loop != nil && (short == "include_tasks" || short == "include")
            state.stats.ok += perItem ? max(1, outcome.included.count) : 1
            if outcome.changed {
                state.stats.changed += 1
                if !task.notify.isEmpty { try play.notify(task.notify, host: host, task: task) }
            }
        }
        return outcome
    }

    /// A result without swiftplay's internal display keys, as registered variables see it.
    static func publicResult(_ r: Vars) -> Vars {
        var out = r.filter { !$0.key.hasPrefix("_swiftplay") }
        if case .list(let items)? = out["results"] {
            out["results"] = .list(items.map { item in
                if case .dict(let d) = item { return .dict(publicResult(d)) }
                return item
            })
        }
        return out
    }

    /// An error inside a file an include brought in (not at the include itself): it stops the run
    /// with "ERROR!", as ansible-core's parser errors do.
    func isErrorInIncludedFile(_ e: SourceError) -> Bool {
        guard let mark = e.mark else { return false }
        return mark.file != task.mark.file
    }

    /// A failed result's message for an error raised while preparing or running the task.
    func failureMessage(_ error: Error) -> String {
        if let t = error as? TemplateError, t.kind == .undefined {
            return "The task includes an option with an undefined variable. The error was: \(t.description)"
        }
        return "\(error)"
    }

    // MARK: loops

    func runLoopOrOnce(_ scope: VarScope) throws -> TaskOutcome {
        if shortActionName(task.action) == "meta" { return try runMeta(scope) }
        guard let loop = task.loop else {
            if let skip = try conditionFailed(scope) {
                let r: Vars = ["changed": false, "skipped": true, "skip_reason": "Conditional result was False", "false_condition": skip]
                report(r, item: nil, status: .skipped, ignored: false)
                return TaskOutcome(result: r)
            }
            let (result, included) = try runWithRetries(scope, item: nil)
            var outcome = TaskOutcome(result: result)
            outcome.included = included
            try reportFinal(outcome.result, item: nil, scope: scope)
            return outcome
        }
        let items: [Value]
        do {
            items = try LoopItems.resolve(kind: task.loopKind ?? "loop", value: loop, scope: scope, runner: runner, action: shortActionName(task.action))
        } catch {
            // An undefined loop is fine when the task is skipped anyway (Ansible checks `when` first then).
            if task.allWhen.isEmpty == false, (try? conditionFailed(scope)) != nil {
                let r: Vars = ["changed": false, "skipped": true, "skip_reason": "Conditional result was False"]
                report(r, item: nil, status: .skipped, ignored: false)
                return TaskOutcome(result: r)
            }
            throw error
        }
        // The label is templated per item; the other loop_control keys once.
        // break_when is a condition, evaluated after each item.
        var control = try templar.template(.dict(task.loopControl.filter { $0.key != "label" && $0.key != "break_when" }), scope).dictValue ?? [:]
        control["label"] = task.loopControl["label"]
        let breakWhen = task.loopControl["break_when"].map { $0.listValue ?? [$0] } ?? []
        let loopVar = control["loop_var"]?.pythonStr ?? "item"
        let indexVar = control["index_var"]?.stringValue
        let extended = control["extended"]?.truthy ?? false
        let pause = control["pause"]?.doubleValue ?? 0
        var results: [Value] = []
        var included: [IncludedTasks] = []
        var anyChanged = false, anyFailed = false, allSkipped = !items.isEmpty
        var scope = scope
        let setsFacts = ["set_fact", "include_vars"].contains(shortActionName(task.action))
        var factsSet = false
        var ignoreUnreachable: Bool?  // set by the first unreachable item; false once one is not ignored
        // The loop variables of item i.
        func loopExtra(_ i: Int) -> Vars {
            let item = items[i]
            var extra: Vars = [loopVar: item, "ansible_loop_var": .string(loopVar)]
            if let indexVar { extra[indexVar] = .int(i) }
            if extended {
                var loopInfo: Vars = [
                    "index": .int(i + 1), "index0": .int(i), "revindex": .int(items.count - i), "revindex0": .int(items.count - i - 1),
                    "first": .bool(i == 0), "last": .bool(i == items.count - 1), "length": .int(items.count),
                ]
                // extended_allitems: false leaves the (possibly large) item list out.
                if control["extended_allitems"]?.truthy ?? true { loopInfo["allitems"] = .list(items) }
                // The first item has no previtem and the last no nextitem: the keys are absent.
                if i > 0 { loopInfo["previtem"] = items[i - 1] }
                if i + 1 < items.count { loopInfo["nextitem"] = items[i + 1] }
                extra["ansible_loop"] = .dict(loopInfo)
            }
            if let indexVar { extra["ansible_index_var"] = .string(indexVar) }
            return extra
        }
        // A with_* lookup's items are unsafe data, as Ansible marks lookup results; `loop:` items are not.
        let unsafeNames: Set<String> = task.loopKind.map { $0 == "loop" } == false ? [loopVar] : []
        let batch = pause == 0 && breakWhen.isEmpty && !setsFacts
            ? batchedLoop(items.indices.map { scope.adding(loopExtra($0), unsafe: unsafeNames) }) : nil
        for (i, item) in items.enumerated() {
            // Facts an item set (set_fact, include_vars, modules' ansible_facts) are seen by the next items.
            if factsSet { scope = play.scope(host: host, task: task) }
            factsSet = false
            if i > 0 && pause > 0 { Thread.sleep(forTimeInterval: pause) }
            var extra = loopExtra(i)
            // The previous item's result is the registered variable until this item's is known.
            if let reg = task.register, let last = results.last { extra[reg] = last }
            // set_fact and include_vars in a loop: each item sees the variables the previous ones set.
            let setsVariables = i > 0 && ["set_fact", "include_vars"].contains(shortActionName(task.action))
            let base = setsVariables ? play.scope(host: host, task: task) : scope
            let itemScope = base.adding(extra, unsafe: unsafeNames)
            var r: Vars
            if let reason = try conditionFailed(itemScope) {
                r = ["changed": false, "skipped": true, "skip_reason": "Conditional result was False", "false_condition": reason]
            } else {
                allSkipped = false
                do {
                    let (res, inc) = try batch?[i].map { (try evaluateResult(try $0.get(), itemScope), []) } ?? runWithRetries(itemScope, item: item)
                    r = res
                    included += inc
                    factsSet = setsFacts || res["ansible_facts"] != nil
                } catch TransportError.becomeFailed(_, let message) {
                    r = ["failed": true, "msg": .string(message)]
                } catch let e as TransportError {
                    // Each item decides whether its unreachable result is ignored, as in Ansible.
                    r = ["unreachable": true, "msg": .string(e.description)]
                    let ignore = try task.inherited.ignoreUnreachable.map { try templar.conditional($0, itemScope) } ?? false
                    ignoreUnreachable = (ignoreUnreachable ?? true) && ignore
                } catch let e as ExecutionError { throw e } catch let e as SourceError where isErrorInIncludedFile(e) { throw e } catch {
                    r = ["failed": true, "changed": false, "msg": .string(failureMessage(error))]
                }
            }
            r[loopVar] = item
            r["ansible_loop_var"] = .string(loopVar)
            if let indexVar { r[indexVar] = .int(i); r["ansible_index_var"] = .string(indexVar) }
            if let loopInfo = extra["ansible_loop"] { r["ansible_loop"] = loopInfo }
            // The label is templated after the item ran, so it may use the item's registered result.
            var label = item
            if let l = control["label"] {
                do {
                    label = try templar.template(l, task.register.map { itemScope.adding([$0: .dict(r)]) } ?? itemScope)
                } catch let e as TemplateError where e.kind == .undefined {
                    r["failed"] = true
                    r["msg"] = .string("Failed to template loop_control.label: \(e.description)")
                }
            }
            if r["failed"]?.truthy == true { anyFailed = true }
            if r["changed"]?.truthy == true { anyChanged = true }
            // An unreachable item shows as a failed item, as ansible-playbook shows it.
            let status: ResultStatus = r["failed"]?.truthy == true || r["unreachable"]?.truthy == true ? .failed : (r["skipped"]?.truthy == true ? .skipped : (r["changed"]?.truthy == true ? .changed : .ok))
            report(r, item: label, status: status, ignored: false)
            results.append(.dict(r))
            if !breakWhen.isEmpty {
                if try breakWhen.allSatisfy({ try templar.condition($0, itemScope) }) { break }
            }
        }
        var agg: Vars = ["changed": .bool(anyChanged), "msg": "All items completed", "results": .list(results), "skipped": false]
        if anyFailed {
            agg["failed"] = true
            agg["msg"] = "One or more items failed"
        }
        if allSkipped {
            agg["skipped"] = true
            agg["msg"] = "All items skipped"
        }
        if items.isEmpty {
            agg["skipped"] = true
            agg["skipped_reason"] = "No items in the list"
            report(["changed": false, "skipped_reason": "No items in the list"], item: nil, status: .skipped, ignored: false)
        } else if allSkipped {
            // The item lines already showed each result.
            report(agg.filter { $0.key != "results" }, item: nil, status: .skipped, ignored: false)
        } else if anyFailed {
            // The failed item lines are the task's failure output; only the ignoring note follows.
            let ignored = try task.inherited.ignoreErrors.map { try templar.conditional($0, scope) } ?? false
            var summary = agg
            summary["_swiftplay_loop_summary"] = true
            report(summary, item: nil, status: .failed, ignored: ignored)
        }
        if ignoreUnreachable != nil { agg["unreachable"] = true }
        var outcome = TaskOutcome(result: agg)
        // A failed item wins over an unreachable one, as in Ansible's strategy.
        outcome.unreachable = ignoreUnreachable != nil && !anyFailed
        outcome.ignoreUnreachable = ignoreUnreachable
        outcome.included = included
        return outcome
    }

    /// The first condition of `when` (inherited ones first) that is false, or nil when all hold.
    func conditionFailed(_ scope: VarScope) throws -> Value? {
        let inheritedCount = task.inherited.when.count
        for (i, cond) in task.allWhen.enumerated() {
            // Conditions without a position of their own are placed at the task, as ansible-core does.
            let own = i >= inheritedCount && i - inheritedCount < task.whenMarks.count ? task.whenMarks[i - inheritedCount] : nil
            let location = own.map { "location \($0.file) \($0.line):\($0.column)" }
                ?? "approximate location \(task.mark.file) \(task.mark.line):\(task.mark.column)"
            if try !templar.condition(cond, scope, location: location) { return cond }
        }
        return nil
    }

    // MARK: retries and result evaluation

    func runWithRetries(_ scope: VarScope, item: Value?) throws -> (Vars, [IncludedTasks]) {
        guard let until = task.until else {
            let (r, inc) = try execute(scope)
            return (try evaluateResult(r, scope), inc)
        }
        let retries = max(1, try task.retries.map { try templar.template($0, scope).intValue ?? 3 } ?? 3)
        let delay = try task.delay.map { try templar.template($0, scope).doubleValue ?? 5 } ?? 5
        var attempt = 0
        while true {
            attempt += 1
            let (raw, inc) = try execute(scope)
            var r = try evaluateResult(raw, scope)
            r["attempts"] = .int(attempt)
            let withReg = task.register.map { scope.adding([$0: .dict(r)]) } ?? scope.adding([:])
            let done = try templar.condition(until, withReg)
            if done { return (r, inc) }
            // `retries: N` allows N retries after the first attempt, as Ansible counts them.
            if attempt > retries {
                r["failed"] = true
                r["msg"] = r["msg"] ?? .string("Task failed after \(attempt) attempts")
                return (r, inc)
            }
            runner.callback.message("FAILED - RETRYING: [\(host)]: \(try play.taskBanner(task, host: host)) (\(retries - attempt + 1) retries left).")
            if delay > 0 { Thread.sleep(forTimeInterval: delay) }
        }
    }

    /// Applies changed_when and failed_when, with the registered name bound to the result.
    func evaluateResult(_ raw: Vars, _ scope: VarScope) throws -> Vars {
        var r = raw
        // Every executed result says whether it failed; a module that only gives `rc` failed when it is not 0.
        if r["failed"] == nil {
            let rc = r["rc"]
            r["failed"] = .bool(rc != nil && rc != .int(0) && rc != .string("0"))
        }
        if r["changed"] == nil { r["changed"] = false }
        let register = task.register
        let withReg = { (res: Vars) -> VarScope in
            register.map { scope.adding([$0: .dict(res)]) } ?? scope.adding([:])
        }
        guard r["skipped"]?.truthy != true else { return r }
        // A condition that cannot be evaluated fails the task but keeps the module's result, with the
        // error under changed_when_result / failed_when_result, as ansible-core reports it. An empty
        // changed_when / failed_when (null or []) leaves the result as it is.
        var which = "changed"
        do {
            if let cw = task.changedWhen, !(cw.listValue ?? [cw]).allSatisfy(\.isNone) {
                let conds = cw.listValue ?? [cw]
                r["changed"] = .bool(try conds.allSatisfy { try templar.condition($0, withReg(r)) })
            }
            which = "failed"
            if let fw = task.failedWhen, !(fw.listValue ?? [fw]).allSatisfy(\.isNone) {
                let conds = fw.listValue ?? [fw]
                let failed = try conds.contains { try templar.condition($0, withReg(r)) }
                r["failed_when_result"] = .bool(failed)
                r["failed"] = .bool(failed)
            }
        } catch {
            r["failed"] = true
            r["\(which)_when_result"] = .string("\(error)")
        }
        return r
    }

    // MARK: output

    func reportFinal(_ r: Vars, item: Value?, scope: VarScope) throws {
        let status: ResultStatus = r["failed"]?.truthy == true ? .failed : (r["skipped"]?.truthy == true ? .skipped : (r["changed"]?.truthy == true ? .changed : .ok))
        let ignored = status == .failed ? (try task.inherited.ignoreErrors.map { try templar.conditional($0, scope) } ?? false) : false
        report(r, item: item, status: status, ignored: ignored)
    }

    func report(_ r: Vars, item: Value?, status: ResultStatus, ignored: Bool) {
        // Engine actions show no result line of their own (includes print "included: ..." instead).
        let silent: Set<String> = ["meta", "include_tasks", "include", "include_role", "import_role", "import_tasks"]
        if silent.contains(shortActionName(task.action)) && status != .failed && status != .skipped
            && !(runner.options.reportIncludes && shortActionName(task.action) != "meta") { return }
        var shown = r
        let noLog = (try? task.inherited.noLog.map { try templar.conditional($0, play.scope(host: host, task: task)) } ?? false) ?? false
        if noLog {
            shown = ["censored": "the output has been hidden due to the fact that 'no_log: true' was specified for this result",
                     "changed": r["changed"] ?? false]
            if let f = r["failed"] { shown["failed"] = f }
        }
        let verbose = r["_swiftplay_verbose"]?.truthy ?? false
        // The ad-hoc output prints command results differently from other modules' results.
        if runner.options.reportIncludes { shown["_swiftplay_action"] = .string(shortActionName(task.action)) }
        runner.callback.hostResult(host: host, delegatedTo: delegatedHost, status: status, result: shown,
                                   item: item, ignored: ignored, verbose: verbose && !noLog)
    }

    var delegatedHost: String? {
        guard let d = task.inherited.delegateTo else { return nil }
        let name = (try? templar.render(d.pythonStr, play.scope(host: host, task: task)).pythonStr) ?? d.pythonStr
        return name == host ? nil : name
    }
}
