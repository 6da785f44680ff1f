import DataLoader
import Foundation
import Jinja
import Modules
import OrderedCollections
import Playbook
import Transport

/// Tasks an include brought in for one host, with the include's variables.
struct IncludedTasks {
    var nodes: [TaskNode]
    /// Identifies the same file and parameters, so hosts including the same thing run it together.
    var key: String
    /// What "included: WHAT for HOSTS" names: the file, or the role.
    var file: String?
    /// The loop item of the include, shown after the hosts.
    var item: Value?
}

extension TaskRunner {
    /// Templates the arguments and runs the action: an engine action (include, meta, set_fact...)
    /// or a module on the host's connection.
    func execute(_ scope: VarScope) throws -> (Vars, [IncludedTasks]) {
        // The action itself may be templated; it is resolved per host.
        let action = Templar.hasDelimiters(task.action) ? try templar.render(task.action, scope).pythonStr : task.action
        let short = shortActionName(action)
        switch short {
        case "include_tasks", "include", "include_role", "import_role", "import_tasks":
            return try include(short, scope)
        case "include_vars":
            return (try includeVars(scope), [])
        case "async_status":
            return (try asyncStatus(scope), [])
        case "meta":
            return (try meta(scope), [])
        default:
            break
        }
        guard let module = ModuleRegistry.module(named: action) ?? ModuleRegistry.module(named: short) else {
            let library = runner.options.library
            let roots = ModuleLibrary.roots(play: play.play, role: task.role, playbookDir: runner.playbookDir)
            guard let file = library.moduleFile(action, roots: roots) else {
                throw ExecutionError("couldn't resolve module/action '\(action)'", task: task, host: host)
            }
            let utils = library.moduleUtils(roots: roots)
            let args = try templateArgs(scope, action: action)
            let name = action.hasPrefix("ansible.legacy.") ? String(action.dropFirst("ansible.legacy.".count)) : action
            return (try runModule(name, cacheable: false, scope) { context in
                try LibraryModule.run(name: name, file: file, moduleUtils: utils, args: args, context)
            }, [])
        }
        let validated = try moduleArguments(module, action: action, scope)
        return (try runModule(module.name, cacheable: validated.bool("cacheable"), scope) { try module.run(validated, $0) }, [])
    }

    /// A module's arguments for this task: templated, module_defaults applied, validated.
    func moduleArguments(_ module: Module.Type, action: String, _ scope: VarScope) throws -> Arguments {
        scope.touchedUnsafe = false
        var args = try templateArgs(scope, action: action)
        for name in module.expressionArgs {
            if case .list(let raw)? = task.args[name] { args[name] = .list(raw) }
        }
        // Facts templated from unsafe data stay unsafe: never templated again when read.
        if module.name == "set_fact" && scope.touchedUnsafe { args = args.mapValues(Templar.markUnsafe) }
        // `module: "{{ a_dict }}"`: a whole template that renders to a mapping gives the arguments.
        if module.freeForm == false, case .dict(let d)? = args["_raw_params"] {
            args.removeValue(forKey: "_raw_params")
            args.merge(d) { old, _ in old }
        }
        if module.freeForm == false, let raw = args.removeValue(forKey: "_raw_params"), raw.pythonStr.isEmpty == false {
            throw ModuleError("this module does not take free-form arguments: '\(raw.pythonStr)'")
        }
        return try module.spec.validate(args, module: module.name)
    }

    /// Whether `name` appears as a word in the expressions of `value`: inside {{ }} and {% %}, or
    /// anywhere in a `bare` expression (a condition). Erring on yes only costs the batching.
    static func mentions(_ name: String, _ value: Value, bare: Bool) -> Bool {
        func words(_ s: Substring) -> Bool {
            s.split { !($0.isLetter || $0.isNumber || $0 == "_") }.contains { $0 == name }
        }
        switch value {
        case .string(let s):
            if bare { return words(s[...]) }
            var rest = s[...]
            while let open = rest.firstIndex(of: "{") {
                let after = rest.index(after: open)
                guard after < rest.endIndex, rest[after] == "{" || rest[after] == "%" else { rest = rest[after...]; continue }
                let close = rest[after...].range(of: rest[after] == "{" ? "}}" : "%}")
                if words(rest[after..<(close?.lowerBound ?? rest.endIndex)]) { return true }
                guard let close else { return false }
                rest = rest[close.upperBound...]
            }
            return false
        case .list(let l), .tuple(let l): return l.contains { mentions(name, $0, bare: bare) }
        case .dict(let d): return d.values.contains { mentions(name, $0, bare: bare) }
        case .object: return true  // not text: assume it might
        default: return false
        }
    }

    /// The items of a loop of a LoopCombinable or LoopBatchable module, run together (see TextEditChain,
    /// LoopBatch) when nothing in the task can tell them from items run one by one: no retries, async,
    /// delegation, pause or time limit, the registered result not used by the items, and the same
    /// privileges, environment and modes for all. nil when not; then the items run one by one, as they
    /// also do when preparing one fails here. The results are by item index; items whose `when` is
    /// false have none.
    func batchedLoop(_ itemScopes: [VarScope]) -> [Int: Result<Vars, Error>]? {
        guard itemScopes.count > 1, task.until == nil, task.async == nil, task.inherited.delegateTo == nil,
              task.inherited.timeout == nil, runner.options.taskTimeout == 0,
              !Templar.hasDelimiters(task.action),
              let module = ModuleRegistry.module(named: task.action) ?? ModuleRegistry.module(named: shortActionName(task.action)),
              module is LoopCombinable.Type || module is LoopBatchable.Type else { return nil }
        if let register = task.register {
            let templates = [Value.dict(task.args)] + task.inherited.environment + (task.ownEnvironment.map { [$0] } ?? [])
            if task.allWhen.contains(where: { Self.mentions(register, $0, bare: true) })
                || templates.contains(where: { Self.mentions(register, $0, bare: false) }) { return nil }
        }
        var calls: [(index: Int, args: Arguments, context: ModuleContext)] = []
        do {
            for (i, scope) in itemScopes.enumerated() where try conditionFailed(scope) == nil {
                calls.append((i, try moduleArguments(module, action: task.action, scope), try moduleContext(scope)))
            }
        } catch {
            return nil
        }
        guard calls.count > 1, let first = calls.first?.context,
              calls.allSatisfy({ $0.context.become == first.become && $0.context.environment == first.environment
                  && $0.context.checkMode == first.checkMode && $0.context.diffMode == first.diffMode }) else { return nil }
        let args = calls.map(\.args)
        let outcomes: [Result<ModuleResult, Error>]
        if let combinable = module as? LoopCombinable.Type, let combined = combinable.runCombined(args, first) {
            outcomes = combined
        } else if let batchable = module as? LoopBatchable.Type, batchable.independent(args) {
            outcomes = LoopBatch.run(batchable, calls: calls.map { ($0.args, $0.context) }, connection: first.connection)
        } else {
            return nil
        }
        var results: [Int: Result<Vars, Error>] = [:]
        for (call, outcome) in zip(calls, outcomes) {
            results[call.index] = Result { try finish(module: module.name, cacheable: false) { try outcome.get() } }
        }
        return results
    }

    /// Runs a module on the host's connection; with `async`, as a job on a connection of its own,
    /// waited for every `poll` seconds (default 15), or left running with `poll: 0`.
    private func runModule(_ name: String, cacheable: Bool, _ scope: VarScope,
                           _ run: @escaping (ModuleContext) throws -> ModuleResult) throws -> Vars {
        let limit = try task.async.map { try templar.template($0, scope) }.flatMap { Int($0.pythonStr) } ?? 0
        guard limit > 0 else {
            let timeout = try task.inherited.timeout.map { try templar.template($0, scope) }.flatMap { Int($0.pythonStr) }
                ?? runner.options.taskTimeout
            guard timeout > 0 else {
                let context = try moduleContext(scope)
                return try finish(module: name, cacheable: cacheable) { try run(context) }
            }
            return try runWithTimeout(name, seconds: timeout, cacheable: cacheable, scope, run)
        }
        let poll = try task.poll.map { try templar.template($0, scope) }.flatMap { Int($0.pythonStr) } ?? 15
        let context = try moduleContext(scope, dedicated: true)
        let job = runner.jobs.start(host: host, limit: limit) {
            defer { context.connection.close() }
            do { return try run(context).values } catch let e as ModuleError { return ModuleResult.failed(e.message, e.values).values }
        }
        let tag: Vars = ["ansible_job_id": .string(job.id), "started": 1]
        guard poll > 0 else { return ["changed": true, "finished": 0, "ansible_job_id": .string(job.id), "started": 1] }
        // As ansible-playbook: a check every `poll` seconds, each unfinished one shown, until `async`
        // seconds' worth of checks have been spent.
        var timeLeft = limit
        while !job.wait(seconds: Double(poll)) {
            timeLeft -= poll
            runner.callback.message("ASYNC POLL on \(host): jid=\(job.id) started=1 finished=0")
            if timeLeft <= 0 {
                runner.callback.message("ASYNC FAILED on \(host): jid=\(job.id)")
                return ModuleResult.failed("async task did not complete within the requested time - \(limit)s",
                                           ["async_result": .dict(tag.merging(["finished": 0]) { $1 })]).values
            }
        }
        runner.jobs.remove(job.id)
        let values = try job.result?.get() ?? [:]
        let failed = values["failed"]?.truthy ?? false
        runner.callback.message("ASYNC \(failed ? "FAILED" : "OK") on \(host): jid=\(job.id)")
        return try finish(module: name, cacheable: cacheable) {
            Self.moduleResult(values.merging(tag.merging(["finished": 1]) { $1 }) { $1 })
        }
    }

    /// `timeout`: the module runs as a job on a connection of its own, so that when the time is up the
    /// host's session is not in the middle of a command; the job is then left to end on its own (its
    /// connection closes with it) and the task fails as ansible-playbook fails it.
    private func runWithTimeout(_ name: String, seconds: Int, cacheable: Bool, _ scope: VarScope,
                                _ run: @escaping (ModuleContext) throws -> ModuleResult) throws -> Vars {
        let context = try moduleContext(scope, dedicated: true)
        let job = runner.jobs.start(host: host, limit: seconds) {
            defer { context.connection.close() }
            do { return try run(context).values } catch let e as ModuleError { return ModuleResult.failed(e.message, e.values).values }
        }
        runner.jobs.remove(job.id)
        guard job.wait(seconds: Double(seconds)) else {
            return ModuleResult.failed("The \(task.action) action failed to execute in the expected time frame (\(seconds)) and was terminated",
                                       ["timedout": .dict(["period": .int(seconds)])]).values
        }
        let values = try job.result?.get() ?? [:]
        return try finish(module: name, cacheable: cacheable) {
            Self.moduleResult(values)
        }
    }

    /// A job's result values as a module result again (for `finish`).
    static func moduleResult(_ values: Vars) -> ModuleResult {
        var r = ModuleResult(changed: values["changed"]?.truthy ?? false)
        for (k, v) in values where k != "changed" { r[k] = v }
        return r
    }

    /// `async_status`: a job's state (finished 0 while it runs), then its result; `mode: cleanup`
    /// forgets the job.
    func asyncStatus(_ scope: VarScope) throws -> Vars {
        let args = try templateArgs(scope)
        let jid = args["jid"]?.pythonStr ?? ""
        let tag: Vars = ["ansible_job_id": .string(jid), "started": 1]
        guard let job = runner.jobs.job(jid) else {
            return ModuleResult.failed("could not find job", tag.merging(["finished": 1]) { $1 }).values
        }
        if args["mode"]?.pythonStr == "cleanup" {
            runner.jobs.remove(jid)
            return ["changed": false, "ansible_job_id": .string(jid), "erased": .string(jid)]
        }
        guard let outcome = job.result else {
            if job.overdue {
                return ModuleResult.failed("Job reached maximum time limit of \(job.limit) seconds.", tag.merging(["finished": 1]) { $1 }).values
            }
            return ["changed": false, "finished": 0, "ansible_job_id": .string(jid), "started": 1]
        }
        var values = try outcome.get()
        for (k, v) in tag { values[k] = v }
        values["finished"] = 1
        return values
    }

    /// Runs a module and applies what its result asks of the engine (add_host, facts...).
    private func finish(module: String, cacheable: Bool, _ run: () throws -> ModuleResult) throws -> Vars {
        var result: Vars
        do {
            result = try run().values
        } catch let e as ModuleError {
            // A module failure is a result like any other, with the module's extra return values.
            result = ModuleResult.failed(e.message, e.values).values
        }
        try play.applyRuntimeResult(&result, host: host)
        if let facts = result["ansible_facts"]?.dictValue {
            applyFacts(facts, cacheable: cacheable, module: module)
        }
        return result
    }

    /// Module arguments with every template rendered and omitted options removed; for a module
    /// `action`, its `module_defaults` fill the options the task does not give.
    func templateArgs(_ scope: VarScope, action: String? = nil) throws -> Vars {
        var args = task.args
        if let action {
            for (k, v) in try moduleDefaults(action, scope) where args[k] == nil { args[k] = v }
        }
        let templated = try templar.template(.dict(args), scope)
        guard case .dict(let d)? = Templar.removeOmitted(templated) else { return [:] }
        return d
    }

    /// The defaults for `action` from the module_defaults keywords in scope: an inner entry for the
    /// same module replaces an outer one (`file: {}` clears them). Keys name the module by its short
    /// name or FQCN; action groups (`group/...`) are not known here and are skipped.
    func moduleDefaults(_ action: String, _ scope: VarScope) throws -> Vars {
        func identity(_ name: String) -> String {
            if let m = ModuleRegistry.module(named: name) ?? ModuleRegistry.module(named: shortActionName(name)) { return m.name }
            return name.hasPrefix("ansible.legacy.") || name.hasPrefix("ansible.builtin.") ? shortActionName(name) : name
        }
        let wanted = identity(action)
        var found: Vars = [:]
        // Only a whole-template level or entry is rendered here; the options' own templates are
        // rendered with the task's arguments.
        func resolve(_ v: Value) throws -> Value {
            if case .string = v { return try templar.template(v, scope) }
            return v
        }
        for level in task.inherited.moduleDefaults {
            let resolved = try resolve(level)
            for entry in try (resolved.listValue ?? [resolved]).map(resolve) {
                guard case .dict(let d) = entry else {
                    if entry.isNone { continue }
                    throw ExecutionError("module_defaults must be a mapping of module names to their options, got '\(entry.pythonStr)'", task: task, host: host)
                }
                for (key, value) in d where !key.hasPrefix("group/") && identity(key) == wanted {
                    found = value.dictValue ?? [:]
                }
            }
        }
        return found
    }

    func applyFacts(_ facts: Vars, cacheable: Bool, module: String) {
        // A run_once task's facts are set on every host of the batch, as in ansible-core.
        let runOnce = (try? task.inherited.runOnce.map { try templar.conditional($0, play.scope(host: host, task: task)) } ?? false) ?? false
        let targets = runOnce ? play.batch.filter { runner.state($0).active || $0 == host } : [factsHost]
        for target in targets {
            let state = runner.state(target)
            if module == "set_fact" {
                state.hostVars.merge(facts) { $1 }
                guard cacheable else { continue }
            }
            state.facts.merge(facts) { $1 }
            runner.factCache?.save(target, state.facts)
        }
    }

    /// Facts go to the delegated host only with delegate_facts.
    var factsHost: String {
        if let d = delegatedHost, (try? task.delegateFacts.map { try templar.conditional($0, play.scope(host: host, task: task)) } ?? false) == true {
            return d
        }
        return host
    }

    func moduleContext(_ scope: VarScope, dedicated: Bool = false) throws -> ModuleContext {
        let target = delegatedHost ?? host
        let targetScope = target == host ? scope : play.scope(host: target, task: task)
        let connection = try runner.connections.connection(for: target, on: host, scope: targetScope, task: task, templar: templar,
                                                           dedicated: dedicated)
        let check = try task.inherited.checkMode.map { try templar.conditional($0, scope) } ?? runner.options.check
        let diff = try task.inherited.diff.map { try templar.conditional($0, scope) } ?? runner.options.diff
        return ModuleContext(
            connection: connection, host: host, checkMode: check, diffMode: diff, become: try become(scope),
            variables: scope, searchPaths: searchPaths, environment: try environment(scope),
            renderTemplate: { [templar] source, path in
                try templar.renderFile(source, name: path, scope.adding(Templar.templateVars(path: path)))
            },
            evaluate: { [templar] expr in try templar.evaluate(expr, scope) },
            conditional: { [templar] v in try templar.condition(v, scope) },
            verbosity: runner.options.verbosity, jinja2Native: runner.options.jinja2Native,
            console: Console(taskName: task.displayName, display: { [callback = runner.callback] in callback.message($0) },
                             warn: { [callback = runner.callback] in callback.warning($0) },
                             ask: runner.terminal.map { t in { t.ask($0, echo: $1) } }))
    }

    func become(_ scope: VarScope) throws -> Become? {
        func value(_ keyword: Value?, _ variable: String) throws -> Value? {
            if let keyword { return try templar.template(keyword, scope) }
            return try scope.lookup(variable)
        }
        let enabled = try task.inherited.become.map { try templar.conditional($0, scope) }
            ?? (try scope.lookup("ansible_become").map { Arguments.boolean($0) ?? $0.truthy }) ?? runner.options.become  // "no" from INI is false
        guard enabled else { return nil }
        let user = try value(task.inherited.becomeUser, "ansible_become_user")?.pythonStr ?? runner.options.becomeUser ?? "root"
        let method = try value(task.inherited.becomeMethod, "ansible_become_method")?.pythonStr ?? runner.options.becomeMethod ?? "sudo"
        let flags = try value(task.inherited.becomeFlags, "ansible_become_flags")?.pythonStr
        let password = try (scope.lookup("ansible_become_password") ?? scope.lookup("ansible_become_pass"))?.pythonStr ?? runner.options.becomePassword
        return Become(method: method, user: user, password: password, flags: flags)
    }

    func environment(_ scope: VarScope) throws -> [String: String] {
        var env: [String: String] = [:]
        for e in task.inherited.environment + (task.ownEnvironment.map { [$0] } ?? []) {
            // `environment` is a mapping or a list of mappings (later ones win).
            let templated = try templar.template(e, scope)
            for part in templated.listValue ?? [templated] {
                guard case .dict(let d) = part else { continue }
                for (k, v) in d { env[k] = v.pythonStr }
            }
        }
        return env
    }

    // MARK: engine actions

    func include(_ action: String, _ scope: VarScope) throws -> (Vars, [IncludedTasks]) {
        var args = try templateArgs(scope)
        // Keywords written on the include (run_once, become, ignore_errors...) apply to the include
        // only, as in ansible-core; the tasks it brings in inherit what encloses it, and `apply`.
        var inherited = task.enclosing ?? task.inherited
        var appliedWhen: [Value] = []
        // An include's own `when` decides the include only; its vars pass to the included tasks.
        inherited.includeParams.merge(task.ownVars) { $1 }
        // The loop's (templated) variable names are in ansible_loop_var and ansible_index_var.
        let loopNames = ["ansible_loop_var", "ansible_loop", "ansible_index_var"]
            + [scope.raw("ansible_loop_var"), scope.raw("ansible_index_var")].compactMap { $0?.stringValue }
        for name in loopNames {
            if let v = scope.raw(name), task.loop != nil { inherited.includeParams[name] = v }
        }
        if let apply = args.removeValue(forKey: "apply")?.dictValue {
            if let t = apply["tags"] { inherited.tags += t.listValue?.map(\.pythonStr) ?? [t.pythonStr] }
            for (k, v) in apply where k != "tags" {
                switch k {
                case "become": inherited.become = v
                case "become_user": inherited.becomeUser = v
                case "become_method": inherited.becomeMethod = v
                case "become_flags": inherited.becomeFlags = v
                case "ignore_errors": inherited.ignoreErrors = v
                case "ignore_unreachable": inherited.ignoreUnreachable = v
                case "run_once": inherited.runOnce = v
                case "delegate_to": inherited.delegateTo = v
                case "no_log": inherited.noLog = v
                case "check_mode": inherited.checkMode = v
                case "diff": inherited.diff = v
                case "any_errors_fatal": inherited.anyErrorsFatal = v
                case "remote_user": inherited.remoteUser = v
                case "connection": inherited.connection = v
                case "environment": inherited.environment.append(v)
                case "when": appliedWhen += v.listValue ?? [v]
                case "vars": if let d = v.dictValue { inherited.vars.merge(d) { $1 } }
                default: break
                }
            }
        }
        // Without apply, the include's own tags (task.ownTags) do not pass to the tasks it
        // includes; those of its play and blocks (inherited.tags) do.
        inherited.when = appliedWhen
        // Roles statically imported by what is included now join the play too (handlers, vars).
        let importedBefore = runner.loader.importedRoles.count
        defer { runner.loader.importedRoles.dropFirst(importedBefore).forEach(play.registerIncludedRole) }
        if action == "include_role" || action == "import_role" {
            guard let name = args["name"]?.pythonStr else { throw ModuleError("include_role needs a name") }
            let role = try runner.loader.loadRole(
                name: name, params: [:], inherited: inherited, baseDir: runner.playbookDir,
                tasksFrom: args["tasks_from"]?.stringValue, varsFrom: args["vars_from"]?.stringValue,
                defaultsFrom: args["defaults_from"]?.stringValue, handlersFrom: args["handlers_from"]?.stringValue, mark: task.mark)
            // include_role keeps the role's defaults and vars to its own tasks unless `public: true`.
            if !(play.play.roles + play.play.importedRoles).contains(where: { $0 === role }) {
                role.isPublic = args["public"].map { v in v.stringValue.flatMap(Config.boolean) ?? v.truthy } ?? false
            }
            // Included from a role's task: that role is its parent, so the included role (and its
            // handlers) see the parent's defaults and vars even when neither is public.
            if role.parent == nil, let parent = task.role, parent !== role { role.parent = parent }
            play.registerIncludedRole(role)
            var nodes = role.dependencies.flatMap { runner.loader.dependencyTaskNodes($0) } + role.tasks
            // A role already included on this host in this play is skipped when included with
            // allow_duplicates false (the option defaults to true and replaces the role's own setting).
            let allowDuplicates = args["allow_duplicates"].map { v in v.stringValue.flatMap(Config.boolean) ?? v.truthy } ?? true
            let runKey = "\(ObjectIdentifier(play.play).hashValue)|\(role.path)|\(args["tasks_from"]?.pythonStr ?? "main")"
            let state = runner.state(host)
            if !state.includedRoles.insert(runKey).inserted && !allowDuplicates { nodes = [] }
            return (["changed": false, "include_args": .dict(args)], [IncludedTasks(nodes: nodes, key: "role:\(role.path):\(args)", file: name, item: loopItem(scope))])
        }
        guard let file = (args["_raw_params"] ?? args["file"])?.pythonStr else {
            throw ModuleError("include_tasks needs a file name")
        }
        for (k, v) in args where k != "_raw_params" && k != "file" { inherited.includeParams[k] = v }
        let dir = (task.mark.file as NSString).deletingLastPathComponent
        let path = try runner.loader.resolveTaskFile(file, dir: dir, role: task.role)
        let nodes: [TaskNode]
        do {
            nodes = try runner.loader.loadTasks(file: path, inherited: inherited, handlers: task.isHandler)
        } catch let e as SourceError where task.isHandler {
            // What a handler includes must be valid handlers: an error there stops the run.
            throw ExecutionError(e.report, task: task, host: host)
        }
        return (["changed": false, "include": .string(file), "include_args": .dict(args.filter { $0.key != "_raw_params" })],
                [IncludedTasks(nodes: nodes, key: "file:\(path):\(Value.dict(inherited.vars).pythonRepr):\(Value.dict(inherited.includeParams).pythonRepr)", file: path, item: loopItem(scope))])
    }

    /// The current loop item (label), when the include runs in a loop.
    func loopItem(_ scope: VarScope) -> Value? {
        guard task.loop != nil else { return nil }
        let loopVar = scope.raw("ansible_loop_var")?.stringValue ?? "item"
        if let label = task.loopControl["label"], let v = try? templar.template(label, scope) { return v }
        return scope.raw(loopVar)
    }

    func includeVars(_ scope: VarScope) throws -> Vars {
        let args = try templateArgs(scope)
        var files: [String] = []
        let base: String = task.role.map { $0.path + "/vars" } ?? (task.mark.file as NSString).deletingLastPathComponent
        func resolve(_ name: String) -> String {
            if name.hasPrefix("/") { return name }
            for c in [base + "/" + name, (task.mark.file as NSString).deletingLastPathComponent + "/" + name, runner.playbookDir + "/" + name]
            where FileManager.default.fileExists(atPath: c) { return c }
            return base + "/" + name
        }
        if let f = (args["_raw_params"] ?? args["file"])?.pythonStr { files.append(resolve(f)) }
        if let d = args["dir"]?.pythonStr {
            let dir = resolve(d)
            let names = ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).sorted()
            let exts = args["extensions"]?.listValue?.map(\.pythonStr) ?? ["yaml", "yml", "json"]
            files += names.filter { exts.contains(($0 as NSString).pathExtension) }.map { dir + "/" + $0 }
        }
        var loaded: Vars = [:]
        for f in files {
            guard FileManager.default.fileExists(atPath: f) else { throw ModuleError("Could not find or access '\(f)'") }
            loaded.merge(try runner.loader.loadVars(file: f)) { $1 }
        }
        if let name = args["name"]?.pythonStr { loaded = [name: .dict(loaded)] }
        runner.state(host).includedVars.merge(loaded) { $1 }
        return ["changed": false, "ansible_facts": .dict(loaded), "ansible_included_var_files": .list(files.map { .string($0) })]
    }

    func meta(_ scope: VarScope) throws -> Vars {
        let args = try templateArgs(scope)
        let what = (args["_raw_params"] ?? args["free_form"])?.pythonStr ?? ""
        let state = runner.state(host)
        switch what {
        case "noop", "flush_handlers", "refresh_inventory": break  // flush is done by the play runner
        case "end_play", "end_batch":
            play.stopPlay = what == "end_play"
            for h in play.batch { runner.state(h).ended = true }
        case "end_host": state.ended = true
        case "clear_facts":
            state.facts = [:]
            runner.factCache?.remove(host)
        case "clear_host_errors":
            // Failed and unreachable hosts rejoin the play (their recap counts stay), also past a
            // block's always section and an any_errors_fatal stop.
            for h in play.batch {
                runner.state(h).failed = false
                runner.state(h).unreachable = false
                runner.state(h).errorsCleared = true
            }
            if play.fatalStop { play.fatalStop = false; play.stopPlay = false }
        case "reset_connection": runner.connections.reset(host)
        default: throw ModuleError("invalid meta action requested: \(what)")
        }
        return ["changed": false, "skipped": false, "_swiftplay_meta": .string(what)]
    }
}
