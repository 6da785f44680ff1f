import Foundation
import Jinja
import OrderedCollections
import XCTest
@testable import Modules

final class LineInFileTests: ModuleTestCase {
    func testAddReplaceRemove() throws {
        try write("cfg", "a=1\nb=2\n")
        let add: OrderedDictionary<String, Value> = ["path": .string(path("cfg")), "line": "c=3"]
        let check = run(LineInFileModule.self, add, check: true, diff: true)
        assertOK(check, changed: true)
        XCTAssertEqual(check["msg"], "line added")
        XCTAssertEqual(check["diff"]?.listValue?.first?["after"], "a=1\nb=2\nc=3\n")
        XCTAssertEqual(read("cfg"), "a=1\nb=2\n")
        assertOK(run(LineInFileModule.self, add), changed: true)
        XCTAssertEqual(read("cfg"), "a=1\nb=2\nc=3\n")
        assertOK(run(LineInFileModule.self, add), changed: false)

        let rep: OrderedDictionary<String, Value> = ["path": .string(path("cfg")), "regexp": "^b=", "line": "b=20"]
        let r = run(LineInFileModule.self, rep)
        assertOK(r, changed: true)
        XCTAssertEqual(r["msg"], "line replaced")
        XCTAssertEqual(read("cfg"), "a=1\nb=20\nc=3\n")
        assertOK(run(LineInFileModule.self, rep), changed: false)

        let del = run(LineInFileModule.self, ["path": .string(path("cfg")), "regexp": "^[ab]=", "state": "absent"])
        assertOK(del, changed: true)
        XCTAssertEqual(del["msg"], "2 line(s) removed")
        XCTAssertEqual(del["found"], 2)
        XCTAssertEqual(read("cfg"), "c=3\n")
        let again = run(LineInFileModule.self, ["path": .string(path("cfg")), "regexp": "^[ab]=", "state": "absent"])
        assertOK(again, changed: false)
        XCTAssertEqual(again["found"], 0)
    }

    func testInsertPositionsAndBackrefs() throws {
        try write("f", "# top\n[main]\nx=1\n[other]\n")
        assertOK(run(LineInFileModule.self, ["path": .string(path("f")), "line": "first", "insertbefore": "BOF"]), changed: true)
        assertOK(run(LineInFileModule.self, ["path": .string(path("f")), "line": "y=2", "insertafter": "^\\[main\\]"]), changed: true)
        assertOK(run(LineInFileModule.self, ["path": .string(path("f")), "line": "y=2", "insertafter": "^\\[main\\]"]), changed: false)
        assertOK(run(LineInFileModule.self, ["path": .string(path("f")), "line": "z=0", "insertbefore": "^\\[other\\]"]), changed: true)
        XCTAssertEqual(read("f"), "first\n# top\n[main]\ny=2\nx=1\nz=0\n[other]\n")

        let br: OrderedDictionary<String, Value> = ["path": .string(path("f")), "regexp": "^(?P<k>x)=(\\d+)$", "line": "\\g<k>=\\2\\2", "backrefs": true]
        assertOK(run(LineInFileModule.self, br), changed: true)
        XCTAssertTrue(read("f")?.contains("x=11\n") ?? false, read("f") ?? "")
        // backrefs without a match leaves the file alone
        assertOK(run(LineInFileModule.self, ["path": .string(path("f")), "regexp": "^nomatch", "line": "\\1", "backrefs": true]), changed: false)
        // search_string is literal
        assertOK(run(LineInFileModule.self, ["path": .string(path("f")), "search_string": "[other]", "line": "[renamed]"]), changed: true)
        XCTAssertTrue(read("f")?.hasSuffix("z=0\n[renamed]\n") ?? false)
    }

    func testMissingLastNewlineCreateBackupAndAttributes() throws {
        try write("n", "no newline")
        assertOK(run(LineInFileModule.self, ["path": .string(path("n")), "line": "next"]), changed: true)
        XCTAssertEqual(read("n"), "no newline\nnext\n")

        assertFails(run(LineInFileModule.self, ["path": .string(path("new/f")), "line": "x"]), "does not exist !")
        let c = run(LineInFileModule.self, ["path": .string(path("new/f")), "line": "x", "create": true, "mode": "0600", "owner": "nobody"])
        assertOK(c, changed: true)
        XCTAssertEqual(read("new/f"), "x\n")
        XCTAssertEqual(mode("new/f"), 0o600)
        XCTAssertEqual(uid("new/f"), 65534)

        let m = run(LineInFileModule.self, ["path": .string(path("n")), "line": "next", "mode": "0600"])
        assertOK(m, changed: true)
        XCTAssertEqual(m["msg"], "ownership, perms or SE linux context changed")
        XCTAssertEqual(mode("n"), 0o600)

        let b = run(LineInFileModule.self, ["path": .string(path("n")), "line": "more", "backup": true])
        assertOK(b, changed: true)
        XCTAssertEqual(read(b["backup"]?.pythonStr ?? "/nonexistent"), "no newline\nnext\n")
    }

    func testNonUTF8FileKeepsItsBytes() throws {
        // Latin-1 "café\n" then a line to replace.
        let original = Data([0x63, 0x61, 0x66, 0xE9, 0x0A]) + Data("port=1\n".utf8)
        try original.write(to: URL(fileURLWithPath: path("latin1")))
        assertOK(run(LineInFileModule.self, ["path": .string(path("latin1")), "regexp": "^port=", "line": "port=2"]), changed: true)
        XCTAssertEqual(FileManager.default.contents(atPath: path("latin1")), Data([0x63, 0x61, 0x66, 0xE9, 0x0A]) + Data("port=2\n".utf8))
        assertOK(run(LineInFileModule.self, ["path": .string(path("latin1")), "regexp": "^port=", "line": "port=2"]), changed: false)
    }

    /// The probe's text output drops NUL bytes; the content is then read again byte for byte.
    func testFileWithNULBytesKeepsThem() throws {
        let original = Data("a\0b\n".utf8) + Data("port=1\n".utf8)
        try original.write(to: URL(fileURLWithPath: path("nul")))
        let (r, commands) = counted(LineInFileModule.self, ["path": .string(path("nul")), "regexp": "^port=", "line": "port=2"])
        assertOK(r, changed: true)
        XCTAssertEqual(commands, 3, "text read, byte read, write")
        XCTAssertEqual(FileManager.default.contents(atPath: path("nul")), Data("a\0b\n".utf8) + Data("port=2\n".utf8))
        let (again, readOnly) = counted(LineInFileModule.self, ["path": .string(path("nul")), "regexp": "^port=", "line": "port=2"])
        assertOK(again, changed: false)
        XCTAssertEqual(readOnly, 2)
        // A text file is read once.
        try write("plain", "port=1\n")
        XCTAssertEqual(counted(LineInFileModule.self, ["path": .string(path("plain")), "regexp": "^port=", "line": "port=1"]).1, 1)
    }

    func testFollowsSymlinks() throws {
        try write("real", "a\n")
        try FileManager.default.createSymbolicLink(atPath: path("link"), withDestinationPath: path("real"))
        assertOK(run(LineInFileModule.self, ["path": .string(path("link")), "line": "b"]), changed: true)
        XCTAssertEqual(read("real"), "a\nb\n")
        XCTAssertNotNil(try? FileManager.default.destinationOfSymbolicLink(atPath: path("link")))
    }

    func testErrors() {
        assertFails(run(LineInFileModule.self, ["path": "/tmp/x", "regexp": "a", "search_string": "b", "line": "c"]), "mutually exclusive: regexp|search_string")
        assertFails(run(LineInFileModule.self, ["path": "/tmp/x"]), "line is required with state=present")
        assertFails(run(LineInFileModule.self, ["path": "/tmp/x", "line": "a", "backrefs": true]), "regexp is required with backrefs=true")
        assertFails(run(LineInFileModule.self, ["path": "/tmp/x", "state": "absent"]), "one of line, search_string, or regexp is required")
        assertFails(run(LineInFileModule.self, ["path": "/tmp/x", "line": "a", "insertafter": "x", "insertbefore": "y"]), "mutually exclusive")
        assertFails(run(LineInFileModule.self, ["path": .string(dir), "line": "a"]), "is a directory !")
        assertFails(run(LineInFileModule.self, ["path": "/tmp/x", "line": "a", "regexp": "(unclosed"]), "invalid regular expression")
    }

    func testCommandCount() throws {
        try write("rt", "a\n")
        let (r1, n1) = counted(LineInFileModule.self, ["path": .string(path("rt")), "line": "b"])
        assertOK(r1, changed: true)
        let (r2, n2) = counted(LineInFileModule.self, ["path": .string(path("rt")), "line": "b"])
        assertOK(r2, changed: false)
        print("command count lineinfile: change=\(n1) unchanged=\(n2)")
        XCTAssertEqual([n1, n2], [2, 1])
    }
}

final class BlockInFileTests: ModuleTestCase {
    func testInsertUpdateRemove() throws {
        try write("b", "line1\nline2\n")
        let args: OrderedDictionary<String, Value> = ["path": .string(path("b")), "block": "k=v\nk2=v2"]
        let check = run(BlockInFileModule.self, args, check: true, diff: true)
        assertOK(check, changed: true)
        XCTAssertEqual(check["msg"], "Block inserted")
        XCTAssertEqual(read("b"), "line1\nline2\n")
        let diff = check["diff"]?.listValue?.first
        XCTAssertEqual(diff?["before"], "line1\nline2\n")
        XCTAssertEqual(diff?["after"], "line1\nline2\n# BEGIN ANSIBLE MANAGED BLOCK\nk=v\nk2=v2\n# END ANSIBLE MANAGED BLOCK\n")
        XCTAssertEqual(diff?["before_header"], .string(path("b") + " (content)"))
        assertOK(run(BlockInFileModule.self, args), changed: true)
        XCTAssertEqual(read("b"), "line1\nline2\n# BEGIN ANSIBLE MANAGED BLOCK\nk=v\nk2=v2\n# END ANSIBLE MANAGED BLOCK\n")
        assertOK(run(BlockInFileModule.self, args), changed: false)
        assertOK(run(BlockInFileModule.self, ["path": .string(path("b")), "block": "k=changed"]), changed: true)
        XCTAssertEqual(read("b"), "line1\nline2\n# BEGIN ANSIBLE MANAGED BLOCK\nk=changed\n# END ANSIBLE MANAGED BLOCK\n")
        let rm = run(BlockInFileModule.self, ["path": .string(path("b")), "state": "absent"])
        assertOK(rm, changed: true)
        XCTAssertEqual(rm["msg"], "Block removed")
        XCTAssertEqual(read("b"), "line1\nline2\n")
        assertOK(run(BlockInFileModule.self, ["path": .string(path("b")), "state": "absent"]), changed: false)
    }

    func testMarkersPositionsCreate() throws {
        try write("c", "a\nanchor\nb\n")
        let args: OrderedDictionary<String, Value> = ["path": .string(path("c")), "block": "X", "marker": "<!-- {mark} -->",
                                                      "marker_begin": "start", "marker_end": "stop", "insertafter": "^anchor", "append_newline": true]
        assertOK(run(BlockInFileModule.self, args), changed: true)
        XCTAssertEqual(read("c"), "a\nanchor\n<!-- start -->\nX\n<!-- stop -->\n\nb\n")
        assertOK(run(BlockInFileModule.self, args), changed: false)
        assertOK(run(BlockInFileModule.self, ["path": .string(path("c")), "block": "TOP", "marker": "# {mark} top", "insertbefore": "BOF"]), changed: true)
        XCTAssertTrue(read("c")?.hasPrefix("# BEGIN top\nTOP\n# END top\na\n") ?? false)

        assertFails(run(BlockInFileModule.self, ["path": .string(path("none")), "block": "x"]), "does not exist !")
        let created = run(BlockInFileModule.self, ["path": .string(path("none")), "block": "x", "create": true])
        assertOK(created, changed: true)
        XCTAssertEqual(created["msg"], "File created")
        XCTAssertEqual(read("none"), "# BEGIN ANSIBLE MANAGED BLOCK\nx\n# END ANSIBLE MANAGED BLOCK\n")
        assertFails(run(BlockInFileModule.self, ["path": .string(path("c")), "block": "x", "insertafter": "a", "insertbefore": "b"]), "mutually exclusive")
    }
}

final class ReplaceTests: ModuleTestCase {
    func testReplaceBackrefsAfterBefore() throws {
        try write("r", "host=a\nport=1\n[s]\nhost=b\nport=2\n")
        let args: OrderedDictionary<String, Value> = ["path": .string(path("r")), "regexp": "^port=(\\d+)$", "replace": "port=\\g<1>0"]
        let check = run(ReplaceModule.self, args, check: true, diff: true)
        assertOK(check, changed: true)
        XCTAssertEqual(check["msg"], "2 replacements made")
        XCTAssertEqual(read("r"), "host=a\nport=1\n[s]\nhost=b\nport=2\n")
        XCTAssertEqual(check["diff"]?.listValue?.first?["after"], "host=a\nport=10\n[s]\nhost=b\nport=20\n")
        assertOK(run(ReplaceModule.self, args), changed: true)
        XCTAssertEqual(read("r"), "host=a\nport=10\n[s]\nhost=b\nport=20\n")
        // "port=10" -> "port=100": not idempotent by nature, so use a stable pattern for the second run
        let stable: OrderedDictionary<String, Value> = ["path": .string(path("r")), "regexp": "^host=(?P<h>\\w)$", "replace": "host=\\g<h>.example", "after": "\\[s\\]"]
        let r = run(ReplaceModule.self, stable)
        assertOK(r, changed: true)
        XCTAssertEqual(r["msg"], "1 replacements made")
        XCTAssertEqual(read("r"), "host=a\nport=10\n[s]\nhost=b.example\nport=20\n")
        assertOK(run(ReplaceModule.self, stable), changed: false)
        let before = run(ReplaceModule.self, ["path": .string(path("r")), "regexp": "port", "replace": "PORT", "before": "\\[s\\]", "backup": true])
        assertOK(before, changed: true)
        XCTAssertEqual(read("r"), "host=a\nPORT=10\n[s]\nhost=b.example\nport=20\n")
        XCTAssertEqual(read(before["backup_file"]?.pythonStr ?? "/none"), "host=a\nport=10\n[s]\nhost=b.example\nport=20\n")
        let nomatch = run(ReplaceModule.self, ["path": .string(path("r")), "regexp": "x", "after": "NOPE"])
        assertOK(nomatch, changed: false)
        XCTAssertTrue(nomatch["msg"]?.pythonStr.hasPrefix("Pattern for before/after params did not match") ?? false)
    }

    func testErrors() {
        assertFails(run(ReplaceModule.self, ["path": .string(path("missing")), "regexp": "a"]), "does not exist !")
        assertFails(run(ReplaceModule.self, ["path": .string(path("missing"))]), "missing required arguments: regexp")
        assertFails(run(ReplaceModule.self, ["path": .string(dir), "regexp": "a"]), "is a directory !")
    }

    func testValidateKeepsFile() throws {
        try write("v", "ok\n")
        assertFails(run(ReplaceModule.self, ["path": .string(path("v")), "regexp": "ok", "replace": "bad", "validate": "grep -q ok %s"]), "failed to validate")
        XCTAssertEqual(read("v"), "ok\n")
        XCTAssertEqual(entries(), ["v"])
    }
}
