@testable import Inventory
import Jinja
import XCTest

/// The small parsers behind INI inventories: Python literals, shell words, host addresses and ranges.
final class ParsingPiecesTests: XCTestCase {
    func lit(_ s: String) -> Value? { PythonLiteral.evaluate(s) }

    func testPythonLiterals() {
        XCTAssertEqual(lit("1"), .int(1))
        XCTAssertEqual(lit(" -3 "), .int(-3))
        XCTAssertEqual(lit("- 3"), .int(-3))
        XCTAssertEqual(lit("+3"), .int(3))
        XCTAssertNil(lit("--3"), "only one sign is a literal")
        XCTAssertEqual(lit("-(1)"), .int(-1))
        XCTAssertEqual(lit("1_000"), .int(1000))
        XCTAssertNil(lit("1__0"))
        XCTAssertEqual(lit("0x1F"), .int(31))
        XCTAssertEqual(lit("0o17"), .int(15))
        XCTAssertEqual(lit("0b101"), .int(5))
        XCTAssertEqual(lit("00"), .int(0))
        XCTAssertNil(lit("0755"), "leading zeros are a syntax error in Python 3")
        XCTAssertEqual(lit("1.5"), .double(1.5))
        XCTAssertEqual(lit(".5"), .double(0.5))
        XCTAssertEqual(lit("5."), .double(5))
        XCTAssertEqual(lit("1e3"), .double(1000))
        XCTAssertEqual(lit("1.5E-2"), .double(0.015))
        XCTAssertNil(lit("1j"), "complex numbers are not supported")
        XCTAssertNil(lit("1abc"))
        XCTAssertEqual(lit("True"), .bool(true))
        XCTAssertEqual(lit("None"), Value.none)
        XCTAssertNil(lit("true"))
        XCTAssertNil(lit("yes"))
        XCTAssertEqual(lit("'a' \"b\" 'c'"), .string("abc"))
        XCTAssertEqual(lit(#"'a\tb\x41\101\u00e9\N'"#), nil, "\\N{...} is not supported")
        XCTAssertEqual(lit(#"'a\tb\x41\101\u00e9\q'"#), .string("a\tbAAé\\q"))
        XCTAssertEqual(lit(#"r'a\tb'"#), .string(#"a\tb"#))
        XCTAssertEqual(lit(#"b'\xc3\xa9'"#), .string("é"))
        XCTAssertNil(lit("f'x'"))
        XCTAssertNil(lit("'a' b'c'"), "str and bytes do not concatenate")
        XCTAssertEqual(lit("'''x'y'''"), .string("x'y"))
        XCTAssertNil(lit("'unterminated"))
        XCTAssertEqual(lit("[1, 'a', [None]]"), .list([.int(1), .string("a"), .list([.none])]))
        XCTAssertEqual(lit("[1, 2,]"), .list([.int(1), .int(2)]))
        XCTAssertNil(lit("[1 2]"))
        XCTAssertEqual(lit("(1)"), .int(1))
        XCTAssertEqual(lit("(1,)"), .list([.int(1)]))
        XCTAssertEqual(lit("()"), .list([]))
        XCTAssertEqual(lit("1, 2"), .list([.int(1), .int(2)]))
        XCTAssertEqual(lit("{1, 2, 1}"), .list([.int(1), .int(2)]))
        XCTAssertEqual(lit("set()"), .list([]))
        XCTAssertEqual(lit("{}"), .dict([:]))
        XCTAssertEqual(lit("{'a': 1, 'b': {'c': [2]},}"), .dict(d(["a": .int(1), "b": .dict(d(["c": .list([.int(2)])]))])))
        XCTAssertEqual(lit("{'a': 1, 'a': 2}"), .dict(d(["a": .int(2)])))
        XCTAssertNil(lit("{[1]: 2}"), "lists are not hashable")
        XCTAssertNil(lit("{'a' 1}"))
        XCTAssertEqual(lit("..."), .string("..."))
        XCTAssertEqual(lit("[1,\n 2]"), .list([.int(1), .int(2)]))
        XCTAssertEqual(lit("1 # comment"), .int(1))
        XCTAssertNil(lit("1 + 2"))
        XCTAssertNil(lit("x"))
        XCTAssertNil(lit(""))
    }

    func testShellWords() throws {
        XCTAssertEqual(try ShellWords.split("a b=1  c='x y' d=\"q\\\"z\" e=\\#f"), ["a", "b=1", "c=x y", "d=q\"z", "e=#f"])
        XCTAssertEqual(try ShellWords.split("a b#c d"), ["a", "b"])
        XCTAssertEqual(try ShellWords.split("a '' b"), ["a", "", "b"])
        XCTAssertEqual(try ShellWords.split(#"a "x\ny""#), ["a", #"x\ny"#], "inside double quotes a backslash escapes only \\ and \"")
        XCTAssertEqual(try ShellWords.split("a 'it''s'"), ["a", "its"])
        XCTAssertThrowsError(try ShellWords.split("a 'open"))
        XCTAssertThrowsError(try ShellWords.split("a \\"))
    }

    func addr(_ s: String, ranges: Bool = false) -> String? {
        HostAddress.parse(s, allowRanges: ranges).map { "\($0.host)|\($0.port.map(String.init) ?? "-")" }
    }

    func testAddresses() {
        XCTAssertEqual(addr("web1"), "web1|-")
        XCTAssertEqual(addr("web1.example.com:2222"), "web1.example.com|2222")
        XCTAssertEqual(addr("10.0.0.1:22"), "10.0.0.1|22")
        XCTAssertEqual(addr("[::1]:22"), "::1|22")
        XCTAssertEqual(addr("fe80::1"), "fe80::1|-")
        XCTAssertEqual(addr("web[1:3]:22", ranges: true), "web[1:3]|22")
        XCTAssertNil(addr("web[1:3]"))
        XCTAssertNil(addr("web-"))
        XCTAssertNil(addr("-web"))
        XCTAssertNil(addr("web*"))
        XCTAssertNil(addr("a..b"))
        XCTAssertEqual(addr("_under.score"), "_under.score|-")
        XCTAssertEqual(addr("élan"), "élan|-")
    }

    func testRanges() throws {
        XCTAssertEqual(try HostAddress.expand("web[01:03]"), ["web01", "web02", "web03"])
        XCTAssertEqual(try HostAddress.expand("db-[a:c]-x"), ["db-a-x", "db-b-x", "db-c-x"])
        XCTAssertEqual(try HostAddress.expand("s[1:10:4]"), ["s1", "s5", "s9"])
        XCTAssertEqual(try HostAddress.expand("r[1:2][a:b]"), ["r1a", "r1b", "r2a", "r2b"])
        XCTAssertEqual(try HostAddress.expand("h[:2]"), ["h0", "h1", "h2"], "an empty begin is 0")
        XCTAssertEqual(try HostAddress.expand("h[5:1]"), [], "a backwards numeric range is empty, as in Ansible")
        XCTAssertEqual(try HostAddress.expand("h[A:C]"), ["hA", "hB", "hC"])
        XCTAssertThrowsError(try HostAddress.expand("h[1:]"))
        XCTAssertThrowsError(try HostAddress.expand("h[1]"))
        XCTAssertThrowsError(try HostAddress.expand("h[01:100]"))
        XCTAssertThrowsError(try HostAddress.expand("h[c:a]"))
        XCTAssertThrowsError(try HostAddress.expand("h[1:3:0]"))
        XCTAssertThrowsError(try HostAddress.expand("h[1:3"))
    }

    func testGlobs() throws {
        func m(_ p: String, _ s: String) throws -> Bool { try NameMatcher(p).matches(s) }
        XCTAssertTrue(try m("web*", "web01"))
        XCTAssertTrue(try m("*", ""))
        XCTAssertTrue(try m("w?b", "web"))
        XCTAssertTrue(try m("[a-c]x", "bx"))
        XCTAssertFalse(try m("[!a-c]x", "bx"))
        XCTAssertTrue(try m("[]]", "]"))
        XCTAssertTrue(try m("a[", "a["), "an unclosed [ is literal")
        XCTAssertFalse(try m("web", "web1"), "globs match whole names")
        XCTAssertTrue(try m("~web", "web1"), "regexes match at the start only")
        XCTAssertFalse(try m("~eb", "web1"))
        XCTAssertThrowsError(try NameMatcher("~("))
    }
}
