import DataLoader
import Foundation
import Jinja
import OrderedCollections

/// Hosts, groups and inventory variables from Ansible inventory sources, with Ansible's semantics.
public final class Inventory {
    /// Names Ansible treats as the control machine itself.
    public static let localhostNames: Set<String> = ["localhost", "127.0.0.1", "::1"]

    /// Non-fatal problems, worded as Ansible's warnings.
    public var warnings: [String] {
        lock.lock()
        defer { lock.unlock() }
        return data.warnings + varsFiles.warnings
    }
    public var hosts: OrderedDictionary<String, Host> { data.hosts }
    public var groups: OrderedDictionary<String, Group> { data.groups }
    /// The directory of each inventory source (host lists have none), where `group_vars/` and
    /// `host_vars/` are looked up.
    public let sourceDirs: [String]

    let data: InventoryData
    let varsFiles = VarsFiles()
    let lock = NSLock()
    private var implicitLocalhost: Host?
    var groupHostsCache: [String: [String]] = [:]
    var hostGroupsCache: [String: [String]] = [:]
    var sortedGroupsCache: [[String]: [String]] = [:]  // direct groups -> groups in vars order
    var groupVarsCache: [[String]: OrderedDictionary<String, Value>] = [:]  // [playbook dir] + groups -> vars
    /// Source directories that have a group_vars or host_vars folder.
    lazy var groupVarsDirs: [String] = sourceDirs.filter { varsFiles.hasFolder(baseDir: $0, kind: "group_vars") }
    lazy var hostVarsDirs: [String] = sourceDirs.filter { varsFiles.hasFolder(baseDir: $0, kind: "host_vars") }
    /// Each group's ancestors, and its place in vars precedence; rebuilt when add_host or group_by
    /// change the groups during a run.
    var ancestors: [String: [String]] = [:]
    var precedenceRank: [String: Int] = [:]
    var patternCache: [String: [String]] = [:]

    /// Reads the sources in order: files, directories (every file inside, skipping hidden files,
    /// `host_vars`/`group_vars` and backup or non-inventory extensions) and `h1,h2,` host lists.
    /// A missing source is a warning, as in Ansible, leaving only the implicit localhost. A malformed
    /// file is an error naming its file, line and column (Ansible only warns and goes on without it,
    /// unless `inventory_any_unparsed_is_failed` is set). Inventory scripts, TOML files and inventory
    /// plugin configurations (`plugin:` YAML) are refused with an error.
    public init(sources: [String]) throws {
        data = InventoryData()
        let loader = SourceLoader(data: data)
        var parsed = false
        var dirs: [String] = []
        for raw in sources where !raw.isEmpty {
            let exists = FileManager.default.fileExists(atPath: raw)
            let source = raw.contains(",") && !exists ? raw : SourceLoader.absolutePath(raw)
            if try loader.load(source) { parsed = true }
            if source == raw && raw.contains(",") && !exists { continue }  // a host list has no directory
            // Like Ansible, a missing file's directory still counts for group_vars and host_vars.
            var isDir: ObjCBool = false
            let dir = FileManager.default.fileExists(atPath: source, isDirectory: &isDir) && isDir.boolValue
            dirs.append(dir ? source : (source as NSString).deletingLastPathComponent)
        }
        sourceDirs = dirs
        if parsed {
            data.reconcile()
        } else {
            data.warn("No inventory was parsed, only implicit localhost is available")
        }
        rebuildIndexes()
    }

    /// Group ancestors and vars precedence, computed once the groups are known.
    func rebuildIndexes() {
        for name in data.groups.keys { ancestors[name] = data.ancestors(of: name) }
        // Vars of shallower groups apply first; then lower priority; then by name.
        let ordered = data.groups.values.sorted { a, b in
            if a.depth != b.depth { return a.depth < b.depth }
            if a.priority != b.priority { return a.priority < b.priority }
            return a.name.unicodeScalars.lexicographicallyPrecedes(b.name.unicodeScalars)
        }
        for (rank, group) in ordered.enumerated() { precedenceRank[group.name] = rank }
    }

    /// The host of that name; for localhost, 127.0.0.1 or ::1 outside the inventory, the implicit
    /// localhost (local connection, local Python), as Ansible makes it.
    public func host(_ name: String) -> Host? {
        if let h = data.hosts[name] { return h }
        guard Self.localhostNames.contains(name) else { return nil }
        if let first = data.localhost, let h = data.hosts[first] { return h }
        lock.lock()
        defer { lock.unlock() }
        if let h = implicitLocalhost { return h }
        let h = Host(name: name)
        h.isImplicit = true
        h.vars["ansible_python_interpreter"] = .string(Self.localPython())
        h.vars["ansible_connection"] = .string("local")
        implicitLocalhost = h
        return h
    }

    /// The source file where the host was first found (for the `inventory_file` magic variable).
    public func inventoryFile(of host: String) -> String? { self.host(host)?.inventoryFile }
    /// Its directory (for `inventory_dir`).
    public func inventoryDir(of host: String) -> String? { self.host(host)?.inventoryDir }

    /// The `group_names` magic variable: every group the host is in, directly or through child groups,
    /// sorted, without `all` (an ungrouped host gets ["ungrouped"], as in Ansible).
    public func groupNames(of host: String) -> [String] {
        allGroups(of: host).filter { $0 != "all" }.sorted()
    }

    /// The `groups` magic variable: each group's hosts, including those of its child groups.
    public var groupsMagic: OrderedDictionary<String, [String]> {
        var out = OrderedDictionary<String, [String]>()
        for name in data.groups.keys { out[name] = hostsOfGroup(name) }
        return out
    }

    /// A group's hosts including its descendants': its own first, then its children's level by level.
    func hostsOfGroup(_ name: String) -> [String] {
        lock.lock()
        defer { lock.unlock() }
        if let cached = groupHostsCache[name] { return cached }
        guard let group = data.groups[name] else { return [] }
        var seenGroups: Set<String> = [name]
        var level = [group]
        var out: [String] = []
        var seenHosts: Set<String> = []
        while !level.isEmpty {
            var next: [Group] = []
            for g in level {
                for h in g.hosts where !seenHosts.contains(h) {
                    seenHosts.insert(h)
                    out.append(h)
                }
                for c in g.children where !seenGroups.contains(c) {
                    seenGroups.insert(c)
                    if let cg = data.groups[c] { next.append(cg) }
                }
            }
            level = next
        }
        groupHostsCache[name] = out
        return out
    }

    /// Every group of the host, direct or inherited (including `all` for inventory hosts).
    func allGroups(of hostName: String) -> [String] {
        // `localhost` may stand for the inventory's 127.0.0.1, as in Ansible.
        guard let host = data.hosts[hostName] ?? host(hostName), !host.isImplicit else { return [] }
        lock.lock()
        defer { lock.unlock() }
        if let cached = hostGroupsCache[host.name] { return cached }
        var out: [String] = []
        var seen: Set<String> = []
        for g in host.groups {
            for name in [g] + (ancestors[g] ?? []) where !seen.contains(name) {
                seen.insert(name)
                out.append(name)
            }
        }
        hostGroupsCache[host.name] = out
        return out
    }

    /// The interpreter Ansible would give the implicit localhost: here the python3 on PATH.
    static func localPython() -> String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for dir in path.split(separator: ":") {
            let candidate = String(dir) + "/python3"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return "/usr/bin/python3"
    }
}
