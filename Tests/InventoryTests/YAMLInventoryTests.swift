import Inventory
import Jinja
import XCTest

final class YAMLInventoryTests: XCTestCase {
    func testNestedGroupsHostsVarsAndRanges() throws {
        let inv = try inventory(Fixtures.nestedYAML, name: "inv.yml")
        XCTAssertEqual(Array(inv.hosts.keys), ["direct1", "web1", "web2", "web3", "web9", "dbhost",
                                               "repa.example.com", "repb.example.com"])
        XCTAssertEqual(inv.groups["all"]?.children, ["ungrouped", "web", "db", "empty", "other"])
        XCTAssertEqual(inv.groups["all"]?.hosts, ["direct1"])
        // A host listed directly under `all` is also ungrouped, as in Ansible.
        XCTAssertEqual(inv.groups["ungrouped"]?.hosts, ["direct1"])
        XCTAssertEqual(inv.groups["db"]?.children, ["replicas"])
        XCTAssertEqual(inv.groups["other"]?.children, ["solo"])
        XCTAssertEqual(inv.groups["web"]?.hosts, ["web1", "web2", "web3", "web9"])
        XCTAssertEqual(inv.groups["other"]?.hosts, ["web1"])
        XCTAssertEqual(inv.host("web9")?.vars, d(["ansible_port": .int(2222)]))
        XCTAssertEqual(inv.host("web2")?.vars, d(["role": .string("web"), "flag": .bool(true)]))
        XCTAssertEqual(inv.host("web1")?.vars["extra"], .int(15))
        XCTAssertEqual(inv.groups["web"]?.vars["nested"], .dict(d(["a": .int(1), "b": .list([.string("x"), .string("y")])])))
        XCTAssertEqual(inv.groups["other"]?.priority, 2)
        XCTAssertEqual(inv.groupNames(of: "repa.example.com"), ["db", "replicas"])
        XCTAssertEqual(inv.groupsMagic["all"], ["direct1", "web1", "web2", "web3", "web9", "dbhost", "repa.example.com", "repb.example.com"])
    }

    func testJSONIsReadAsYAML() throws {
        let inv = try inventory(Fixtures.json, name: "inv.json")
        XCTAssertEqual(inv.groups["j"]?.hosts, ["jh1", "jh2"])
        XCTAssertEqual(inv.host("jh1")?.vars, d(["n": .double(1.5), "b": .bool(true), "s": .string("str"), "nul": Value.none]))
        XCTAssertEqual(inv.groups["j"]?.vars["list"], .list([.int(1), .string("two")]))
    }

    func testYAMLDetectedWithoutExtensionAndINIInYmlFile() throws {
        let yaml = try inventory("all:\n  hosts:\n    a:\n      x: 1\n", name: "hosts")
        XCTAssertEqual(yaml.host("a")?.vars["x"], .int(1))
        // A .yml file that is not YAML inventory is tried as INI, like Ansible's plugin chain does.
        let ini = try inventory("[web]\nh1 x=1\n", name: "inv.yml")
        XCTAssertEqual(ini.groups["web"]?.hosts, ["h1"])
        // .ini files are never read as YAML: `all:` is then an invalid host name.
        XCTAssertNotNil(loadError("all:\n", name: "inv.ini"))
    }

    func testUnexpectedKeysAreWarnings() throws {
        let inv = try inventory("x: 5\nall:\n  foo: bar\n  bar: {a: 1}\n  hosts:\n    a:\n", name: "inv.yml")
        XCTAssertEqual(Array(inv.hosts.keys), ["a"])
        XCTAssertTrue(inv.warnings.contains { $0.hasPrefix("Skipping 'x' as this is not a valid group definition") }, "\(inv.warnings)")
        XCTAssertTrue(inv.warnings.contains { $0.hasPrefix("Skipping key (foo) in group (all)") }, "\(inv.warnings)")
        XCTAssertTrue(inv.warnings.contains { $0.hasPrefix("Skipping unexpected key (bar) in group (all)") }, "\(inv.warnings)")
    }

    func testStringSectionsMeanSingleEntries() throws {
        let inv = try inventory("g:\n  hosts: h1\n  children: kid\n  vars: flag\n", name: "inv.yml")
        XCTAssertEqual(inv.groups["g"]?.hosts, ["h1"])
        XCTAssertEqual(inv.groups["g"]?.children, ["kid"])
        XCTAssertEqual(inv.groups["g"]?.vars, d(["flag": Value.none]))
    }
}
