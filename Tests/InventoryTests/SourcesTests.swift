import DataLoader
import Inventory
import Jinja
import XCTest

final class SourcesTests: XCTestCase {
    func testHostListSource() throws {
        let inv = try Inventory(sources: ["alpha, beta:2222,gamma[1:2],"])
        XCTAssertEqual(Array(inv.hosts.keys), ["alpha", "beta", "gamma[1:2]"], "host lists do not expand ranges")
        XCTAssertEqual(inv.groups["ungrouped"]?.hosts, ["alpha", "beta", "gamma[1:2]"])
        XCTAssertEqual(inv.host("beta")?.vars["ansible_port"], .int(2222))
        XCTAssertEqual(inv.inventoryFile(of: "alpha"), "alpha, beta:2222,gamma[1:2],")
        XCTAssertNil(inv.host("alpha")?.inventoryDir)
        XCTAssertEqual(inv.sourceDirs, [])
    }

    func testMissingSourceWarnsAndLeavesImplicitLocalhost() throws {
        let inv = try Inventory(sources: ["/nonexistent/inventory"])
        XCTAssertTrue(inv.hosts.isEmpty)
        XCTAssertEqual(inv.warnings, ["Unable to parse /nonexistent/inventory as an inventory source",
                                      "No inventory was parsed, only implicit localhost is available"])
        XCTAssertEqual(inv.hosts(matching: "all"), [])
        XCTAssertEqual(inv.hosts(matching: "localhost"), ["localhost"])
        XCTAssertEqual(inv.host("localhost")?.vars["ansible_connection"], .string("local"))
        XCTAssertEqual(Array(inv.groups.keys), ["all", "ungrouped"])
    }

    func testEmptyDirectoryWarns() throws {
        let root = try makeTree(["inv/notes.md": "[broken"])
        let inv = try Inventory(sources: [root + "/inv"])
        XCTAssertEqual(inv.warnings, ["Unable to parse \(root)/inv as an inventory source",
                                      "No inventory was parsed, only implicit localhost is available"])
        XCTAssertEqual(inv.sourceDirs, [root + "/inv"])
    }

    func testDirectorySourceSkipsIgnoredFilesAndCombines() throws {
        let root = try makeTree(Fixtures.directoryTree.merging([
            "inv/sub/03.ini": "[deep]\nd1\n",
            "inv/x.orig": "[broken",
            "inv/y.cfg": "[broken",
            "inv/README.md": "[broken",
        ]) { $1 })
        let inv = try Inventory(sources: [root + "/inv"])
        XCTAssertEqual(Array(inv.hosts.keys), ["app1", "app2", "app3", "d1"])
        XCTAssertEqual(inv.groups["extra"]?.hosts, ["app1"])
        XCTAssertEqual(inv.groups["app"]?.hosts, ["app1", "app2", "app3"])
        XCTAssertEqual(inv.inventoryFile(of: "d1"), root + "/inv/sub/03.ini")
        XCTAssertEqual(inv.inventoryDir(of: "d1"), root + "/inv/sub")
    }

    func testSeveralSourcesMerge() throws {
        let root = try makeTree(["a.ini": "[g]\nh1 x=1\n", "b.yml": "g:\n  hosts:\n    h1:\n      y: 2\n    h2:\n"])
        let inv = try Inventory(sources: [root + "/a.ini", root + "/b.yml"])
        XCTAssertEqual(inv.groups["g"]?.hosts, ["h1", "h2"])
        XCTAssertEqual(inv.host("h1")?.vars, d(["x": .int(1), "y": .int(2)]))
        XCTAssertEqual(inv.inventoryFile(of: "h2"), root + "/b.yml")
        XCTAssertEqual(inv.sourceDirs, [root, root])
    }

    func testRelativeSourceIsResolvedFromTheWorkingDirectory() throws {
        let root = try makeTree(["inv/hosts": "[g]\nh\n"])
        let previous = FileManager.default.currentDirectoryPath
        FileManager.default.changeCurrentDirectoryPath(root)
        defer { FileManager.default.changeCurrentDirectoryPath(previous) }
        let inv = try Inventory(sources: ["inv/./hosts"])
        XCTAssertEqual(inv.inventoryFile(of: "h"), root + "/inv/hosts")
        XCTAssertEqual(inv.sourceDirs, [root + "/inv"])
    }
}
