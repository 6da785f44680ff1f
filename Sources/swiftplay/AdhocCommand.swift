import ArgumentParser
import Executor
import Foundation
import Inventory
import Jinja
import OrderedCollections
import Output
import Playbook

/// `swiftplay adhoc PATTERN -m MODULE -a ARGS`: runs one module on the matching hosts, like the
/// `ansible` command: a one-task play (no fact gathering) through the same executor as playbooks.
struct AdhocCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "adhoc", abstract: "Run one module on hosts (like the ansible command).")

    @OptionGroup var common: CommonOptions

    @Option(name: [.customShort("m"), .customLong("module-name")], help: "Module to run (default command).") var moduleName = "command"
    @Option(name: [.customShort("a"), .customLong("args")], help: "Module arguments: key=value pairs, free form, or a JSON object.")
    var moduleArgs = ""
    @Option(name: .customLong("task-timeout"), help: "Task time limit in seconds (0: none).") var taskTimeout: Int?
    @Flag(name: [.customShort("o"), .customLong("one-line")], help: "One line per result.") var oneLine = false
    @Option(name: [.customShort("t"), .long], help: "Also write each host's result to a file in this directory.") var tree: String?
    @Flag(name: .customLong("list-hosts"), help: "List the matching hosts; run nothing.") var listHosts = false
    @Option(name: .customLong("playbook-dir"), help: "Where roles/ and task files are looked up (default: the current directory).")
    var playbookDir: String?
    @Argument(help: "Host pattern.") var pattern: String

    /// Modules that take a command line and cannot run without one.
    static let needArgs: Set<String> = ["command", "shell", "raw", "script", "win_command", "win_shell"]

    var shortModule: String {
        for prefix in ["ansible.builtin.", "ansible.legacy.", "ansible.windows."] where moduleName.hasPrefix(prefix) {
            return String(moduleName.dropFirst(prefix.count))
        }
        return moduleName
    }

    func run() throws {
        let config = try Config.load()
        var o = RunOptions()
        try common.apply(to: &o, config: config, defaultForks: 5)
        o.reportIncludes = true

        let inv = try Inventory(sources: o.inventorySources)
        let callback = MinimalCallback(verbosity: common.verbose, color: o.color, oneLine: oneLine,
                                       commandStyle: MinimalCallback.commandModules.contains(shortModule),
                                       isDebug: shortModule == "debug", treeDir: tree, diff: o.diff)
        guard let hosts = try targetsHosts(inv, callback: callback) else { return }

        if Self.needArgs.contains(shortModule) && moduleArgs.isEmpty {
            throw UsageError("No argument passed to \(moduleName) module" + (pattern.hasSuffix(".yml") ? " (did you mean to run ansible-playbook?)" : ""))
        }
        if shortModule == "import_playbook" { throw UsageError("'\(moduleName)' is not a valid action for ad-hoc commands") }
        // Ansible resolves the module on each host, so an unknown one fails there, not as a parse error.
        let cwd = FileManager.default.currentDirectoryPath
        let baseDir = playbookDir.map { $0.hasPrefix("/") ? $0 : cwd + "/" + $0 } ?? cwd
        guard PlaybookRunner.isKnownAction(moduleName, library: o.library, baseDir: baseDir) else {
            for h in hosts {
                callback.hostResult(host: h, delegatedTo: nil, status: .failed,
                                    result: ["msg": .string("The module \(moduleName) was not found in configured module paths")],
                                    item: nil, ignored: false, verbose: false)
            }
            if !hosts.isEmpty { throw ExitCode(PlaybookRunner.ExitCode.hostsFailed.rawValue) }
            return
        }

        let loader = PlaybookLoader(rolesPath: o.rolesPath, playbookPath: [])
        let plays = try loader.loadPlays(text: try playText(), file: baseDir + "/__adhoc_playbook__")
        let runner = PlaybookRunner(options: o, inventory: inv, callback: callback)
        let code = try runner.run(plays: plays, baseDir: baseDir)
        if code != .ok { throw ExitCode(code.rawValue) }
    }

    /// The hosts to run on; nil after listing them for --list-hosts. Warns when none match; a --limit
    /// that leaves no host is an error, as in Ansible.
    func targetsHosts(_ inv: Inventory, callback: Callback) throws -> [String]? {
        let emptyInventory = inv.hosts.isEmpty
        if emptyInventory && !Inventory.localhostNames.contains(pattern) {
            callback.warning("provided hosts list is empty, only localhost is available. Note that the implicit localhost does not match 'all'")
        }
        var hosts = try inv.hosts(matching: pattern, limit: common.limit)
        for w in inv.warnings { callback.warning(w) }
        if hosts.isEmpty && !emptyInventory {
            if common.limit != nil { throw UsageError("Specified inventory, host pattern and/or --limit leaves us with no hosts to target.", code: 1) }
            callback.warning("No hosts matched, nothing to do")
            hosts = []
        }
        guard listHosts else { return hosts }
        print("  hosts (\(hosts.count)):")
        for h in hosts { print("    \(h)") }
        return nil
    }

    /// The one-task play as JSON (which is YAML): arguments given as a JSON object are a mapping,
    /// anything else is the task's free-form/key=value text, parsed as in a playbook.
    func playText() throws -> String {
        var args: Value = .dict([:])
        let raw = moduleArgs.trimmingCharacters(in: .whitespaces)
        if raw.hasPrefix("{") && raw.hasSuffix("}"), let parsed = try? parseJSON(raw), case .dict = parsed {
            args = parsed
        } else if !raw.isEmpty {
            args = .string(moduleArgs)
        }
        var task: OrderedDictionary<String, Value> = [moduleName: args]
        if let taskTimeout, taskTimeout > 0 { task["timeout"] = .int(taskTimeout) }
        let play: OrderedDictionary<String, Value> = [
            "name": "Ansible Ad-Hoc", "hosts": .string(pattern), "gather_facts": false, "tasks": .list([.dict(task)]),
        ]
        return "[" + JSONText.encode(.dict(play), indent: nil, sortKeys: false) + "]"
    }
}
