import Foundation
import XCTest
import Jinja
@testable import Templating

final class RegexHashTests: TemplatingTestCase {
    func testRegexSearch() {
        XCTAssertEqual(eval("'foo bar' | regex_search('o+')"), .string("oo"))
        XCTAssertEqual(eval("'foo bar' | regex_search('(f)(o+)', '\\\\2', '\\\\1')"), json(#"["oo", "f"]"#))
        XCTAssertEqual(eval("'foo bar' | regex_search('(?P<w>b\\\\w+)', '\\\\g<w>')"), json(#"["bar"]"#))
        XCTAssertEqual(eval("'FOO' | regex_search('foo', ignorecase=True)"), .string("FOO"))
        XCTAssertEqual(eval("'a\\nfoo' | regex_search('^foo', multiline=True)"), .string("foo"))
        XCTAssertEqual(eval("'a\\nfoo' | regex_search('^foo')"), Value.none)
        assertFails("'x' | regex_search('x', 'bogus')", containing: "regex_search")
        assertFails("'x' | regex_search('(')", containing: "invalid regular expression")
    }

    func testRegexReplaceFindallEscape() {
        XCTAssertEqual(eval("'hello world' | regex_replace('o', '0')"), .string("hell0 w0rld"))
        XCTAssertEqual(eval("'hello world' | regex_replace('(\\\\w+) (\\\\w+)', '\\\\2 \\\\1')"), .string("world hello"))
        XCTAssertEqual(eval("'hello world' | regex_replace('(?P<a>\\\\w+)$', '<\\\\g<a>>')"), .string("hello <world>"))
        XCTAssertEqual(eval("'aaa' | regex_replace('a', 'b', count=2)"), .string("bba"))
        XCTAssertEqual(eval("'a=1\\nb=2' | regex_replace('^(\\\\w)=', '\\\\1: ', multiline=True)"), .string("a: 1\nb: 2"))
        XCTAssertEqual(eval("'$x' | regex_replace('x', '$1')"), .string("$$1"), "replacement text is Python's, not ICU's")
        assertFails("'abc' | regex_replace('b', 'x', mandatory_count=2)", containing: "should match 2 times")
        assertFails("'abc' | regex_replace('(b)', '\\\\2')", containing: "invalid group reference")
        XCTAssertEqual(eval("'a1b22c333' | regex_findall('\\\\d+')"), json(#"["1", "22", "333"]"#))
        XCTAssertEqual(eval("'k1=v1 k2=v2' | regex_findall('(\\\\w+)=(\\\\w+)') | map('list') | list"), json(#"[["k1", "v1"], ["k2", "v2"]]"#))
        XCTAssertEqual(eval("'A\\na' | regex_findall('^a', ignorecase=True, multiline=True)"), json(#"["A", "a"]"#))
        XCTAssertEqual(eval("'a.b*c[d] e' | regex_escape"), .string("a\\.b\\*c\\[d\\]\\ e"))
        XCTAssertEqual(eval("'a.b*c' | regex_escape('posix_basic')"), .string("a\\.b\\*c"))
        assertFails("'a' | regex_escape('posix_extended')", containing: "regex_escape")
    }

    func testHashes() {
        XCTAssertEqual(eval("'hello' | hash('md5')"), .string("5d41402abc4b2a76b9719d911017c592"))
        XCTAssertEqual(eval("'hello' | hash"), .string("aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d"))
        XCTAssertEqual(eval("'hello' | hash('sha256')"), .string("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"))
        XCTAssertEqual(eval("'hello' | hash('sha512')"), .string("9b71d224bd62f3785d96d46ad3ea3d73319bfbc2890caadae2dff72519673ca72323c3d99ba5c11d7c7acc6e14b8c5da0c4663475c2e5c3adef46f73bcdec043"))
        XCTAssertEqual(eval("'' | hash('sha224')"), .string("d14a028c2a3a2bc9476102bb288234c415a2b01f828ea62ac5b3e42f"))
        // Multi-block input (> 64 and > 128 bytes).
        let long = String(repeating: "x", count: 200)
        XCTAssertEqual(eval("s | hash('sha1')", ["s": .string(long)]), .string(shell("printf '%s' \(long) | sha1sum | cut -d' ' -f1")))
        XCTAssertEqual(eval("s | hash('sha384')", ["s": .string(long)]), .string(shell("printf '%s' \(long) | sha384sum | cut -d' ' -f1")))
        XCTAssertEqual(eval("s | hash('md5')", ["s": .string(long)]), .string(shell("printf '%s' \(long) | md5sum | cut -d' ' -f1")))
        XCTAssertEqual(eval("'hello' | checksum"), .string("aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d"))
        XCTAssertEqual(eval("'hello' | md5"), .string("5d41402abc4b2a76b9719d911017c592"))
        assertFails("'x' | hash('whirlpool')", containing: "unsupported hash type")
    }

    func testBase64AndUUID() {
        XCTAssertEqual(eval("'hello' | b64encode"), .string("aGVsbG8="))
        XCTAssertEqual(eval("'aGVsbG8=' | b64decode"), .string("hello"))
        XCTAssertEqual(eval("'aGVsbG8' | b64decode"), .string("hello"))
        XCTAssertEqual(eval("'é?>' | b64encode(urlsafe=True)"), .string("w6k_Pg=="))
        XCTAssertEqual(eval("'w6k_Pg==' | b64decode(urlsafe=True)"), .string("é?>"))
        assertFails("'!!!' | b64decode", containing: "b64decode")
        XCTAssertEqual(eval("'example.com' | to_uuid"), .string("ae780c3a-a3ab-53c2-bfb4-098da300b3fe"))
        XCTAssertEqual(eval("'x' | to_uuid(namespace='6ba7b810-9dad-11d1-80b4-00c04fd430c8')"), .string("05b16a01-46c6-56dd-bd6e-c6dfb4a1427a"))
        assertFails("'x' | to_uuid(namespace='nope')", containing: "namespace")
    }

    func testPasswordHashSHA512MatchesOpenSSL() throws {
        let h = eval("'secret' | password_hash('sha512', 'mysalt', rounds=5000)")?.stringValue ?? ""
        XCTAssertEqual(h, shell("openssl passwd -6 -salt mysalt secret"))
        XCTAssertEqual(eval("'secret' | password_hash('sha512', 'mysalt')"),
                       .string("$6$rounds=656000$mysalt$cDA0t8lm/qt.LT6DzpoHxJ.NwTpx.WTkOPwhseSva8pRixDSH2./ffedCjAMbTX1Uo1QNT7jJPJ6FIzU2i59K/"))
        XCTAssertEqual(eval("'secret' | password_hash('md5', 'mysalt')")?.stringValue, shell("openssl passwd -1 -salt mysalt secret"))
        let random = eval("'secret' | password_hash('sha512', rounds=5000)")?.stringValue ?? ""
        XCTAssertTrue(random.hasPrefix("$6$"), random)
        let salt = random.split(separator: "$")[safe: 1].map(String.init) ?? ""
        XCTAssertEqual(salt.count, 16)
        XCTAssertEqual(random, shell("openssl passwd -6 -salt \(salt) secret"))
        assertFails("'secret' | password_hash('sha512', 'bad salt!')", containing: "salt")
        assertFails("'secret' | password_hash('rot13')", containing: "rot13 is not in the list")
    }

    func testPasswordHashBcryptVerifiesWithHtpasswd() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/htpasswd") else { throw XCTSkip("htpasswd not installed") }
        let h = eval("'s3cret pw' | password_hash('bcrypt', 'abcdefghijklmnopqrstuv', rounds=5)")?.stringValue ?? ""
        XCTAssertTrue(h.hasPrefix("$2b$05$abcdefghijklmnopqrstuu"), h)  // last salt char normalised as passlib does
        let dir = try tempDir()
        let file = dir + "/htpasswd"
        try ("user:" + h + "\n").write(toFile: file, atomically: true, encoding: .utf8)
        XCTAssertEqual(shellStatus("htpasswd -vbB \(file) user 's3cret pw'"), 0)
        XCTAssertNotEqual(shellStatus("htpasswd -vbB \(file) user 'wrong'"), 0)
        let a = eval("'pw' | password_hash('blowfish', rounds=4, ident='2y')")?.stringValue ?? ""
        XCTAssertTrue(a.hasPrefix("$2y$04$"), a)
        XCTAssertEqual(a.count, 60)
        assertFails("'pw' | password_hash('bcrypt', 'short')", containing: "22 characters")
    }

    func shell(_ cmd: String) -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", cmd]
        let out = Pipe()
        p.standardOutput = out
        try? p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func shellStatus(_ cmd: String) -> Int32 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", cmd + " >/dev/null 2>&1"]
        try? p.run()
        p.waitUntilExit()
        return p.terminationStatus
    }
}

extension Array {
    subscript(safe i: Int) -> Element? { indices.contains(i) ? self[i] : nil }
}
