import Foundation
import Jinja
import Modules
import Playbook

/// add_host and group_by: engine actions that change the run's inventory.
extension TaskRunner {
    /// add_host: adds a host (name, optionally name:port) to the inventory, in `groups`, with the
    /// other arguments as its variables. Runs once per task, like ansible-core's (bypasses the host loop).
    func addHost(_ scope: VarScope) throws -> Vars {
        var args = try templateArgs(scope)
        let nameValue = args.removeValue(forKey: "name") ?? args.removeValue(forKey: "host") ?? args.removeValue(forKey: "hostname")
        guard var name = nameValue?.pythonStr, !name.isEmpty else {
            throw ModuleError("The 'name' argument is required for add_host")
        }
        var hostVars = args
        hostVars.removeValue(forKey: "groups")
        hostVars.removeValue(forKey: "group")
        hostVars.removeValue(forKey: "groupname")
        let groupsValue = args["groups"] ?? args["group"] ?? args["groupname"]
        let groups = groupsValue.map { v in
            v.listValue?.map(\.pythonStr) ?? v.pythonStr.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        } ?? []
        // "host:port" (one colon, so not an IPv6 address) sets ansible_port.
        let parts = name.split(separator: ":")
        if parts.count == 2, let port = Int(parts[1]) {
            name = String(parts[0])
            hostVars["ansible_port"] = .int(port)
        }
        let changed = try runner.inventory.addHost(name, groups: groups, vars: hostVars)
        play.forgetInventoryVariables()
        return ["changed": .bool(changed),
                "add_host": ["host_name": .string(name), "host_groups": .list(groups.map { .string($0) }), "host_vars": .dict(hostVars)]]
    }

    /// group_by: puts this host into the group named by `key` (spaces become dashes), under `parents`.
    func groupBy(_ scope: VarScope) throws -> Vars {
        let args = try templateArgs(scope)
        guard let key = args["key"]?.pythonStr, !key.isEmpty else {
            throw ModuleError("the 'key' param is required when using group_by")
        }
        let group = key.replacingOccurrences(of: " ", with: "-")
        let parentsValue = args["parents"] ?? .list(["all"])
        let parents = (parentsValue.listValue ?? [parentsValue]).map { $0.pythonStr.replacingOccurrences(of: " ", with: "-") }
        let changed = try runner.inventory.addToGroup(host, group: group, parents: parents)
        play.forgetInventoryVariables()
        return ["changed": .bool(changed), "add_group": .string(group), "parent_groups": .list(parents.map { .string($0) })]
    }
}
