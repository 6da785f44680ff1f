import Foundation
import XCTest
import Jinja
import OrderedCollections
@testable import Modules

final class AptRepositoryTests: XCTestCase {
    func testAptRepository() throws {
        let h = SysRunner(try SysHosts.connect(0))
        let line = "deb http://deb.debian.org/debian bookworm-backports main"
        let file = "/etc/apt/sources.list.d/deb_debian_org_debian.list"
        try h.sh("rm -f \(file) /etc/apt/sources.list.d/sp-*.list")

        let check = try h.ok(AptRepositoryModule.self, ["repo": .string(line)], check: true, diff: true)
        XCTAssertTrue(check.changed)
        XCTAssertEqual(check["sources_added"], .list([.string(file)]))
        XCTAssertNotEqual(try h.rc("[ -e \(file) ]"), 0)

        let add = try h.ok(AptRepositoryModule.self, ["repo": .string(line), "update_cache": true])
        XCTAssertTrue(add.changed)
        XCTAssertEqual(try h.sh("cat \(file)"), line)
        XCTAssertEqual(try h.sh("stat -c %a \(file)"), "644")
        XCTAssertEqual(try h.rc("ls /var/lib/apt/lists/ | grep -q bookworm-backports"), 0, "apt-get update did not run")

        // whitespace differences do not matter
        XCTAssertFalse(try h.ok(AptRepositoryModule.self, ["repo": "deb  http://deb.debian.org/debian   bookworm-backports main"]).changed)
        XCTAssertLessThanOrEqual(h.lastCount, 1)

        // a commented copy is enabled in place
        try h.sh("printf '# %s\\n' '\(line)' > /etc/apt/sources.list.d/sp-commented.list; rm -f \(file)")
        let enable = try h.ok(AptRepositoryModule.self, ["repo": .string(line), "update_cache": false])
        XCTAssertTrue(enable.changed)
        XCTAssertEqual(try h.sh("cat /etc/apt/sources.list.d/sp-commented.list"), line)
        XCTAssertNotEqual(try h.rc("[ -e \(file) ]"), 0)

        // explicit filename, absent removes from every file and deletes empty ones
        XCTAssertTrue(try h.ok(AptRepositoryModule.self, ["repo": "deb-src http://deb.debian.org/debian bookworm-backports main", "filename": "sp-src", "update_cache": false]).changed)
        XCTAssertEqual(try h.rc("[ -f /etc/apt/sources.list.d/sp-src.list ]"), 0)
        let rm = try h.ok(AptRepositoryModule.self, ["repo": .string(line), "state": "absent", "update_cache": false])
        XCTAssertTrue(rm.changed)
        XCTAssertEqual(rm["sources_removed"], .list(["/etc/apt/sources.list.d/sp-commented.list"]))
        XCTAssertNotEqual(try h.rc("[ -e /etc/apt/sources.list.d/sp-commented.list ]"), 0)
        XCTAssertFalse(try h.ok(AptRepositoryModule.self, ["repo": .string(line), "state": "absent"]).changed)
        XCTAssertTrue(try h.ok(AptRepositoryModule.self, ["repo": "deb-src http://deb.debian.org/debian bookworm-backports main", "state": "absent"]).changed)
        XCTAssertTrue(try h.run(AptRepositoryModule.self, ["repo": "not a repo line"]).failed)
        try h.sh("apt-get update -qq >/dev/null 2>&1; true")
    }

    func testDeb822Repository() throws {
        let h = SysRunner(try SysHosts.connect(0))
        try SysHTTPServer.start(h)
        try h.sh("rm -f /etc/apt/sources.list.d/sp-backports.sources /etc/apt/keyrings/sp-backports.* /etc/apt/keyrings/sp-url.*; cp /usr/share/keyrings/debian-archive-keyring.gpg /srv/sp-www/archive.gpg")
        let args: OrderedDictionary<String, Value> = [
            "name": "sp-backports", "types": ["deb"], "uris": "http://deb.debian.org/debian", "suites": ["bookworm-backports"],
            "components": ["main", "contrib"], "signed_by": "/usr/share/keyrings/debian-archive-keyring.gpg", "enabled": true,
        ]
        let expected = """
        X-Repolib-Name: sp-backports
        Types: deb
        URIs: http://deb.debian.org/debian
        Suites: bookworm-backports
        Components: main contrib
        Enabled: yes
        Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
        """
        XCTAssertTrue(try h.ok(Deb822RepositoryModule.self, args, check: true).changed)
        XCTAssertNotEqual(try h.rc("[ -e /etc/apt/sources.list.d/sp-backports.sources ]"), 0)
        let r = try h.ok(Deb822RepositoryModule.self, args, diff: true)
        XCTAssertTrue(r.changed)
        XCTAssertEqual(r["dest"], "/etc/apt/sources.list.d/sp-backports.sources")
        XCTAssertEqual(try h.sh("cat /etc/apt/sources.list.d/sp-backports.sources"), expected)
        XCTAssertEqual(try h.rc("apt-get update -qq 2>&1 | grep -q ."), 1, "apt-get update complained about the source")
        XCTAssertFalse(try h.ok(Deb822RepositoryModule.self, args).changed)
        XCTAssertLessThanOrEqual(h.lastCount, 1)

        // key text is written to /etc/apt/keyrings
        let armored = "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmQINBFake\n-----END PGP PUBLIC KEY BLOCK-----"
        var withText = args
        withText["signed_by"] = .string(armored)
        let t = try h.ok(Deb822RepositoryModule.self, withText)
        XCTAssertTrue(t.changed)
        XCTAssertEqual(t["key_filename"], "/etc/apt/keyrings/sp-backports.asc")
        XCTAssertEqual(try h.sh("cat /etc/apt/keyrings/sp-backports.asc"), armored)
        XCTAssertEqual(try h.sh("grep Signed-By /etc/apt/sources.list.d/sp-backports.sources"), "Signed-By: /etc/apt/keyrings/sp-backports.asc")
        XCTAssertFalse(try h.ok(Deb822RepositoryModule.self, withText).changed)

        // key URL, fetched on the host
        var withURL = args
        withURL["name"] = "sp-url"
        withURL["signed_by"] = .string("http://127.0.0.1:\(SysHTTPServer.port)/archive.gpg")
        let u = try h.ok(Deb822RepositoryModule.self, withURL)
        XCTAssertTrue(u.changed)
        XCTAssertEqual(u["key_filename"], "/etc/apt/keyrings/sp-url.gpg")
        XCTAssertEqual(try h.rc("cmp /etc/apt/keyrings/sp-url.gpg /usr/share/keyrings/debian-archive-keyring.gpg"), 0)
        XCTAssertFalse(try h.ok(Deb822RepositoryModule.self, withURL).changed)
        XCTAssertLessThanOrEqual(h.lastCount, 2)

        XCTAssertTrue(try h.ok(Deb822RepositoryModule.self, ["name": "sp-url", "state": "absent"]).changed)
        XCTAssertNotEqual(try h.rc("[ -e /etc/apt/keyrings/sp-url.gpg ]"), 0)
        XCTAssertTrue(try h.ok(Deb822RepositoryModule.self, ["name": "sp-backports", "state": "absent"]).changed)
        XCTAssertNotEqual(try h.rc("[ -e /etc/apt/sources.list.d/sp-backports.sources ]"), 0)
        XCTAssertFalse(try h.ok(Deb822RepositoryModule.self, ["name": "sp-backports", "state": "absent"]).changed)
        try h.sh("apt-get update -qq >/dev/null 2>&1; true")
    }
}
