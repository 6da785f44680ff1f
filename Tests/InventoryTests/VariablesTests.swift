import Inventory
import Jinja
import XCTest

final class VariablesTests: XCTestCase {
    func testGroupOrderByDepthPriorityAndName() throws {
        let inv = try inventory(Fixtures.priorities)
        // h1 is in a (depth 2, under c), b (depth 1, priority 10) and c (depth 1): a's value wins,
        // then b beats c on priority.
        XCTAssertEqual(try inv.vars("h1"), d(["v": .string("a"), "w": .string("c"), "u": .string("all")]))
        XCTAssertEqual(try inv.vars("h2"), d(["v": .string("b"), "w": .string("all"), "u": .string("all")]))
    }

    func testVarsFilesAndPlaybookDirPrecedence() throws {
        let root = try makeTree(Fixtures.directoryTree)
        let inv = try Inventory(sources: [root + "/inv"])
        XCTAssertEqual(inv.sourceDirs, [root + "/inv"])
        XCTAssertEqual(Array(inv.hosts.keys), ["app1", "app2", "app3"])
        let pb = root + "/pb"
        let app1 = try inv.vars("app1", playbookDir: pb)
        XCTAssertEqual(app1["shared"], .string("pb-host"))
        XCTAssertEqual(app1["hv"], .string("inv-host"))
        XCTAssertEqual(app1["v_app"], .string("dir2"), "files of a group_vars directory load in sorted order")
        XCTAssertEqual(app1["extra_only"], .bool(true))
        XCTAssertEqual(app1["v_all_file"], .string("inv"))
        XCTAssertEqual(app1["v_pb_all"], .int(1))
        XCTAssertEqual(app1["v_ini"], .string("ini"))
        XCTAssertEqual(app1["v_all_ini"], .int(1))

        let app2 = try inv.vars("app2", playbookDir: pb)
        XCTAssertEqual(app2["shared"], .string("pb-app"), "playbook group_vars/<group> beats inventory group_vars")
        XCTAssertEqual(app2["iv"], .int(3), "host_vars beat inventory host vars")
        XCTAssertEqual(app2["hv"], .string("json"))

        let app3 = try inv.vars("app3", playbookDir: nil)
        XCTAssertEqual(app3["shared"], .string("inv-app"), "inventory group_vars/<group> beats group_vars/all and the INI")
        XCTAssertNil(app3["hv"])

        // inventory_file and inventory_dir are where the host was first found.
        let raw = try inv.variables(for: "app3", playbookDir: nil)
        XCTAssertEqual(raw["inventory_file"], .string(root + "/inv/02-more.yml"))
        XCTAssertEqual(raw["inventory_dir"], .string(root + "/inv"))
        XCTAssertEqual(inv.inventoryFile(of: "app1"), root + "/inv/01-hosts.ini")
    }

    func testFullPrecedenceOrder() throws {
        // One variable per level, each overridden by the next one up.
        let root = try makeTree([
            "inv/hosts": "[g]\nh x0=inv-group\n[all:vars]\nlevel=all-ini\n[g:vars]\nlevel=group-ini\n",
            "inv/group_vars/all.yml": "level: inv-all\n",
            "pb/group_vars/all.yml": "level: pb-all\n",
            "inv/group_vars/g.yml": "level: inv-group\n",
            "pb/group_vars/g.yml": "level: pb-group\n",
            "inv/host_vars/h.yml": "level: inv-host\n",
            "pb/host_vars/h.yml": "level: pb-host\n",
        ])
        let inv = try Inventory(sources: [root + "/inv/hosts"])
        var expected = ["pb-host", "inv-host", "pb-group", "inv-group", "pb-all", "inv-all", "group-ini"]
        let order = ["pb/host_vars/h.yml", "inv/host_vars/h.yml", "pb/group_vars/g.yml", "inv/group_vars/g.yml",
                     "pb/group_vars/all.yml", "inv/group_vars/all.yml"]
        for file in order {
            let fresh = try Inventory(sources: [root + "/inv/hosts"])
            XCTAssertEqual(try fresh.vars("h", playbookDir: root + "/pb")["level"], .string(expected.removeFirst()), "with \(file)")
            try FileManager.default.removeItem(atPath: root + "/" + file)
        }
        let last = try Inventory(sources: [root + "/inv/hosts"])
        XCTAssertEqual(try last.vars("h", playbookDir: root + "/pb")["level"], .string(expected.removeFirst()))
        _ = inv
    }

    func testDictsAreReplacedNotMerged() throws {
        let root = try makeTree([
            "hosts": "[g]\nh\n",
            "group_vars/all.yml": "cfg: {a: 1, b: 2}\n",
            "group_vars/g.yml": "cfg: {c: 3}\n",
        ])
        let inv = try Inventory(sources: [root + "/hosts"])
        XCTAssertEqual(try inv.vars("h")["cfg"], .dict(d(["c": .int(3)])))
    }

    func testVarsFileLookupPrefersExtensionlessAndSkipsEmptyFiles() throws {
        let root = try makeTree([
            "hosts": "[g]\nh\n",
            "group_vars/g": "from: plain\n",
            "group_vars/g.yml": "from: yml\nother: 1\n",
            "host_vars/h.yml": "",
        ])
        let inv = try Inventory(sources: [root + "/hosts"])
        XCTAssertEqual(try inv.vars("h"), d(["from": .string("plain")]))
    }

    func testGroupVarsFileInsteadOfFolderIsAWarning() throws {
        let root = try makeTree(["hosts": "h\n", "group_vars": "x: 1\n"])
        let inv = try Inventory(sources: [root + "/hosts"])
        XCTAssertEqual(try inv.vars("h"), [:])
        XCTAssertEqual(inv.warnings, ["Found group_vars that is not a directory, skipping: \(root)/group_vars"])
    }

    func testBadVarsFileIsAnErrorWithPosition() throws {
        let root = try makeTree(["hosts": "h\n", "host_vars/h.yml": "- a\n- b\n"])
        let inv = try Inventory(sources: [root + "/hosts"])
        XCTAssertThrowsError(try inv.variables(for: "h", playbookDir: nil)) { error in
            XCTAssertTrue("\(error)".hasPrefix(root + "/host_vars/h.yml:1:1:"), "\(error)")
        }
    }

    func testImplicitLocalhost() throws {
        let root = try makeTree(["hosts": "[all:vars]\nx=1\n[g]\nh\n", "host_vars/localhost.yml": "y: 2\n"])
        let inv = try Inventory(sources: [root + "/hosts"])
        let local = try XCTUnwrap(inv.host("localhost"))
        XCTAssertTrue(local.isImplicit)
        XCTAssertNil(inv.hosts["localhost"])
        XCTAssertEqual(local.vars["ansible_connection"], .string("local"))
        let vars = try inv.variables(for: "localhost", playbookDir: nil)
        XCTAssertEqual(vars["x"], .int(1))
        XCTAssertEqual(vars["y"], .int(2))
        XCTAssertNotNil(vars["ansible_python_interpreter"])
        XCTAssertNil(vars["inventory_file"])
        XCTAssertEqual(inv.groupNames(of: "localhost"), [])
        XCTAssertNil(inv.host("otherhost"))
        XCTAssertThrowsError(try inv.variables(for: "otherhost", playbookDir: nil))
    }
}
