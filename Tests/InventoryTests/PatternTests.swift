import DataLoader
import Inventory
import XCTest

final class PatternTests: XCTestCase {
    var inv: Inventory!

    override func setUpWithError() throws {
        inv = try inventory(Fixtures.richINI)
    }

    func testAllAndStar() {
        let all = ["loose1", "loose2", "127.0.0.1", "web01", "web02", "web03", "db-a", "db-b", "db-c", "s1", "s5", "s9", "h1", "lh"]
        XCTAssertEqual(inv.hosts(matching: "all"), all)
        XCTAssertEqual(inv.hosts(matching: "*"), all)
        XCTAssertEqual(inv.hosts(matching: ""), all, "no union pattern means all")
    }

    func testNamesGroupsGlobsAndRegexes() {
        XCTAssertEqual(inv.hosts(matching: "web01"), ["web01"])
        XCTAssertEqual(inv.hosts(matching: "dbs"), ["db-a", "db-b"])
        // A group's own hosts, then its children's, level by level, without repeats.
        XCTAssertEqual(inv.hosts(matching: "prod"), ["web01", "web02", "web03", "db-a", "db-b", "db-c", "s1", "s5", "s9", "h1", "lh"])
        XCTAssertEqual(inv.hosts(matching: "web0*"), ["web01", "web02", "web03"])
        XCTAssertEqual(inv.hosts(matching: "db-?"), ["db-a", "db-b", "db-c"])
        XCTAssertEqual(inv.hosts(matching: "~db-[ab]"), ["db-a", "db-b"])
        // Regexes match at the start, like re.match: `~web` matches group web and hosts web0x.
        XCTAssertEqual(inv.hosts(matching: "~web"), inv.hosts(matching: "web"))
        XCTAssertEqual(inv.hosts(matching: "~.*-[ab]$"), ["db-a", "db-b"])
        // Globs match group names too: `*[!0-9]` matches group `all`, hence every host.
        XCTAssertEqual(inv.hosts(matching: "*[!0-9]"), inv.hosts(matching: "all"))
        XCTAssertEqual(inv.hosts(matching: "s[!5]"), ["s1", "s9"])
        // A group matching a glob brings all its hosts, plus hosts matching by name.
        XCTAssertEqual(inv.hosts(matching: "l*"), ["lh", "loose1", "loose2"])
    }

    func testUnionsIntersectionsExclusions() {
        XCTAssertEqual(inv.hosts(matching: "dbs:web01"), ["db-a", "db-b", "web01"])
        XCTAssertEqual(inv.hosts(matching: "dbs,web01"), ["db-a", "db-b", "web01"])
        XCTAssertEqual(inv.hosts(matching: "web:!dbs"), ["web01", "web02", "web03", "db-c", "s1", "s5", "s9", "h1"])
        XCTAssertEqual(inv.hosts(matching: "web:&dbs"), ["db-a", "db-b"])
        // Exclusions and intersections apply after every union, wherever they are written.
        XCTAssertEqual(inv.hosts(matching: "!dbs:web"), inv.hosts(matching: "web:!dbs"))
        XCTAssertEqual(inv.hosts(matching: "&dbs:web:loose1"), ["db-a", "db-b"])
        XCTAssertEqual(inv.hosts(matching: "!web"), ["loose1", "loose2", "127.0.0.1", "lh"])
    }

    func testSubscripts() throws {
        XCTAssertEqual(inv.hosts(matching: "web[0]"), ["web01"])
        XCTAssertEqual(inv.hosts(matching: "web[-1]"), ["h1"])
        XCTAssertEqual(inv.hosts(matching: "web[1:3]"), ["web02", "web03", "db-a"])
        XCTAssertEqual(inv.hosts(matching: "web[7:]"), ["s5", "s9", "h1"])
        XCTAssertEqual(inv.hosts(matching: "web[2:0]"), ["web03"], "an end of 0 selects one host, as in Ansible")
        XCTAssertThrowsError(try inv.hosts(matching: "web[20]", limit: nil))
        XCTAssertEqual(inv.hosts(matching: "web[20]"), [])
        XCTAssertTrue(inv.warnings.contains("No hosts matched the subscripted pattern 'web[20]'"), "\(inv.warnings)")
    }

    func testUnknownPatternWarnsAndLocalhost() throws {
        XCTAssertEqual(inv.hosts(matching: "nope"), [])
        XCTAssertTrue(inv.warnings.contains("Could not match supplied host pattern, ignoring: nope"))
        XCTAssertThrowsError(try inv.hosts(matching: "~[", limit: nil))
        // 127.0.0.1 is in this inventory, so `localhost` means it.
        XCTAssertEqual(inv.hosts(matching: "localhost"), ["127.0.0.1"])
        XCTAssertEqual(inv.host("localhost")?.name, "127.0.0.1")
        XCTAssertEqual(inv.groupNames(of: "localhost"), ["ungrouped"])
        let empty = try inventory("[web]\nw1\n")
        XCTAssertEqual(empty.hosts(matching: "localhost"), ["localhost"])
        XCTAssertEqual(empty.hosts(matching: "all"), ["w1"], "the implicit localhost is not in all")
    }

    func testLimit() throws {
        XCTAssertEqual(try inv.hosts(matching: "all", limit: "web[0:1]"), ["web01", "web02"])
        XCTAssertEqual(try inv.hosts(matching: "web", limit: "dbs:loose1"), ["db-a", "db-b"])
        XCTAssertEqual(try inv.hosts(matching: "dbs", limit: "!db-a"), ["db-b"])
        let dir = try makeTree(["limit.txt": "web01\n\n!web02\ndb-a\nlater\n"])
        XCTAssertEqual(try inv.hosts(matching: "all", limit: "@\(dir)/limit.txt"), ["web01", "db-a", "lh"])
        XCTAssertEqual(try inv.hosts(matching: "all", limit: "@\(dir)/limit.txt,web03"), ["web01", "web03", "db-a", "lh"])
        XCTAssertEqual(try inv.hosts(matching: "dbs", limit: ""), ["db-a", "db-b"], "an empty limit restricts nothing")
        XCTAssertEqual(try inv.hosts(matching: "localhost", limit: "all"), ["127.0.0.1"])
        XCTAssertThrowsError(try inv.hosts(matching: "all", limit: "@\(dir)/missing.txt"))
        XCTAssertThrowsError(try inv.hosts(matching: "all", limit: "@\(dir)"))
    }

    func testAddressPatternsAreNotSplitOnColons() throws {
        let v6 = try inventory("[v6]\n[2001:db8::1]:2200\nfe80::1\nname:22\n")
        XCTAssertEqual(v6.hosts(matching: "fe80::1"), ["fe80::1"])
        XCTAssertEqual(v6.hosts(matching: "v6,!fe80::1"), ["2001:db8::1", "name"])
        // Without commas, colons split (so `!fe80` and `1` are patterns), as in Ansible.
        XCTAssertEqual(v6.hosts(matching: "v6:!fe80::1"), ["2001:db8::1", "fe80::1", "name"])
        XCTAssertEqual(v6.hosts(matching: "name:22"), [], "a host:port pattern is one (unknown) name")
    }
}
