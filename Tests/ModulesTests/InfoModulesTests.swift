import Foundation
import Jinja
import OrderedCollections
import XCTest
@testable import Modules

final class StatModuleTests: ModuleTestCase {
    func testStatFileLinkMissing() throws {
        try write("f", "abc", mode: 0o640)
        let r = run(StatModule.self, ["path": .string(path("f"))])
        assertOK(r, changed: false)
        let s = r["stat"]
        XCTAssertEqual(s?["exists"], true)
        XCTAssertEqual(s?["mode"], "0640")
        XCTAssertEqual(s?["isreg"], true)
        XCTAssertEqual(s?["isdir"], false)
        XCTAssertEqual(s?["size"], 3)
        XCTAssertEqual(s?["pw_name"], "root")
        XCTAssertEqual(s?["checksum"], "a9993e364706816aba3e25717850c26c9cd0d89d")
        XCTAssertEqual(s?["readable"], true)
        XCTAssertEqual(s?["rgrp"], true)
        XCTAssertEqual(s?["woth"], false)
        XCTAssertEqual(s?["nlink"], 1)
        XCTAssertEqual(s?["inode"]?.intValue, Int(lstatInfo("f")?.st_ino ?? 0))
        XCTAssertEqual(s?["mimetype"], "text/plain")
        XCTAssertEqual(s?["blocks"]?.intValue, Int(lstatInfo("f")?.st_blocks ?? -1))
        XCTAssertEqual(s?["block_size"]?.intValue, Int(lstatInfo("f")?.st_blksize ?? -1))
        XCTAssertEqual(run(StatModule.self, ["path": "/dev/null"])["stat"]?["device_type"]?.intValue, Int(lstatInfo("/dev/null")?.st_rdev ?? 0))

        let sha = run(StatModule.self, ["path": .string(path("f")), "checksum_algorithm": "sha256", "get_mime": false])
        XCTAssertEqual(sha["stat"]?["checksum"], "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertNil(sha["stat"]?["mimetype"])

        try FileManager.default.createSymbolicLink(atPath: path("l"), withDestinationPath: "f")
        let l = run(StatModule.self, ["path": .string(path("l"))])
        XCTAssertEqual(l["stat"]?["islnk"], true)
        XCTAssertEqual(l["stat"]?["lnk_target"], "f")
        XCTAssertEqual(l["stat"]?["lnk_source"], .string(path("f")))
        XCTAssertNil(l["stat"]?["checksum"])
        let lf = run(StatModule.self, ["path": .string(path("l")), "follow": true])
        XCTAssertEqual(lf["stat"]?["isreg"], true)
        XCTAssertEqual(lf["stat"]?["checksum"], "a9993e364706816aba3e25717850c26c9cd0d89d")

        let d = run(StatModule.self, ["path": .string(dir)])
        XCTAssertEqual(d["stat"]?["isdir"], true)
        let m = run(StatModule.self, ["path": .string(path("missing"))])
        assertOK(m, changed: false)
        XCTAssertEqual(m["stat"], ["exists": false])
        assertFails(run(StatModule.self, ["path": "/x", "checksum_algorithm": "crc"]), "value of checksum_algorithm must be one of")
        assertFails(run(StatModule.self, [:]), "missing required arguments: path")
        assertFails(run(StatModule.self, ["path": "/x", "follow": "perhaps"]), "unable to convert to bool")
    }
}

final class SlurpFetchTests: ModuleTestCase {
    func testSlurp() throws {
        try write("s", "hello\u{0}bin")
        let r = run(SlurpModule.self, ["src": .string(path("s"))])
        assertOK(r, changed: false)
        XCTAssertEqual(r["content"], .string(Data("hello\u{0}bin".utf8).base64EncodedString()))
        XCTAssertEqual(r["encoding"], "base64")
        XCTAssertEqual(r["source"], .string(path("s")))
        assertFails(run(SlurpModule.self, ["src": .string(path("none"))]), "File not found")
        assertFails(run(SlurpModule.self, ["path": .string(dir)]), "source is a directory and must be a file")
        assertFails(run(SlurpModule.self, [:]), "missing required arguments: src")
        assertFails(run(SlurpModule.self, ["src": "/x", "encoding": "utf8"]), "Unsupported parameters for (slurp) module: encoding")
    }

    func testFetchLayoutFlatIdempotentCheck() throws {
        try write("remote.txt", "data\n")
        let dest = controllerDir + "/fetched"
        let args: OrderedDictionary<String, Value> = ["src": .string(path("remote.txt")), "dest": .string(dest)]
        let expected = dest + "/localhost" + path("remote.txt")
        assertOK(run(FetchModule.self, args, check: true), changed: true)
        XCTAssertFalse(FileManager.default.fileExists(atPath: expected))
        let r = run(FetchModule.self, args)
        assertOK(r, changed: true)
        XCTAssertEqual(r["dest"], .string(expected))
        XCTAssertEqual(read(expected), "data\n")
        XCTAssertEqual(r["checksum"]?.pythonStr, SHA1.hex(Data("data\n".utf8)))
        let before = connection.commands.count
        assertOK(run(FetchModule.self, args), changed: false)
        XCTAssertEqual(connection.commands.count - before, 1)

        let flat = run(FetchModule.self, ["src": .string(path("remote.txt")), "dest": .string(dest + "/flat/"), "flat": true])
        assertOK(flat, changed: true)
        XCTAssertEqual(read(dest + "/flat/remote.txt"), "data\n")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dest + "/flat"), ["remote.txt"])  // no temp file left

        let relative = run(FetchModule.self, ["src": .string(path("remote.txt")), "dest": "rel/", "flat": true])
        assertOK(relative, changed: true)
        XCTAssertEqual(read(controllerDir + "/rel/remote.txt"), "data\n")
        assertFails(run(FetchModule.self, ["src": .string(path("nope")), "dest": .string(dest)]), "the remote file does not exist")
        let ignored = run(FetchModule.self, ["src": .string(path("nope")), "dest": .string(dest), "fail_on_missing": false])
        assertOK(ignored, changed: false)
        assertFails(run(FetchModule.self, ["src": .string(dir), "dest": .string(dest)]), "fetch cannot work on directories")
        assertFails(run(FetchModule.self, ["src": "/x"]), "missing required arguments: dest")
    }
}

final class TempFileTests: ModuleTestCase {
    func testTempFileAndDirectory() throws {
        let r = run(TempFileModule.self, ["path": .string(dir), "prefix": "pre.", "suffix": ".txt"])
        assertOK(r, changed: true)
        let p = r["path"]?.pythonStr ?? ""
        XCTAssertTrue(p.hasPrefix(path("pre.")) && p.hasSuffix(".txt"), p)
        XCTAssertTrue(FileManager.default.fileExists(atPath: p))
        XCTAssertEqual(r["state"], "file")
        XCTAssertEqual(mode(p), 0o600)
        let d = run(TempFileModule.self, ["path": .string(dir), "state": "directory"])
        assertOK(d, changed: true)
        var isDir: ObjCBool = false
        XCTAssertTrue(FileManager.default.fileExists(atPath: d["path"]?.pythonStr ?? "", isDirectory: &isDir) && isDir.boolValue)
        XCTAssertTrue((d["path"]?.pythonStr ?? "").contains("/ansible."))
        let check = run(TempFileModule.self, ["path": .string(dir)], check: true)
        XCTAssertEqual(check["skipped"], true)
        XCTAssertEqual(entries().count, 2)
        assertFails(run(TempFileModule.self, ["path": .string(path("nodir"))]), "failed")
        assertFails(run(TempFileModule.self, ["state": "link"]), "value of state must be one of")
    }
}

final class FindModuleTests: ModuleTestCase {
    func testPatternsTypesRecurseHidden() throws {
        try write("a.log", "error here\n")
        try write("b.txt", "fine\n")
        try write(".hidden.log", "x")
        try write("sub/c.log", String(repeating: "z", count: 2048))
        try write("sub/deeper/d.log", "error\n")
        let r = run(FindModule.self, ["paths": .string(dir), "patterns": "*.log"])
        assertOK(r, changed: false)
        XCTAssertEqual(r["matched"], 1)
        XCTAssertEqual(r["files"]?.listValue?.first?["path"], .string(path("a.log")))
        XCTAssertEqual(r["files"]?.listValue?.first?["isreg"], true)
        XCTAssertEqual(r["examined"], 4)

        func found(_ args: OrderedDictionary<String, Value>) -> [String] {
            let r = run(FindModule.self, args)
            XCTAssertFalse(r.failed, r["msg"]?.pythonStr ?? "")
            return (r["files"]?.listValue ?? []).compactMap { $0["path"]?.pythonStr.replacingOccurrences(of: dir + "/", with: "") }.sorted()
        }
        XCTAssertEqual(found(["paths": .string(dir), "patterns": "*.log", "recurse": true]), ["a.log", "sub/c.log", "sub/deeper/d.log"])
        XCTAssertEqual(found(["paths": .string(dir), "patterns": "*.log", "recurse": true, "depth": 2]), ["a.log", "sub/c.log"])
        XCTAssertEqual(found(["paths": .string(dir), "patterns": "*.log", "hidden": true]), [".hidden.log", "a.log"])
        XCTAssertEqual(found(["paths": .string(dir), "file_type": "directory", "recurse": true]), ["sub", "sub/deeper"])
        XCTAssertEqual(found(["paths": .string(dir), "patterns": ["^[ab]\\.", "nomatch"], "use_regex": true]), ["a.log", "b.txt"])
        XCTAssertEqual(found(["paths": .string(dir), "recurse": true, "excludes": "*.log"]), ["b.txt"])
        XCTAssertEqual(found(["paths": .string(dir), "recurse": true, "size": "1k"]), ["sub/c.log"])
        XCTAssertEqual(found(["paths": .string(dir), "recurse": true, "size": "-1k"]), ["a.log", "b.txt", "sub/deeper/d.log"])
        XCTAssertEqual(found(["paths": .string(dir), "recurse": true, "contains": "^error"]), ["a.log", "sub/deeper/d.log"])
        XCTAssertEqual(found(["paths": .string(dir), "recurse": true, "age": "1d"]), [])
        XCTAssertEqual(found(["paths": .string(dir), "recurse": true, "age": "-1h", "patterns": "b*"]), ["b.txt"])

        let sums = run(FindModule.self, ["paths": .string(dir), "patterns": "b.txt", "get_checksum": true])
        XCTAssertEqual(sums["files"]?.listValue?.first?["checksum"]?.pythonStr, SHA1.hex(Data("fine\n".utf8)))
        let missing = run(FindModule.self, ["paths": .string(path("nope"))])
        assertOK(missing, changed: false)
        XCTAssertEqual(missing["matched"], 0)
        XCTAssertNotNil(missing["skipped_paths"]?[path("nope")])
        assertFails(run(FindModule.self, ["paths": .string(dir), "age": "abc"]), "failed to process age")
        assertFails(run(FindModule.self, ["patterns": "*"]), "missing required arguments: paths")
        assertFails(run(FindModule.self, ["paths": .string(dir), "depth": "deep"]), "argument 'depth' is of type str and we were unable to convert to int")
        assertFails(run(FindModule.self, ["paths": .string(dir), "recurse": "sometimes"]), "unable to convert to bool")
        assertFails(run(FindModule.self, ["paths": .string(dir), "file_type": "socketx"]), "value of file_type must be one of")
    }

    func testCommandCount() throws {
        try write("x.log", "error\n")
        var counts: [String: Int] = [:]
        counts["stat"] = counted(StatModule.self, ["path": .string(path("x.log"))]).1
        counts["slurp"] = counted(SlurpModule.self, ["src": .string(path("x.log"))]).1
        counts["find"] = counted(FindModule.self, ["paths": .string(dir)]).1
        counts["find+contains"] = counted(FindModule.self, ["paths": .string(dir), "contains": "err"]).1
        counts["fetch"] = counted(FetchModule.self, ["src": .string(path("x.log")), "dest": .string(controllerDir)]).1
        counts["tempfile"] = counted(TempFileModule.self, ["path": .string(dir)]).1
        print("command count info modules: \(counts.sorted { $0.key < $1.key })")
        XCTAssertEqual(counts, ["stat": 1, "slurp": 1, "find": 1, "find+contains": 2, "fetch": 1, "tempfile": 1])
    }
}
