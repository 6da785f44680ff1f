import DataLoader
import Foundation
import Jinja
import OrderedCollections

/// Reads playbooks, task files and roles into the model. Static imports are expanded here;
/// dynamic includes are loaded by the executor at run time through the same loader.
public final class PlaybookLoader {
    /// Extra directories searched for roles (roles_path), after the playbook's own roles/.
    public var rolesPath: [String]
    /// Extra directories searched for playbooks (import_playbook, the command line).
    public var playbookPath: [String]
    /// Directory of the playbook being loaded or run: the last place task files are looked for.
    public var playbookBaseDir: String?
    /// Roles imported statically while loading (handlers and vars belong to the play).
    /// Roles brought in by import_role while loading (their handlers join the play's).
    public internal(set) var importedRoles: [RoleInstance] = []
    /// Role instances of the current play, by identity (path + params) for de-duplication.
    var playRoles: [String: RoleInstance] = [:]
    /// Renders a templated name of a static import (import_playbook, import_tasks, import_role) at
    /// load time with the variables known then; the executor sets it (these vars under the extra vars).
    public var renderStatic: (_ text: String, _ vars: Vars) throws -> String = { text, _ in text }
    /// The vars of the play being loaded, for renderStatic.
    var currentPlayVars: Vars = [:]
    /// Role instances already applied in the current play (roles: and import_role), for allow_duplicates.
    var appliedRoles = Set<ObjectIdentifier>()

    public init(rolesPath: [String] = [], playbookPath: [String] = []) {
        self.rolesPath = rolesPath
        self.playbookPath = playbookPath
    }

    let playKeywords: Set<String> = [
        "name", "hosts", "vars", "vars_files", "vars_prompt", "gather_facts", "gather_subset", "gather_timeout",
        "fact_path", "roles", "pre_tasks", "tasks", "post_tasks", "handlers", "serial", "strategy",
        "any_errors_fatal", "max_fail_percentage", "ignore_unreachable", "ignore_errors", "become", "become_user",
        "become_method", "become_flags", "remote_user", "connection", "tags", "environment", "check_mode", "diff",
        "no_log", "force_handlers", "order", "port", "collections", "module_defaults", "run_once", "throttle",
        "timeout", "debugger", "become_exe", "when",
    ]

    /// Loads a playbook file and every playbook it imports, in order.
    public func loadPlaybook(_ path: String, inherited: Inherited = Inherited(), when: [Value] = []) throws -> [Play] {
        guard let root = try YAMLLoader.load(file: path) else { return [] }
        guard let items = root.items else {
            throw SourceError("a playbook must be a list of plays, got \(root.kindName)", at: root.mark)
        }
        let dir = (path as NSString).deletingLastPathComponent
        var plays: [Play] = []
        for item in items {
            guard let entries = item.entries else {
                throw SourceError("a play must be a mapping, got \(item.kindName)", at: item.mark)
            }
            if let imp = item["import_playbook"] ?? item["ansible.builtin.import_playbook"] {
                guard let written = imp.value.stringValue else {
                    throw SourceError("import_playbook needs a file name", at: imp.mark)
                }
                var scope = inherited
                try applyKeywords(item, to: &scope, includeWhen: false)
                let name = try staticName(written, vars: scope.vars, mark: imp.mark)
                let conds = when + conditions(item["when"]?.value ?? .none)
                let target = try resolvePlaybook(name, relativeTo: dir, mark: imp.mark)
                plays += try loadPlaybook(target, inherited: scope, when: conds)
                continue
            }
            _ = entries
            plays.append(try parsePlay(item, dir: dir, inherited: inherited, when: when))
        }
        return plays
    }

    public func resolvePlaybook(_ name: String, relativeTo dir: String, mark: SourceMark?) throws -> String {
        let candidates = name.hasPrefix("/") ? [name] : [dir + "/" + name] + playbookPath.map { $0 + "/" + name }
        for c in candidates where FileManager.default.fileExists(atPath: c) { return standardized(c) }
        throw SourceError("the playbook '\(name)' could not be found (looked in \(candidates.joined(separator: ", ")))", at: mark)
    }

    func parsePlay(_ node: YAMLNode, dir: String, inherited: Inherited, when: [Value]) throws -> Play {
        for e in node.entries ?? [] where !playKeywords.contains(e.key) {
            var msg = "'\(e.key)' is not a valid attribute for a Play"
            if let hint = closestKeyword(e.key, Array(playKeywords)) { msg += " (did you mean '\(hint)'?)" }
            throw SourceError(msg, at: e.keyMark)
        }
        guard let hostsNode = node["hosts"] else {
            throw SourceError("the field 'hosts' is required but was not set", at: node.mark)
        }
        let play = Play(hosts: hostsNode.value, mark: node.mark, baseDir: dir)
        play.when = when
        var scope = inherited
        try applyKeywords(node, to: &scope, includeWhen: false)
        // Play vars have their own precedence level; they are not block vars.
        scope.vars = inherited.vars
        play.inherited = scope
        play.name = node["name"]?.value.pythonStr
        if let v = node["vars"] {
            switch v.value {
            case .dict(let d): play.vars = d
            case .list(let l):  // a list of mappings is accepted too
                for item in l { if case .dict(let d) = item { play.vars.merge(d) { $1 } } }
            case .none: break
            default: throw SourceError("'vars' must be a mapping, got \(v.kindName)", at: v.mark)
            }
        }
        if let vf = node["vars_files"] { play.varsFiles = vf.value.listValue ?? [vf.value] }
        if let vp = node["vars_prompt"]?.items {
            for p in vp {
                guard let name = p["name"]?.value.stringValue else {
                    throw SourceError("vars_prompt entries need a 'name'", at: p.mark)
                }
                var prompt = VarsPrompt(name: name, prompt: p["prompt"]?.value.pythonStr ?? name,
                                        defaultValue: p["default"]?.value,
                                        isPrivate: p["private"].map { $0.value.truthy } ?? true)
                prompt.confirm = p["confirm"]?.value.truthy ?? false
                prompt.encrypt = p["encrypt"]?.value.stringValue
                prompt.salt = p["salt"]?.value.stringValue
                prompt.saltSize = p["salt_size"]?.value.intValue
                play.varsPrompt.append(prompt)
            }
        }
        play.gatherFacts = node["gather_facts"]?.value
        play.gatherSubset = node["gather_subset"]?.value
        play.serial = node["serial"]?.value
        if let order = node["order"] {
            let known = ["inventory", "reverse_inventory", "sorted", "reverse_sorted", "shuffle"]
            guard let o = order.value.stringValue, known.contains(o) else {
                throw SourceError("'order' must be one of \(known.joined(separator: ", ")), got '\(order.value.pythonStr)'", at: order.mark)
            }
            play.order = o
        }
        if let s = node["strategy"]?.value.stringValue { play.strategy = s }
        play.anyErrorsFatal = node["any_errors_fatal"]?.value.truthy ?? false
        if let m = node["max_fail_percentage"]?.value.doubleValue { play.maxFailPercentage = m }
        play.forceHandlers = node["force_handlers"].map { $0.value.truthy }

        playRoles = [:]
        appliedRoles = []
        currentPlayVars = play.vars
        importedRoles = []
        // An import_playbook's `when` applies to every task of the play (not to its handlers).
        var taskScope = scope
        taskScope.when = when + scope.when
        if let roles = node["roles"] {
            guard let items = roles.items else { throw SourceError("'roles' must be a list", at: roles.mark) }
            for r in items {
                let role = try parseRoleEntry(r, inherited: taskScope, dir: dir)
                play.roles.append(role)
                appliedRoles.insert(ObjectIdentifier(role))
            }
        }
        play.preTasks = try parseTasks(node["pre_tasks"], inherited: taskScope, dir: dir)
        play.tasks = try parseTasks(node["tasks"], inherited: taskScope, dir: dir)
        play.postTasks = try parseTasks(node["post_tasks"], inherited: taskScope, dir: dir)
        play.handlers = try parseTasks(node["handlers"], inherited: scope, dir: dir, handlers: true)
        // Statically imported roles contribute handlers, defaults and vars to the play.
        play.importedRoles = importedRoles.filter { r in !play.roles.contains { $0 === r } }
        return play
    }

    /// One entry of `roles:`: a name, or a mapping with role/name, params and keywords.
    func parseRoleEntry(_ node: YAMLNode, inherited: Inherited, dir: String) throws -> RoleInstance {
        if let name = node.value.stringValue {
            return try loadRole(name: name, params: [:], inherited: inherited, baseDir: dir, mark: node.mark)
        }
        guard let entries = node.entries else { throw SourceError("a role entry must be a name or a mapping", at: node.mark) }
        guard let name = (node["role"] ?? node["name"])?.value.stringValue else {
            throw SourceError("a role entry needs 'role' (or 'name')", at: node.mark)
        }
        var scope = inherited
        try applyKeywords(node, to: &scope)
        var params: Vars = [:]
        for e in entries where !taskKeywords.contains(e.key) && e.key != "role" {
            params[e.key] = e.value.value
        }
        // Keyword vars on a role entry behave as role params (Ansible merges them the same way).
        if case .dict(let d)? = node["vars"]?.value { params.merge(d) { $1 } }
        scope.vars = inherited.vars
        return try loadRole(name: name, params: params, inherited: scope, baseDir: dir, mark: node.mark)
    }

    /// Finds a role directory: the playbook's roles/, roles_path entries, the playbook dir, or a path.
    public func findRole(_ name: String, baseDir: String) -> String? {
        let fm = FileManager.default
        var candidates: [String] = []
        if name.hasPrefix("/") { candidates.append(name) } else {
            candidates.append(baseDir + "/roles/" + name)
            candidates += rolesPath.map { $0 + "/" + name }
            candidates.append(baseDir + "/" + name)
            // From a role's task file, the playbook's roles are found too.
            if let top = playbookBaseDir, top != baseDir { candidates += [top + "/roles/" + name, top + "/" + name] }
            // FQCN-style "ns.collection.role": the role in an installed (or playbook-adjacent)
            // collection, else a role of that last name.
            let parts = name.split(separator: ".").map(String.init)
            if parts.count >= 3 {
                let relative = "/ansible_collections/\(parts[0])/\(parts[1])/roles/" + parts[2...].joined(separator: ".")
                candidates += collectionsPaths(baseDir: baseDir).map { $0 + relative }
            }
            let last = parts.last ?? name
            if last != name { candidates += rolesPath.map { $0 + "/" + last } }
        }
        var isDir: ObjCBool = false
        return candidates.first { fm.fileExists(atPath: $0, isDirectory: &isDir) && isDir.boolValue }.map(standardized)
    }

    /// Where collections are looked for: next to the playbook, $ANSIBLE_COLLECTIONS_PATH, then Ansible's defaults.
    func collectionsPaths(baseDir: String) -> [String] {
        let env = ProcessInfo.processInfo.environment
        let configured = (env["ANSIBLE_COLLECTIONS_PATH"] ?? env["ANSIBLE_COLLECTIONS_PATHS"])?.split(separator: ":").map(String.init)
        let home = FileManager.default.homeDirectoryForCurrentUser.path
        return [baseDir + "/collections"] + (configured ?? [home + "/.ansible/collections", "/usr/share/ansible/collections"])
    }

    public func loadRole(name: String, params: Vars, inherited: Inherited, baseDir: String,
                         tasksFrom: String? = nil, varsFrom: String? = nil, defaultsFrom: String? = nil,
                         handlersFrom: String? = nil, mark: SourceMark?) throws -> RoleInstance {
        guard let path = findRole(name, baseDir: baseDir) else {
            let searched = ([baseDir + "/roles"] + rolesPath + [baseDir]).joined(separator: ":")
            throw SourceError("the role '\(name)' was not found in \(searched)", at: mark)
        }
        // Same role, tasks file, parameters and inherited vars/tags/conditions: the same instance
        // (a role runs once per play); any difference makes a new one.
        let key = [path, tasksFrom ?? "main", Value.dict(params).pythonRepr, Value.dict(inherited.vars).pythonRepr, Value.dict(inherited.includeParams).pythonRepr,
                   inherited.tags.joined(separator: ","), Value.list(inherited.when).pythonRepr].joined(separator: "|")
        if let existing = playRoles[key] { return existing }
        var roleName = (path as NSString).lastPathComponent
        // A collection's role is known by its fully qualified name (ns.col.role).
        let parts = path.split(separator: "/").map(String.init)
        if parts.count >= 5, parts[parts.count - 5] == "ansible_collections", parts[parts.count - 2] == "roles" {
            roleName = "\(parts[parts.count - 4]).\(parts[parts.count - 3]).\(roleName)"
        }
        let role = RoleInstance(name: roleName, path: path, params: params,
                                defaults: try loadVarsFile(in: path + "/defaults", name: defaultsFrom ?? "main"),
                                vars: try loadVarsFile(in: path + "/vars", name: varsFrom ?? "main"))
        playRoles[key] = role
        var scope = inherited
        scope.role = role
        if let meta = try findVarsFile(in: path + "/meta", name: "main").flatMap({ try YAMLLoader.load(file: $0) }) {
            role.allowDuplicates = meta["allow_duplicates"]?.value.truthy ?? false
            for dep in meta["dependencies"]?.items ?? [] {
                var depScope = inherited
                depScope.role = nil
                let depRole = try parseRoleEntry(dep, inherited: depScope, dir: path + "/..")
                if depRole.parent == nil && depRole !== role { depRole.parent = role }
                role.dependencies.append(depRole)
            }
        }
        if let tasksFile = try findVarsFile(in: path + "/tasks", name: tasksFrom ?? "main") {
            role.tasks = try parseTasks(try YAMLLoader.load(file: tasksFile), inherited: scope, dir: path + "/tasks")
        } else if tasksFrom != nil {
            throw SourceError("the role '\(roleName)' has no tasks file '\(tasksFrom!)'", at: mark)
        }
        if let handlersFile = try findVarsFile(in: path + "/handlers", name: handlersFrom ?? "main") {
            role.handlers = try parseTasks(try YAMLLoader.load(file: handlersFile), inherited: scope, dir: path + "/handlers", handlers: true)
        }
        return role
    }

    /// `name`, `name.yml`, `name.yaml` or `name.json` inside `dir`.
    func findVarsFile(in dir: String, name: String) throws -> String? {
        let fm = FileManager.default
        for ext in ["", ".yml", ".yaml", ".json"] {
            let p = dir + "/" + name + ext
            var isDir: ObjCBool = false
            if fm.fileExists(atPath: p, isDirectory: &isDir), !isDir.boolValue { return p }
        }
        return nil
    }

    func loadVarsFile(in dir: String, name: String) throws -> Vars {
        guard let file = try findVarsFile(in: dir, name: name) else { return [:] }
        return try loadVars(file: file)
    }

    /// A vars file: a mapping (or empty).
    public func loadVars(file: String) throws -> Vars {
        guard let node = try YAMLLoader.load(file: file) else { return [:] }
        switch node.value {
        case .dict(let d): return d
        case .none: return [:]
        default: throw SourceError("a vars file must contain a mapping, got \(node.kindName)", at: node.mark)
        }
    }

    /// Locates a task file for import_tasks/include_tasks: next to the including file, in the role's
    /// tasks/, or in the playbook directory.
    public func resolveTaskFile(_ file: String, dir: String, role: RoleInstance?) throws -> String {
        var candidates = file.hasPrefix("/") ? [file] : [dir + "/" + file]
        if let role, !file.hasPrefix("/") { candidates += [role.path + "/tasks/" + file, role.path + "/" + file] }
        if let base = playbookBaseDir, !file.hasPrefix("/"), !candidates.contains(base + "/" + file) { candidates.append(base + "/" + file) }
        for c in candidates where FileManager.default.fileExists(atPath: c) { return standardized(c) }
        throw SourceError("could not find or access '\(file)' (looked in \(candidates.joined(separator: ", ")))", at: nil)
    }

    /// Loads a task file at run time (include_tasks), with the include's inherited attributes.
    public func loadTasks(file: String, inherited: Inherited, handlers: Bool = false) throws -> [TaskNode] {
        try parseTasks(try YAMLLoader.load(file: file), inherited: inherited, dir: (file as NSString).deletingLastPathComponent, handlers: handlers)
    }

    /// Loads a role at run time (include_role); de-duplicated like static ones within the play.
    public func resetPlayRoles() { playRoles = [:] }

    /// A static import's name, templated when it uses variables.
    func staticName(_ text: String, vars: Vars, mark: SourceMark?) throws -> String {
        guard text.contains("{{") || text.contains("{%") else { return text }
        do {
            return try renderStatic(text, vars)
        } catch {
            throw SourceError("could not template '\(text)' of a static import: \(error)", at: mark)
        }
    }

    func closestKeyword(_ word: String, _ options: [String]) -> String? {
        options.first { $0.hasPrefix(word.prefix(3)) && abs($0.count - word.count) <= 2 }
    }
}

func standardized(_ path: String) -> String {
    (path as NSString).standardizingPath
}
