import DataLoader
import Foundation
import Jinja
import OrderedCollections

extension Inventory {
    /// A host's inventory variables, merged lowest precedence first as Ansible does by default:
    /// 1. `all`'s vars, then the host's other groups' vars from the inventory files, groups ordered by
    ///    depth, then `ansible_group_priority`, then name;
    /// 2. `group_vars/all` next to each inventory source, then next to the playbook;
    /// 3. `group_vars/<group>` next to each source, then next to the playbook (same group order);
    /// 4. the host's own inventory vars (after `inventory_file` and `inventory_dir`);
    /// 5. `host_vars/<host>` next to each source, then next to the playbook.
    /// Later values replace earlier ones whole (hash_behaviour=replace). Magic variables such as
    /// `group_names` and `inventory_hostname` are not included.
    public func variables(for hostName: String, playbookDir: String?) throws -> OrderedDictionary<String, Value> {
        guard let host = host(hostName) else {
            throw SourceError("host '\(hostName)' is not in the inventory", at: nil)
        }
        let playbook = playbookDir.map { SourceLoader.absolutePath($0) }
        var out = try groupVariables(sortedGroups(of: host.name), playbook: playbook)
        if !host.isImplicit {
            out["inventory_file"] = host.inventoryFile.map(Value.string) ?? Value.none
            out["inventory_dir"] = host.inventoryDir.map(Value.string) ?? Value.none
        }
        for (k, v) in host.vars { out[k] = v }
        lock.lock()
        let hostDirs = hostVarsDirs + (playbook.map { [$0] } ?? [])
        lock.unlock()
        for dir in hostDirs {
            for (k, v) in try varsFiles.vars(baseDir: dir, kind: "host_vars", name: host.name) { out[k] = v }
        }
        return out
    }

    /// Levels 1 to 3 depend only on the host's groups, so hosts with the same groups share them.
    private func groupVariables(_ groups: [String], playbook: String?) throws -> OrderedDictionary<String, Value> {
        let key = [playbook ?? ""] + groups
        lock.lock()
        let cached = groupVarsCache[key]
        let groupDirs = groupVarsDirs + (playbook.map { [$0] } ?? [])
        lock.unlock()
        if let cached { return cached }
        var out = OrderedDictionary<String, Value>()
        func merge(_ vars: OrderedDictionary<String, Value>) {
            for (k, v) in vars { out[k] = v }
        }
        merge(data.groups["all"]?.vars ?? [:])
        for g in groups { merge(data.groups[g]?.vars ?? [:]) }
        // Inventory directories first, then the playbook's.
        for dir in groupDirs { merge(try varsFiles.vars(baseDir: dir, kind: "group_vars", name: "all")) }
        for dir in groupDirs {
            for g in groups { merge(try varsFiles.vars(baseDir: dir, kind: "group_vars", name: g)) }
        }
        lock.lock()
        groupVarsCache[key] = out
        lock.unlock()
        return out
    }

    /// The host's groups other than `all`, in the order their vars apply: by depth, priority, name.
    func sortedGroups(of host: String) -> [String] {
        // Hosts with the same direct groups have the same sorted groups.
        let direct = data.hosts[host]?.groups ?? []
        lock.lock()
        let cached = sortedGroupsCache[direct]
        lock.unlock()
        if let cached { return cached }
        let sorted = allGroups(of: host).filter { $0 != "all" }.sorted { (precedenceRank[$0] ?? 0) < (precedenceRank[$1] ?? 0) }
        lock.lock()
        sortedGroupsCache[direct] = sorted
        lock.unlock()
        return sorted
    }
}
