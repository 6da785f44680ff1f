import Foundation
import XCTest
import Jinja
@testable import Modules

final class AptTests: XCTestCase {
    func testAptInstallsAndRemovesRealPackages() throws {
        let h = SysRunner(try SysHosts.connect(0))
        try h.sh("dpkg -s sl >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get -y -q purge sl; true")
        XCTAssertNotEqual(try h.rc("dpkg -s sl"), 0)
        // Forget the package lists: update_cache must really run.
        try h.sh("rm -f /var/lib/apt/periodic/update-success-stamp; find /var/lib/apt/lists -maxdepth 1 -type f -name '*_Packages*' -delete")

        // Check mode: reports the install, changes nothing.
        let check = try h.ok(AptModule.self, ["name": "sl", "update_cache": true, "cache_valid_time": 86400], check: true, diff: true)
        XCTAssertTrue(check.changed)
        XCTAssertNotEqual(try h.rc("dpkg -s sl"), 0, "check mode installed the package")

        let first = try h.ok(AptModule.self, ["name": ["sl"], "update_cache": true, "cache_valid_time": 86400], diff: true)
        XCTAssertTrue(first.changed)
        XCTAssertTrue(first["stdout"]?.pythonStr.contains("newly installed") ?? false)
        XCTAssertNotNil(first["diff"]?.dictValue?["prepared"])
        XCTAssertEqual(try h.sh("dpkg-query -W -f='${Status}' sl"), "install ok installed")
        XCTAssertNotNil(first["cache_update_time"]?.intValue)
        XCTAssertEqual(first["cache_updated"], .bool(true))

        let second = try h.ok(AptModule.self, ["name": ["sl"], "update_cache": true, "cache_valid_time": 86400])
        XCTAssertFalse(second.changed)
        XCTAssertEqual(second["cache_updated"], .bool(false))
        XCTAssertLessThanOrEqual(h.lastCount, 1)

        // Version pin with a wildcard matches the installed version.
        let version = try h.sh("dpkg-query -W -f='${Version}' sl")
        let pinned = try h.ok(AptModule.self, ["name": .string("sl=\(version.prefix(3))*")])
        XCTAssertFalse(pinned.changed)

        // latest: already at the candidate.
        let latest = try h.ok(AptModule.self, ["name": "sl", "state": "latest"])
        XCTAssertFalse(latest.changed)

        // Removal: check mode, real, again.
        let rmCheck = try h.ok(AptModule.self, ["name": "sl", "state": "absent"], check: true)
        XCTAssertTrue(rmCheck.changed)
        XCTAssertEqual(try h.rc("dpkg -s sl >/dev/null 2>&1"), 0, "check mode removed the package")
        let rm = try h.ok(AptModule.self, ["name": "sl", "state": "absent", "purge": true])
        XCTAssertTrue(rm.changed)
        XCTAssertNotEqual(try h.rc("dpkg-query -W -f='${Status}' sl | grep -q 'ok installed'"), 0)
        let rm2 = try h.ok(AptModule.self, ["name": "sl", "state": "absent", "purge": true])
        XCTAssertFalse(rm2.changed)
        XCTAssertLessThanOrEqual(h.lastCount, 1)
    }

    func testAptBatchesListAndLatest() throws {
        let h = SysRunner(try SysHosts.connect(0))
        try h.sh("DEBIAN_FRONTEND=noninteractive apt-get -y -q purge tree cowsay >/dev/null 2>&1; true")
        let r = try h.ok(AptModule.self, ["name": ["tree", "cowsay"], "state": "latest", "install_recommends": false, "cache_valid_time": 86400])
        XCTAssertTrue(r.changed)
        // One apt-get call for the whole list.
        XCTAssertEqual(h.conn.log.last?.components(separatedBy: "install ").count, 2)
        XCTAssertEqual(try h.sh("dpkg-query -W -f='${Status}\\n' tree cowsay | sort -u"), "install ok installed")
        let again = try h.ok(AptModule.self, ["name": ["tree", "cowsay"], "state": "latest", "cache_valid_time": 86400])
        XCTAssertFalse(again.changed)
        let gone = try h.ok(AptModule.self, ["name": "tree,cowsay", "state": "absent", "autoremove": true])
        XCTAssertTrue(gone.changed)
        XCTAssertNotEqual(try h.rc("dpkg -s tree >/dev/null 2>&1"), 0)
    }

    func testAptReportsUnknownPackagesAndBadArguments() throws {
        let h = SysRunner(try SysHosts.connect(0))
        let r = try h.run(AptModule.self, ["name": "no-such-package-swiftplay", "cache_valid_time": 86400])
        XCTAssertTrue(r.failed)
        XCTAssertTrue(r["msg"]?.pythonStr.contains("Unable to locate package") ?? false, "\(r.values)")
        let bad = try h.run(AptModule.self, ["name": "sl", "state": "installed-ish"])
        XCTAssertTrue(bad.failed)
        XCTAssertTrue(bad["msg"]?.pythonStr.contains("value of state must be one of") ?? false)
    }

    func testAptInstallsDebFileAndLocksWait() throws {
        let h = SysRunner(try SysHosts.connect(0))
        try h.sh("DEBIAN_FRONTEND=noninteractive apt-get -y -q purge sl >/dev/null 2>&1; apt-get update -qq >/dev/null 2>&1 || true; cd /tmp && rm -f sl_*.deb && apt-get download sl >/dev/null 2>&1; ls /tmp/sl_*.deb")
        let deb = try h.sh("ls /tmp/sl_*.deb | head -n1")
        XCTAssertTrue(deb.hasSuffix(".deb"))
        // Hold the dpkg frontend lock for 3 seconds: the module must wait, then succeed.
        try h.sh("nohup python3 -c 'import fcntl,time; f=open(\"/var/lib/dpkg/lock-frontend\",\"w\"); fcntl.lockf(f, fcntl.LOCK_EX); time.sleep(3)' >/dev/null 2>&1 & sleep 0.5")
        let start = Date()
        let r = try h.ok(AptModule.self, ["deb": .string(deb), "lock_timeout": 30])
        XCTAssertTrue(r.changed)
        XCTAssertGreaterThan(Date().timeIntervalSince(start), 1.5, "did not wait for the lock")
        XCTAssertEqual(try h.rc("dpkg -s sl >/dev/null 2>&1"), 0)
        let again = try h.ok(AptModule.self, ["deb": .string(deb)])
        XCTAssertFalse(again.changed)
        XCTAssertLessThanOrEqual(h.lastCount, 2)
        try h.sh("DEBIAN_FRONTEND=noninteractive apt-get -y -q purge sl >/dev/null 2>&1; true")

        // the same package from a URL, downloaded on the host
        try SysHTTPServer.start(h)
        try h.sh("cp \(deb) /srv/sp-www/sl.deb")
        let fromURL = try h.ok(AptModule.self, ["deb": .string("http://127.0.0.1:\(SysHTTPServer.port)/sl.deb")])
        XCTAssertTrue(fromURL.changed)
        XCTAssertEqual(try h.rc("dpkg -s sl >/dev/null 2>&1"), 0)
        XCTAssertFalse(try h.ok(AptModule.self, ["deb": .string("http://127.0.0.1:\(SysHTTPServer.port)/sl.deb")]).changed)
        XCTAssertEqual(try h.sh("ls /tmp | grep -c swiftplay-deb; true"), "0", "downloaded .deb left behind")
        try h.sh("DEBIAN_FRONTEND=noninteractive apt-get -y -q purge sl >/dev/null 2>&1; true")
    }
}
