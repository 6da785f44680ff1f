import Foundation
import Jinja
import OrderedCollections

extension Inventory {
    /// A host's own variables only, as `ansible-inventory --export` shows them: those set on the host
    /// in the inventory, then its `host_vars/` files next to each source and next to `playbookDir`.
    public func ownVariables(host hostName: String, playbookDir: String?) throws -> OrderedDictionary<String, Value> {
        guard let host = host(hostName) else { return [:] }
        var out = host.vars
        for dir in varsDirs(kind: "host_vars", playbookDir: playbookDir) {
            for (k, v) in try varsFiles.vars(baseDir: dir, kind: "host_vars", name: host.name) { out[k] = v }
        }
        return out
    }

    /// A group's own variables: those set on it in the inventory, then its `group_vars/` files.
    public func ownVariables(group name: String, playbookDir: String?) throws -> OrderedDictionary<String, Value> {
        guard let group = data.groups[name] else { return [:] }
        var out = group.vars
        for dir in varsDirs(kind: "group_vars", playbookDir: playbookDir) {
            for (k, v) in try varsFiles.vars(baseDir: dir, kind: "group_vars", name: name) { out[k] = v }
        }
        return out
    }

    private func varsDirs(kind: String, playbookDir: String?) -> [String] {
        lock.lock()
        defer { lock.unlock() }
        let base = kind == "host_vars" ? hostVarsDirs : groupVarsDirs
        return base + (playbookDir.map { [SourceLoader.absolutePath($0)] } ?? [])
    }
}
