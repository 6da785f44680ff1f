import Foundation
import XCTest
import Jinja
import OrderedCollections
@testable import Modules

/// apt_key on a real Debian 12 host (no gpg there): keys made with gpg on the controller, written by
/// the module, checked with the host's own gpgv (APT's verifier) against signatures made by those keys,
/// and key IDs checked against what gpg itself computes.
final class AptKeyTests: XCTestCase {
    /// A throwaway GnuPG home on the controller.
    final class Keys {
        let home = NSTemporaryDirectory() + "sp-gpg-" + UUID().uuidString.prefix(8)
        init() throws {
            try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        deinit { try? FileManager.default.removeItem(atPath: home) }

        @discardableResult
        func gpg(_ args: [String], input: Data? = nil) throws -> Data {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/gpg")
            p.arguments = ["--homedir", home, "--batch", "--quiet", "--no-tty"] + args
            let out = Pipe(), inp = Pipe()
            p.standardOutput = out
            p.standardError = FileHandle.nullDevice
            p.standardInput = inp
            try p.run()
            if let input { inp.fileHandleForWriting.write(input) }
            try inp.fileHandleForWriting.close()
            let data = out.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            guard p.terminationStatus == 0 else { throw XCTSkip("gpg \(args.joined(separator: " ")) failed on the controller") }
            return data
        }

        /// Makes a key (with an encryption subkey when asked); returns [primary fingerprint, subkey fingerprints...].
        func make(_ uid: String, subkey: Bool) throws -> [String] {
            try gpg(["--passphrase", "", "--quick-gen-key", uid, "ed25519", "sign", "0"])
            var fprs = try fingerprints(uid)
            if subkey {
                try gpg(["--passphrase", "", "--quick-add-key", fprs[0], "cv25519", "encr", "0"])
                fprs = try fingerprints(uid)
            }
            return fprs
        }

        func fingerprints(_ selector: String, keyring: Data? = nil) throws -> [String] {
            let out = keyring == nil ? try gpg(["--with-colons", "--list-keys", selector])
                                     : try gpg(["--with-colons", "--show-keys"], input: keyring)
            return String(decoding: out, as: UTF8.self).split(separator: "\n").filter { $0.hasPrefix("fpr:") }.map { String($0.split(separator: ":", omittingEmptySubsequences: false)[9]) }
        }

        func signature(_ uid: String, of data: Data) throws -> Data { try gpg(["--local-user", uid, "--detach-sign"], input: data) }
    }

    func testAptKey() throws {
        let h = SysRunner(try SysHosts.connect(0))
        let keys = try Keys()
        let a = try keys.make("SP Key A <a@example.org>", subkey: true)
        let b = try keys.make("SP Key B <b@example.org>", subkey: false)
        let long = { (fpr: String) in String(fpr.suffix(16)) }
        let armoredA = String(decoding: try keys.gpg(["--armor", "--export", a[0]]), as: UTF8.self)
        let binaryB = try keys.gpg(["--export", b[0]])
        let message = Data("signed by swiftplay's test keys\n".utf8)
        try h.conn.inner.put(message, to: "/tmp/sp-key-msg", mode: "0644", become: nil)
        try h.conn.inner.put(try keys.signature(a[0], of: message), to: "/tmp/sp-key-msg.a.sig", mode: "0644", become: nil)
        try h.conn.inner.put(try keys.signature(b[0], of: message), to: "/tmp/sp-key-msg.b.sig", mode: "0644", become: nil)
        try h.conn.inner.put(binaryB, to: "/tmp/sp-key-b.gpg", mode: "0644", become: nil)
        let ring = "/etc/apt/keyrings/sp-key.gpg"
        let cleanup = "rm -f \(ring) /etc/apt/keyrings/sp-ks.asc /etc/apt/trusted.gpg.d/\(long(b[0])).gpg /srv/sp-www/pks/lookup"
        try h.sh(cleanup)
        defer { _ = try? h.sh(cleanup + " /tmp/sp-key-*") }
        func verifies(_ keyring: String, _ who: String) throws -> Bool {
            try h.rc("gpgv --keyring \(keyring) /tmp/sp-key-msg.\(who).sig /tmp/sp-key-msg") == 0
        }

        // data -> a keyring: check mode writes nothing; the ID comes from the key; gpgv trusts the result.
        let dataArgs: OrderedDictionary<String, Value> = ["data": .string(armoredA), "keyring": .string(ring)]
        let check = try h.ok(AptKeyModule.self, dataArgs, check: true, diff: true)
        XCTAssertTrue(check.changed)
        XCTAssertNotEqual(try h.rc("test -e \(ring)"), 0)
        var r = try h.ok(AptKeyModule.self, dataArgs, diff: true)
        XCTAssertTrue(r.changed)
        XCTAssertEqual(r["id"], .string(long(a[0])))
        XCTAssertEqual(r["short_id"], .string(String(a[0].suffix(8))))
        XCTAssertEqual(r["before"], .list([]))
        XCTAssertEqual(r["after"], .list(a.map { .string(long($0)) }))
        XCTAssertEqual(r["diff"]?.listValue?.first?["after"], .string("pub \(long(a[0])) SP Key A <a@example.org>\nsub \(long(a[1]))\n"))
        XCTAssertEqual(try h.sh("stat -c %a \(ring)"), "644")
        XCTAssertTrue(try verifies(ring, "a"))
        XCTAssertFalse(try verifies(ring, "b"))
        XCTAssertEqual(try keys.fingerprints("", keyring: try h.conn.inner.get(ring, become: nil)), a)
        r = try h.ok(AptKeyModule.self, dataArgs)
        XCTAssertFalse(r.changed)
        XCTAssertEqual(h.lastCount, 1, "a present key costs one round trip")

        // file on the host, appended to the same keyring; the full fingerprint as id.
        r = try h.ok(AptKeyModule.self, ["file": "/tmp/sp-key-b.gpg", "keyring": .string(ring), "id": .string(b[0])])
        XCTAssertTrue(r.changed)
        XCTAssertEqual(r["fp"], .string(long(b[0])))
        XCTAssertTrue(try verifies(ring, "a"))
        XCTAssertTrue(try verifies(ring, "b"))

        // Default keyrings: the Debian keys already trusted, as gpg lists them.
        var trusted = Data()
        for f in try h.sh("ls /etc/apt/trusted.gpg /etc/apt/trusted.gpg.d/*.gpg /etc/apt/trusted.gpg.d/*.asc 2>/dev/null").split(separator: "\n") {
            trusted += try h.conn.inner.get(String(f), become: nil)
        }
        let bookworm = "4D64FEC119C2029067D6E791F8D2585B8783D481"
        r = try h.ok(AptKeyModule.self, ["id": .string("0x" + bookworm)])
        XCTAssertFalse(r.changed)
        XCTAssertEqual(r["before"], .list(try keys.fingerprints("", keyring: trusted).map { .string(long($0)) }))

        // url (downloaded on the host) into its own file in trusted.gpg.d.
        let own = "/etc/apt/trusted.gpg.d/\(long(b[0])).gpg"
        r = try h.ok(AptKeyModule.self, ["url": "file:///tmp/sp-key-b.gpg"], check: true)
        XCTAssertTrue(r.changed)
        XCTAssertNotEqual(try h.rc("test -e \(own)"), 0)
        r = try h.ok(AptKeyModule.self, ["url": "file:///tmp/sp-key-b.gpg"])
        XCTAssertTrue(r.changed)
        XCTAssertTrue(try verifies(own, "b"))
        XCTAssertFalse(try h.ok(AptKeyModule.self, ["url": "file:///tmp/sp-key-b.gpg", "id": .string(long(b[0]))]).changed)

        // keyserver: an HKP lookup on the host's test web server, written armored to an .asc keyring.
        try SysHTTPServer.start(h)
        try h.sh("mkdir -p /srv/sp-www/pks && cat > /srv/sp-www/pks/lookup <<'EOF'\n\(armoredA)EOF")
        r = try h.ok(AptKeyModule.self, ["keyserver": .string("http://127.0.0.1:\(SysHTTPServer.port)"), "id": .string(a[0]), "keyring": "/etc/apt/keyrings/sp-ks.asc"])
        XCTAssertTrue(r.changed)
        let asc = try h.conn.inner.get("/etc/apt/keyrings/sp-ks.asc", become: nil)
        XCTAssertTrue(String(decoding: asc, as: UTF8.self).hasPrefix("-----BEGIN PGP PUBLIC KEY BLOCK-----\n"))
        XCTAssertEqual(try keys.fingerprints("", keyring: try keys.gpg(["--dearmor"], input: asc)), a, "gpg reads the armor (CRC-24 included)")

        // absent: by long ID (the other key stays), then by short ID (the emptied keyring goes away).
        r = try h.ok(AptKeyModule.self, ["id": .string("0x" + long(a[0])), "keyring": .string(ring), "state": "absent"], check: true)
        XCTAssertTrue(r.changed)
        XCTAssertTrue(try verifies(ring, "a"))
        r = try h.ok(AptKeyModule.self, ["id": .string("0x" + long(a[0])), "keyring": .string(ring), "state": "absent"])
        XCTAssertTrue(r.changed)
        XCTAssertEqual(r["after"], .list([.string(long(b[0]))]))
        XCTAssertFalse(try verifies(ring, "a"))
        XCTAssertTrue(try verifies(ring, "b"))
        XCTAssertTrue(try h.ok(AptKeyModule.self, ["id": .string(String(b[0].suffix(8))), "keyring": .string(ring), "state": "absent"]).changed)
        XCTAssertNotEqual(try h.rc("test -e \(ring)"), 0)
        XCTAssertFalse(try h.ok(AptKeyModule.self, ["id": .string(b[0]), "keyring": .string(ring), "state": "absent"]).changed)
        // Without keyring: removed from the trusted keyrings (B's own file).
        XCTAssertTrue(try h.ok(AptKeyModule.self, ["id": .string(b[0]), "state": "absent"]).changed)
        XCTAssertNotEqual(try h.rc("test -e \(own)"), 0)

        // Errors read like Ansible's.
        var bad = try h.run(AptKeyModule.self, ["data": .string(armoredA), "id": .string(b[0]), "keyring": .string(ring)])
        XCTAssertTrue(bad.failed)
        XCTAssertEqual(bad["msg"], "apt-key did not return an error, but failed to add the key (check that the id is correct and *not* a subkey)")
        XCTAssertNotEqual(try h.rc("test -e \(ring)"), 0)
        bad = try h.run(AptKeyModule.self, ["id": "12345", "state": "absent"])
        XCTAssertEqual(bad["msg"], "Invalid key_id")
        bad = try h.run(AptKeyModule.self, ["keyserver": "keyserver.ubuntu.com"])
        XCTAssertEqual(bad["msg"], "Missing key_id, required with keyserver.")
        bad = try h.run(AptKeyModule.self, ["data": "not a key", "keyring": .string(ring)])
        XCTAssertTrue(bad["msg"]?.pythonStr.hasPrefix("Unable to extract key from 'inline data'") ?? false, "\(bad.values)")
        // A corrupted download (ansible-core's apt_key target uses zeros) is named 'inline data' too.
        try h.sh("head -c 2048 /dev/zero > /tmp/sp-key-zeros.gpg")
        bad = try h.run(AptKeyModule.self, ["url": "file:///tmp/sp-key-zeros.gpg"])
        XCTAssertTrue(bad.failed)
        XCTAssertTrue(bad["msg"]?.pythonStr.contains("inline data") ?? false, "\(bad.values)")
    }
}
