import Foundation
import Jinja
import OrderedCollections

/// Changes a run makes to the in-memory inventory (add_host, group_by), with Ansible's rules: new
/// groups are created as needed and the inventory is reconciled (top groups under `all`, `ungrouped`
/// only for hosts without another group). Callers serialise these calls; no task reads the
/// inventory while one runs.
extension Inventory {
    /// A host name as add_host takes it, `host:port` or `[v6]:port`, split as inventories split it.
    public static func splitAddress(_ name: String) throws -> (host: String, port: Int?) {
        guard let parsed = HostAddress.parse(name, allowRanges: false) else {
            throw InventoryFailure("invalid host name '\(name)'")
        }
        return parsed
    }

    /// add_host: adds `hostName` if new, merges `vars` into its own variables and puts it in
    /// `groups`. Returns whether anything changed.
    public func addHost(_ hostName: String, groups: [String], vars: OrderedDictionary<String, Value>) throws -> Bool {
        var changed = false
        if data.hosts[hostName] == nil {
            data.currentSource = nil  // hosts added by a play come from no inventory file
            try data.addHost(hostName, group: nil, port: nil)
            changed = true
        }
        guard let host = data.hosts[hostName] else { return changed }
        for (k, v) in vars where host.vars[k] != v {
            host.vars[k] = v
            changed = true
        }
        for g in groups where !g.isEmpty {
            if data.groups[g] == nil { data.addGroup(g); changed = true }
            if let group = data.groups[g], !group.hostSet.contains(hostName) {
                data.add(host, to: group)
                changed = true
            }
        }
        if changed { inventoryChanged() }
        return changed
    }

    /// group_by: puts `hostName` in `group` (created as needed), which becomes a child of each of
    /// `parents` (created as needed). Returns whether anything changed.
    public func addToGroup(host hostName: String, group: String, parents: [String]) throws -> Bool {
        var changed = false
        if data.hosts[hostName] == nil {
            // The implicit localhost becomes a real host once it is put in a group (still local).
            let implicitVars = host(hostName)?.vars ?? [:]
            data.currentSource = nil
            try data.addHost(hostName, group: nil, port: nil)
            for (k, v) in implicitVars { data.hosts[hostName]?.vars[k] = v }
            changed = true
        }
        if data.groups[group] == nil { data.addGroup(group) }
        for p in parents where data.groups[p] == nil {
            data.addGroup(p)
            changed = true
        }
        for p in parents where !(data.groups[p]?.children.contains(group) ?? true) {
            try data.addChildGroup(parent: p, child: group)
            changed = true
        }
        if let g = data.groups[group], let host = data.hosts[hostName], !g.hostSet.contains(hostName) {
            data.add(host, to: g)
            changed = true
        }
        if changed { inventoryChanged() }
        return changed
    }

    /// Reconciles the groups and forgets everything computed from the old ones.
    private func inventoryChanged() {
        data.reconcile()
        lock.lock()
        groupHostsCache = [:]
        hostGroupsCache = [:]
        sortedGroupsCache = [:]
        groupVarsCache = [:]
        patternCache = [:]
        lock.unlock()
        rebuildIndexes()
    }
}
