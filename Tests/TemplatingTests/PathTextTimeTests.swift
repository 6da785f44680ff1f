import Foundation
import XCTest
import Jinja
@testable import Templating

final class PathTextTimeTests: TemplatingTestCase {
    func testPaths() throws {
        XCTAssertEqual(eval("'/etc/hosts' | basename"), .string("hosts"))
        XCTAssertEqual(eval("['/a/b/', '/a', 'a', '//a', '/'] | map('dirname') | list"), json(#"["/a/b", "/", "", "//", "/"]"#))
        XCTAssertEqual(eval("'/a/b/../c/./d' | normpath"), .string("/a/c/d"))
        XCTAssertEqual(eval("'/a/b/c' | relpath('/a/x')"), .string("../b/c"))
        XCTAssertEqual(eval("'/a/b' | relpath('/a/b')"), .string("."))
        XCTAssertEqual(eval("['a.tar.gz', '.bashrc', 'dir.d/file'] | map('splitext') | map('list') | list"),
                       json(#"[["a.tar", ".gz"], [".bashrc", ""], ["dir.d/file", ""]]"#))
        XCTAssertEqual(eval("['/etc', 'x', 'y.conf'] | path_join"), .string("/etc/x/y.conf"))
        XCTAssertEqual(eval("['a', '/b', 'c'] | path_join"), .string("/b/c"))
        XCTAssertEqual(eval("'~/x' | expanduser"), .string((ProcessInfo.processInfo.environment["HOME"] ?? "") + "/x"))
        XCTAssertEqual(eval("'~root/x' | expanduser"), .string("/root/x"))
        setenv("TEMPLATING_TEST_VAR", "val", 1)
        XCTAssertEqual(eval("'$TEMPLATING_TEST_VAR/${TEMPLATING_TEST_VAR}/$NOPE_NOT_SET' | expandvars"), .string("val/val/$NOPE_NOT_SET"))
        let dir = try tempDir()
        try FileManager.default.createDirectory(atPath: dir + "/real", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: dir + "/link", withDestinationPath: dir + "/real")
        let resolvedDir = PathFilters.realPath(dir)
        XCTAssertEqual(eval("p | realpath", ["p": .string(dir + "/link/missing")]), .string(resolvedDir + "/real/missing"))
        XCTAssertEqual(eval("w | win_basename", ["w": "C:\\Users\\me\\f.txt"]), .string("f.txt"))
        XCTAssertEqual(eval("w | win_dirname", ["w": "C:\\Users\\me\\f.txt"]), .string("C:\\Users\\me"))
        XCTAssertEqual(eval("w | win_splitdrive | list", ["w": "C:\\Users"]), json(#"["C:", "\\Users"]"#))
    }

    func testFileglobUrldecodeNow() throws {
        let dir = try tempDir()
        try "1".write(toFile: dir + "/a.txt", atomically: true, encoding: .utf8)
        try "2".write(toFile: dir + "/b.txt", atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: dir + "/c.txt", withIntermediateDirectories: true)
        XCTAssertEqual(eval("p | fileglob", ["p": .string(dir + "/*.txt")]), .list([.string(dir + "/a.txt"), .string(dir + "/b.txt")]))
        XCTAssertEqual(eval("'a%20b+c%2F' | urldecode"), .string("a b c/"))
        XCTAssertEqual(eval("now(fmt='%Y')")?.stringValue?.count, 4)
        XCTAssertEqual(eval("now(utc=True).year")?.intValue ?? 0 >= 2024, true)
    }

    func testQuoteCommentURL() {
        XCTAssertEqual(render("echo {{ 'it\\'s a file' | quote }}"), "echo 'it'\"'\"'s a file'")
        XCTAssertEqual(eval("'safe-word_1.txt' | quote"), .string("safe-word_1.txt"))
        XCTAssertEqual(eval("'' | quote"), .string("''"))
        XCTAssertEqual(eval("'Plain\\ntext' | comment"), .string("#\n# Plain\n# text\n#"))
        XCTAssertEqual(eval("'C block' | comment('cblock')"), .string("/*\n *\n * C block\n *\n */"))
        XCTAssertEqual(eval("'x' | comment('xml')"), .string("<!--\n -\n - x\n -\n-->"))
        XCTAssertEqual(eval("'e' | comment('erlang')"), .string("%\n% e\n%"))
        XCTAssertEqual(eval("'c' | comment('c', prefix_count=2, postfix_count=0)"), .string("//\n//\n// c"))
        XCTAssertEqual(eval("'x' | comment(decoration='; ')"), .string(";\n; x\n;"))
        assertFails("'x' | comment('nope')", containing: "Invalid style 'nope'")
        let url = "'https://user:pw@Example.com:8080/p/a?q=1#frag'"
        XCTAssertEqual(eval("\(url) | urlsplit"), json(#"{"fragment": "frag", "hostname": "example.com", "netloc": "user:pw@Example.com:8080", "password": "pw", "path": "/p/a", "port": 8080, "query": "q=1", "scheme": "https", "username": "user"}"#))
        XCTAssertEqual(eval("\(url) | urlsplit('port')"), .int(8080))
        XCTAssertEqual(eval("'http://[::1]/x' | urlsplit('hostname')"), .string("::1"))
        assertFails("\(url) | urlsplit('bogus')", containing: "unknown URL component")
    }

    func testTime() {
        XCTAssertEqual(eval("('2016-08-14 20:00:12' | to_datetime).year"), .int(2016))
        XCTAssertEqual(render("{{ '14/08/2016' | to_datetime('%d/%m/%Y') }}"), "2016-08-14 00:00:00")
        XCTAssertEqual(render("{{ ('2016-08-14 20:00:12' | to_datetime).strftime('%H:%M') }}"), "20:00")
        XCTAssertEqual(render("{{ ('Aug 3 2020 1:05PM' | to_datetime('%b %d %Y %I:%M%p')) }}"), "2020-08-03 13:05:00")
        assertFails("'2016-13-01' | to_datetime('%Y-%m-%d')", containing: "does not match format")
        XCTAssertEqual(eval("'%Y-%m-%d %H:%M:%S' | strftime(0, utc=True)"), .string("1970-01-01 00:00:00"))
        XCTAssertEqual(eval("'%d %b %Y' | strftime('1700000000', utc=True)"), .string("14 Nov 2023"))
        XCTAssertEqual(eval("'%Y' | strftime")?.stringValue?.count, 4)
        assertFails("'%Y' | strftime('soon')", containing: "Invalid value for epoch value")
        XCTAssertEqual(eval("[0, 10, 1024, 1048576, 1500000000] | map('human_readable') | list"),
                       json(#"["0.00 Bytes", "10.00 Bytes", "1.00 KB", "1.00 MB", "1.40 GB"]"#))
        XCTAssertEqual(eval("1048576 | human_readable(isbits=True)"), .string("1.00 Mb"))
        XCTAssertEqual(eval("2048 | human_readable(unit='K')"), .string("2.00 KB"))
        XCTAssertEqual(eval("['1', '10 KB', '1.5M', '2G', '1 byte'] | map('human_to_bytes') | list"), json("[1, 10240, 1572864, 2147483648, 1]"))
        XCTAssertEqual(eval("'10Mb' | human_to_bytes(isbits=True)"), .int(10485760))
        XCTAssertEqual(eval("'10' | human_to_bytes(default_unit='K')"), .int(10240))
        assertFails("'10Mb' | human_to_bytes", containing: "expect MB or M")
        assertFails("'ten' | human_to_bytes", containing: "human_to_bytes")
        assertFails("'1 XB' | human_to_bytes", containing: "The suffix must be one of")
    }
}
