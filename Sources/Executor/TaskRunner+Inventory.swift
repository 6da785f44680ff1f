import Inventory
import Foundation
import Jinja
import Modules
import OrderedCollections
import Playbook

/// `add_host` and `group_by`: engine actions that change the in-memory inventory. Their `changed`
/// says whether the inventory changed; changed_when and failed_when apply after, as in Ansible.
extension TaskRunner {
    /// Actions that change the inventory: the play runs them on one host at a time.
    static let inventoryActions: Set<String> = ["add_host", "group_by"]

    func addHost(_ scope: VarScope) throws -> Vars {
        var args = try templateArgs(scope)
        if let raw = args.removeValue(forKey: "_raw_params") {
            guard case .dict(let d) = raw else {
                throw ModuleError("Invalid raw parameters passed, requires a dictionary/mapping got a \(raw.typeName)")
            }
            args = d.merging(args) { $1 }
        }
        guard let given = args["name"] ?? args["hostname"] ?? args["host"] else {
            throw ModuleError("name, host or hostname needs to be provided")
        }
        let (name, port) = Inventory.hostAndPort(given.pythonStr)
        if let port { args["ansible_ssh_port"] = .int(port) }
        var groups: [String] = []
        switch args["groupname"] ?? args["groups"] ?? args["group"] {
        case nil, .none?: break
        case .list(let l)?: groups = l.map(\.pythonStr)
        case .string(let s)?: groups = s.isEmpty ? [] : s.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        default: throw ModuleError("Groups must be specified as a list.")
        }
        var unique: [String] = []
        for g in groups.map({ $0.trimmingCharacters(in: .whitespaces) }) where !unique.contains(g) { unique.append(g) }
        let special: Set<String> = ["name", "hostname", "groupname", "groups"]
        let hostVars = args.filter { !special.contains($0.key) }
        let changed = try runner.inventory.addDynamicHost(name, groups: unique, vars: hostVars)
        if changed { play.inventoryChanged() }
        return ["changed": .bool(changed),
                "add_host": ["host_name": .string(name), "groups": .list(unique.map { .string($0) }), "host_vars": .dict(hostVars)]]
    }

    func groupBy(_ scope: VarScope) throws -> Vars {
        let args = try templateArgs(scope)
        if let bad = args.keys.first(where: { $0 != "key" && $0 != "parents" }) {
            throw ModuleError("Invalid options for group_by: \(bad)")
        }
        guard let key = args["key"] else {
            return ["failed": true, "changed": false, "msg": "the 'key' param is required when using group_by"]
        }
        let name = key.pythonStr.replacingOccurrences(of: " ", with: "-")
        let parents: [String]
        switch args["parents"] {
        case nil: parents = ["all"]
        case .list(let l)?: parents = l.map { $0.pythonStr.replacingOccurrences(of: " ", with: "-") }
        case let p?: parents = [p.pythonStr.replacingOccurrences(of: " ", with: "-")]
        }
        let changed = try runner.inventory.addHostToDynamicGroup(host, group: name, parents: parents)
        if changed { play.inventoryChanged() }
        return ["changed": .bool(changed), "add_group": .string(name), "parent_groups": .list(parents.map { .string($0) })]
    }
}

extension PlayRunner {
    /// Forgets the inventory variables read so far, after add_host or group_by changed hosts or groups.
    func inventoryChanged() {
        lock.lock()
        inventoryVars = [:]
        lock.unlock()
    }
}
