import Foundation
import Jinja
import OrderedCollections
import Playbook

extension PlayRunner {
    /// The variables of `task` on `host`, in Ansible's precedence order (lowest first).
    func scope(host: String?, task: Task?) -> VarScope {
        var layers: [Vars] = []
        let roles = allRoles()
        // Role defaults: every role of the play, then the task's own role on top.
        for r in roles { layers.append(r.defaults) }
        for r in task?.role?.chain ?? [] { layers.append(r.defaults) }
        // Reading variables never creates host state (delegation targets are not play hosts).
        let state = host.flatMap { runner.existingState($0) }
        if let host {
            layers.append(inventoryVariables(host))
            layers.append(runner.facts(of: host))
        }
        layers.append(play.vars)
        layers.append(varsFilesLayer)
        for r in roles { layers.append(r.vars) }
        for r in task?.role?.chain ?? [] { layers.append(r.vars) }
        if let task { layers.append(task.vars) }
        if let state {
            layers.append(state.includedVars)
            layers.append(state.hostVars)
        }
        for r in task?.role?.chain ?? [] { layers.append(r.params) }
        if let task { layers.append(task.inherited.includeParams) }
        layers.append(options.extraVars)
        return VarScope(layers: layers, magic: magicVars(host: host, task: task), templar: runner.templar)
    }

    /// A host's variables as `hostvars` gives them: inventory, facts, include_vars, set_fact and
    /// registered results, extra vars; not the play's, roles' or tasks' variables (as in Ansible).
    func hostVarsScope(_ host: String) -> VarScope {
        var layers: [Vars] = [inventoryVariables(host)]
        if let state = runner.existingState(host) { layers += [state.facts, state.includedVars, state.hostVars] }
        layers.append(options.extraVars)
        return VarScope(layers: layers, magic: magicVars(host: host, task: nil), templar: runner.templar)
    }

    /// Controller directories for a task's `src` files and lookups (`ansible_search_path`): the role,
    /// the task file's directory, the playbook's.
    func searchPaths(_ task: Task) -> [String] {
        var search: [String] = []
        let dirs = [task.role?.path, (task.mark.file as NSString).deletingLastPathComponent, runner.playbookDir]
        for dir in dirs.compactMap({ $0 }) where !search.contains(dir) { search.append(dir) }
        return search
    }

    func allRoles() -> [RoleInstance] {
        var out: [RoleInstance] = []
        var seen = Set<ObjectIdentifier>()
        func add(_ r: RoleInstance) {
            r.dependencies.forEach(add)
            if seen.insert(ObjectIdentifier(r)).inserted { out.append(r) }
        }
        (play.roles + play.importedRoles.filter(\.isPublic)).forEach(add)
        return out
    }

    func inventoryVariables(_ host: String) -> Vars {
        lock.lock()
        defer { lock.unlock() }
        if let v = inventoryVars[host] { return v }
        let v = (try? runner.inventory.variables(for: host, playbookDir: runner.playbookDir)) ?? runner.inventory.host(host)?.vars ?? [:]
        inventoryVars[host] = v
        return v
    }

    func magicVars(host: String?, task: Task?) -> [String: Value] {
        var m: [String: Value] = [
            "playbook_dir": .string(runner.playbookDir),
            "omit": .string(Templar.omitToken),
            "ansible_check_mode": .bool(options.check),
            "ansible_diff_mode": .bool(options.diff),
            "ansible_verbosity": .int(options.verbosity),
            "ansible_forks": .int(options.forks),
            "ansible_version": ["full": "2.18.0", "major": 2, "minor": 18, "revision": 0, "string": "2.18.0 (swiftplay)"],
            "ansible_play_name": .string(play.name ?? play.displayName),
            "ansible_run_tags": .list((options.tags.isEmpty ? ["all"] : options.tags).map { .string($0) }),
            "ansible_skip_tags": .list(options.skipTags.map { .string($0) }),
            "play_hosts": .list(batch.filter { runner.state($0).active }.map { .string($0) }),
            "ansible_play_hosts": .list(playHosts.filter { runner.state($0).active }.map { .string($0) }),
            "ansible_play_hosts_all": .list(playHosts.map { .string($0) }),
            "ansible_play_batch": .list(batch.filter { runner.state($0).active }.map { .string($0) }),
            "role_names": .list(allRoles().map { .string($0.name) }),
            "groups": .dict(runner.inventory.groupsMagic.mapValues { .list($0.map { .string($0) }) }),
            "hostvars": .object(HostVars(hosts: { [runner] in runner.inventory.hosts(matching: "all") },
                                         scopeFor: { [weak self] h in
                                             guard let self, self.runner.inventory.host(h) != nil else { return nil }
                                             return self.hostVarsScope(h)
                                         })),
        ]
        if let host {
            m["inventory_hostname"] = .string(host)
            m["inventory_hostname_short"] = .string(String(host.split(separator: ".").first ?? Substring(host)))
            // Connection variables default to the inventory name, as tasks see them in Ansible.
            m["ansible_host"] = inventoryVariables(host)["ansible_ssh_host"] ?? .string(host)
            m["group_names"] = .list(runner.inventory.groupNames(of: host).map { .string($0) })
            let facts = runner.facts(of: host)
            var af = Vars()
            for (k, v) in facts { af[k.hasPrefix("ansible_") ? String(k.dropFirst(8)) : k] = v }
            m["ansible_facts"] = .dict(af)
        }
        if let task { m["ansible_search_path"] = .list(searchPaths(task).map { .string($0) }) }
        if let role = task?.role {
            m["role_name"] = .string(role.name)
            m["role_path"] = .string(role.path)
            m["ansible_role_name"] = .string(role.name)
        }
        if let dir = runner.inventory.sourceDirs.first {
            m["inventory_dir"] = .string(dir)
        }
        return m
    }
}
