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
        var out = OrderedDictionary<String, Value>()
        func merge(_ vars: OrderedDictionary<String, Value>) {
            for (k, v) in vars { out[k] = v }
        }
        let groups = sortedGroups(of: host.name)
        let playbook = playbookDir.map { SourceLoader.absolutePath($0) }
        merge(data.groups["all"]?.vars ?? [:])
        for g in groups { merge(data.groups[g]?.vars ?? [:]) }
        for dir in sourceDirs { merge(try varsFiles.vars(baseDir: dir, kind: "group_vars", name: "all")) }
        if let playbook { merge(try varsFiles.vars(baseDir: playbook, kind: "group_vars", name: "all")) }
        for dir in sourceDirs {
            for g in groups { merge(try varsFiles.vars(baseDir: dir, kind: "group_vars", name: g)) }
        }
        if let playbook {
            for g in groups { merge(try varsFiles.vars(baseDir: playbook, kind: "group_vars", name: g)) }
        }
        if !host.isImplicit {
            out["inventory_file"] = host.inventoryFile.map(Value.string) ?? Value.none
            out["inventory_dir"] = host.inventoryDir.map(Value.string) ?? Value.none
        }
        merge(host.vars)
        for dir in sourceDirs { merge(try varsFiles.vars(baseDir: dir, kind: "host_vars", name: host.name)) }
        if let playbook { merge(try varsFiles.vars(baseDir: playbook, kind: "host_vars", name: host.name)) }
        return out
    }

    /// The host's groups other than `all`, in the order their vars apply: by depth, priority, name.
    func sortedGroups(of host: String) -> [String] {
        allGroups(of: host).filter { $0 != "all" }.sorted { (precedenceRank[$0] ?? 0) < (precedenceRank[$1] ?? 0) }
    }
}
