import Foundation
import Jinja
import XCTest
@testable import Modules

/// Controller-side pieces that need no host.
final class UnitTests: XCTestCase {
    func testJSONRoundTripKeepsOrderAndTypes() throws {
        let text = #"{"b":1,"a":[true,false,null,"x\"y\n",2.5],"c":{"é":"\u00e9"}}"#
        let v = try DockerJSON.parse(text)
        XCTAssertEqual(v.dictValue?.keys.map { $0 }, ["b", "a", "c"])
        XCTAssertEqual(v["a"]?.listValue?[0], .bool(true))
        XCTAssertEqual(v["a"]?.listValue?[3], .string("x\"y\n"))
        XCTAssertEqual(v["c"]?["é"], .string("é"))
        XCTAssertEqual(try DockerJSON.parse(DockerJSON.serialize(v)), v)
        XCTAssertThrowsError(try DockerJSON.parse("{\"a\":}"))
        XCTAssertThrowsError(try DockerJSON.parse("[1,2"))
    }

    func testCurlConfigQuoting() {
        XCTAssertEqual(SysCurl.configQuote("a\"b\\c\nd"), "\"a\\\"b\\\\c\\nd\"")
    }

    func testSizesDurationsAndPorts() throws {
        XCTAssertEqual(try DockerValues.bytes("512m"), 512 << 20)
        XCTAssertEqual(try DockerValues.bytes("1g"), 1 << 30)
        XCTAssertEqual(try DockerValues.nanoseconds("1m30s"), 90_000_000_000)
        XCTAssertEqual(try DockerValues.nanoseconds("500ms"), 500_000_000)
        let p = try DockerContainerModule.parsePort("127.0.0.1:5000:5001/udp", defaultIP: "")
        XCTAssertEqual(p.ip, "127.0.0.1"); XCTAssertEqual(p.hostPort, "5000"); XCTAssertEqual(p.container, "5001/udp")
        XCTAssertEqual(try DockerContainerModule.parsePort("80", defaultIP: "").container, "80/tcp")
        XCTAssertThrowsError(try DockerContainerModule.parsePort("8000:80-90", defaultIP: ""))
        XCTAssertEqual(DockerContainerModule.normalizeBind("/a/:/b"), "/a:/b:rw")
        XCTAssertEqual(DockerAPI.splitImage("localhost:5000/x").tag, "latest")
        XCTAssertEqual(DockerAPI.splitImage("localhost:5000/x:1").repo, "localhost:5000/x")
        XCTAssertEqual(DockerAPI.registry(of: "localhost:5000/x"), "localhost:5000")
        XCTAssertEqual(DockerAPI.registry(of: "library/x"), "docker.io")
    }

    func testTimeSpecs() throws {
        let now = Date(timeIntervalSince1970: 1_000_000)
        XCTAssertEqual(try CryptoSupport.time("+3650d", now: now).timeIntervalSince(now), 3650 * 86400)
        XCTAssertEqual(try CryptoSupport.time("-1w2h", now: now).timeIntervalSince(now), -(7 * 86400 + 7200))
        XCTAssertEqual(CryptoSupport.asn1Time(try CryptoSupport.time("20300102030405Z")), "20300102030405Z")
        XCTAssertThrowsError(try CryptoSupport.time("+10"))
        XCTAssertThrowsError(try CryptoSupport.time("tomorrow"))
        XCTAssertEqual(CryptoSupport.decimal([0x01, 0x00]), "256")
        XCTAssertEqual(CryptoSupport.decimal([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]), "4722366482869645213695")
    }

    /// Hashes made here verify with Apache's htpasswd, and hashes made by htpasswd verify here.
    func testPasswordHashesAgreeWithApacheHtpasswd() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/htpasswd") else { throw XCTSkip("apache2-utils not installed") }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dm-htpasswd-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        for scheme in PasswordHash.schemes {
            let hash = try PasswordHash.hash("s3cret: pw", scheme: scheme)
            XCTAssertEqual(PasswordHash.scheme(of: hash), scheme)
            XCTAssertTrue(PasswordHash.verify("s3cret: pw", hash: hash), scheme)
            XCTAssertFalse(PasswordHash.verify("s3cret: pX", hash: hash), scheme)
            let file = dir.appendingPathComponent(scheme).path
            try "bob:\(hash)\n".write(toFile: file, atomically: true, encoding: .utf8)
            XCTAssertEqual(try controller(["htpasswd", "-vb", file, "bob", "s3cret: pw"]).0, 0, "htpasswd rejects our \(scheme) hash")
            XCTAssertNotEqual(try controller(["htpasswd", "-vb", file, "bob", "wrong"]).0, 0)
        }
        XCTAssertTrue(try PasswordHash.hash("x", scheme: "bcrypt").hasPrefix("$2y$10$"))
        for flag in ["-B", "-m", "-5", "-2"] where flag != "-5" && flag != "-2" {
            let (code, out) = try controller(["htpasswd", "-nb", flag, "bob", "pa55"])
            XCTAssertEqual(code, 0)
            let hash = out.trimmingCharacters(in: .whitespacesAndNewlines).dropFirst("bob:".count)
            XCTAssertTrue(PasswordHash.verify("pa55", hash: String(hash)), "\(flag): \(hash)")
            XCTAssertFalse(PasswordHash.verify("pa56", hash: String(hash)))
        }
    }

    func testSpecsValidateAndSecretsAreNoLog() throws {
        XCTAssertTrue(HtpasswdModule.spec.secretNames.contains("password"))
        XCTAssertTrue(DockerLoginModule.spec.secretNames.contains("password"))
        XCTAssertTrue(OpenSSLCSRModule.spec.secretNames.contains("privatekey_content"))
        XCTAssertTrue(X509CertificateModule.spec.secretNames.contains("ownca_privatekey_content"))
        for m in [DockerContainerModule.self, DockerImageModule.self, DockerLoginModule.self, OpenSSLPrivateKeyModule.self,
                  OpenSSLCSRModule.self, X509CertificateModule.self, X509CertificateInfoModule.self, HtpasswdModule.self] as [Module.Type] {
            XCTAssertNotNil(ModuleRegistry.module(named: m.name))
            XCTAssertFalse(m.documentation.isEmpty)
            for a in m.aliases { XCTAssertNotNil(ModuleRegistry.module(named: a), a) }
        }
        XCTAssertThrowsError(try DockerContainerModule.spec.validate(["name": "x", "imag": "y"], module: "docker_container"))
    }

    /// Every key type the module makes parses back and is read by openssl on the controller.
    func testGeneratedKeysAreOpenSSLCompatible() throws {
        let cases: [(String, Int, String?, String)] = [("RSA", 2048, nil, "pkcs1"), ("RSA", 2048, nil, "pkcs8"),
                                                       ("ECC", 0, "secp256r1", "auto"), ("ECC", 0, "secp384r1", "auto"),
                                                       ("ECC", 0, "secp521r1", "auto"), ("Ed25519", 0, nil, "auto")]
        for (type, size, curve, format) in cases {
            let (info, pem, _) = try OpenSSLPrivateKeyModule.generate(type: type, size: size, curve: curve, format: format)
            let back = try CryptoSupport.loadKey(pem, what: "test")
            XCTAssertEqual(back.type, type)
            XCTAssertEqual(back.curve, curve)
            XCTAssertEqual(back.key.publicKey, info.key.publicKey)
            if format == "pkcs8" { XCTAssertTrue(pem.hasPrefix("-----BEGIN PRIVATE KEY-----")) }
            if format == "pkcs1" { XCTAssertTrue(pem.hasPrefix("-----BEGIN RSA PRIVATE KEY-----")) }
            let (code, _) = try controller(["openssl", "pkey", "-noout"], stdin: pem)
            XCTAssertEqual(code, 0, "openssl rejects \(type) \(curve ?? "")")
        }
        XCTAssertThrowsError(try CryptoSupport.loadKey("-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n", what: "k"))
        XCTAssertThrowsError(try CryptoSupport.loadKey("garbage", what: "k"))
    }

    /// Encrypted keys: ours open with openssl, openssl's (PKCS#8 and traditional) open here.
    func testEncryptedKeysInteroperateWithOpenSSL() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dm-enc-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let passFile = dir.appendingPathComponent("pass").path
        try "pass phrase\n".write(toFile: passFile, atomically: true, encoding: .utf8)

        let made = try OpenSSLPrivateKeyModule.generate(type: "ECC", size: 0, curve: "secp384r1", format: "auto")
        let encrypted = try KeyEncryption.encrypt(pkcs8: made.pkcs8, passphrase: "pass phrase")
        XCTAssertTrue(encrypted.hasPrefix("-----BEGIN ENCRYPTED PRIVATE KEY-----"))
        let ours = dir.appendingPathComponent("ours.pem").path
        try encrypted.write(toFile: ours, atomically: true, encoding: .utf8)
        XCTAssertEqual(try controller(["openssl", "pkey", "-in", ours, "-passin", "file:\(passFile)", "-noout"]).0, 0)
        let back = try CryptoSupport.loadKey(encrypted, what: "k", passphrase: "pass phrase")
        XCTAssertTrue(back.encrypted)
        XCTAssertEqual(back.key.publicKey, made.info.key.publicKey)
        XCTAssertThrowsError(try CryptoSupport.loadKey(encrypted, what: "k", passphrase: "wrong"))
        XCTAssertThrowsError(try CryptoSupport.loadKey(encrypted, what: "k"))

        let theirs = dir.appendingPathComponent("theirs.pem").path
        for cmd in [["openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-aes-256-cbc", "-pass", "file:\(passFile)", "-out", theirs],
                    ["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-aes-128-cbc", "-pass", "file:\(passFile)", "-out", theirs],
                    ["openssl", "genrsa", "-traditional", "-aes256", "-passout", "file:\(passFile)", "-out", theirs, "2048"]] {
            XCTAssertEqual(try controller(cmd).0, 0, cmd.joined(separator: " "))
            let text = try String(contentsOfFile: theirs, encoding: .utf8)
            let key = try CryptoSupport.loadKey(text, what: "theirs", passphrase: "pass phrase")
            XCTAssertTrue(key.encrypted)
            let (_, pub) = try controller(["openssl", "pkey", "-in", theirs, "-passin", "file:\(passFile)", "-pubout"])
            XCTAssertEqual(CryptoSupport.publicKeyPEM(key.key.publicKey).trimmingCharacters(in: .whitespacesAndNewlines),
                           pub.trimmingCharacters(in: .whitespacesAndNewlines), cmd.joined(separator: " "))
            XCTAssertThrowsError(try CryptoSupport.loadKey(text, what: "theirs", passphrase: "nope"))
        }
    }
}
