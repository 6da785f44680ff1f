import Foundation
import Jinja
import OrderedCollections
import XCTest
@testable import Modules

final class IniFileTests: ModuleTestCase {
    func testAddChangeRemove() throws {
        try write("app.ini", "top=1\n[db]\nhost = a\n\n[web]\nport = 80\n")
        let add: OrderedDictionary<String, Value> = ["path": .string(path("app.ini")), "section": "db", "option": "user", "value": "admin"]
        let check = run(IniFileModule.self, add, check: true, diff: true)
        assertOK(check, changed: true)
        XCTAssertEqual(check["msg"], "option added")
        XCTAssertEqual(read("app.ini"), "top=1\n[db]\nhost = a\n\n[web]\nport = 80\n")
        XCTAssertEqual(check["diff"]?.listValue?.first?["after"], "top=1\n[db]\nhost = a\nuser = admin\n\n[web]\nport = 80\n")
        assertOK(run(IniFileModule.self, add), changed: true)
        XCTAssertEqual(read("app.ini"), "top=1\n[db]\nhost = a\nuser = admin\n\n[web]\nport = 80\n")
        assertOK(run(IniFileModule.self, add), changed: false)

        let change = run(IniFileModule.self, ["path": .string(path("app.ini")), "section": "web", "option": "port", "value": "8080", "no_extra_spaces": true])
        assertOK(change, changed: true)
        XCTAssertEqual(change["msg"], "option changed")
        XCTAssertTrue(read("app.ini")?.hasSuffix("[web]\nport=8080\n") ?? false)

        let newSection = run(IniFileModule.self, ["path": .string(path("app.ini")), "section": "cache", "option": "size", "value": "10"])
        XCTAssertEqual(newSection["msg"], "section and option added")
        XCTAssertTrue(read("app.ini")?.hasSuffix("[cache]\nsize = 10\n") ?? false)

        let onlySection = run(IniFileModule.self, ["path": .string(path("app.ini")), "section": "empty"])
        XCTAssertEqual(onlySection["msg"], "only section added")
        XCTAssertTrue(read("app.ini")?.hasSuffix("[cache]\nsize = 10\n[empty]\n") ?? false)
        assertOK(run(IniFileModule.self, ["path": .string(path("app.ini")), "section": "empty"]), changed: false)
        let global = run(IniFileModule.self, ["path": .string(path("app.ini")), "option": "top", "value": "2"])
        assertOK(global, changed: true)
        XCTAssertTrue(read("app.ini")?.hasPrefix("top = 2\n[db]") ?? false)

        let rmOption = run(IniFileModule.self, ["path": .string(path("app.ini")), "section": "db", "option": "host", "state": "absent"])
        XCTAssertEqual(rmOption["msg"], "option changed")
        XCTAssertFalse(read("app.ini")?.contains("host") ?? true)
        let rmSection = run(IniFileModule.self, ["path": .string(path("app.ini")), "section": "web", "state": "absent"])
        XCTAssertEqual(rmSection["msg"], "section removed")
        XCTAssertFalse(read("app.ini")?.contains("[web]") ?? true)
        assertOK(run(IniFileModule.self, ["path": .string(path("app.ini")), "section": "web", "state": "absent"]), changed: false)
    }

    func testValuesInactiveCreateNoValue() throws {
        try write("m.ini", "[s]\n# opt = old\n")
        assertOK(run(IniFileModule.self, ["path": .string(path("m.ini")), "section": "s", "option": "opt", "value": "new"]), changed: true)
        XCTAssertEqual(read("m.ini"), "[s]\nopt = new\n")
        assertOK(run(IniFileModule.self, ["path": .string(path("m.ini")), "section": "s", "option": "opt", "values": ["a", "b"]]), changed: true)
        XCTAssertEqual(read("m.ini"), "[s]\nopt = a\nopt = b\n")
        assertOK(run(IniFileModule.self, ["path": .string(path("m.ini")), "section": "s", "option": "opt", "values": ["a", "b"]]), changed: false)
        assertOK(run(IniFileModule.self, ["path": .string(path("m.ini")), "section": "s", "option": "opt", "value": "b", "state": "absent"]), changed: true)
        XCTAssertEqual(read("m.ini"), "[s]\nopt = a\n")
        assertOK(run(IniFileModule.self, ["path": .string(path("m.ini")), "section": "s", "option": "flag", "allow_no_value": true]), changed: true)
        XCTAssertEqual(read("m.ini"), "[s]\nopt = a\nflag\n")

        let created = run(IniFileModule.self, ["path": .string(path("new.ini")), "section": "x", "option": "y", "value": "z", "mode": "0600"])
        assertOK(created, changed: true)
        XCTAssertEqual(read("new.ini"), "[x]\ny = z\n")
        XCTAssertEqual(mode("new.ini"), 0o600)
        assertFails(run(IniFileModule.self, ["path": .string(path("none.ini")), "section": "x", "option": "y", "value": "z", "create": false]), "does not exist")
        assertFails(run(IniFileModule.self, ["path": .string(path("m.ini")), "section": "s", "option": "y"]), "Parameter 'value(s)' must be defined")
        assertFails(run(IniFileModule.self, ["path": .string(path("m.ini")), "section": "s", "option": "y", "value": "1", "values": ["2"]]), "mutually exclusive")
    }
}
