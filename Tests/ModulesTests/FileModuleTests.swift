import Foundation
import Jinja
import OrderedCollections
import Transport
import XCTest
@testable import Modules

final class FileModeTests: XCTestCase {
    func testOctalForms() throws {
        XCTAssertEqual(try FileMode.parse("0644"), .numeric(0o644))
        XCTAssertEqual(try FileMode.parse("644"), .numeric(0o644))
        XCTAssertEqual(try FileMode.parse(.int(420)), .numeric(0o644))   // YAML 0644
        XCTAssertEqual(try FileMode.parse(.int(644)), .numeric(644))     // Ansible uses the number as is (0o1204)
        XCTAssertEqual(try FileMode.parse("01777"), .numeric(0o1777))
        XCTAssertThrowsError(try FileMode.parse("0999"))
        XCTAssertThrowsError(try FileMode.parse("u+q"))
        XCTAssertThrowsError(try FileMode.parse(.list([])))
    }

    func testSymbolic() throws {
        func apply(_ s: String, _ m: Int, dir: Bool = false) throws -> Int { try FileMode.parse(.string(s))!.apply(to: m, isDirectory: dir) }
        XCTAssertEqual(try apply("u+rwx,g-w,o=r", 0o666), 0o744)
        XCTAssertEqual(try apply("a+X", 0o644), 0o644)
        XCTAssertEqual(try apply("a+X", 0o644, dir: true), 0o755)
        XCTAssertEqual(try apply("a+X", 0o744), 0o755)
        XCTAssertEqual(try apply("u=rw,g=r,o=", 0o777), 0o640)
        XCTAssertEqual(try apply("g=u", 0o700), 0o770)
        XCTAssertEqual(try apply("+x", 0o644), 0o755)
        XCTAssertEqual(try apply("u+s,o+t", 0o755), 0o5755)
        XCTAssertEqual(try apply("u+r-w", 0o600), 0o400)
        XCTAssertEqual(FileMode.octal(0o644), "0644")
        XCTAssertEqual(FileMode.octal(0o1777), "01777")
    }

    func testSHA1() {
        XCTAssertEqual(SHA1.hex(Data()), "da39a3ee5e6b4b0d3255bfef95601890afd80709")
        XCTAssertEqual(SHA1.hex(Data("abc".utf8)), "a9993e364706816aba3e25717850c26c9cd0d89d")
        XCTAssertEqual(SHA1.hex(Data(String(repeating: "a", count: 1000).utf8)), "291e9a6c66994949b57ba5e650361e98fc36b1ba")
    }

    func testStatLineParsingGNUAndBSD() {
        let gnu = RemoteFile.parseStat("644 0 0 0 1700000000 1700000001 1700000002 12 1 2049 regular empty file|root|root|/tmp/a b")
        XCTAssertEqual(gnu?.kind, .file)
        XCTAssertEqual(gnu?.mode, 0o644)
        XCTAssertEqual(gnu?.mtime, 1700000001)
        XCTAssertEqual(gnu?.name, "/tmp/a b")
        let bsd = RemoteFile.parseStat("4755 501 20 5 1700000000 1700000000 1700000000 12 1 16777220 Regular File|me|staff")
        XCTAssertEqual(bsd?.kind, .file)
        XCTAssertEqual(bsd?.mode, 0o4755)
        XCTAssertEqual(bsd?.owner, "me")
        XCTAssertEqual(RemoteFile.parseStat("755 0 0 4096 1 2 3 4 2 5 Directory|root|wheel|/d|with|bars")?.name, "/d|with|bars")
        XCTAssertEqual(RemoteFile.parseStat("777 0 0 4 1 2 3 4 1 5 Symbolic Link|root|wheel")?.kind, .link)
        XCTAssertNil(RemoteFile.parseStat("garbage"))
    }

    func testPythonRegex() throws {
        let r = try PythonRegex(#"(?P<key>\w+)=(\d+)"#)
        let (out, n) = r.substitute("a=1 b=2", template: #"\g<key>:\2\n"#)
        XCTAssertEqual(out, "a:1\n b:2\n")
        XCTAssertEqual(n, 2)
        XCTAssertThrowsError(try PythonRegex("(unclosed"))
    }
}

final class FileModuleTests: ModuleTestCase {
    func testDirectoryCreatesParentsWithModeAndIsIdempotent() throws {
        let p = path("a/b/c")
        let check = run(FileModule.self, ["path": .string(p), "state": "directory", "mode": "0750"], check: true)
        assertOK(check, changed: true)
        XCTAssertFalse(exists("a"))

        let r = run(FileModule.self, ["path": .string(p), "state": "directory", "mode": "0750"], diff: true)
        assertOK(r, changed: true)
        XCTAssertEqual(mode("a/b/c"), 0o750)
        XCTAssertEqual(mode("a"), 0o750)   // created parents get the attributes too
        XCTAssertEqual(r["state"], "directory")
        XCTAssertEqual(r["mode"], "0750")
        XCTAssertEqual(r["diff"]?["before"]?["state"], "absent")
        XCTAssertEqual(r["diff"]?["after"]?["state"], "directory")

        assertOK(run(FileModule.self, ["path": .string(p), "state": "directory", "mode": "0750"]), changed: false)
    }

    /// Missing directories below an existing one are made with the mode (special bits included), or
    /// the umask's without one; names with shell characters are kept.
    func testDirectoryModesBelowExistingParent() throws {
        try FileManager.default.createDirectory(atPath: path("have"), withIntermediateDirectories: true)
        chmod(path("have"), 0o700)
        assertOK(run(FileModule.self, ["path": .string(path("have/it's $x/sub")), "state": "directory", "mode": "02750"]), changed: true)
        XCTAssertEqual(mode("have"), 0o700)
        XCTAssertEqual(mode("have/it's $x"), 0o2750)
        XCTAssertEqual(mode("have/it's $x/sub"), 0o2750)
        let umask = Int(try connection.inner.run("umask", stdin: nil, become: nil).stdoutText.trimmingCharacters(in: .whitespacesAndNewlines), radix: 8) ?? 0
        let r = run(FileModule.self, ["path": .string(path("plain/one")), "state": "directory"])
        assertOK(r, changed: true)
        XCTAssertEqual(mode("plain"), 0o777 & ~umask)
        XCTAssertEqual(mode("plain/one"), 0o777 & ~umask)
        XCTAssertEqual(r["mode"], .string(FileMode.octal(0o777 & ~umask)))
        try write("afile", "x")
        assertFails(run(FileModule.self, ["path": .string(path("afile/sub/more")), "state": "directory", "mode": "0755"]), "afile")
        XCTAssertEqual(read("afile"), "x")
    }

    func testFileStateModesOwnerGroup() throws {
        try write("f", "x", mode: 0o600)
        let args: OrderedDictionary<String, Value> = ["path": .string(path("f")), "mode": "u+x,g=r,o=r", "owner": "nobody", "group": "nogroup"]
        let check = run(FileModule.self, args, check: true, diff: true)
        assertOK(check, changed: true)
        XCTAssertEqual(mode("f"), 0o600)
        XCTAssertEqual(uid("f"), 0)
        let d = check["diff"]
        XCTAssertEqual(d?["before"]?["mode"], "0600")
        XCTAssertEqual(d?["after"]?["mode"], "0744")
        XCTAssertEqual(d?["after"]?["owner"], .int(65534))

        let r = run(FileModule.self, ["path": .string(path("f")), "mode": "u+x,g=r,o=r", "owner": "nobody", "group": "nogroup"])
        assertOK(r, changed: true)
        XCTAssertEqual(mode("f"), 0o744)
        XCTAssertEqual(uid("f"), 65534)
        XCTAssertEqual(gid("f"), 65534)
        XCTAssertEqual(r["owner"], "nobody")
        XCTAssertEqual(r["state"], "file")
        assertOK(run(FileModule.self, ["path": .string(path("f")), "mode": "u+x,g=r,o=r", "owner": "nobody", "group": "nogroup"]), changed: false)

        // Integer modes as YAML gives them.
        assertOK(run(FileModule.self, ["path": .string(path("f")), "mode": .int(0o640)]), changed: true)
        XCTAssertEqual(mode("f"), 0o640)
    }

    func testFileStateErrors() {
        assertFails(run(FileModule.self, ["path": .string(path("missing")), "state": "file"]), "is absent, cannot continue")
        assertFails(run(FileModule.self, ["path": .string(dir), "state": "file"]), "is directory, cannot continue")
        assertFails(run(FileModule.self, ["path": .string(path("x")), "owner": "no-such-user-xyz", "state": "touch"]), "failed to look up user no-such-user-xyz")
        assertFails(run(FileModule.self, ["state": "touch"]), "missing required arguments: path")
        assertFails(run(FileModule.self, ["path": "/tmp/x", "state": "bogus"]), "value of state must be one of")
        assertFails(run(FileModule.self, ["path": .string(path("x")), "state": "touch", "mode": "u+z"]), "mode must be in octal or symbolic form")
        assertFails(run(FileModule.self, ["path": .string(path("x")), "state": "file", "recurse": true]), "recurse option requires state to be 'directory'")
        assertFails(run(FileModule.self, ["path": .string(path("x")), "state": "link"]), "src is required")
        assertFails(run(FileModule.self, ["path": .string(path("x")), "state": "touch", "recurse": "maybe"]), "unable to convert to bool")
    }

    func testTouchAndTimes() throws {
        let check = run(FileModule.self, ["path": .string(path("t")), "state": "touch"], check: true)
        assertOK(check, changed: true)
        XCTAssertFalse(exists("t"))
        let r = run(FileModule.self, ["path": .string(path("t")), "state": "touch", "mode": "0600"], diff: true)
        assertOK(r, changed: true)
        XCTAssertEqual(r["dest"], .string(path("t")))
        XCTAssertEqual(r["state"], "file")
        XCTAssertEqual(r["diff"]?["after"]?["state"], "touch")
        XCTAssertEqual(mode("t"), 0o600)
        // touch always updates times unless preserved
        assertOK(run(FileModule.self, ["path": .string(path("t")), "state": "touch"]), changed: true)
        assertOK(run(FileModule.self, ["path": .string(path("t")), "state": "touch", "modification_time": "preserve", "access_time": "preserve"]), changed: false)
        let args: OrderedDictionary<String, Value> = ["path": .string(path("t")), "state": "file", "modification_time": "202001021530.45"]
        assertOK(run(FileModule.self, args), changed: true)
        var comps = DateComponents(year: 2020, month: 1, day: 2, hour: 15, minute: 30, second: 45)
        comps.timeZone = TimeZone.current
        let expected = Calendar(identifier: .gregorian).date(from: comps)?.timeIntervalSince1970 ?? 0
        XCTAssertEqual(Double(lstatInfo("t")?.st_mtim.tv_sec ?? 0), expected)
        assertOK(run(FileModule.self, args), changed: false)
        assertFails(run(FileModule.self, ["path": .string(path("t")), "modification_time": "garbage"]), "Error while obtaining timestamp")
    }

    func testAbsent() throws {
        try write("d/e/f", "x")
        assertOK(run(FileModule.self, ["path": .string(path("d")), "state": "absent"], check: true), changed: true)
        XCTAssertTrue(exists("d/e/f"))
        let r = run(FileModule.self, ["path": .string(path("d")), "state": "absent"], diff: true)
        assertOK(r, changed: true)
        XCTAssertFalse(exists("d"))
        XCTAssertEqual(r["state"], "absent")
        XCTAssertEqual(r["diff"]?["before"]?["state"], "directory")
        assertOK(run(FileModule.self, ["path": .string(path("d")), "state": "absent"]), changed: false)
    }

    func testSymlinks() throws {
        try write("target", "t")
        let args: OrderedDictionary<String, Value> = ["path": .string(path("l")), "src": "target", "state": "link"]
        assertOK(run(FileModule.self, args, check: true), changed: true)
        XCTAssertNil(lstatInfo("l"))
        let r = run(FileModule.self, args)
        assertOK(r, changed: true)
        XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: path("l")), "target")
        XCTAssertEqual(r["state"], "link")
        XCTAssertEqual(r["dest"], .string(path("l")))
        XCTAssertEqual(r["src"], "target")
        assertOK(run(FileModule.self, args), changed: false)

        // Retarget an existing link; missing source needs force.
        assertFails(run(FileModule.self, ["path": .string(path("l")), "src": "nope", "state": "link"]), "src file does not exist")
        assertOK(run(FileModule.self, ["path": .string(path("l")), "src": "nope", "state": "link", "force": true]), changed: true)
        XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: path("l")), "nope")

        // A regular file is only replaced with force.
        try write("plain", "p")
        assertFails(run(FileModule.self, ["path": .string(path("plain")), "src": "target", "state": "link"]), "refusing to convert from file to symlink")
        assertOK(run(FileModule.self, ["path": .string(path("plain")), "src": "target", "state": "link", "force": true]), changed: true)
        XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: path("plain")), "target")

        // Owner of the link itself without follow; of its target with follow (the default), as Ansible.
        assertOK(run(FileModule.self, ["path": .string(path("plain")), "src": "target", "state": "link", "owner": "nobody", "follow": false]), changed: true)
        XCTAssertEqual(uid("plain"), 65534)
        XCTAssertEqual(uid("target"), 0)
        assertOK(run(FileModule.self, ["path": .string(path("plain")), "src": "target", "state": "link", "owner": "daemon"]), changed: true)
        XCTAssertEqual(uid("target"), 1)
        XCTAssertEqual(uid("plain"), 65534)
    }

    /// Like Ansible's file module, the diff is one dictionary returned with or without diff mode;
    /// removing a directory lists what it held.
    func testDiffIsAlwaysReturned() throws {
        let t = run(FileModule.self, ["path": .string(path("t")), "state": "touch"])
        XCTAssertEqual(t["diff"]?["before"]?["state"], "absent")
        XCTAssertEqual(t["diff"]?["after"]?["state"], "touch")
        try write("d/e/f", "x")
        let r = run(FileModule.self, ["path": .string(path("d")), "state": "absent"], check: true)
        assertOK(r, changed: true)
        XCTAssertEqual(r["diff"]?["before"]?["path_content"]?["directories"], .list([.string(path("d/e"))]))
        XCTAssertEqual(r["diff"]?["before"]?["path_content"]?["files"], .list([.string(path("d/e/f"))]))
        XCTAssertNil(run(FileModule.self, ["path": .string(path("t")), "state": "absent"])["diff"]?["before"]?["path_content"])
    }

    func testLinksWithoutSrc() throws {
        try write("target", "t", mode: 0o644)
        // src without state: the state defaults to file, which takes no src.
        assertFails(run(FileModule.self, ["path": .string(path("l")), "src": "target"]), "src option requires state to be 'link' or 'hard'")
        assertOK(run(FileModule.self, ["path": .string(path("l")), "src": "target", "state": "link"]), changed: true)
        // An existing link keeps its target; following it, the mode is the target's.
        let r = run(FileModule.self, ["path": .string(path("l")), "mode": "0600"])
        assertOK(r, changed: true)
        XCTAssertEqual(r["state"], "link")
        XCTAssertEqual(mode("target"), 0o600)
        XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: path("l")), "target")
        // A hard link keeps its inode; a plain file cannot become one without src.
        assertOK(run(FileModule.self, ["path": .string(path("h")), "src": .string(path("target")), "state": "hard"]), changed: true)
        let h = run(FileModule.self, ["path": .string(path("h")), "mode": "0701"])
        assertOK(h, changed: true)
        XCTAssertEqual(h["state"], "hard")
        XCTAssertEqual(mode("target"), 0o701)
        try write("plain", "p")
        assertFails(run(FileModule.self, ["path": .string(path("plain")), "state": "hard"]), "src is required for creating new hardlinks")
        let missing = run(FileModule.self, ["path": .string(path("h2")), "src": "no-such-src", "state": "hard"])
        assertFails(missing, "src does not exist")
        XCTAssertEqual(missing["src"], "no-such-src")
    }

    /// Check mode warns about an owner or group the host lacks (a real run may create it first).
    func testCheckModeWarnsAboutUnknownOwnerAndGroup() throws {
        let r = run(FileModule.self, ["path": .string(path("w")), "state": "touch", "owner": "no-such-user-xyz", "group": "987654"], check: true)
        assertOK(r, changed: true)
        XCTAssertEqual(r["warnings"]?.listValue?.map(\.pythonStr), [
            "failed to look up user no-such-user-xyz. Create user up to this point in real play",
            "failed to look up group with gid 987654. Create group up to this point in real play"])
        let absent = run(FileModule.self, ["path": .string(path("w")), "owner": "987654"], check: true)
        assertFails(absent, "is absent, cannot continue")
        XCTAssertEqual(absent["state"], "absent")
        XCTAssertEqual(absent["warnings"]?.listValue?.first?.pythonStr.hasPrefix("failed to look up user with uid 987654"), true)
        XCTAssertNil(run(FileModule.self, ["path": .string(path("w")), "state": "touch", "owner": "nobody"], check: true)["warnings"])
        assertFails(run(FileModule.self, ["path": .string(path("w")), "state": "touch", "owner": "no-such-user-xyz"]), "failed to look up user")
    }

    /// Path arguments expand $VAR and ${VAR} on the host (Ansible's expandvars); unknown ones stay.
    func testEnvironmentVariablesExpandOnTheHost() throws {
        environment = ["SP_TEST_DIR": dir, "SP_NAME": "made"]
        let r = run(FileModule.self, ["path": "$SP_TEST_DIR/${SP_NAME}.txt", "state": "touch"])
        assertOK(r, changed: true)
        XCTAssertEqual(r["dest"], .string(path("made.txt")))
        XCTAssertTrue(exists("made.txt"))
        try FileManager.default.createDirectory(atPath: path("${SP_NO_SUCH_VAR_XYZ}"), withIntermediateDirectories: true)
        XCTAssertEqual(run(StatModule.self, ["path": "$SP_TEST_DIR/${SP_NO_SUCH_VAR_XYZ}"])["stat"]?["isdir"], true)
    }

    /// Times keep their sub-second part, as Python's os.stat gives them.
    func testTimesHaveNanoseconds() throws {
        try write("n", "x")
        XCTAssertEqual(try connection.inner.run("touch -m -d '2020-01-02 03:04:05.25' \(shellQuote(path("n")))", stdin: nil, become: nil).exitCode, 0)
        let mtime = run(StatModule.self, ["path": .string(path("n"))])["stat"]?["mtime"]?.doubleValue ?? 0
        XCTAssertEqual(mtime.truncatingRemainder(dividingBy: 1), 0.25, accuracy: 1e-6)
    }

    func testHardLinks() throws {
        try write("src", "s")
        let args: OrderedDictionary<String, Value> = ["path": .string(path("h")), "src": .string(path("src")), "state": "hard"]
        assertOK(run(FileModule.self, args, check: true), changed: true)
        XCTAssertFalse(exists("h"))
        assertOK(run(FileModule.self, args), changed: true)
        XCTAssertEqual(lstatInfo("h")?.st_ino, lstatInfo("src")?.st_ino)
        assertOK(run(FileModule.self, args), changed: false)
        try write("other", "o")
        assertFails(run(FileModule.self, ["path": .string(path("other")), "src": .string(path("src")), "state": "hard"]), "Cannot link")
        assertFails(run(FileModule.self, ["path": .string(path("h2")), "src": .string(path("nope")), "state": "hard"]), "src does not exist")
    }

    func testRecurse() throws {
        try write("r/a", "a", mode: 0o600)
        try write("r/sub/b", "b", mode: 0o700)
        let args: OrderedDictionary<String, Value> = ["path": .string(path("r")), "state": "directory", "recurse": true, "mode": "u=rwX,g=rX,o=rX", "owner": "nobody"]
        assertOK(run(FileModule.self, args, check: true), changed: true)
        XCTAssertEqual(mode("r/a"), 0o600)
        assertOK(run(FileModule.self, args), changed: true)
        XCTAssertEqual(mode("r/a"), 0o644)
        XCTAssertEqual(mode("r/sub"), 0o755)
        XCTAssertEqual(mode("r/sub/b"), 0o755)
        XCTAssertEqual(uid("r/sub/b"), 65534)
        assertOK(run(FileModule.self, args), changed: false)
    }

    func testTildeExpandsOnTheHost() throws {
        environment = ["HOME": dir]
        let r = run(FileModule.self, ["path": "~/made/by/tilde", "state": "directory"])
        assertOK(r, changed: true)
        XCTAssertEqual(r["path"], .string(path("made/by/tilde")))
        XCTAssertTrue(exists("made/by/tilde"))
        assertOK(run(CopyModule.self, ["content": "x", "dest": "~/made/f"]), changed: true)
        XCTAssertEqual(read("made/f"), "x")
        XCTAssertEqual(run(StatModule.self, ["path": "~root"])["stat"]?["path"], "/root")
        XCTAssertEqual(run(StatModule.self, ["path": "~no-such-user-xyz/x"])["stat"]?["exists"], false)
    }

    func testCommandCount() throws {
        try write("f", "x", mode: 0o600)
        let (r1, n1) = counted(FileModule.self, ["path": .string(path("f")), "mode": "0644", "owner": "nobody"])
        assertOK(r1, changed: true)
        let (r2, n2) = counted(FileModule.self, ["path": .string(path("f")), "mode": "0644", "owner": "nobody"])
        assertOK(r2, changed: false)
        print("command count file: change=\(n1) unchanged=\(n2)")
        XCTAssertEqual(n1, 2)
        XCTAssertEqual(n2, 1)
    }
}

/// The probe's parent-directory check is computed on the controller; it must agree with POSIX dirname.
final class ParentDirectoryTests: XCTestCase {
    func testMatchesDirname() throws {
        for path in ["/", "a", "/a", "/a/b", "a/b", "a/b/", "a//b", "/a/b//", "./x", "../x/y", "dir with space/f"] {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/dirname")
            p.arguments = ["--", path]
            let pipe = Pipe()
            p.standardOutput = pipe
            try p.run()
            p.waitUntilExit()
            let expected = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                .trimmingCharacters(in: .newlines)
            XCTAssertEqual(RemoteFile.parentDirectory(path), expected, path)
        }
    }
}
