// TEMPORARY integration scaffold on main until the inventory branch lands; deleted at merge.
import DataLoader
import Foundation
import Jinja
import OrderedCollections

public final class Host {
    public let name: String
    public internal(set) var vars: OrderedDictionary<String, Value> = [:]
    public internal(set) var groups: [String] = []
    init(name: String) { self.name = name }
}

public final class Inventory {
    public var warnings: [String] = []
    public var hosts: OrderedDictionary<String, Host> = [:]
    var groupHosts: OrderedDictionary<String, [String]> = ["all": [], "ungrouped": []]

    public init(sources: [String]) throws {
        for s in sources {
            if s.contains(",") && !FileManager.default.fileExists(atPath: s) {
                for h in s.split(separator: ",") { add(String(h).trimmingCharacters(in: .whitespaces), group: "ungrouped") }
                continue
            }
            let text = try YAMLLoader.read(s)
            var group = "ungrouped"
            for line in text.split(separator: "\n") {
                let l = line.trimmingCharacters(in: .whitespaces)
                if l.isEmpty || l.hasPrefix("#") { continue }
                if l.hasPrefix("[") { group = String(l.dropFirst().dropLast()); continue }
                let parts = l.split(separator: " ")
                let h = String(parts[0])
                add(h, group: group)
                for p in parts.dropFirst() {
                    let kv = p.split(separator: "=", maxSplits: 1)
                    if kv.count == 2 { hosts[h]?.vars[String(kv[0])] = YAMLLoader.resolvePlain(String(kv[1])) }
                }
            }
        }
    }

    func add(_ h: String, group: String) {
        if hosts[h] == nil { hosts[h] = Host(name: h); groupHosts["all", default: []].append(h) }
        if !(groupHosts[group]?.contains(h) ?? false) { groupHosts[group, default: []].append(h) }
        hosts[h]?.groups.append(group)
    }

    public func host(_ name: String) -> Host? {
        if let h = hosts[name] { return h }
        if name == "localhost" || name == "127.0.0.1" {
            let h = Host(name: name)
            h.vars["ansible_connection"] = "local"
            return h
        }
        return nil
    }

    public func hosts(matching pattern: String) -> [String] {
        var out: [String] = []
        for p in pattern.split(separator: ",").map({ String($0).trimmingCharacters(in: .whitespaces) }) {
            if p == "all" || p == "*" { out += groupHosts["all"] ?? [] }
            else if let g = groupHosts[p] { out += g }
            else if host(p) != nil { out.append(p) }
        }
        var seen = Set<String>()
        return out.filter { seen.insert($0).inserted }
    }

    public func hosts(matching pattern: String, limit: String?) throws -> [String] {
        let base = hosts(matching: pattern)
        guard let limit else { return base }
        let allowed = Set(hosts(matching: limit))
        return base.filter { allowed.contains($0) }
    }

    public func groupNames(of host: String) -> [String] {
        groupHosts.filter { $0.key != "all" && $0.key != "ungrouped" && $0.value.contains(host) }.map(\.key).sorted()
    }

    public var groupsMagic: OrderedDictionary<String, [String]> { groupHosts }

    public func variables(for host: String, playbookDir: String?) throws -> OrderedDictionary<String, Value> {
        self.host(host)?.vars ?? [:]
    }

    public var sourceDirs: [String] { [] }
}
