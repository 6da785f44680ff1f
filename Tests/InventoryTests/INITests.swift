import Inventory
import Jinja
import XCTest

final class INITests: XCTestCase {
    func testSectionsChildrenVarsAndImplicitGroups() throws {
        let inv = try inventory("""
        # comment
        ; another comment
        loose1
        [web]
        web1
        web2 ansible_host=10.0.0.2
        [db]
        db1
        [prod:children]
        web
        db   # trailing comment
        [prod:vars]
        env=production
        """)
        XCTAssertEqual(Array(inv.hosts.keys), ["loose1", "web1", "web2", "db1"])
        XCTAssertEqual(Array(inv.groups.keys), ["all", "ungrouped", "web", "db", "prod"])
        XCTAssertEqual(inv.groups["prod"]?.children, ["web", "db"])
        XCTAssertEqual(inv.groups["all"]?.children, ["ungrouped", "prod"])
        XCTAssertEqual(inv.groups["ungrouped"]?.hosts, ["loose1"])
        XCTAssertEqual(inv.groups["web"]?.hosts, ["web1", "web2"])
        XCTAssertEqual(inv.host("web2")?.vars["ansible_host"], .string("10.0.0.2"))
        XCTAssertEqual(inv.groups["prod"]?.vars["env"], .string("production"))
        XCTAssertEqual(inv.groupNames(of: "web1"), ["prod", "web"])
        XCTAssertEqual(inv.groupNames(of: "loose1"), ["ungrouped"])
        XCTAssertEqual(inv.groupsMagic["all"], ["loose1", "web1", "web2", "db1"])
        XCTAssertEqual(inv.groupsMagic["prod"], ["web1", "web2", "db1"])
        XCTAssertEqual(inv.groupsMagic["ungrouped"], ["loose1"])
        XCTAssertTrue(inv.warnings.isEmpty, "\(inv.warnings)")
    }

    func testHostLineValuesAreTypedAsPythonLiterals() throws {
        let inv = try inventory("""
        h a=1 b=True c='x y' d=[1,2] e="{'k': 1}" f=yes g=1.5 h=0755 i=None j=-3 k=0x1F l="'quoted'" m=1e3 n=abc
        h2 x=1#comment y=2
        """)
        let v = try XCTUnwrap(inv.host("h")?.vars)
        XCTAssertEqual(v["a"], .int(1))
        XCTAssertEqual(v["b"], .bool(true))
        XCTAssertEqual(v["c"], .string("x y"))
        XCTAssertEqual(v["d"], .list([.int(1), .int(2)]))
        XCTAssertEqual(v["e"], .dict(d(["k": .int(1)])))
        XCTAssertEqual(v["f"], .string("yes"))
        XCTAssertEqual(v["g"], .double(1.5))
        XCTAssertEqual(v["h"], .string("0755"))
        XCTAssertEqual(v["i"], Value.none)
        XCTAssertEqual(v["j"], .int(-3))
        XCTAssertEqual(v["k"], .int(31))
        XCTAssertEqual(v["l"], .string("quoted"))
        XCTAssertEqual(v["m"], .double(1000))
        XCTAssertEqual(v["n"], .string("abc"))
        // shlex treats `#` as a comment start even inside a word: the rest of the line is dropped.
        XCTAssertEqual(inv.host("h2")?.vars, d(["x": .int(1)]))
    }

    func testGroupVarsSectionValues() throws {
        let inv = try inventory("""
        [g]
        h
        [g:vars]
        x=1
        y = hello world # not a comment here
        z=[1, 'a']
        w='quoted'
        v=True
        u=
        """)
        let v = try XCTUnwrap(inv.groups["g"]?.vars)
        XCTAssertEqual(v["x"], .int(1))
        XCTAssertEqual(v["y"], .string("hello world # not a comment here"))
        XCTAssertEqual(v["z"], .list([.int(1), .string("a")]))
        XCTAssertEqual(v["w"], .string("quoted"))
        XCTAssertEqual(v["v"], .bool(true))
        XCTAssertEqual(v["u"], .string(""))
    }

    func testRangesStridesAndPorts() throws {
        let inv = try inventory("""
        [web]
        web[01:03]
        db-[a:c]
        s[1:10:4]
        h1:2222
        r[1:2]-x[a:b]:22
        [v6]
        [2001:db8::1]:2200
        ::1
        """)
        XCTAssertEqual(inv.groups["web"]?.hosts, ["web01", "web02", "web03", "db-a", "db-b", "db-c", "s1", "s5", "s9", "h1",
                                                  "r1-xa", "r1-xb", "r2-xa", "r2-xb"])
        XCTAssertEqual(inv.host("h1")?.vars["ansible_port"], .int(2222))
        XCTAssertEqual(inv.host("r2-xb")?.vars["ansible_port"], .int(22))
        XCTAssertNil(inv.host("web01")?.vars["ansible_port"])
        XCTAssertEqual(inv.groups["v6"]?.hosts, ["2001:db8::1", "::1"])
        XCTAssertEqual(inv.host("2001:db8::1")?.vars["ansible_port"], .int(2200))
    }

    func testChildrenDeclaredBeforeTheirGroups() throws {
        let inv = try inventory("""
        [top:children]
        mid
        [mid:children]
        leaf
        [leaf]
        h1
        [mid]
        h2
        """)
        XCTAssertEqual(inv.groups["top"]?.children, ["mid"])
        XCTAssertEqual(inv.groups["mid"]?.children, ["leaf"])
        XCTAssertEqual(inv.groupsMagic["top"], ["h2", "h1"])
        XCTAssertEqual(inv.groupNames(of: "h1"), ["leaf", "mid", "top"])
        XCTAssertEqual(inv.groups["leaf"]?.depth, 3)
    }

    func testHostListedUngroupedThenInAGroupLeavesUngrouped() throws {
        let inv = try inventory("""
        h1
        h2
        [g]
        h1
        """)
        XCTAssertEqual(inv.groups["ungrouped"]?.hosts, ["h2"])
        XCTAssertEqual(inv.host("h1")?.groups, ["g"])
    }

    func testHostVarsAccumulateAcrossLines() throws {
        let inv = try inventory("""
        [a]
        h x=1 y=1
        [b]
        h:2200 y=2
        """)
        // A port given again for a known host is ignored, as in Ansible; variables are updated.
        XCTAssertEqual(inv.host("h")?.vars, d(["x": .int(1), "y": .int(2)]))
        XCTAssertEqual(inv.host("h")?.groups, ["a", "b"])
    }

    func testGroupPriorityIsNotAVariable() throws {
        let inv = try inventory("""
        [g]
        h
        [g:vars]
        ansible_group_priority=10
        """)
        XCTAssertEqual(inv.groups["g"]?.priority, 10)
        XCTAssertNil(inv.groups["g"]?.vars["ansible_group_priority"])
    }
}
