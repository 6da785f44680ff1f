import Foundation
import Inventory
import Jinja
import OrderedCollections
import Playbook

extension PlayRunner {
    /// Actions whose results change the run itself, applied as Ansible's strategy does: add_host and
    /// group_by change the in-memory inventory (and so decide `changed`), set_stats adds custom
    /// statistics. Such tasks run one host at a time, so nothing reads the inventory meanwhile.
    static let inventoryActions: Set<String> = ["add_host", "group_by"]

    func applyRuntimeResult(_ result: inout Vars, host: String) throws {
        // The free strategy runs hosts side by side: inventory changes still go one at a time.
        runner.inventoryLock.lock()
        defer { runner.inventoryLock.unlock() }
        if var add = result["add_host"]?.dictValue {
            // `host:port` names the host and its port (ansible_ssh_port), in the result too.
            let (name, port) = try Inventory.splitAddress(add["host_name"]?.pythonStr ?? "")
            var vars = add["host_vars"]?.dictValue ?? [:]
            if let port { vars["ansible_ssh_port"] = .int(port) }
            add["host_name"] = .string(name)
            add["host_vars"] = .dict(vars)
            result["add_host"] = .dict(add)
            let changed = try runner.inventory.addHost(name, groups: add["groups"]?.listValue?.map(\.pythonStr) ?? [], vars: vars)
            result["changed"] = .bool(changed)
            forgetInventoryVariables()
        }
        if let group = result["add_group"]?.stringValue {
            let changed = try runner.inventory.addToGroup(
                host: host, group: group, parents: result["parent_groups"]?.listValue?.map(\.pythonStr) ?? [])
            result["changed"] = .bool(changed)
            forgetInventoryVariables()
        }
        if let stats = result["ansible_stats"]?.dictValue {
            runner.customStats.add(stats["data"]?.dictValue ?? [:], host: stats["per_host"]?.truthy == true ? host : nil,
                                   aggregate: stats["aggregate"]?.truthy ?? true)
        }
    }

    private func forgetInventoryVariables() {
        lock.lock()
        inventoryVars = [:]
        lock.unlock()
    }
}

/// set_stats data: per host, and for the whole run.
final class CustomStats {
    private(set) var perHost: [String: Vars] = [:]
    private(set) var run: Vars = [:]
    private let lock = NSLock()

    var isEmpty: Bool { perHost.isEmpty && run.isEmpty }

    /// With `aggregate`, a value adds to an earlier one of the same type (mappings merge recursively,
    /// lists and strings concatenate, numbers add) and a value of another type is dropped, as Ansible
    /// does; otherwise it replaces it.
    func add(_ data: Vars, host: String?, aggregate: Bool) {
        lock.lock()
        defer { lock.unlock() }
        var current = host.map { perHost[$0] ?? [:] } ?? run
        for (k, v) in data {
            guard aggregate, let old = current[k] else { current[k] = v; continue }
            if let sum = Self.combine(old, v) { current[k] = sum }
        }
        if let host { perHost[host] = current } else { run = current }
    }

    static func combine(_ a: Value, _ b: Value) -> Value? {
        switch (a, b) {
        case (.dict(let x), .dict(let y)): return .dict(merge(x, y))
        case (.list(let x), .list(let y)): return .list(x + y)
        case (.string(let x), .string(let y)): return .string(x + y)
        case (.int(let x), .int(let y)): return .int(x + y)
        case (.double(let x), .double(let y)): return .double(x + y)
        case (.double(let x), .int(let y)): return .double(x + Double(y))
        default: return nil
        }
    }

    /// Recursive merge of mappings; other values of `b` replace those of `a`.
    static func merge(_ a: Vars, _ b: Vars) -> Vars {
        var out = a
        for (k, v) in b {
            if case .dict(let x)? = out[k], case .dict(let y) = v { out[k] = .dict(merge(x, y)) } else { out[k] = v }
        }
        return out
    }
}
