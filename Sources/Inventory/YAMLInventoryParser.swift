import DataLoader
import Jinja
import OrderedCollections

/// Ansible reads inventory and vars files as single YAML documents.
func loadSingleYAMLDocument(_ text: String, file: String) throws -> YAMLNode? {
    let docs = try YAMLLoader.loadAll(text: text, file: file)
    if docs.count > 1 {
        throw SourceError("expected a single document in the stream, found \(docs.count)", at: docs[1].mark)
    }
    return docs.first
}

/// Reads Ansible's YAML (and JSON) inventory format into `InventoryData`: top-level keys are groups,
/// each a mapping with optional `hosts`, `vars` and `children` (nested groups of the same shape).
/// Host keys may carry ranges and ports (`web[01:03]:2222`).
struct YAMLInventoryParser {
    let data: InventoryData
    let file: String

    /// Why a document is not a YAML inventory; `looksLikeYAMLInventory` tells whether the file was
    /// meant as one, so that the caller can prefer this error over the INI parser's.
    struct NotInventory: Error {
        var error: SourceError
        var looksLikeYAMLInventory: Bool
    }

    /// Checks the document's shape before anything is added, so a failed attempt leaves no trace.
    static func check(_ root: YAMLNode?, file: String) throws -> [YAMLEntry] {
        guard let root else {
            throw NotInventory(error: SourceError("Parsed empty YAML file", at: SourceMark(file: file, line: 1, column: 1)), looksLikeYAMLInventory: false)
        }
        guard let entries = root.entries else {
            throw NotInventory(error: SourceError("YAML inventory has invalid structure, it should be a dictionary, got: \(root.kindName)", at: root.mark), looksLikeYAMLInventory: false)
        }
        if let plugin = root["plugin"], plugin.value.truthy {
            throw NotInventory(error: SourceError("'\(plugin.value.pythonStr)' is an inventory plugin configuration; only INI and YAML inventories are supported", at: plugin.mark), looksLikeYAMLInventory: true)
        }
        return entries
    }

    func parse(_ entries: [YAMLEntry]) throws {
        for entry in entries {
            _ = try parseGroup(entry.key, entry.value, at: entry.keyMark)
        }
    }

    private func parseGroup(_ name: String, _ node: YAMLNode, at mark: SourceMark) throws -> String {
        guard node.entries != nil || node.value.isNone else {
            data.warn("Skipping '\(name)' as this is not a valid group definition (\(mark))")
            return name
        }
        if name.isEmpty { throw SourceError("Invalid empty/false group name provided", at: mark) }
        let group = data.addGroup(name)
        for entry in node.entries ?? [] {
            var section = entry.value
            let known = ["vars", "children", "hosts"].contains(entry.key)
            if known, case .scalar(.string(let s), let m) = section {
                // A lone name is allowed: `hosts: web1` means `hosts: {web1: null}`.
                section = .mapping([YAMLEntry(key: s, keyMark: m, value: .scalar(.none, m))], m)
            }
            guard section.entries != nil || section.value.isNone else {
                if known {
                    throw SourceError("Invalid \"\(entry.key)\" entry for \"\(group)\" group, requires a dictionary, found \(section.kindName) instead.", at: section.mark)
                }
                data.warn("Skipping key (\(entry.key)) in group (\(group)) as it is not a mapping, it is \(section.kindName) (\(entry.keyMark))")
                continue
            }
            let items = section.entries ?? []
            do {
                switch entry.key {
                case "vars":
                    for item in items { try data.setVariable(group, item.key, item.value.value) }
                case "children":
                    for item in items {
                        let child = try parseGroup(item.key, item.value, at: item.keyMark)
                        do {
                            try data.addChild(group: group, child: child)
                        } catch let error as InventoryFailure {
                            throw SourceError(error.description, at: item.keyMark)
                        }
                    }
                case "hosts":
                    for item in items { try parseHost(item, group: group) }
                default:
                    if section.entries != nil {
                        data.warn("Skipping unexpected key (\(entry.key)) in group (\(group)), only \"vars\", \"children\" and \"hosts\" are valid (\(entry.keyMark))")
                    }
                }
            } catch let error as InventoryFailure {
                throw SourceError(error.description, at: entry.keyMark)
            }
        }
        return group
    }

    private func parseHost(_ item: YAMLEntry, group: String) throws {
        if let typed = item.typedKey, typed.stringValue == nil {
            throw SourceError("Host pattern \(item.key) must be a string. Enclose integers/floats in quotation marks.", at: item.keyMark)
        }
        let names: [String]
        let port: Int?
        do {
            let (host, p) = HostAddress.parse(item.key, allowRanges: true) ?? (item.key, nil)
            names = host.has("[") ? try HostAddress.expand(host) : [host]
            port = p
        } catch let error as HostAddress.Invalid {
            throw SourceError(error.description, at: item.keyMark)
        }
        // An empty or false value means no vars, as Ansible's `or {}` does.
        var vars: [YAMLEntry] = []
        if let entries = item.value.entries {
            vars = entries
        } else if item.value.value.truthy {
            throw SourceError("Invalid data for host '\(item.key)': expected a dictionary of host variables, got \(item.value.kindName)", at: item.value.mark)
        }
        do {
            for name in names {
                try data.addHost(name, group: group, port: port)
                for v in vars { try data.setVariable(name, v.key, v.value.value) }
            }
        } catch let error as InventoryFailure {
            throw SourceError(error.description, at: item.keyMark)
        }
    }
}
