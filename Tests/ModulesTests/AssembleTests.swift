import Foundation
import Jinja
import OrderedCollections
import XCTest
@testable import Modules

final class AssembleTests: ModuleTestCase {
    func testRemoteFragments() throws {
        try write("frags/10-b", "b\n")
        try write("frags/00-a", "a")          // no final newline: one is added before the next fragment
        try write("frags/.hidden", "h\n")
        try write("frags/20-c.skip", "c\n")
        let args: OrderedDictionary<String, Value> = ["src": .string(path("frags")), "dest": .string(path("out")), "delimiter": "###",
                                                      "regexp": "^[0-9]+-[a-z]$", "mode": "0600"]
        let check = run(AssembleModule.self, args, check: true, diff: true)
        assertOK(check, changed: true)
        XCTAssertFalse(exists("out"))
        XCTAssertEqual(check["diff"]?.listValue?.first?["after"], "a\n###\nb\n")
        let r = run(AssembleModule.self, args)
        assertOK(r, changed: true)
        XCTAssertEqual(read("out"), "a\n###\nb\n")
        XCTAssertEqual(mode("out"), 0o600)
        assertOK(run(AssembleModule.self, args), changed: false)

        let all = run(AssembleModule.self, ["src": .string(path("frags")), "dest": .string(path("all"))])
        assertOK(all, changed: true)
        XCTAssertEqual(read("all"), "h\na\nb\nc\n")
        assertOK(run(AssembleModule.self, ["src": .string(path("frags")), "dest": .string(path("all")), "ignore_hidden": true]), changed: true)
        XCTAssertEqual(read("all"), "a\nb\nc\n")
    }

    func testControllerFragmentsAndErrors() throws {
        try FileManager.default.createDirectory(atPath: controllerDir + "/files/parts", withIntermediateDirectories: true)
        try Data("one\n".utf8).write(to: URL(fileURLWithPath: controllerDir + "/files/parts/1"))
        try Data("two\n".utf8).write(to: URL(fileURLWithPath: controllerDir + "/files/parts/2"))
        let args: OrderedDictionary<String, Value> = ["src": "parts", "dest": .string(path("conf")), "remote_src": false]
        assertOK(run(AssembleModule.self, args), changed: true)
        XCTAssertEqual(read("conf"), "one\ntwo\n")
        assertOK(run(AssembleModule.self, args), changed: false)
        assertFails(run(AssembleModule.self, ["src": .string(path("nope")), "dest": .string(path("x"))]), "is not a directory")
        assertFails(run(AssembleModule.self, ["src": .string(path("nope"))]), "missing required arguments: dest")
    }
}
