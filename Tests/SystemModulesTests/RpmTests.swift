import Foundation
import XCTest
import Jinja
import OrderedCollections
@testable import Modules

/// dnf and yum_repository against a real dnf + rpm: Debian's `dnf`, `rpm` and `createrepo-c`
/// packages on the second test host, a tiny RPM built with rpmbuild, and a local repository.
final class RpmTests: XCTestCase {
    static let redHatFacts: [String: Value] = ["ansible_pkg_mgr": "dnf", "ansible_os_family": "RedHat"]

    static func prepare(_ h: SysRunner) throws {
        if try h.rc("command -v dnf && command -v rpmbuild && command -v createrepo_c") != 0 {
            try h.sh("apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dnf rpm createrepo-c >/dev/null 2>&1")
        }
        XCTAssertEqual(try h.rc("command -v dnf && command -v rpmbuild && command -v createrepo_c"), 0, "dnf/rpm/createrepo_c missing")
        try h.sh("rpm -q sphello >/dev/null 2>&1 && rpm -e sphello; rm -rf /srv/sp-rpm /etc/yum.repos.d/sptest.repo /root/rpmbuild; mkdir -p /srv/sp-rpm")
        try buildRPM(h, version: "1.0")
        try h.sh("createrepo_c -q /srv/sp-rpm")
    }

    static func buildRPM(_ h: SysRunner, version: String) throws {
        let spec = """
        Name: sphello
        Version: \(version)
        Release: 1
        Summary: swiftplay test package
        License: MIT
        BuildArch: noarch
        %description
        swiftplay test package
        %install
        mkdir -p %{buildroot}/usr/share/sphello
        echo \(version) > %{buildroot}/usr/share/sphello/version
        %files
        /usr/share/sphello/version
        """
        try h.sh("mkdir -p /root/rpmbuild/SPECS && cat > /root/rpmbuild/SPECS/sphello.spec <<'EOF'\n\(spec)\nEOF\nrpmbuild -bb /root/rpmbuild/SPECS/sphello.spec >/dev/null 2>&1 && cp /root/rpmbuild/RPMS/noarch/sphello-\(version)-1.noarch.rpm /srv/sp-rpm/")
        XCTAssertEqual(try h.rc("[ -f /srv/sp-rpm/sphello-\(version)-1.noarch.rpm ]"), 0, "rpmbuild failed")
    }

    func testYumRepositoryAndDnf() throws {
        let h = SysRunner(try SysHosts.connect(1), vars: Self.redHatFacts)
        try Self.prepare(h)

        // yum_repository writes the repo file idempotently
        let repoArgs: OrderedDictionary<String, Value> = ["name": "sptest", "description": "swiftplay test repo",
                                                         "baseurl": "file:///srv/sp-rpm", "gpgcheck": false, "enabled": true,
                                                         "metadata_expire": "0"]
        XCTAssertTrue(try h.ok(YumRepositoryModule.self, repoArgs, check: true).changed)
        XCTAssertNotEqual(try h.rc("[ -e /etc/yum.repos.d/sptest.repo ]"), 0)
        let repo = try h.ok(YumRepositoryModule.self, repoArgs, diff: true)
        XCTAssertTrue(repo.changed)
        XCTAssertEqual(try h.sh("cat /etc/yum.repos.d/sptest.repo"),
                       "[sptest]\nbaseurl = file:///srv/sp-rpm\nenabled = 1\ngpgcheck = 0\nmetadata_expire = 0\nname = swiftplay test repo")
        XCTAssertFalse(try h.ok(YumRepositoryModule.self, repoArgs).changed)
        XCTAssertLessThanOrEqual(h.lastCount, 1)
        // a second section in the same file, then its removal
        XCTAssertTrue(try h.ok(YumRepositoryModule.self, ["name": "sptest2", "file": "sptest", "baseurl": "file:///nonexistent",
                                                          "enabled": false, "exclude": ["a", "b"]]).changed)
        XCTAssertEqual(try h.sh("grep -c '^\\[' /etc/yum.repos.d/sptest.repo"), "2")
        XCTAssertEqual(try h.sh("grep '^exclude' /etc/yum.repos.d/sptest.repo"), "exclude = a b")
        XCTAssertTrue(try h.ok(YumRepositoryModule.self, ["name": "sptest2", "file": "sptest", "state": "absent"]).changed)
        XCTAssertFalse(try h.ok(YumRepositoryModule.self, ["name": "sptest2", "file": "sptest", "state": "absent"]).changed)
        XCTAssertFalse(try h.ok(YumRepositoryModule.self, repoArgs).changed)

        // dnf install: check mode, real, again
        let check = try h.ok(DnfModule.self, ["name": "sphello", "state": "present"], check: true)
        XCTAssertTrue(check.changed)
        XCTAssertNotEqual(try h.rc("rpm -q sphello"), 0)
        let install = try h.ok(DnfModule.self, ["name": "sphello", "state": "present", "update_cache": true])
        XCTAssertTrue(install.changed)
        XCTAssertEqual(install["results"], ["Installed: sphello-1.0-1.noarch"])
        XCTAssertEqual(try h.sh("rpm -q sphello"), "sphello-1.0-1.noarch")
        let again = try h.ok(DnfModule.self, ["name": "sphello", "state": "present"])
        XCTAssertFalse(again.changed)
        XCTAssertLessThanOrEqual(h.lastCount, 1)

        // latest: a new version in the repository
        try Self.buildRPM(h, version: "1.1")
        try h.sh("createrepo_c -q --update /srv/sp-rpm")
        let latest = try h.ok(DnfModule.self, ["name": ["sphello"], "state": "latest", "update_cache": true])
        XCTAssertTrue(latest.changed, "\(latest.values)")
        XCTAssertEqual(try h.sh("rpm -q sphello"), "sphello-1.1-1.noarch")
        XCTAssertFalse(try h.ok(DnfModule.self, ["name": ["sphello"], "state": "latest"]).changed)

        // yum is the same module, as in ansible-core 2.17+
        XCTAssertTrue(ModuleRegistry.module(named: "yum") == DnfModule.self)
        XCTAssertFalse(try h.ok(try XCTUnwrap(ModuleRegistry.module(named: "ansible.builtin.yum")), ["name": "sphello"]).changed)

        // removal
        XCTAssertTrue(try h.ok(DnfModule.self, ["name": "sphello", "state": "absent"], check: true).changed)
        XCTAssertEqual(try h.rc("rpm -q sphello"), 0)
        XCTAssertTrue(try h.ok(DnfModule.self, ["name": "sphello", "state": "absent"]).changed)
        XCTAssertNotEqual(try h.rc("rpm -q sphello"), 0)
        XCTAssertFalse(try h.ok(DnfModule.self, ["name": "sphello", "state": "removed"]).changed)

        // package dispatches on ansible_pkg_mgr
        let pkg = try h.ok(PackageModule.self, ["name": "sphello", "state": "present", "disable_gpg_check": true])
        XCTAssertTrue(pkg.changed)
        XCTAssertEqual(try h.rc("rpm -q sphello"), 0)
        XCTAssertFalse(try h.ok(PackageModule.self, ["name": "sphello", "state": "present"]).changed)

        // unknown package
        let missing = try h.run(DnfModule.self, ["name": "sp-no-such-rpm"])
        XCTAssertTrue(missing.failed)
        XCTAssertEqual(missing["msg"], "Failed to install some of the specified packages")
        XCTAssertTrue("\(missing["failures"] ?? .none)".contains("sp-no-such-rpm"), "\(missing.values)")

        try h.sh("rpm -e sphello; true")
        XCTAssertTrue(try h.ok(YumRepositoryModule.self, ["name": "sptest", "state": "absent"]).changed)
        XCTAssertNotEqual(try h.rc("[ -e /etc/yum.repos.d/sptest.repo ]"), 0, "empty repo file not removed")
    }
}
