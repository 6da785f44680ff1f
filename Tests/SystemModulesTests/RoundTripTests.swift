import Foundation
import XCTest
import Jinja
import OrderedCollections
@testable import Modules

/// Runs every module twice on a real host through a counting connection and prints how many
/// remote commands each run took; the second run must report no change within a small bound.
final class RoundTripTests: XCTestCase {
    func testRoundTrips() throws {
        let h = SysRunner(try SysHosts.connect(0))
        let rpm = SysRunner(try SysHosts.connect(1), vars: RpmTests.redHatFacts)
        try SysHTTPServer.start(h)
        try h.sh("""
            DEBIAN_FRONTEND=noninteractive apt-get -y -q purge tree >/dev/null 2>&1
            rm -f /etc/apt/sources.list.d/sp-rt.list /etc/apt/sources.list.d/sp-rt.sources /tmp/sp-rt.txt
            getent passwd sprt >/dev/null && userdel -r sprt; getent group sprtg >/dev/null && groupdel sprtg
            systemctl stop sp-rt 2>/dev/null; systemctl disable sp-rt 2>/dev/null
            printf '[Service]\\nExecStart=/bin/sleep 100000\\n[Install]\\nWantedBy=multi-user.target\\n' > /usr/lib/systemd/system/sp-rt.service
            systemctl daemon-reload
            true
            """)
        try RpmTests.prepare(rpm)

        let key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJ4444444444444444444444444444444444444444444 rt@example"
        let url = "http://127.0.0.1:\(SysHTTPServer.port)/hello.txt"
        let cases: [(SysRunner, Module.Type, OrderedDictionary<String, Value>, Int)] = [
            (h, AptModule.self, ["name": "tree", "cache_valid_time": 86400], 1),
            (h, PackageModule.self, ["name": "tree", "state": "present", "use": "apt"], 1),
            (h, AptRepositoryModule.self, ["repo": "deb http://deb.debian.org/debian bookworm-backports main", "filename": "sp-rt", "update_cache": false], 1),
            (h, Deb822RepositoryModule.self, ["name": "sp-rt", "uris": "http://deb.debian.org/debian", "suites": "bookworm-backports",
                                              "components": "main", "signed_by": "/usr/share/keyrings/debian-archive-keyring.gpg"], 1),
            (rpm, YumRepositoryModule.self, ["name": "sptest", "description": "rt", "baseurl": "file:///srv/sp-rpm", "gpgcheck": false], 1),
            (rpm, DnfModule.self, ["name": "sphello"], 1),
            (h, SystemdModule.self, ["name": "sp-rt", "state": "started", "enabled": true], 1),
            (h, ServiceModule.self, ["name": "sp-rt", "state": "started", "use": "systemd"], 1),
            (h, ServiceFactsModule.self, [:], 1),
            (h, GroupModule.self, ["name": "sprtg", "gid": 4800], 1),
            (h, UserModule.self, ["name": "sprt", "groups": ["sprtg"], "shell": "/bin/bash", "password": "$6$x$y"], 1),
            (h, AuthorizedKeyModule.self, ["user": "sprt", "key": .string(key)], 1),
            (h, GetURLModule.self, ["url": .string(url), "dest": "/tmp/sp-rt.txt", "mode": "0644"], 1),
            (h, URIModule.self, ["url": .string(url), "return_content": true], 1),
            (h, WaitForModule.self, ["port": .int(SysHTTPServer.port), "timeout": 10], 1),
            (h, WaitForConnectionModule.self, ["timeout": 10], 1),
        ]
        var table: [String] = []
        for (runner, module, args, bound) in cases {
            let first = try runner.ok(module, args)
            let firstCount = runner.lastCount
            let second = try runner.ok(module, args)
            let secondCount = runner.lastCount
            let name = module.name.padding(toLength: 20, withPad: " ", startingAt: 0)
            let firstText = "\(firstCount) command(s)\(first.changed ? ", changed" : "")".padding(toLength: 24, withPad: " ", startingAt: 0)
            table.append("\(name) first run: \(firstText) second run: \(secondCount) command(s), changed=\(second.changed)")
            XCTAssertFalse(second.changed, "\(module.name) changed again: \(second.values)")
            XCTAssertLessThanOrEqual(secondCount, bound, "\(module.name): \(secondCount) remote commands on a no-change run")
            XCTAssertLessThanOrEqual(firstCount, 3, "\(module.name): \(firstCount) remote commands on the first run")
        }
        print("Remote commands per module run:\n" + table.joined(separator: "\n"))

        // leave the hosts clean
        try h.sh("""
            DEBIAN_FRONTEND=noninteractive apt-get -y -q purge tree >/dev/null 2>&1
            rm -f /etc/apt/sources.list.d/sp-rt.list /etc/apt/sources.list.d/sp-rt.sources /tmp/sp-rt.txt
            userdel -r sprt 2>/dev/null; groupdel sprtg 2>/dev/null
            systemctl stop sp-rt; systemctl disable sp-rt 2>/dev/null; rm -f /usr/lib/systemd/system/sp-rt.service; systemctl daemon-reload
            true
            """)
        try rpm.sh("rpm -e sphello 2>/dev/null; rm -f /etc/yum.repos.d/sptest.repo; true")
    }
}
