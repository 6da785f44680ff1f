import Foundation
import Jinja
import OrderedCollections

/// The hosts and groups that inventory sources fill in, with Ansible's rules: `all` and `ungrouped`
/// always exist, groups form a graph without cycles, and after parsing every group hangs under `all`
/// and every host without a group lands in `ungrouped`.
final class InventoryData {
    var hosts: OrderedDictionary<String, Host> = [:]
    var groups: OrderedDictionary<String, Group> = [:]
    var warnings: [String] = []
    /// The source being parsed: hosts record where they first appeared.
    var currentSource: (file: String, dir: String?)?
    private var warnedGroupNames = false
    /// The first localhost-like host of the inventory: Ansible answers `localhost` with it.
    var localhost: String?

    init() {
        _ = addGroup("all")
        _ = addGroup("ungrouped")
        try? addChildGroup(parent: "all", child: "ungrouped")
    }

    func warn(_ message: String) {
        if !warnings.contains(message) { warnings.append(message) }
    }

    @discardableResult
    func addGroup(_ name: String) -> String {
        if groups[name] == nil {
            if !Self.isValidIdentifier(name) && !warnedGroupNames {
                // Ansible's default (TRANSFORM_INVALID_GROUP_CHARS=never) keeps such names and warns once.
                warnedGroupNames = true
                warn("Invalid characters were found in group names but not replaced, use -vvvv to see details")
            }
            groups[name] = Group(name: name)
        }
        return name
    }

    func addHost(_ name: String, group: String?, port: Int?) throws {
        guard !name.isEmpty else { throw InventoryFailure("Invalid empty host name provided: \(name)") }
        let target = group.flatMap { groups[$0] }
        if let group, target == nil { throw InventoryFailure("Could not find group \(group) in inventory") }
        let host: Host
        if let existing = hosts[name] {
            host = existing  // as in Ansible, a port given again for a known host is ignored
        } else {
            host = Host(name: name)
            host.inventoryFile = currentSource?.file
            host.inventoryDir = currentSource?.dir
            if let port, port != 0 { host.vars["ansible_port"] = .int(port) }
            hosts[name] = host
            if Inventory.localhostNames.contains(name) {
                if let first = localhost {
                    warn("A duplicate localhost-like entry was found (\(name)). First found localhost was \(first)")
                } else {
                    localhost = name
                }
            }
        }
        if let target { add(host, to: target) }
    }

    func add(_ host: Host, to group: Group) {
        guard !group.hostSet.contains(host.name) else { return }
        group.hosts.append(host.name)
        group.hostSet.insert(host.name)
        host.groups.append(group.name)
    }

    private func remove(_ host: Host, from group: Group) {
        guard group.hostSet.contains(host.name) else { return }
        group.hosts.removeAll { $0 == host.name }
        group.hostSet.remove(host.name)
        host.groups.removeAll { $0 == group.name }
    }

    /// Adds a group or a host to a group.
    func addChild(group: String, child: String) throws {
        guard let g = groups[group] else { throw InventoryFailure("\(group) is not a known group") }
        if groups[child] != nil {
            try addChildGroup(parent: group, child: child)
        } else if let host = hosts[child] {
            add(host, to: g)
        } else {
            throw InventoryFailure("\(child) is not a known host nor group")
        }
    }

    func addChildGroup(parent: String, child: String) throws {
        guard let p = groups[parent], let c = groups[child] else { return }
        if parent == child { throw InventoryFailure("can't add group '\(child)' to itself") }
        if p.children.contains(child) { return }
        if ancestors(of: parent).contains(child) {
            throw InventoryFailure("Adding group '\(child)' as child to '\(parent)' creates a recursive dependency loop.")
        }
        p.children.append(child)
        if !c.parents.contains(parent) { c.parents.append(parent) }
    }

    /// Groups above `group`, nearest first.
    func ancestors(of group: String) -> [String] {
        var seen: Set<String> = []
        var order: [String] = []
        var queue = groups[group]?.parents ?? []
        while !queue.isEmpty {
            var next: [String] = []
            for name in queue where !seen.contains(name) {
                seen.insert(name)
                order.append(name)
                next.append(contentsOf: groups[name]?.parents ?? [])
            }
            queue = next
        }
        return order
    }

    /// Sets a variable on a group or host; a name that is both means the group, as in Ansible.
    func setVariable(_ entity: String, _ key: String, _ value: Value) throws {
        if let g = groups[entity] {
            if key == "ansible_group_priority" {
                g.priority = try Self.priority(value)
            } else {
                g.vars[key] = value
            }
        } else if let h = hosts[entity] {
            h.vars[key] = value
        } else {
            throw InventoryFailure("Could not identify group or host named \(entity)")
        }
    }

    /// Sets several variables on a host (or on the group of that name, as `setVariable` does).
    func setHostVariables(_ name: String, _ vars: [(String, Value)]) throws {
        guard !vars.isEmpty else { return }
        if groups[name] == nil, let h = hosts[name] {
            for (key, value) in vars { h.vars[key] = value }
        } else {
            for (key, value) in vars { try setVariable(name, key, value) }
        }
    }

    /// Python's int() of the value; None is ignored by Ansible (priority stays 1).
    private static func priority(_ value: Value) throws -> Int {
        switch value {
        case .int(let n): return n
        case .bool(let b): return b ? 1 : 0
        case .double(let d) where d.isFinite: return Int(d)
        case .string(let s):
            if let n = HostAddress.pythonInt(s) { return n }
            throw InventoryFailure("invalid ansible_group_priority '\(s)': expected an integer")
        case .none: return 1
        default: throw InventoryFailure("invalid ansible_group_priority \(value.pythonRepr): expected an integer")
        }
    }

    /// Ansible's post-parse rules: top groups go under `all`, hosts without a group go to `ungrouped`,
    /// hosts with a group leave it; then group depths are computed.
    func reconcile() {
        for (name, _) in groups where name != "all" && ancestors(of: name).isEmpty {
            try? addChildGroup(parent: "all", child: name)
        }
        guard let ungrouped = groups["ungrouped"] else { return }
        var above: [String: [String]] = [:]
        for name in groups.keys { above[name] = ancestors(of: name) }
        for host in hosts.values where !host.isImplicit {
            var all = Set(host.groups)
            for g in host.groups { all.formUnion(above[g] ?? []) }
            if all.contains("ungrouped") {
                if !all.subtracting(["all", "ungrouped"]).isEmpty { remove(host, from: ungrouped) }
            } else if all.isEmpty || all == ["all"] {
                add(host, to: ungrouped)
            }
        }
        for name in groups.keys where hosts[name] != nil {
            warn("Found both group and host with same name: \(name)")
        }
        computeDepths()
    }

    private func computeDepths() {
        var memo: [String: Int] = [:]
        func depth(_ name: String) -> Int {
            if let d = memo[name] { return d }
            memo[name] = 0  // the graph has no cycles; this only guards against surprises
            let d = (groups[name]?.parents ?? []).map { depth($0) + 1 }.max() ?? 0
            memo[name] = d
            return d
        }
        for (name, group) in groups { group.depth = depth(name) }
    }

    /// Python's str.isidentifier for ASCII names: what Ansible accepts in a group name without warning.
    static func isValidIdentifier(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || first.properties.isAlphabetic else { return false }
        return name.unicodeScalars.allSatisfy { $0 == "_" || $0.properties.isAlphabetic || $0.properties.numericType != nil }
    }
}
