import Foundation
import Jinja
import OrderedCollections
import XCTest
@testable import Modules

final class CopyModuleTests: ModuleTestCase {
    func testContentCreateIdempotentCheckAndDiff() throws {
        let args: OrderedDictionary<String, Value> = ["content": "hello\n", "dest": .string(path("out.txt")), "mode": "0640"]
        let check = run(CopyModule.self, args, check: true, diff: true)
        assertOK(check, changed: true)
        XCTAssertFalse(exists("out.txt"))
        XCTAssertEqual(check["diff"]?.listValue?.first?["after"], "hello\n")
        XCTAssertEqual(check["diff"]?.listValue?.first?["before"], "")

        let r = run(CopyModule.self, args)
        assertOK(r, changed: true)
        XCTAssertEqual(read("out.txt"), "hello\n")
        XCTAssertEqual(mode("out.txt"), 0o640)
        XCTAssertEqual(r["checksum"], "f572d396fae9206628714fb2ce00f72e94f2258f")
        XCTAssertEqual(r["md5sum"], "b1946ac92492d2347c6235b4d2611184")
        XCTAssertEqual(r["size"], 6)
        XCTAssertEqual(r["mode"], "0640")
        XCTAssertEqual(r["owner"], "root")
        XCTAssertEqual(r["dest"], .string(path("out.txt")))

        assertOK(run(CopyModule.self, args), changed: false)
        // check mode on a change leaves the file alone
        assertOK(run(CopyModule.self, ["content": "other\n", "dest": .string(path("out.txt"))], check: true), changed: true)
        XCTAssertEqual(read("out.txt"), "hello\n")
        let d = run(CopyModule.self, ["content": "other\n", "dest": .string(path("out.txt"))], diff: true)
        assertOK(d, changed: true)
        XCTAssertEqual(d["diff"]?.listValue?.first?["before"], "hello\n")
        XCTAssertEqual(d["diff"]?.listValue?.first?["after"], "other\n")
        XCTAssertEqual(mode("out.txt"), 0o640)  // an existing file keeps its mode
    }

    /// Content is written byte for byte whichever way it travels: small UTF-8 text inline in the script
    /// (shell quotes, dash's internal bytes 0x81-0x88 inside UTF-8 characters, no final newline, empty),
    /// NUL bytes, Latin-1 and big data on stdin; checksum and md5sum are those of the bytes written.
    func testContentBytesExactInlineAndOnStdin() throws {
        var ascii = Data((1...127).map { UInt8($0) })
        ascii.append(Data(" '\\'' \"$HOME\" `id` $(id) %s %b \\n\r\n\u{20AC} \u{101} \u{109} \u{11D} \u{188} \u{2026} \u{1F600}".utf8))
        var latin1 = Data("caf".utf8); latin1.append(0xE9); latin1.append(contentsOf: [0x81, 0x82, 0x0A])
        var big = Data(); while big.count < 40_000 { big.append(Data("line \(big.count) \u{20AC}\n".utf8)) }
        let cases: [(String, Data)] = [("ascii", ascii), ("nonl", Data("no newline at the end".utf8)), ("empty", Data()),
                                       ("nul", Data([0x61, 0, 0x62, 0x0A, 0])), ("latin1", latin1), ("big", big)]
        for (name, data) in cases {
            try data.write(to: URL(fileURLWithPath: controllerDir + "/files/" + name))
            for args: OrderedDictionary<String, Value> in [["src": .string(name), "dest": .string(path(name))],
                                                           ["content": .string(String(decoding: data, as: UTF8.self)), "dest": .string(path(name + ".c"))]] {
                let dest = args["dest"]?.stringValue ?? ""
                let expected = args["content"] == nil ? data : Data(String(decoding: data, as: UTF8.self).utf8)
                let r = run(CopyModule.self, args)
                assertOK(r, changed: true)
                XCTAssertEqual(FileManager.default.contents(atPath: dest), expected, name)
                let inline = !expected.contains(0) && expected.count < 16_384 && String(data: expected, encoding: .utf8) != nil
                XCTAssertEqual(connection.commands.last?.contains("cat > \"$sp_tmp\"") == true, !inline, "\(name) on stdin")
                let sums = try connection.inner.run("sha1sum < \(dest) | cut -c1-40; md5sum < \(dest) | cut -c1-32", stdin: nil, become: nil).stdoutText
                XCTAssertEqual("\(r["checksum"]?.stringValue ?? "")\n\(r["md5sum"]?.stringValue ?? "")\n", sums, name)
                XCTAssertEqual(r["size"], .int(expected.count), name)
                assertOK(run(CopyModule.self, args), changed: false)
            }
        }
        XCTAssertEqual(entries().filter { $0.hasPrefix(".swiftplay") }, [])
    }

    /// A new file gets exactly the mode asked for (or the umask's), an existing one keeps its mode
    /// unless another is asked for.
    func testModesOfNewAndReplacedFiles() throws {
        for (name, wanted) in [("m0640", "0640"), ("m0666", "0666"), ("m0755", "0755"), ("m0400", "0400"), ("m4644", "04644"), ("m0000", "0000")] {
            let r = run(CopyModule.self, ["content": "x\n", "dest": .string(path(name)), "mode": .string(wanted)])
            assertOK(r, changed: true)
            XCTAssertEqual(mode(name), Int(wanted, radix: 8), name)
            XCTAssertEqual(r["mode"], .string(FileMode.octal(Int(wanted, radix: 8) ?? 0)), name)
        }
        let umask = Int(try connection.inner.run("umask", stdin: nil, become: nil).stdoutText.trimmingCharacters(in: .whitespacesAndNewlines), radix: 8) ?? 0
        assertOK(run(CopyModule.self, ["content": "x\n", "dest": .string(path("plain"))]), changed: true)
        XCTAssertEqual(mode("plain"), 0o666 & ~umask)
        try write("old", "old\n", mode: 0o604)
        assertOK(run(CopyModule.self, ["content": "new\n", "dest": .string(path("old"))]), changed: true)
        XCTAssertEqual(mode("old"), 0o604)
        assertOK(run(CopyModule.self, ["content": "newer\n", "dest": .string(path("old")), "mode": "0604"]), changed: true)
        XCTAssertEqual(mode("old"), 0o604)
        assertOK(run(CopyModule.self, ["content": "newest\n", "dest": .string(path("old")), "mode": "0640"]), changed: true)
        XCTAssertEqual(mode("old"), 0o640)
        XCTAssertEqual(read("old"), "newest\n")
        // The temporary file is made under umask 077; what runs after it (validate) has the session's umask.
        let seen = path("umask-seen")
        assertOK(run(CopyModule.self, ["content": "v\n", "dest": .string(path("validated")), "validate": .string("sh -c 'umask > \(seen)' && test -f %s")]), changed: true)
        assertOK(run(LineInFileModule.self, ["path": .string(path("validated")), "line": "w", "validate": .string("sh -c 'umask >> \(seen)' && test -f %s")]), changed: true)
        XCTAssertEqual(read("umask-seen"), String(repeating: FileMode.octal(umask) + "\n", count: 2))
        XCTAssertEqual(mode("validated"), 0o666 & ~umask)
        XCTAssertEqual(read("validated"), "v\nw\n")
    }

    func testAttributesOnlyAndOwnership() throws {
        try write("a", "same")
        let r = run(CopyModule.self, ["content": "same", "dest": .string(path("a")), "owner": "nobody", "group": "nogroup", "mode": "u=rw,go="])
        assertOK(r, changed: true)
        XCTAssertEqual(uid("a"), 65534)
        XCTAssertEqual(gid("a"), 65534)
        XCTAssertEqual(mode("a"), 0o600)
        XCTAssertEqual(r["owner"], "nobody")
        assertOK(run(CopyModule.self, ["content": "same", "dest": .string(path("a")), "owner": "nobody", "group": "nogroup", "mode": "u=rw,go="]), changed: false)
        // Replacing content keeps the owner of an existing file.
        assertOK(run(CopyModule.self, ["content": "new", "dest": .string(path("a"))]), changed: true)
        XCTAssertEqual(uid("a"), 65534)
        XCTAssertEqual(read("a"), "new")
    }

    func testSrcFileIntoDirectoryAndTrailingSlash() throws {
        try Data("from controller\n".utf8).write(to: URL(fileURLWithPath: controllerDir + "/files/app.conf"))
        try FileManager.default.createDirectory(atPath: path("etc"), withIntermediateDirectories: true)
        let r = run(CopyModule.self, ["src": "app.conf", "dest": .string(path("etc"))])
        assertOK(r, changed: true)
        XCTAssertEqual(read("etc/app.conf"), "from controller\n")
        XCTAssertEqual(r["dest"], .string(path("etc/app.conf")))
        XCTAssertEqual(r["src"], .string(controllerDir + "/files/app.conf"))
        assertOK(run(CopyModule.self, ["src": "app.conf", "dest": .string(path("etc"))]), changed: false)
        // dest ending in / is created
        assertOK(run(CopyModule.self, ["src": "app.conf", "dest": .string(path("new/dir/"))]), changed: true)
        XCTAssertEqual(read("new/dir/app.conf"), "from controller\n")
    }

    func testFollowWritesThroughSymlinkOtherwiseReplacesIt() throws {
        try write("real", "old")
        try FileManager.default.createSymbolicLink(atPath: path("link"), withDestinationPath: "real")
        assertOK(run(CopyModule.self, ["content": "via link", "dest": .string(path("link")), "follow": true]), changed: true)
        XCTAssertEqual(read("real"), "via link")
        XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: path("link")), "real")
        assertOK(run(CopyModule.self, ["content": "via link", "dest": .string(path("link")), "follow": true]), changed: false)
        assertOK(run(CopyModule.self, ["content": "plain", "dest": .string(path("link"))]), changed: true)
        XCTAssertNil(try? FileManager.default.destinationOfSymbolicLink(atPath: path("link")))
        XCTAssertEqual(read("link"), "plain")
        XCTAssertEqual(read("real"), "via link")
    }

    func testForceNoAndBackup() throws {
        try write("f", "old\n")
        let r = run(CopyModule.self, ["content": "new\n", "dest": .string(path("f")), "force": false])
        assertOK(r, changed: false)
        XCTAssertEqual(read("f"), "old\n")
        let b = run(CopyModule.self, ["content": "new\n", "dest": .string(path("f")), "backup": true])
        assertOK(b, changed: true)
        let backup = b["backup_file"]?.pythonStr ?? ""
        XCTAssertTrue(backup.hasPrefix(path("f") + "."), backup)
        XCTAssertEqual(read(backup), "old\n")
        XCTAssertEqual(read("f"), "new\n")
    }

    func testValidateFailureLeavesFileAndNoTemp() throws {
        try write("conf", "good\n")
        let r = run(CopyModule.self, ["content": "bad\n", "dest": .string(path("conf")), "validate": "grep -q good %s"])
        assertFails(r, "failed to validate")
        XCTAssertEqual(read("conf"), "good\n")
        XCTAssertEqual(entries(), ["conf"])   // no temporary file left behind
        let ok = run(CopyModule.self, ["content": "good too\n", "dest": .string(path("conf")), "validate": "grep -q good %s"])
        assertOK(ok, changed: true)
        XCTAssertEqual(entries(), ["conf"])
        assertFails(run(CopyModule.self, ["content": "x", "dest": .string(path("conf")), "validate": "true"]), "validate must contain %s")
        // A quoted '%s' works too (the temporary path is substituted literally).
        assertOK(run(CopyModule.self, ["content": "good 3\n", "dest": .string(path("conf")), "validate": "grep -q good '%s'"]), changed: true)
        XCTAssertEqual(read("conf"), "good 3\n")
    }

    func testDirectoryCopy() throws {
        let src = controllerDir + "/files/site"
        try FileManager.default.createDirectory(atPath: src + "/sub", withIntermediateDirectories: true)
        try Data("index".utf8).write(to: URL(fileURLWithPath: src + "/index.html"))
        try Data("deep".utf8).write(to: URL(fileURLWithPath: src + "/sub/deep.txt"))
        // "site" copies the directory itself
        let r = run(CopyModule.self, ["src": "site", "dest": .string(dir), "mode": "0600", "directory_mode": "0750"])
        assertOK(r, changed: true)
        XCTAssertEqual(read("site/index.html"), "index")
        XCTAssertEqual(read("site/sub/deep.txt"), "deep")
        XCTAssertEqual(mode("site/sub/deep.txt"), 0o600)
        XCTAssertEqual(mode("site/sub"), 0o750)
        XCTAssertEqual(entries("site"), ["index.html", "sub"])  // staging directory removed
        assertOK(run(CopyModule.self, ["src": "site", "dest": .string(dir), "mode": "0600", "directory_mode": "0750"]), changed: false)
        // "site/" copies its contents; check mode first
        assertOK(run(CopyModule.self, ["src": "site/", "dest": .string(path("flat"))], check: true), changed: true)
        XCTAssertFalse(exists("flat"))
        assertOK(run(CopyModule.self, ["src": "site/", "dest": .string(path("flat"))]), changed: true)
        XCTAssertEqual(read("flat/sub/deep.txt"), "deep")
        try Data("changed".utf8).write(to: URL(fileURLWithPath: src + "/sub/deep.txt"))
        assertOK(run(CopyModule.self, ["src": "site/", "dest": .string(path("flat"))]), changed: true)
        XCTAssertEqual(read("flat/sub/deep.txt"), "changed")
    }

    /// Scripts bigger than a command line allows (per-file commands) still run in one round trip.
    func testLargeTreeBeyondCommandLineLimit() throws {
        let src = controllerDir + "/files/big"
        let long = String(repeating: "n", count: 80)
        // Created by one shell loop: FileManager takes seconds for this many files on Linux.
        let setup = "cd \(controllerDir)/files && mkdir big && cd big && mkdir d0 d1 d2 d3 d4 d5 d6 d7 d8 d9 && i=0; while [ $i -lt 1200 ]; do printf %s $i > d$((i % 10))/\(long)-$i; i=$((i + 1)); done"
        XCTAssertEqual(try connection.inner.run(setup, stdin: nil, become: nil).exitCode, 0)
        XCTAssertTrue(FileManager.default.fileExists(atPath: src + "/d9/\(long)-1199"))
        let t0 = Date()
        let (r, n) = counted(CopyModule.self, ["src": "big/", "dest": .string(path("big"))])
        print("large tree copy took \(Date().timeIntervalSince(t0))s")
        assertOK(r, changed: true)
        XCTAssertEqual(n, 2)
        XCTAssertEqual(read("big/d7/\(long)-1187"), "1187")
        XCTAssertEqual(entries("big").count, 10)
        assertOK(run(CopyModule.self, ["src": "big/", "dest": .string(path("big"))]), changed: false)
        // file recurse over the same tree: one chmod per entry in one script
        let (f, m) = counted(FileModule.self, ["path": .string(path("big")), "state": "directory", "recurse": true, "mode": "u=rwX,go="])
        assertOK(f, changed: true)
        XCTAssertEqual(m, 2)
        XCTAssertEqual(mode("big/d3/\(long)-3"), 0o600)
        XCTAssertEqual(mode("big/d3"), 0o700)
        print("large tree command durations: \(connection.durations.map { String(format: "%.2f", $0) })")
    }

    func testRemoteSrc() throws {
        try write("orig", "remote data\n")
        let args: OrderedDictionary<String, Value> = ["src": .string(path("orig")), "dest": .string(path("dup")), "remote_src": true]
        assertOK(run(CopyModule.self, args, check: true), changed: true)
        XCTAssertFalse(exists("dup"))
        assertOK(run(CopyModule.self, args), changed: true)
        XCTAssertEqual(read("dup"), "remote data\n")
        assertOK(run(CopyModule.self, args), changed: false)
        assertFails(run(CopyModule.self, ["src": .string(path("nope")), "dest": .string(path("dup")), "remote_src": true]), "not found")
    }

    func testRemoteSrcDirectory() throws {
        try write("tree/a", "a")
        try write("tree/sub/b", "b")
        try FileManager.default.createDirectory(atPath: path("out"), withIntermediateDirectories: true)
        let args: OrderedDictionary<String, Value> = ["src": .string(path("tree")), "dest": .string(path("out")), "remote_src": true,
                                                      "owner": "nobody", "mode": "0640"]
        assertOK(run(CopyModule.self, args, check: true), changed: true)
        XCTAssertEqual(entries("out"), [])
        let r = run(CopyModule.self, args)
        assertOK(r, changed: true)
        XCTAssertEqual(r["dest"], .string(path("out/tree")))
        XCTAssertEqual(read("out/tree/sub/b"), "b")
        XCTAssertEqual(uid("out/tree/sub/b"), 65534)
        XCTAssertEqual(mode("out/tree/a"), 0o640)
        assertOK(run(CopyModule.self, args), changed: false)
        try write("tree/sub/b", "changed")
        assertOK(run(CopyModule.self, args), changed: true)
        XCTAssertEqual(read("out/tree/sub/b"), "changed")
        // "tree/" copies the contents
        assertOK(run(CopyModule.self, ["src": .string(path("tree/")), "dest": .string(path("flat")), "remote_src": true]), changed: true)
        XCTAssertEqual(read("flat/sub/b"), "changed")
        assertOK(run(CopyModule.self, ["src": .string(path("tree/")), "dest": .string(path("flat")), "remote_src": true]), changed: false)
    }

    /// Symlinks in a controller tree: followed by default, except dangling ones and links to an
    /// enclosing directory; all kept as links with local_follow: no (as Ansible's copy action).
    func testDirectoryCopySymlinks() throws {
        let src = controllerDir + "/files/linked"
        try FileManager.default.createDirectory(atPath: src + "/sub", withIntermediateDirectories: true)
        try Data("real".utf8).write(to: URL(fileURLWithPath: src + "/real.txt"))
        try FileManager.default.createSymbolicLink(atPath: src + "/sub/to-real", withDestinationPath: "../real.txt")
        try FileManager.default.createSymbolicLink(atPath: src + "/sub/up", withDestinationPath: "..")
        try FileManager.default.createSymbolicLink(atPath: src + "/dangling", withDestinationPath: "nowhere")
        let follow: OrderedDictionary<String, Value> = ["src": "linked/", "dest": .string(path("f"))]
        assertOK(run(CopyModule.self, follow), changed: true)
        XCTAssertEqual(read("f/sub/to-real"), "real")
        XCTAssertNotEqual((lstatInfo("f/sub/to-real")?.st_mode ?? 0) & S_IFMT, S_IFLNK)
        XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: path("f/sub/up")), "..")
        XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: path("f/dangling")), "nowhere")
        assertOK(run(CopyModule.self, follow), changed: false)
        let links: OrderedDictionary<String, Value> = ["src": "linked/", "dest": .string(path("l")), "local_follow": false]
        assertOK(run(CopyModule.self, links), changed: true)
        XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: path("l/sub/to-real")), "../real.txt")
        assertOK(run(CopyModule.self, links), changed: false)
    }

    func testVaultEncryptedSourceFails() throws {
        try Data("$ANSIBLE_VAULT;1.1;AES256\n6162\n".utf8).write(to: URL(fileURLWithPath: controllerDir + "/files/secret"))
        assertFails(run(CopyModule.self, ["src": "secret", "dest": .string(path("s"))]),
                    "A vault password or secret must be specified to decrypt \(controllerDir)/files/secret")
        XCTAssertFalse(exists("s"))
        assertOK(run(CopyModule.self, ["src": "secret", "dest": .string(path("s")), "decrypt": false]), changed: true)
    }

    func testRemoteSrcPreserveModeAndNonFiles() throws {
        try write("orig", "x", mode: 0o547)
        let r = run(CopyModule.self, ["src": .string(path("orig")), "dest": .string(path("dup")), "remote_src": true, "mode": "preserve"])
        assertOK(r, changed: true)
        XCTAssertEqual(r["mode"], "0547")
        XCTAssertEqual(mode("dup"), 0o547)
        assertFails(run(CopyModule.self, ["src": "/dev/null", "dest": .string(path("n")), "remote_src": true]),
                    "Cannot copy invalid source '/dev/null': not a file")
    }

    func testContentDiffNamesDest() {
        let r = run(CopyModule.self, ["content": "Ansible managed\n", "dest": .string(path("m"))], diff: true)
        assertOK(r, changed: true)
        XCTAssertEqual(r["diff"]?.listValue?.first?["after_header"], .string(path("m")))
        XCTAssertEqual(r["diff"]?.listValue?.first?["before"], "")
    }

    func testArgumentErrors() {
        assertFails(run(CopyModule.self, ["content": "x", "src": "y", "dest": "/tmp/z"]), "parameters are mutually exclusive: content|src")
        assertFails(run(CopyModule.self, ["content": "x"]), "dest is required")
        assertFails(run(CopyModule.self, [:]), "src (or content) is required")
        assertFails(run(CopyModule.self, ["dest": .string(path("x"))]), "src (or content) is required")
        assertFails(run(CopyModule.self, ["src": "missing.txt", "dest": .string(path("x"))]), "Could not find or access 'missing.txt'")
        assertFails(run(CopyModule.self, ["content": "x", "dest": .string(path("nodir/x"))]), "Destination directory")
        assertFails(run(CopyModule.self, ["content": "x", "dest": .string(path("d/"))]), "can not use content with a dir as dest")
        assertFails(run(CopyModule.self, ["content": "x", "dest": .string(path("x")), "force": "perhaps"]), "unable to convert to bool")
        assertFails(run(CopyModule.self, ["content": "x", "dest": .string(path("x")), "owner": "nobody-xyz"]), "failed to look up user nobody-xyz")
    }

    func testContentIsNoLog() {
        XCTAssertTrue(CopyModule.spec.secretNames.contains("content"))
    }
}

final class TemplateModuleTests: ModuleTestCase {
    func testRenderWriteIdempotentNewlinesValidate() throws {
        try Data("name={{ name }}\nline2\n".utf8).write(to: URL(fileURLWithPath: controllerDir + "/templates/app.j2"))
        let render: (String, String) throws -> String = { src, path in
            XCTAssertTrue(path.hasSuffix("templates/app.j2"))
            return src.replacingOccurrences(of: "{{ name }}", with: "web")
        }
        let args: OrderedDictionary<String, Value> = ["src": "app.j2", "dest": .string(path("app.conf")), "mode": "0600", "owner": "nobody"]
        let check = run(TemplateModule.self, args, check: true, diff: true, render: render)
        assertOK(check, changed: true)
        XCTAssertFalse(exists("app.conf"))
        XCTAssertEqual(check["diff"]?.listValue?.first?["after"], "name=web\nline2\n")

        let r = run(TemplateModule.self, args, render: render)
        assertOK(r, changed: true)
        XCTAssertEqual(read("app.conf"), "name=web\nline2\n")
        XCTAssertEqual(mode("app.conf"), 0o600)
        XCTAssertEqual(uid("app.conf"), 65534)
        XCTAssertEqual(r["checksum"]?.pythonStr, SHA1.hex(Data("name=web\nline2\n".utf8)))
        assertOK(run(TemplateModule.self, args, render: render), changed: false)

        var crlf = args
        crlf["newline_sequence"] = "\\r\\n"
        assertOK(run(TemplateModule.self, crlf, render: render), changed: true)
        XCTAssertEqual(read("app.conf"), "name=web\r\nline2\r\n")

        var bad = args
        bad["validate"] = "false %s"
        bad["backup"] = true
        assertFails(run(TemplateModule.self, bad, render: { _, _ in "other" }), "failed to validate")
        XCTAssertEqual(read("app.conf"), "name=web\r\nline2\r\n")
        XCTAssertEqual(entries(), ["app.conf"])
    }

    func testErrors() {
        assertFails(run(TemplateModule.self, ["src": "nope.j2", "dest": .string(path("x"))]), "Could not find or access 'nope.j2'")
        assertFails(run(TemplateModule.self, ["src": "nope.j2"]), "missing required arguments: dest")
        try? Data("x".utf8).write(to: URL(fileURLWithPath: controllerDir + "/templates/t.j2"))
        assertFails(run(TemplateModule.self, ["src": "t.j2", "dest": .string(path("x")), "newline_sequence": "zz"]), "newline_sequence should be one of")
        assertFails(run(TemplateModule.self, ["src": "t.j2", "dest": .string(path("x"))], render: { _, _ in throw ModuleError("'undefined_var' is undefined") }), "'undefined_var' is undefined")
    }

    func testCommandCount() throws {
        let (r1, n1) = counted(CopyModule.self, ["content": "a", "dest": .string(path("rt"))])
        assertOK(r1, changed: true)
        let (r2, n2) = counted(CopyModule.self, ["content": "a", "dest": .string(path("rt"))])
        assertOK(r2, changed: false)
        let (r3, n3) = counted(CopyModule.self, ["content": "a", "dest": .string(path("rt")), "mode": "0600"])
        assertOK(r3, changed: true)
        print("command count copy: write=\(n1) unchanged=\(n2) attributes=\(n3)")
        XCTAssertEqual([n1, n2, n3], [2, 1, 2])
    }
}
