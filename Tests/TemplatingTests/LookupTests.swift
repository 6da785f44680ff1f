import Foundation
import XCTest
import Jinja
@testable import Templating

final class LookupTests: TemplatingTestCase {
    var dir = ""

    override func setUpWithError() throws {
        dir = try tempDir()
        let fm = FileManager.default
        try fm.createDirectory(atPath: dir + "/files", withIntermediateDirectories: true)
        try fm.createDirectory(atPath: dir + "/templates", withIntermediateDirectories: true)
        try "  hello file \n\n".write(toFile: dir + "/files/a.txt", atomically: true, encoding: .utf8)
        try "top".write(toFile: dir + "/b.txt", atomically: true, encoding: .utf8)
        try "x".write(toFile: dir + "/files/one.conf", atomically: true, encoding: .utf8)
        try "y".write(toFile: dir + "/files/two.conf", atomically: true, encoding: .utf8)
        try "Hello {{ name }}{{ extra | default('') }}!".write(toFile: dir + "/templates/t.j2", atomically: true, encoding: .utf8)
        try "[main]\nUser = bob\nport: 22\n[other]\nuser=alice\n".write(toFile: dir + "/files/app.ini", atomically: true, encoding: .utf8)
        let vars: [String: Value] = ["name": .string("world"), "answer": .int(42)]
        let base = dir
        context = TemplatingContext(
            searchPaths: { [base] },
            variable: { vars[$0] },
            renderTemplate: { [unowned self] source, _, extra in
                var all = vars
                for (k, v) in extra { all[k] = v }
                return try self.env.template(source).render(all)
            },
            inventoryHostnames: { pattern in pattern == "all" ? ["web1", "db1"] : ["web1"] })
        env = makeEnv()
    }

    func testFile() {
        XCTAssertEqual(eval("lookup('file', 'a.txt')"), .string("  hello file"))
        XCTAssertEqual(eval("lookup('file', 'a.txt', lstrip=True)"), .string("hello file"))
        XCTAssertEqual(eval("lookup('file', 'a.txt', rstrip=False)"), .string("  hello file \n\n"))
        XCTAssertEqual(eval("lookup('file', 'a.txt', 'b.txt')"), .string("  hello file,top"))
        XCTAssertEqual(eval("query('file', 'b.txt', 'a.txt')"), json(#"["top", "  hello file"]"#))
        XCTAssertEqual(eval("lookup('file', 'b.txt', wantlist=True)"), json(#"["top"]"#))
        XCTAssertEqual(eval("lookup('file', p)", ["p": .string(dir + "/b.txt")]), .string("top"))
        assertFails("lookup('file', 'missing.txt')", containing: "could not locate file in lookup: missing.txt")
        XCTAssertEqual(eval("lookup('file', 'missing.txt', errors='ignore')"), Value.none)
        XCTAssertEqual(eval("q('file', 'missing.txt', errors='warn')"), json("[]"))
        assertFails("lookup('nope', 'x')", containing: "lookup plugin 'nope' not found")
    }

    func testTemplateVarsEnvPipe() {
        XCTAssertEqual(eval("lookup('template', 't.j2')"), .string("Hello world!"))
        XCTAssertEqual(eval("lookup('template', 't.j2', template_vars={'extra': ' and more'})"), .string("Hello world and more!"))
        assertFails("lookup('template', 'none.j2')", containing: "could not be found")
        XCTAssertEqual(eval("lookup('vars', 'answer')"), .int(42))
        XCTAssertEqual(eval("query('vars', 'name', 'answer')"), json(#"["world", 42]"#))
        XCTAssertEqual(eval("lookup('vars', 'nope', default='d')"), .string("d"))
        assertFails("lookup('vars', 'nope')", containing: "No variable found with this name: nope")
        setenv("TEMPLATING_LOOKUP_VAR", "v1", 1)
        XCTAssertEqual(eval("lookup('env', 'TEMPLATING_LOOKUP_VAR')"), .string("v1"))
        XCTAssertEqual(eval("lookup('env', 'TEMPLATING_UNSET_VAR_X')"), .string(""))
        XCTAssertEqual(eval("lookup('env', 'TEMPLATING_UNSET_VAR_X', default='dflt')"), .string("dflt"))
        XCTAssertEqual(eval("lookup('pipe', 'echo hi; echo there')"), .string("hi\nthere"))
        assertFails("lookup('pipe', 'exit 3')", containing: "returned 3")
        XCTAssertEqual(eval("query('lines', 'printf \"a\\nb\\n\"')"), json(#"["a", "b"]"#))
        XCTAssertEqual(eval("lookup('inventory_hostnames', 'all')"), .string("web1,db1"))
    }

    func testFileglobFirstFoundIni() {
        XCTAssertEqual(eval("query('fileglob', '*.conf')"), .list([.string(dir + "/files/one.conf"), .string(dir + "/files/two.conf")]))
        XCTAssertEqual(eval("lookup('fileglob', 'files/*.conf')"), .string(dir + "/files/one.conf," + dir + "/files/two.conf"))
        XCTAssertEqual(eval("query('fileglob', '*.none')"), json("[]"))
        XCTAssertEqual(eval("lookup('first_found', ['nope.txt', 'b.txt', 'a.txt'])"), .string(dir + "/b.txt"))
        // lookup() searches the search paths only; a with_first_found loop also looks in files/.
        assertFails("lookup('first_found', 'nope.txt', 'a.txt')", containing: "No file was found")
        XCTAssertEqual(try? Lookups.run("first_found", terms: ["nope.txt", "a.txt"], kwargs: [:], env: env, context: context),
                       [.string(dir + "/files/a.txt")])
        XCTAssertEqual(try? Lookups.run("first_found", terms: ["t.j2"], kwargs: [:], env: env, context: context, taskAction: "template"),
                       [.string(dir + "/templates/t.j2")])
        XCTAssertEqual(eval("lookup('first_found', {'files': ['x.conf', 'one.conf'], 'paths': ['files']})"), .string(dir + "/files/one.conf"))
        XCTAssertEqual(eval("lookup('first_found', files='x,two.conf', paths=p)", ["p": .string(dir + "/files")]), .string(dir + "/files/two.conf"))
        XCTAssertEqual(eval("query('first_found', ['nope'], skip=True)"), json("[]"))
        assertFails("lookup('first_found', ['nope'])", containing: "No file was found when using first_found.")
        XCTAssertEqual(eval("lookup('ini', 'user section=main file=app.ini')"), .string("bob"))
        XCTAssertEqual(eval("lookup('ini', 'port', section='main', file='app.ini')"), .string("22"))
        XCTAssertEqual(eval("lookup('ini', 'missing section=other file=app.ini default=dd')"), .string("dd"))
        XCTAssertEqual(eval("query('ini', 'u.* section=other file=app.ini re=true')"), json(#"["alice"]"#))
    }

    func testPassword() throws {
        let path = dir + "/creds/pw"
        let v: [String: Value] = ["p": .string(path)]
        let first = eval("lookup('password', p ~ ' length=12 chars=digits')", v)?.stringValue ?? ""
        XCTAssertEqual(first.count, 12)
        XCTAssertTrue(first.allSatisfy(\.isNumber), first)
        XCTAssertEqual(eval("lookup('password', p ~ ' length=30')", v)?.stringValue, first, "an existing file is reused")
        let attrs = try FileManager.default.attributesOfItem(atPath: path)
        XCTAssertEqual((attrs[.posixPermissions] as? NSNumber)?.intValue, 0o600)
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), first + "\n")

        let hashed = eval("lookup('password', p ~ ' encrypt=sha512_crypt')", v)?.stringValue ?? ""
        XCTAssertTrue(hashed.hasPrefix("$6$rounds=656000$"), hashed)
        XCTAssertEqual(eval("lookup('password', p ~ ' encrypt=sha512_crypt')", v)?.stringValue, hashed, "salt is stored and reused")
        XCTAssertTrue(try String(contentsOfFile: path, encoding: .utf8).hasPrefix(first + " salt="))

        let other = dir + "/pw2"
        let a = eval("lookup('password', '/dev/null length=16 chars=ascii_letters,,,punctuation seed=s1')")?.stringValue ?? ""
        let b = eval("lookup('password', '/dev/null length=16 chars=ascii_letters,,,punctuation seed=s1')")?.stringValue ?? ""
        XCTAssertEqual(a, b)
        XCTAssertEqual(a.count, 16)
        XCTAssertTrue(a.allSatisfy { $0.isLetter || $0.isPunctuation || $0.isSymbol }, a)
        XCTAssertFalse(FileManager.default.fileExists(atPath: other))
        let d = eval("lookup('password', p)", ["p": .string(other)])?.stringValue ?? ""
        XCTAssertEqual(d.count, 20)
        XCTAssertTrue(d.allSatisfy { $0.isLetter || $0.isNumber || ".,:-_".contains($0) }, d)
        // Errors name the file, never the secret.
        try FileManager.default.setAttributes([.posixPermissions: 0o000], ofItemAtPath: path)
        defer { try? FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path) }
        assertFails("lookup('password', p ~ ' bogus=1')", v, containing: "unrecognized parameter 'bogus'")
        do {
            _ = try env.expression("lookup('password', p ~ ' encrypt=nope')").evaluate(["p": .string(other)])
            XCTFail("expected failure")
        } catch {
            XCTAssertFalse("\(error)".contains(d), "secret leaked into error: \(error)")
            XCTAssertTrue("\(error)".contains("nope"), "\(error)")
        }
    }

    func testDataLookups() {
        // Terms are flattened one level: each list argument contributes its items.
        XCTAssertEqual(eval("query('items', [1, [2, 3]], 4)"), json("[1, [2, 3], 4]"))
        XCTAssertEqual(eval("query('items', 1, [2, [3]])"), json("[1, 2, [3]]"))
        XCTAssertEqual(eval("lookup('items', ['a', 'b'])"), .string("a,b"))
        XCTAssertEqual(eval("lookup('items', [1, 2])"), json("[1, 2]"))
        XCTAssertEqual(eval("lookup('items', [7])"), .int(7))
        XCTAssertEqual(eval("query('list', [1, [2]], 3)"), json("[[1, [2]], 3]"))
        XCTAssertEqual(eval("query('flattened', [1, [2, [3, [none]]]])"), json("[1, 2, 3]"))
        XCTAssertEqual(eval("query('indexed_items', ['a', 'b'])"), json(#"[[0, "a"], [1, "b"]]"#))
        XCTAssertEqual(eval("query('dict', {'x': 1, 'y': 2})"), json(#"[{"key": "x", "value": 1}, {"key": "y", "value": 2}]"#))
        assertFails("query('dict', [1])", containing: "with_dict expects a dict")
        XCTAssertEqual(eval("query('nested', ['a', 'b'], [1, 2])"), json(#"[["a", 1], ["a", 2], ["b", 1], ["b", 2]]"#))
        XCTAssertEqual(eval("query('together', ['a', 'b'], [1])"), json(#"[["a", 1], ["b", null]]"#))
        let users = json(#"[{"name": "a", "keys": ["k1", "k2"]}, {"name": "b"}]"#)
        XCTAssertEqual(eval("query('subelements', users, 'keys', {'skip_missing': True}) | map('last') | list", ["users": users]), json(#"["k1", "k2"]"#))
        assertFails("query('subelements', users, 'keys')", ["users": users], containing: "could not find 'keys'")
        XCTAssertTrue(["a", "b"].contains(eval("lookup('random_choice', 'a', 'b')")?.stringValue ?? ""))
    }

    func testSequence() {
        XCTAssertEqual(eval("query('sequence', 'start=1 end=5')"), json(#"["1", "2", "3", "4", "5"]"#))
        XCTAssertEqual(eval("query('sequence', 'start=0 end=10 stride=5 format=host%02d')"), json(#"["host00", "host05", "host10"]"#))
        XCTAssertEqual(eval("query('sequence', 'count=3')"), json(#"["1", "2", "3"]"#))
        XCTAssertEqual(eval("query('sequence', 'start=5 count=3 stride=2')"), json(#"["5", "7", "9"]"#))
        XCTAssertEqual(eval("query('sequence', '4-8/2:x%d')"), json(#"["x4", "x6", "x8"]"#))
        XCTAssertEqual(eval("query('sequence', '3')"), json(#"["1", "2", "3"]"#))
        XCTAssertEqual(eval("query('sequence', 'start=0x0a end=0x0c format=%x')"), json(#"["a", "b", "c"]"#))
        XCTAssertEqual(eval("query('sequence', 'start=10 end=8 stride=-1')"), json(#"["10", "9", "8"]"#))
        XCTAssertEqual(eval("lookup('sequence', 'end=3')"), .string("1,2,3"))
        XCTAssertEqual(eval("query('sequence', 'end=2', start=0)"), json(#"["0", "1", "2"]"#))
        assertFails("query('sequence', 'start=1 end=5 count=2')", containing: "can't specify both count and end")
        assertFails("query('sequence', 'start=5 end=1')", containing: "to count backwards make stride negative")
        assertFails("query('sequence', 'foo=1')", containing: "unrecognized argument 'foo'")
    }

    func testRunForLoops() throws {
        XCTAssertEqual(try Lookups.run("items", terms: Lookups.loopTerms(json("[1, [2, 3]]")), kwargs: [:], env: env, context: context), json("[1, 2, 3]").listValue)
        XCTAssertEqual(try Lookups.run("items", terms: Lookups.loopTerms(.string("solo")), kwargs: [:], env: env, context: context), [.string("solo")])
        XCTAssertEqual(try Lookups.run("list", terms: Lookups.loopTerms(json("[[1], 2]")), kwargs: [:], env: env, context: context), json("[[1], 2]").listValue)
        XCTAssertEqual(try Lookups.run("dict", terms: Lookups.loopTerms(json(#"{"a": 1}"#)), kwargs: [:], env: env, context: context), json(#"[{"key": "a", "value": 1}]"#).listValue)
        XCTAssertEqual(try Lookups.run("sequence", terms: ["start=1 end=2"], kwargs: [:], env: env, context: context), json(#"["1", "2"]"#).listValue)
        XCTAssertThrowsError(try Lookups.run("bogus", terms: [], kwargs: [:], env: env, context: context))
        XCTAssertTrue(Lookups.names.contains("password"))
    }
}
