import DataLoader
import Foundation
import Inventory
import Jinja
import OrderedCollections
import XCTest

/// Runs the real ansible-inventory (and ansible --list-hosts) on the fixtures and compares hosts,
/// group membership, host variables and pattern results with ours. Skipped when ansible-inventory is
/// not found (set ANSIBLE_INVENTORY_BIN or put it on PATH).
final class AnsibleComparisonTests: XCTestCase {
    struct Case {
        var name: String
        var files: [String: String]
        var sources: [String]
        var playbookDir: String? = nil
        var patterns: [String] = []
        var limits: [(pattern: String, limit: String)] = []
    }

    static let patternsA = [
        "all", "*", "web", "web:dbs", "web,dbs", "web:!dbs", "web:&dbs", "prod:!web", "!web", "&web",
        "web[0]", "web[1:3]", "web[-1]", "web[2:]", "web[1-2]", "web[20]", "~db-[ab]", "~(web|loose)0?[12]", "web0*", "db-?",
        "nonexistent", "localhost", "127.0.0.1", "loose*:&ungrouped", "ungrouped", "al*", "s[1:10:4]", "h1:2222",
        "later,web01,dbs[0]", "prod:!dbs:&web", "[bad", "~web", "web*:&prod:!web02", "web[0:0]", "dbs[1:]",
        "db-[a-b]", "web[z-a]*", "*[!0-9]", "lh", "prod",
    ]

    static let patternsB = ["all", "*.example.com", "replicas:web", "other:&web", "web[0:1]", "all:!db", "db", "localhost", "empty"]

    static var cases: [Case] {
        [
            Case(name: "rich INI", files: ["hosts": Fixtures.richINI], sources: ["hosts"], patterns: patternsA,
                 limits: [("all", "web[0:1]"), ("web", "dbs"), ("all", "@limit.txt"), ("all", "!web")]),
            Case(name: "nested YAML", files: ["inv.yml": Fixtures.nestedYAML], sources: ["inv.yml"], patterns: patternsB),
            Case(name: "literals", files: ["lit.ini": Fixtures.literals], sources: ["lit.ini"],
                 patterns: ["lit", "dash-group", "lit2:!l1", "~l[12]", "élan", "l?", "[!l]*"]),
            Case(name: "JSON", files: ["inv.json": Fixtures.json], sources: ["inv.json"], patterns: ["all", "j"]),
            Case(name: "priorities", files: ["prio.ini": Fixtures.priorities], sources: ["prio.ini"], patterns: ["all", "c", "b:&a"]),
            Case(name: "directory with vars", files: Fixtures.directoryTree, sources: ["inv"], playbookDir: "pb",
                 patterns: ["all", "app", "extra", "app[1]"]),
            Case(name: "several sources", files: ["a.ini": Fixtures.priorities, "b.yml": Fixtures.nestedYAML],
                 sources: ["a.ini", "b.yml"], patterns: ["all", "h1:web1"]),
            Case(name: "host named like a group", files: ["hosts": "[web]\nweb x=1\nw2\n[db]\nd1\n[db:vars]\ny=2\n"],
                 sources: ["hosts"], patterns: ["web", "web:&db", "all"]),
            Case(name: "host list", files: [:], sources: ["alpha,beta:2222,gamma[1:2],"], patterns: ["all", "beta", "gamma*"]),
            Case(name: "missing source", files: [:], sources: ["does-not-exist"], patterns: ["all", "localhost", "127.0.0.1"],
                 limits: [("localhost", ""), ("localhost", "all"), ("localhost", "localhost")]),
        ]
    }

    func testAgainstAnsible() throws {
        guard let inventoryBin = Self.findAnsibleInventory() else {
            throw XCTSkip("ansible-inventory not found (set ANSIBLE_INVENTORY_BIN or add it to PATH)")
        }
        guard let python = Self.interpreter(of: inventoryBin) else {
            throw XCTSkip("cannot tell which Python runs \(inventoryBin)")
        }
        var checked = 0
        for c in Self.cases {
            var files = c.files
            files["limit.txt"] = "web01\n\n!web02\ndb-a\nlater\n"
            let dir = try makeTree(files)
            let sources = c.sources.map { $0.contains(",") ? $0 : dir + "/" + $0 }
            let playbookDir = c.playbookDir.map { dir + "/" + $0 }
            var args = ["--list"] + sources.flatMap { ["-i", $0] }
            if let playbookDir { args += ["--playbook-dir", playbookDir] }
            let (status, out, err) = try Self.run(inventoryBin, args, cwd: dir)
            XCTAssertEqual(status, 0, "\(c.name): ansible-inventory failed: \(err)")
            guard let ansible = try YAMLLoader.load(text: out, file: "ansible-inventory output")?.value.dictValue else {
                XCTFail("\(c.name): unreadable ansible-inventory output")
                continue
            }
            let ours = try Inventory(sources: sources)
            compareStructure(c.name, ansible, ours)
            try compareVars(c.name, ansible, ours, playbookDir: playbookDir)

            let queries = c.patterns.map { ($0, nil as String?) } + c.limits.map { ($0.pattern, $0.limit as String?) }
            try comparePatterns(c.name, python: python, sources, queries, ours, cwd: dir)
            checked += queries.count
        }
        print("compared \(Self.cases.count) inventories and \(checked) patterns with \(inventoryBin)")
    }

    private func compareStructure(_ name: String, _ ansible: OrderedDictionary<String, Value>, _ ours: Inventory) {
        let theirGroups = Set(ansible.keys.filter { $0 != "_meta" })
        // ansible-inventory leaves out groups without hosts and children.
        let nonEmpty = ours.groups.values.filter { $0.name == "all" || !$0.hosts.isEmpty || !$0.children.isEmpty }
        XCTAssertEqual(Set(nonEmpty.map(\.name)), theirGroups, "\(name): group names")
        for (group, body) in ansible where group != "_meta" {
            let theirHosts = body["hosts"]?.listValue?.compactMap(\.stringValue) ?? []
            let theirChildren = body["children"]?.listValue?.compactMap(\.stringValue) ?? []
            // ansible-inventory does not list the hosts directly in `all`.
            if group != "all" {
                XCTAssertEqual(ours.groups[group]?.hosts ?? [], theirHosts, "\(name): hosts of \(group)")
            }
            XCTAssertEqual(ours.groups[group]?.children ?? [], theirChildren, "\(name): children of \(group)")
        }
    }

    private func compareVars(_ name: String, _ ansible: OrderedDictionary<String, Value>, _ ours: Inventory, playbookDir: String?) throws {
        let theirVars = ansible["_meta"]?["hostvars"]?.dictValue ?? [:]
        XCTAssertTrue(Set(theirVars.keys).isSubset(of: Set(ours.hosts.keys)), "\(name): hosts with vars")
        for host in ours.hosts.keys {
            let mine = try ours.vars(host, playbookDir: playbookDir)
            let theirs = theirVars[host]?.dictValue ?? [:]
            XCTAssertEqual(Value.dict(mine), Value.dict(theirs), "\(name): vars of \(host)")
        }
    }

    /// Files Ansible cannot parse as inventory (with ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED it fails).
    static let malformed: [(file: String, text: String)] = [
        ("hosts", "[g]\nh\n[g:children]\nbad name here\n"),
        ("hosts", "[g:children]\nnope\n"),
        ("hosts", "[g:vars]\nx=1\n"),
        ("hosts", "[web]\nweb[1:]\n"),
        ("hosts", "[web]\nweb[01:100]\n"),
        ("hosts", "[web]\nweb[c:a]\n"),
        ("hosts", "[web]\nweb[a:1]\n"),
        ("hosts", "[web]\nweb[1:5:0]\n"),
        ("hosts", "[web]\nhost:\n"),
        ("hosts", "[bad section\n"),
        ("hosts", "[web:unknown]\nh\n"),
        ("hosts", "[web ]\nh\n"),
        ("hosts", "h1 novalue\n"),
        ("hosts", "h1 x=\"unclosed\n"),
        ("hosts", "[a:children]\nb\n[b:children]\na\n"),
        ("hosts", "[g]\nh\n[g:vars]\njustaword\n"),
        ("hosts", "[g]\nh\n[g:vars]\nansible_group_priority=high\n"),
        ("hosts", "---\n[web]\nh\n"),
        ("inv.yml", "all:\n  hosts:\n    - a\n    - b\n"),
        ("inv.yml", "all:\n  hosts:\n    a: [1]\n"),
        ("inv.yml", "all:\n  hosts: {a: 1\n"),
        ("inv.yml", "all:\n  children:\n    g:\n      hosts:\n        web[1:]:\n"),
        ("inv.yml", "- a\n- b\n"),
        ("inv.yml", "all:\n  children:\n    g:\n      children:\n        g:\n"),
        ("inv.json", "{\"all\": {\"hosts\": [}"),
        ("inv.yml", "all:\n  hosts:\n    a:\n---\nall:\n  hosts:\n    b:\n"),
    ]

    /// Odd files Ansible accepts (possibly with warnings).
    static let accepted: [(file: String, text: String)] = [
        ("inv.yml", ""),
        ("inv.yml", "all:\n  foo: bar\n  hosts:\n    a:\n"),
        ("inv.yml", "x: 5\nall:\n  hosts:\n    a:\n"),
        ("hosts", "# only a comment\n"),
        ("hosts", "[web]\nweb[5:1]\n"),
        ("hosts", "---\nall:\n  hosts:\n    a:\n"),
        ("inv.yml", "[web]\nh1\n"),
    ]

    func testErrorsAgainstAnsible() throws {
        guard let inventoryBin = Self.findAnsibleInventory() else {
            throw XCTSkip("ansible-inventory not found (set ANSIBLE_INVENTORY_BIN or add it to PATH)")
        }
        for (file, text) in Self.malformed + Self.accepted {
            let dir = try makeTree([file: text])
            let path = dir + "/" + file
            let (status, _, err) = try Self.run(inventoryBin, ["-i", path, "--list"], cwd: dir,
                                               env: ["ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED": "True"])
            let label = "\(file): \(text.debugDescription)"
            do {
                _ = try Inventory(sources: [path])
                XCTAssertEqual(status, 0, "\(label): we accept it, Ansible does not: \(err)")
            } catch {
                XCTAssertNotEqual(status, 0, "\(label): we reject it (\(error)), Ansible accepts it")
                XCTAssertTrue("\(error)".hasPrefix(path + ":"), "\(label): error names no position: \(error)")
                print("\(label)\n  -> \(String(describing: error).split(separator: "\n").first ?? "")")
            }
        }
    }

    /// Asks Ansible's InventoryManager (one Python process per inventory, for speed) for each pattern's
    /// hosts, and compares with ours; where Ansible raises, ours must throw.
    private func comparePatterns(_ name: String, python: [String], _ sources: [String], _ queries: [(String, String?)],
                                 _ ours: Inventory, cwd: String) throws {
        let request = try JSONSerialization.data(withJSONObject: [
            "sources": sources,
            "queries": queries.map { [$0.0 as Any, $0.1.map { $0 as Any } ?? NSNull()] },
        ])
        let (status, out, err) = try Self.run(python[0], python.dropFirst() + ["-c", Self.listHostsScript, String(decoding: request, as: UTF8.self)], cwd: cwd)
        XCTAssertEqual(status, 0, "\(name): python helper failed: \(err)")
        let answers = try YAMLLoader.load(text: out, file: "list-hosts output")?.value.listValue ?? []
        XCTAssertEqual(answers.count, queries.count, "\(name): answers")
        let previous = FileManager.default.currentDirectoryPath
        FileManager.default.changeCurrentDirectoryPath(cwd)
        defer { FileManager.default.changeCurrentDirectoryPath(previous) }
        for ((pattern, limit), answer) in zip(queries, answers) {
            let label = "\(name): pattern '\(pattern)'" + (limit.map { " --limit '\($0)'" } ?? "")
            if let error = answer["error"] {
                XCTAssertThrowsError(try ours.hosts(matching: pattern, limit: limit), "\(label): Ansible raised \(error)")
            } else {
                let theirs = answer.listValue?.compactMap { $0.stringValue } ?? []
                XCTAssertEqual(try ours.hosts(matching: pattern, limit: limit), theirs, label)
            }
        }
    }

    /// Prints, as JSON, InventoryManager.get_hosts(pattern) under each --limit (what a play targets), or
    /// the error raised.
    static let listHostsScript = """
    import json, sys
    from ansible.parsing.dataloader import DataLoader
    from ansible.inventory.manager import InventoryManager
    req = json.loads(sys.argv[1])
    im = InventoryManager(DataLoader(), req["sources"])
    out = []
    for pattern, limit in req["queries"]:
        try:
            im.subset(limit)
            out.append([h.name for h in im.get_hosts(pattern)])
        except Exception as e:
            out.append({"error": str(e)})
        im.subset(None)
    print(json.dumps(out))
    """

    /// The Python interpreter of an ansible-inventory script, from its `#!` line.
    static func interpreter(of script: String) -> [String]? {
        guard let text = try? String(contentsOfFile: script, encoding: .utf8), text.hasPrefix("#!"),
              let line = text.split(separator: "\n").first else { return nil }
        let words = line.dropFirst(2).split(separator: " ").map(String.init)
        return words.isEmpty ? nil : words
    }

    static func findAnsibleInventory() -> String? {
        let env = ProcessInfo.processInfo.environment
        if let bin = env["ANSIBLE_INVENTORY_BIN"], FileManager.default.isExecutableFile(atPath: bin) { return bin }
        for dir in (env["PATH"] ?? "").split(separator: ":") {
            let candidate = "\(dir)/ansible-inventory"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    static func run(_ binary: String, _ args: [String], cwd: String, env extra: [String: String] = [:]) throws -> (Int32, String, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = args
        process.currentDirectoryURL = URL(fileURLWithPath: cwd)
        var env = ProcessInfo.processInfo.environment
        env["ANSIBLE_NOCOLOR"] = "1"
        env.merge(extra) { $1 }
        process.environment = env
        let outPipe = Pipe()
        let errPipe = Pipe()
        process.standardOutput = outPipe
        process.standardError = errPipe
        try process.run()
        let out = outPipe.fileHandleForReading.readDataToEndOfFile()
        let err = errPipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self))
    }
}
