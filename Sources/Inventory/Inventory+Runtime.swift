import Foundation
import Jinja
import OrderedCollections

/// Changes made to the inventory while a playbook runs (add_host, group_by); they last for the run.
extension Inventory {
    /// add_host: adds the host (or updates a known one) with host variables, into `groups` (new
    /// groups go under `all`). Returns whether anything changed.
    public func addHost(_ name: String, groups names: [String], vars: OrderedDictionary<String, Value>) throws -> Bool {
        try mutate {
            var changed = data.hosts[name] == nil
            try data.addHost(name, group: nil, port: nil)
            for group in names {
                data.addGroup(group)
                if data.groups[group]?.hostSet.contains(name) == false {
                    try data.addHost(name, group: group, port: nil)
                    changed = true
                }
            }
            guard let host = data.hosts[name] else { return changed }
            for (key, value) in vars where host.vars[key] != value {
                host.vars[key] = value
                changed = true
            }
            return changed
        }
    }

    /// group_by: puts the host into `group`, creating it under `parents` (themselves created under
    /// `all` when new). Returns whether the host was not in the group before.
    public func addToGroup(_ host: String, group: String, parents: [String]) throws -> Bool {
        try mutate {
            if data.hosts[host] == nil {
                // The implicit localhost becomes an inventory host, keeping its local connection.
                guard Inventory.localhostNames.contains(host) else { throw InventoryFailure("Could not find host \(host) in inventory") }
                try data.addHost(host, group: nil, port: nil)
                data.hosts[host]?.vars["ansible_connection"] = .string("local")
                data.hosts[host]?.vars["ansible_python_interpreter"] = .string(Inventory.localPython())
            }
            data.addGroup(group)
            for parent in parents {
                data.addGroup(parent)
                try data.addChildGroup(parent: parent, child: group)
            }
            guard data.groups[group]?.hostSet.contains(host) == false else { return false }
            try data.addHost(host, group: group, port: nil)
            return true
        }
    }

    /// Applies a change, then recomputes what depends on the groups and drops cached answers.
    private func mutate<T>(_ change: () throws -> T) throws -> T {
        lock.lock()
        defer { lock.unlock() }
        let out = try change()
        data.reconcile()
        computeGroupOrder()
        groupHostsCache = [:]
        hostGroupsCache = [:]
        sortedGroupsCache = [:]
        groupVarsCache = [:]
        patternCache = [:]
        return out
    }
}
