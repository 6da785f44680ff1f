import Foundation
import XCTest
import Jinja
import OrderedCollections
@testable import Modules

/// Host-free tests of the parsers and helpers the system modules use.
final class ParsingTests: XCTestCase {
    func testSections() {
        let s = SysSections("==a\none\ntwo\n==b\n\n==c\nx\r\ny\n")
        XCTAssertEqual(s.lines("a"), ["one", "two"])
        XCTAssertEqual(s.lines("b"), [])
        XCTAssertTrue(s.has("b"))
        XCTAssertFalse(s.has("d"))
        XCTAssertEqual(s.lines("c"), ["x\r", "y"])
        XCTAssertEqual(sysSplitLines("a\r\nb"), ["a\r", "b"])
    }

    func testJSON() {
        XCTAssertEqual(SysJSON.parse("{\"b\": [1, 2.5, true, null, \"\\u00e9\\n\"], \"a\": {}}"),
                       ["b": [1, 2.5, true, nil, "é\n"], "a": .dict([:])])
        XCTAssertEqual(SysJSON.parse("\"\\ud83d\\ude00\""), "😀")
        XCTAssertNil(SysJSON.parse("{\"a\": }"))
        XCTAssertNil(SysJSON.parse("[1, 2] x"))
        XCTAssertNil(SysJSON.parse("tru"))
        XCTAssertNil(SysJSON.parse("nul"))
        XCTAssertEqual(SysJSON.parse("null"), Value.none)
        XCTAssertEqual(SysJSON.encode(["k": "a\"b", "l": [1, true, nil]]), "{\"k\": \"a\\\"b\", \"l\": [1, true, null]}")
        XCTAssertEqual(sysFormEncode(["a b": "c&d", "e": ["1", "2"]]), "a+b=c%26d&e=1&e=2")
    }

    func testAptHelpers() {
        XCTAssertTrue(AptModule.summaryShowsChange("x\n0 upgraded, 1 newly installed, 0 to remove and 3 not upgraded.\n"))
        XCTAssertFalse(AptModule.summaryShowsChange("0 upgraded, 0 newly installed, 0 to remove and 3 not upgraded.\n"))
        XCTAssertEqual(AptModule.parsePolicy(["sl:", "  Installed: 5.02-1", "  Candidate: 5.02-1+b1", "tree:", "  Installed: (none)", "  Candidate: 2.1.0-1"]),
                       ["sl": "5.02-1+b1", "tree": "2.1.0-1"])
        XCTAssertEqual(AptRepositoryModule.suggestedName("deb [arch=amd64 signed-by=/k.gpg] https://user:pw@download.docker.com/linux/debian bookworm stable"),
                       "download_docker_com_linux_debian")
        XCTAssertEqual(AptRepositoryModule.suggestedName("deb http://deb.debian.org/debian bookworm main"), "deb_debian_org_debian")
        XCTAssertEqual(AptRepositoryModule.normalize("  deb   http://x  y z "), "deb http://x y z")
        XCTAssertEqual(AptRepositoryModule.commentedCopy("## deb http://x y"), "deb http://x y")
        XCTAssertEqual(Deb822RepositoryModule.defaultFilename("My Repo.1"), "my_repo_1")
    }

    func testAuthorizedKeyLines() throws {
        let k = try XCTUnwrap(AuthorizedKeyModule.KeyLine("no-pty,command=\"echo a b\" ssh-ed25519 AAAAC3 me@host extra"))
        XCTAssertEqual(k.options, "no-pty,command=\"echo a b\"")
        XCTAssertEqual(k.type, "ssh-ed25519")
        XCTAssertEqual(k.blob, "AAAAC3")
        XCTAssertEqual(k.comment, "me@host extra")
        XCTAssertNil(AuthorizedKeyModule.KeyLine("# comment"))
        XCTAssertNil(AuthorizedKeyModule.KeyLine("garbage"))
        XCTAssertEqual(AuthorizedKeyModule.KeyLine("ecdsa-sha2-nistp256 AAAA")?.text, "ecdsa-sha2-nistp256 AAAA")
    }

    func testYumRepositoryParsing() {
        let text = "[a]\nname = A\nbaseurl = http://x\n  http://y\n# c\n\n[b]\nenabled=0\n"
        let sections = YumRepositoryModule.parse(text)
        XCTAssertEqual(sections.map(\.name), ["a", "b"])
        XCTAssertEqual(sections[0].values, ["baseurl": "http://x http://y", "name": "A"])
        XCTAssertEqual(sections[1].values, ["enabled": "0"])
        XCTAssertEqual(YumRepositoryModule.redact("password = s3cret\nname = x\n"), "password = ********\nname = x\n")
    }

    func testGetURLHelpers() {
        XCTAssertEqual(GetURLModule.urlFileName("https://h/a/b/file.tar.gz?x=1#f"), "file.tar.gz")
        XCTAssertEqual(GetURLModule.urlFileName("https://h/"), "index.html")
        XCTAssertEqual(GetURLModule.urlFileName("https://h"), "index.html")
        XCTAssertEqual(GetURLModule.pickChecksum(["abc123  other.txt", "DEF456 *file.txt"], fileName: "file.txt"), "def456")
        XCTAssertEqual(GetURLModule.pickChecksum(["abc123"], fileName: "file.txt"), "abc123")
        XCTAssertNil(GetURLModule.pickChecksum(["abc123  a", "def  b"], fileName: "c"))
        XCTAssertTrue(GetURLModule.attributesDiffer(stat: ["644", "root", "root", "0", "0", "1"], mode: "0640", owner: nil, group: nil))
        XCTAssertFalse(GetURLModule.attributesDiffer(stat: ["644", "root", "root", "0", "0", "1"], mode: "0644", owner: "root", group: "0"))
    }

    func testHTTPHeaders() {
        let (status, headers) = SysCurl.lastHeaders("HTTP/1.1 302 Found\r\nLocation: /x\r\n\r\nHTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-A: b: c\r\n\r\n")
        XCTAssertEqual(status, "HTTP/1.1 200 OK")
        XCTAssertEqual(headers.map { "\($0.0)=\($0.1)" }, ["Content-Type=text/plain", "X-A=b: c"])
        XCTAssertEqual(SysCurl.reason("HTTP/1.0 404 File not found"), "File not found")
        XCTAssertEqual(SysCurl.configQuote("a\"b\\c"), "\"a\\\"b\\\\c\"")
    }

    func testDnfTransaction() {
        let out = "Installed:\n  sphello-1.0-1.noarch   other-2-1.x86_64\n\nComplete!\n"
        XCTAssertEqual(DnfModule.parseTransaction(out), ["Installed: sphello-1.0-1.noarch", "Installed: other-2-1.x86_64"])
    }

    func testArgumentValidation() throws {
        XCTAssertThrowsError(try AptModule.spec.validate(["state": "present"], module: "apt"))  // nothing to do
        XCTAssertThrowsError(try UserModule.spec.validate(["name": "x", "state": "gone"], module: "user"))
        XCTAssertThrowsError(try WaitForModule.spec.validate(["port": 1, "path": "/x"], module: "wait_for"))
        XCTAssertTrue(UserModule.spec.secretNames.contains("password"))
        XCTAssertTrue(GetURLModule.spec.secretNames.contains("url_password"))
        XCTAssertTrue(URIModule.spec.secretNames.contains("password"))
        XCTAssertNotNil(ModuleRegistry.module(named: "ansible.builtin.systemd"))
        XCTAssertNotNil(ModuleRegistry.module(named: "ansible.posix.authorized_key"))
        for m in [AptModule.self, DnfModule.self, PackageModule.self, SystemdModule.self, ServiceModule.self, UserModule.self,
                  GetURLModule.self, URIModule.self, WaitForModule.self] as [Module.Type] {
            XCTAssertTrue(m.documentation.hasPrefix("# \(m.name)"), m.name)
        }
    }
}
