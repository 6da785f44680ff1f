import ArgumentParser
import DataLoader
import Executor
import Foundation
import Inventory
import Jinja
import OrderedCollections
import Output
import Playbook
import Templating

/// `swiftplay inventory`: shows the inventory as ansible-inventory does (--list, --host, --graph).
struct InventoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "inventory", abstract: "Show the inventory (like ansible-inventory).")

    @Option(name: [.short, .customLong("inventory"), .customLong("inventory-file")], help: "Inventory file, directory or host list (repeatable).")
    var inventory: [String] = []
    @Flag(name: .long, help: "All hosts and groups as JSON, with host variables under _meta.") var list = false
    @Option(name: .long, help: "The variables of one host.") var host: String?
    @Flag(name: .long, help: "The group tree, from GROUP (default all).") var graph = false
    @Flag(name: .customLong("vars"), help: "With --graph: show variables too.") var showVars = false
    @Flag(name: [.short, .long], help: "YAML instead of JSON.") var yaml = false
    @Flag(name: .long, help: "TOML instead of JSON (not supported).") var toml = false
    @Option(name: .customLong("output"), help: "Write to this file instead of standard output.") var outputFile: String?
    @Option(name: [.short, .long], help: "Further limit selected hosts to a pattern.") var limit: String?
    @Flag(name: .long, help: "With --list: each host's and group's own variables, for re-importing.") var export = false
    @Option(name: [.customShort("e"), .customLong("extra-vars")], help: "key=value, YAML/JSON, or @file (repeatable).")
    var extraVars: [String] = []
    @Option(name: .customLong("playbook-dir"), help: "Where group_vars/ and host_vars/ are also read (default: the current directory).")
    var playbookDir: String?
    @Flag(name: .short, help: "Verbose mode.") var verbose: Int
    @OptionGroup var vault: VaultOptions
    @Argument(help: "With --graph: the group to start at.") var group: String?

    /// Magic and internal variables ansible-inventory leaves out of host variables.
    static let internalVars: Set<String> = ["inventory_file", "inventory_dir", "inventory_hostname", "inventory_hostname_short",
                                            "groups", "group_names", "omit", "hostvars", "playbook_dir"]

    func run() throws {
        let actions = [list, host != nil, graph].filter { $0 }.count
        if actions == 0 { throw UsageError("No action selected, at least one of --host, --graph or --list needs to be specified.") }
        if actions > 1 { throw UsageError("Conflicting options used, only one of --host, --graph or --list can be used at the same time.") }
        if toml { throw UsageError("TOML output is not supported by swiftplay inventory; use --list or --yaml") }
        let config = try Config.load()
        try vault.install(config: config)
        let sources = (inventory.isEmpty ? InventorySources.configured(config) : inventory.map { config.resolve($0) })
        let inv = try Inventory(sources: sources)
        for w in inv.warnings { warn(w) }
        let view = InventoryView(inventory: inv, extraVars: try ExtraVars.parse(extraVars),
                                 playbookDir: playbookDir ?? FileManager.default.currentDirectoryPath, export: export)
        var text: String
        if let host {
            let matched = inv.hosts(matching: host)
            guard matched.count == 1 else { throw UsageError("You must pass a single valid host to --host parameter") }
            text = try dump(.dict(try view.hostVariables(matched[0])))
        } else if graph {
            let start = group ?? "all"
            guard inv.groups[start] != nil else { throw UsageError("Pattern must be valid group name when using --graph") }
            text = try view.graph(start, showVars: showVars).joined(separator: "\n")
        } else {
            let available = try inv.hosts(matching: "all", limit: limit)
            text = try dump(yaml ? try view.yamlTree(available: available) : try view.jsonTree(available: available))
        }
        if let outputFile {
            do { try text.write(toFile: outputFile, atomically: false, encoding: .utf8) } catch {
                throw UsageError("Unable to write to destination file (\(outputFile)): \(error.localizedDescription)")
            }
        } else {
            print(text)
        }
    }

    func dump(_ v: Value) throws -> String {
        // Inline !vault values are shown vaulted, as ansible-inventory shows them.
        var vaulted: [String] = []
        let shown = VaultedValues.replace(v) { text in
            if !yaml { return .dict(["__ansible_vault": .string(text)]) }
            vaulted.append(text)
            return .string(VaultedValues.token(vaulted.count - 1))
        }
        if yaml {
            var s = try YAMLText.dump(shown, flowStyle: false)
            if s.hasSuffix("\n") { s.removeLast() }
            return VaultedValues.restoreYAML(s, vaulted)
        }
        return JSONText.encode(shown, indent: 4, sortKeys: true)
    }

    func warn(_ message: String) {
        FileHandle.standardError.write(Data("[WARNING]: \(message)\n".utf8))
    }
}

/// The inventory's groups, hosts and variables laid out as ansible-inventory prints them.
struct InventoryView {
    let inventory: Inventory
    let extraVars: Vars
    let playbookDir: String
    let export: Bool

    /// All of a host's variables as a play would see them before it starts (inventory, group_vars,
    /// host_vars, extra vars); with --export only its own.
    func hostVariables(_ name: String) throws -> OrderedDictionary<String, Value> {
        var vars: OrderedDictionary<String, Value>
        if export {
            vars = try inventory.ownVariables(host: name, playbookDir: playbookDir)
        } else {
            vars = try inventory.variables(for: name, playbookDir: playbookDir)
            for (k, v) in extraVars { vars[k] = v }
        }
        return vars.filter { !InventoryCommand.internalVars.contains($0.key) }
    }

    func groupVariables(_ name: String) throws -> OrderedDictionary<String, Value> {
        var vars = try inventory.ownVariables(group: name, playbookDir: playbookDir)
        if let g = inventory.groups[name], g.priority != 1 { vars["ansible_group_priority"] = .int(g.priority) }
        return vars
    }

    /// --list: each group with its hosts and children (empty keys and groups left out), then _meta.
    func jsonTree(available: [String]) throws -> Value {
        let availableSet = Set(available)
        var out = OrderedDictionary<String, Value>()
        var seen: Set<String> = []
        func add(_ name: String) throws {
            guard let group = inventory.groups[name] else { return }
            var entry = OrderedDictionary<String, Value>()
            if name != "all" { entry["hosts"] = .list(group.hosts.filter { availableSet.contains($0) }.map(Value.string)) }
            entry["children"] = .list(group.children.map(Value.string))
            for child in group.children where !seen.contains(child) {
                try add(child)
                seen.insert(child)
            }
            if export { entry["vars"] = .dict(try groupVariables(name)) }
            entry = entry.filter { $0.value.truthy }
            if !entry.isEmpty { out[name] = .dict(entry) }
        }
        try add("all")
        var hostvars = OrderedDictionary<String, Value>()
        for h in available {
            let vars = try hostVariables(h)
            if !vars.isEmpty { hostvars[h] = .dict(vars) }
        }
        out["_meta"] = .dict(["hostvars": .dict(hostvars)])
        return .dict(out)
    }

    /// --list --yaml: the tree in the YAML inventory format; a host's variables at its first mention.
    func yamlTree(available: [String]) throws -> Value {
        let availableSet = Set(available)
        var seenHosts: Set<String> = []
        var seenGroups: Set<String> = []
        func format(_ name: String) throws -> OrderedDictionary<String, Value> {
            guard let group = inventory.groups[name] else { return [:] }
            var entry = OrderedDictionary<String, Value>()
            var children = OrderedDictionary<String, Value>()
            for child in group.children where child != "all" {
                if seenGroups.contains(child) {
                    children[child] = .dict([:])
                } else {
                    for (k, v) in try format(child) { children[k] = v }
                    seenGroups.insert(child)
                }
            }
            entry["children"] = .dict(children)
            var hosts = OrderedDictionary<String, Value>()
            if name != "all" {
                for h in group.hosts where availableSet.contains(h) {
                    var vars = OrderedDictionary<String, Value>()
                    if !seenHosts.contains(h) {
                        seenHosts.insert(h)
                        vars = try hostVariables(h)
                    }
                    hosts[h] = .dict(vars)
                }
            }
            entry["hosts"] = .dict(hosts)
            if export {
                let gv = try groupVariables(name)
                if !gv.isEmpty { entry["vars"] = .dict(gv) }
            }
            entry = entry.filter { $0.value.truthy }
            return entry.isEmpty ? [:] : [name: .dict(entry)]
        }
        return .dict(try format("all"))
    }

    /// --graph: `@group:` lines, children indented with `  |--`, then hosts, then (with --vars) variables.
    func graph(_ name: String, depth: Int = 0, showVars: Bool) throws -> [String] {
        guard let group = inventory.groups[name] else { return [] }
        var lines = [Self.indent("@\(name):", depth)]
        for child in group.children { lines += try graph(child, depth: depth + 1, showVars: showVars) }
        if name != "all" {
            for h in group.hosts {
                lines.append(Self.indent(h, depth + 1))
                if showVars { lines += varLines(try hostVariables(h), depth + 2) }
            }
        }
        if showVars { lines += varLines(try groupVariables(name), depth + 1) }
        return lines
    }

    func varLines(_ vars: OrderedDictionary<String, Value>, _ depth: Int) -> [String] {
        vars.sorted { $0.key.unicodeScalars.lexicographicallyPrecedes($1.key.unicodeScalars) }
            .map { Self.indent("{\($0.key) = \($0.value.pythonStr)}", depth) }
    }

    static func indent(_ s: String, _ depth: Int) -> String {
        depth == 0 ? s : String(repeating: "  |", count: depth) + "--" + s
    }
}
