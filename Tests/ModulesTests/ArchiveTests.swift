import Foundation
import Jinja
import OrderedCollections
import XCTest
@testable import Modules

final class UnarchiveTests: ModuleTestCase {
    /// Builds archives with the system's tar and zip.
    func shell(_ command: String) throws {
        let r = try connection.inner.run(command, stdin: nil, become: nil)
        XCTAssertEqual(r.exitCode, 0, r.stderrText)
    }

    func makeTree(_ root: String) throws {
        try write(root + "/pkg/bin/tool", "#!/bin/sh\necho tool\n", mode: 0o755)
        try write(root + "/pkg/README", "read me\n")
    }

    func testControllerTarGzAndZip() throws {
        let build = controllerDir + "/build"
        try makeTree(build)
        try shell("cd \(build) && tar -czf \(controllerDir)/files/pkg.tgz pkg && zip -qr \(controllerDir)/files/pkg.zip pkg")
        try FileManager.default.createDirectory(atPath: path("out"), withIntermediateDirectories: true)
        for archive in ["pkg.tgz", "pkg.zip"] {
            try? FileManager.default.removeItem(atPath: path("out/pkg"))
            let args: OrderedDictionary<String, Value> = ["src": .string(archive), "dest": .string(path("out")), "list_files": true]
            let check = run(UnarchiveModule.self, args, check: true)
            assertOK(check, changed: true)
            XCTAssertFalse(exists("out/pkg"), archive)
            let r = run(UnarchiveModule.self, args)
            assertOK(r, changed: true)
            XCTAssertEqual(read("out/pkg/bin/tool"), "#!/bin/sh\necho tool\n", archive)
            XCTAssertEqual(read("out/pkg/README"), "read me\n")
            XCTAssertEqual(r["handler"], archive.hasSuffix("zip") ? "ZipArchive" : "TgzArchive")
            XCTAssertEqual(Set((r["files"]?.listValue ?? []).map(\.pythonStr)), ["pkg", "pkg/bin", "pkg/bin/tool", "pkg/README"])
            assertOK(run(UnarchiveModule.self, args), changed: false)
            // A changed file (other size) is restored.
            try write("out/pkg/README", "locally edited, longer\n")
            assertOK(run(UnarchiveModule.self, args), changed: true)
            XCTAssertEqual(read("out/pkg/README"), "read me\n")
            XCTAssertEqual(entries(), ["out"], "no temporary archive left in the test dir")
        }
    }

    func testRemoteSrcOwnerCreatesExclude() throws {
        let build = path("build")
        try makeTree(build)
        try shell("cd \(build) && tar -cJf \(dir)/pkg.tar.xz pkg")
        try FileManager.default.createDirectory(atPath: path("dest"), withIntermediateDirectories: true)
        let args: OrderedDictionary<String, Value> = ["src": .string(path("pkg.tar.xz")), "dest": .string(path("dest")), "remote_src": true,
                                                      "owner": "nobody", "exclude": ["pkg/README"]]
        assertOK(run(UnarchiveModule.self, args), changed: true)
        XCTAssertEqual(uid("dest/pkg/bin/tool"), 65534)
        XCTAssertFalse(exists("dest/pkg/README"))
        assertOK(run(UnarchiveModule.self, args), changed: false)
        let skipped = run(UnarchiveModule.self, ["src": .string(path("pkg.tar.xz")), "dest": .string(path("dest")), "remote_src": true,
                                                 "creates": .string(path("dest/pkg"))])
        assertOK(skipped, changed: false)
        XCTAssertEqual(skipped["skipped"], true)
    }

    func testErrors() throws {
        try write("notarchive", "plain text")
        try FileManager.default.createDirectory(atPath: path("d"), withIntermediateDirectories: true)
        assertFails(run(UnarchiveModule.self, ["src": .string(path("notarchive")), "dest": .string(path("d")), "remote_src": true]), "Failed to find handler")
        assertFails(run(UnarchiveModule.self, ["src": .string(path("none.tgz")), "dest": .string(path("d")), "remote_src": true]), "does not exist")
        assertFails(run(UnarchiveModule.self, ["src": .string(path("notarchive")), "dest": .string(path("nodir")), "remote_src": true]), "is not a directory")
        assertFails(run(UnarchiveModule.self, ["src": "missing.tgz", "dest": .string(path("d"))]), "Could not find or access")
        assertFails(run(UnarchiveModule.self, ["src": "x"]), "missing required arguments: dest")
    }
}

final class ArchiveTests: ModuleTestCase {
    func testTarGzIdempotentCheckAndContent() throws {
        try write("src/a.txt", "a\n")
        try write("src/sub/b.txt", "b\n")
        let args: OrderedDictionary<String, Value> = ["path": .string(path("src")), "dest": .string(path("out.tgz")), "mode": "0600"]
        let check = run(ArchiveModule.self, args, check: true)
        assertOK(check, changed: true)
        XCTAssertFalse(exists("out.tgz"))
        XCTAssertEqual(entries(), ["src"])
        let r = run(ArchiveModule.self, args)
        assertOK(r, changed: true)
        XCTAssertEqual(r["state"], "archive")
        XCTAssertEqual(r["arcroot"], .string(dir))
        XCTAssertEqual(mode("out.tgz"), 0o600)
        let listing = try connection.inner.run("tar -tzf \(path("out.tgz")) | sort", stdin: nil, become: nil).stdoutText
        XCTAssertEqual(listing, "src/\nsrc/a.txt\nsrc/sub/\nsrc/sub/b.txt\n")
        assertOK(run(ArchiveModule.self, args), changed: false)
        try write("src/a.txt", "changed\n")
        assertOK(run(ArchiveModule.self, args), changed: true)
        XCTAssertEqual(entries(), ["out.tgz", "src"])
    }

    func testCompressZipExcludeRemove() throws {
        try write("log.txt", "line\n")
        let c = run(ArchiveModule.self, ["path": .string(path("log.txt")), "format": "bz2"])
        assertOK(c, changed: true)
        XCTAssertEqual(c["state"], "compress")
        XCTAssertEqual(c["dest"], .string(path("log.txt.bz2")))
        XCTAssertEqual(try connection.inner.run("bzip2 -dc \(path("log.txt.bz2"))", stdin: nil, become: nil).stdoutText, "line\n")

        try write("z/keep.txt", "k")
        try write("z/skip.tmp", "s")
        try write("z/secret/x", "x")
        let zargs: OrderedDictionary<String, Value> = ["path": .string(path("z/*")), "dest": .string(path("z.zip")), "format": "zip",
                                                       "exclusion_patterns": ["*.tmp"], "exclude_path": [.string(path("z/secret"))]]
        let z = run(ArchiveModule.self, zargs)
        assertOK(z, changed: true)
        let names = try connection.inner.run("unzip -Z1 \(path("z.zip"))", stdin: nil, become: nil).stdoutText
        XCTAssertEqual(names, "keep.txt\n")
        assertOK(run(ArchiveModule.self, zargs), changed: false)

        try write("gone/f", "f")
        let rargs: OrderedDictionary<String, Value> = ["path": .string(path("gone")), "dest": .string(path("gone.tar")), "format": "tar", "remove": true]
        assertOK(run(ArchiveModule.self, rargs), changed: true)
        XCTAssertFalse(exists("gone"))
        XCTAssertTrue(exists("gone.tar"))
        assertOK(run(ArchiveModule.self, rargs), changed: false)
    }

    func testErrors() throws {
        try write("d1/f", "f")
        try write("d2/f", "f")
        assertFails(run(ArchiveModule.self, ["path": [.string(path("d1")), .string(path("d2"))]]), "must specify 'dest'")
        assertFails(run(ArchiveModule.self, ["path": .string(path("nothing*"))]), "no source paths were found")
        assertFails(run(ArchiveModule.self, ["path": .string(path("d1")), "format": "rar"]), "value of format must be one of")
        assertFails(run(ArchiveModule.self, ["dest": "/tmp/x"]), "missing required arguments: path")
    }
}
