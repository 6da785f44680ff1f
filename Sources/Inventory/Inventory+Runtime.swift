import Jinja
import OrderedCollections

/// The in-memory inventory changes that `add_host` and `group_by` make while a playbook runs.
/// Callers run them one at a time (never in parallel with other inventory changes).
extension Inventory {
    /// Adds the host (to `all`, as Ansible does) if it is new, merges `vars` into its own variables and
    /// puts it in `groups` (created when missing). Returns whether anything changed.
    @discardableResult
    public func addDynamicHost(_ name: String, groups: [String], vars: OrderedDictionary<String, Value>) throws -> Bool {
        var changed = false
        if data.hosts[name] == nil {
            try data.addHost(name, group: "all", port: nil)
            changed = true
        }
        guard let host = data.hosts[name] else { return changed }
        for (k, v) in vars where host.vars[k] != v {
            host.vars[k] = v
            changed = true
        }
        for g in groups {
            if data.groups[g] == nil {
                data.addGroup(g)
                changed = true
            }
            if let group = data.groups[g], !group.hostSet.contains(name) {
                data.add(host, to: group)
                changed = true
            }
        }
        if changed { refresh() }
        return changed
    }

    /// Puts the host in `group` (created when missing) under each of `parents` (created when missing).
    /// Returns whether anything changed.
    @discardableResult
    public func addHostToDynamicGroup(_ hostName: String, group name: String, parents: [String]) throws -> Bool {
        // The implicit localhost (not in the inventory) can join groups too, as in Ansible.
        guard let host = data.hosts[hostName] ?? self.host(hostName) else {
            throw InventoryFailure("\(hostName) cannot be matched in inventory")
        }
        var changed = false
        data.addGroup(name)
        for p in parents where data.groups[p] == nil {
            data.addGroup(p)
            changed = true
        }
        for p in parents where data.groups[p]?.children.contains(name) == false && p != name {
            try data.addChildGroup(parent: p, child: name)
            changed = true
        }
        if let group = data.groups[name], !group.hostSet.contains(host.name) {
            data.add(host, to: group)
            changed = true
        }
        if changed { refresh() }
        return changed
    }

    /// `name:port` as add_host reads it; text that is not an address stays the name, without a port.
    public static func hostAndPort(_ address: String) -> (host: String, port: Int?) {
        HostAddress.parse(address, allowRanges: false) ?? (address, nil)
    }

    /// Applies Ansible's inventory rules again and drops every answer computed from the old groups.
    private func refresh() {
        data.reconcile()
        lock.lock()
        groupHostsCache = [:]
        hostGroupsCache = [:]
        sortedGroupsCache = [:]
        groupVarsCache = [:]
        patternCache = [:]
        lock.unlock()
        indexGroups()
    }
}
