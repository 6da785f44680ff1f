import Foundation
import XCTest
import Jinja
@testable import Modules

final class UserTests: XCTestCase {
    // crypt("secret"/"other") with fixed salts: test hashes, not real credentials.
    static let hash1 = "$6$swiftplay$4ZRXRcpci4dS0wyj5R7r9r5eEn8eaRDz4jHsvZVEJwNrzrx0kFvRffdwThJU3xRmvpl5oYjNNloRcy2d00gJ.0"
    static let hash2 = "$6$swiftplay2$4JT7/yi1kHMKxIKuD1302yR7s4a/b/PY.fDMDybUbO73jZ9DsRpvFeeepv6oAwjPx9V78aRa6M0RboK30ybYs."

    func testGroupCreateChangeRemove() throws {
        let h = SysRunner(try SysHosts.connect(0))
        try h.sh("getent group spgrp >/dev/null && groupdel spgrp; true")
        XCTAssertTrue(try h.ok(GroupModule.self, ["name": "spgrp", "gid": 4711], check: true).changed)
        XCTAssertNotEqual(try h.rc("getent group spgrp"), 0)
        let r = try h.ok(GroupModule.self, ["name": "spgrp", "gid": 4711])
        XCTAssertTrue(r.changed)
        XCTAssertEqual(r["gid"], 4711)
        XCTAssertEqual(try h.sh("getent group spgrp | cut -d: -f3"), "4711")
        XCTAssertFalse(try h.ok(GroupModule.self, ["name": "spgrp", "gid": 4711]).changed)
        XCTAssertLessThanOrEqual(h.lastCount, 1)
        XCTAssertTrue(try h.ok(GroupModule.self, ["name": "spgrp", "gid": 4712]).changed)
        XCTAssertEqual(try h.sh("getent group spgrp | cut -d: -f3"), "4712")
        XCTAssertTrue(try h.ok(GroupModule.self, ["name": "spgrp", "state": "absent"]).changed)
        XCTAssertNotEqual(try h.rc("getent group spgrp"), 0)
        XCTAssertFalse(try h.ok(GroupModule.self, ["name": "spgrp", "state": "absent"]).changed)
        let sys = try h.ok(GroupModule.self, ["name": "spsysgrp", "system": true])
        XCTAssertTrue(sys.changed)
        XCTAssertLessThan(sys["gid"]?.intValue ?? 99999, 1000)
        try h.sh("groupdel spsysgrp")
    }

    func testUserLifecycle() throws {
        let h = SysRunner(try SysHosts.connect(0))
        try h.sh("getent passwd spuser >/dev/null && userdel -r spuser 2>/dev/null; getent group spextra >/dev/null || groupadd spextra; getent group spextra2 >/dev/null || groupadd spextra2; true")

        let check = try h.ok(UserModule.self, ["name": "spuser", "password": .string(Self.hash1)], check: true)
        XCTAssertTrue(check.changed)
        XCTAssertNotEqual(try h.rc("getent passwd spuser"), 0)

        let created = try h.ok(UserModule.self, ["name": "spuser", "uid": 2345, "shell": "/bin/bash", "comment": "Swift Play",
                                                 "groups": ["spextra"], "password": .string(Self.hash1)])
        XCTAssertTrue(created.changed)
        XCTAssertEqual(created["uid"], 2345)
        XCTAssertEqual(created["home"], "/home/spuser")
        XCTAssertEqual(created["shell"], "/bin/bash")
        XCTAssertEqual(created["password"], "NOT_LOGGING_PASSWORD")
        XCTAssertFalse("\(created.values)".contains(Self.hash1), "password hash leaked into the result")
        XCTAssertEqual(try h.sh("getent passwd spuser"), "spuser:x:2345:\(created["group"]?.intValue ?? -1):Swift Play:/home/spuser:/bin/bash")
        XCTAssertEqual(try h.sh("getent shadow spuser | cut -d: -f2"), Self.hash1)
        XCTAssertEqual(try h.sh("id -Gn spuser | tr ' ' '\\n' | grep -c spextra"), "1")
        XCTAssertEqual(try h.rc("[ -d /home/spuser ]"), 0)
        XCTAssertFalse(h.conn.log.contains { $0.contains(Self.hash1) }, "hash on a command line")

        let again = try h.ok(UserModule.self, ["name": "spuser", "uid": 2345, "shell": "/bin/bash", "comment": "Swift Play",
                                               "groups": ["spextra"], "password": .string(Self.hash1)])
        XCTAssertFalse(again.changed)
        XCTAssertLessThanOrEqual(h.lastCount, 1)

        // on_create: a different hash is not applied
        XCTAssertFalse(try h.ok(UserModule.self, ["name": "spuser", "password": .string(Self.hash2), "update_password": "on_create"]).changed)
        // always: applied
        XCTAssertTrue(try h.ok(UserModule.self, ["name": "spuser", "password": .string(Self.hash2)]).changed)
        XCTAssertEqual(try h.sh("getent shadow spuser | cut -d: -f2"), Self.hash2)

        // append keeps spextra; without append the list is exact
        XCTAssertTrue(try h.ok(UserModule.self, ["name": "spuser", "groups": ["spextra2"], "append": true]).changed)
        XCTAssertEqual(try h.sh("id -Gn spuser | tr ' ' '\\n' | grep -c '^spextra'"), "2")
        XCTAssertFalse(try h.ok(UserModule.self, ["name": "spuser", "groups": ["spextra2"], "append": true]).changed)
        XCTAssertTrue(try h.ok(UserModule.self, ["name": "spuser", "groups": ["spextra2"]]).changed)
        XCTAssertEqual(try h.sh("id -Gn spuser | tr ' ' '\\n' | grep -c '^spextra'"), "1")

        // shell change in check mode, then for real
        XCTAssertTrue(try h.ok(UserModule.self, ["name": "spuser", "shell": "/bin/sh"], check: true).changed)
        XCTAssertEqual(try h.sh("getent passwd spuser | cut -d: -f7"), "/bin/bash")
        XCTAssertTrue(try h.ok(UserModule.self, ["name": "spuser", "shell": "/bin/sh"]).changed)
        XCTAssertEqual(try h.sh("getent passwd spuser | cut -d: -f7"), "/bin/sh")

        // expiry (2030-01-01) and password ageing, idempotent
        XCTAssertTrue(try h.ok(UserModule.self, ["name": "spuser", "expires": 1893456000, "password_expire_max": 90]).changed)
        XCTAssertEqual(try h.sh("getent shadow spuser | cut -d: -f5,8"), "90:21915")
        XCTAssertFalse(try h.ok(UserModule.self, ["name": "spuser", "expires": 1893456000, "password_expire_max": 90]).changed)
        XCTAssertTrue(try h.ok(UserModule.self, ["name": "spuser", "expires": -1]).changed)
        XCTAssertEqual(try h.sh("getent shadow spuser | cut -d: -f8"), "")
        XCTAssertFalse(try h.ok(UserModule.self, ["name": "spuser", "expires": -1]).changed)

        // ssh key generation
        let key = try h.ok(UserModule.self, ["name": "spuser", "generate_ssh_key": true, "ssh_key_type": "ed25519"])
        XCTAssertTrue(key.changed)
        XCTAssertTrue(key["ssh_public_key"]?.pythonStr.hasPrefix("ssh-ed25519 ") ?? false, "\(key.values)")
        XCTAssertEqual(try h.sh("stat -c %U /home/spuser/.ssh/id_ed25519"), "spuser")
        XCTAssertFalse(try h.ok(UserModule.self, ["name": "spuser", "generate_ssh_key": true, "ssh_key_type": "ed25519"]).changed)

        // removal
        XCTAssertTrue(try h.ok(UserModule.self, ["name": "spuser", "state": "absent", "remove": true], check: true).changed)
        XCTAssertEqual(try h.rc("getent passwd spuser"), 0)
        XCTAssertTrue(try h.ok(UserModule.self, ["name": "spuser", "state": "absent", "remove": true]).changed)
        XCTAssertNotEqual(try h.rc("getent passwd spuser"), 0)
        XCTAssertNotEqual(try h.rc("[ -d /home/spuser ]"), 0)
        XCTAssertFalse(try h.ok(UserModule.self, ["name": "spuser", "state": "absent"]).changed)

        let badGroup = try h.run(UserModule.self, ["name": "spuser", "group": "no-such-group-sp"])
        XCTAssertTrue(badGroup.failed)
    }

    func testAuthorizedKey() throws {
        let h = SysRunner(try SysHosts.connect(0))
        try h.sh("getent passwd spkeys >/dev/null || useradd -m spkeys; rm -rf /home/spkeys/.ssh")
        let k1 = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJ1111111111111111111111111111111111111111111 one@example"
        let k2 = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJ2222222222222222222222222222222222222222222 two@example"
        let k3 = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQC3333333333333333333333333333333333333333 three@example"

        XCTAssertTrue(try h.ok(AuthorizedKeyModule.self, ["user": "spkeys", "key": .string(k1)], check: true).changed)
        XCTAssertNotEqual(try h.rc("[ -e /home/spkeys/.ssh ]"), 0)

        let r = try h.ok(AuthorizedKeyModule.self, ["user": "spkeys", "key": .string(k1 + "\n" + k2)], diff: true)
        XCTAssertTrue(r.changed)
        XCTAssertEqual(r["keyfile"], "/home/spkeys/.ssh/authorized_keys")
        XCTAssertNotNil(r["diff"])
        XCTAssertEqual(try h.sh("cat /home/spkeys/.ssh/authorized_keys"), k1 + "\n" + k2)
        XCTAssertEqual(try h.sh("stat -c '%a %U' /home/spkeys/.ssh /home/spkeys/.ssh/authorized_keys"), "700 spkeys\n600 spkeys")
        XCTAssertFalse(try h.ok(AuthorizedKeyModule.self, ["user": "spkeys", "key": .string(k1 + "\n" + k2)]).changed)
        XCTAssertLessThanOrEqual(h.lastCount, 1)

        // options replace the line in place
        XCTAssertTrue(try h.ok(AuthorizedKeyModule.self, ["user": "spkeys", "key": .string(k1), "key_options": "no-pty,from=\"10.0.0.1\""]).changed)
        XCTAssertEqual(try h.sh("head -n1 /home/spkeys/.ssh/authorized_keys"), "no-pty,from=\"10.0.0.1\" " + k1)
        XCTAssertFalse(try h.ok(AuthorizedKeyModule.self, ["user": "spkeys", "key": .string(k1), "key_options": "no-pty,from=\"10.0.0.1\""]).changed)

        // exclusive
        XCTAssertTrue(try h.ok(AuthorizedKeyModule.self, ["user": "spkeys", "key": .string(k3), "exclusive": true]).changed)
        XCTAssertEqual(try h.sh("cat /home/spkeys/.ssh/authorized_keys"), k3)
        XCTAssertFalse(try h.ok(AuthorizedKeyModule.self, ["user": "spkeys", "key": .string(k3), "exclusive": true]).changed)

        // absent
        XCTAssertTrue(try h.ok(AuthorizedKeyModule.self, ["user": "spkeys", "key": .string(k3), "state": "absent"]).changed)
        XCTAssertEqual(try h.sh("cat /home/spkeys/.ssh/authorized_keys"), "")
        XCTAssertFalse(try h.ok(AuthorizedKeyModule.self, ["user": "spkeys", "key": .string(k3), "state": "absent"]).changed)

        XCTAssertTrue(try h.run(AuthorizedKeyModule.self, ["user": "spkeys", "key": "not a key"]).failed)
        XCTAssertTrue(try h.run(AuthorizedKeyModule.self, ["user": "no-such-user-sp", "key": .string(k1)]).failed)
        try h.sh("userdel -r spkeys 2>/dev/null; true")
    }
}
