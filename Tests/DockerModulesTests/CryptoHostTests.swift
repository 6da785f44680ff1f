import Foundation
import Jinja
import XCTest
@testable import Modules
@testable import Transport

/// Keys, CSRs and certificates written to a real host and checked there with openssl.
final class CryptoHostTests: XCTestCase {
    func testCAAndServerCertificateChain() throws {
        let c = try DMHosts.connect(0)
        defer { c.close() }
        let r = Runner(connection: c)
        try HostDocker.ensure(r)
        let dir = "/tmp/dm-pki"
        try r.sh("rm -rf \(dir) && mkdir -p \(dir)")

        // Check mode writes nothing.
        XCTAssertTrue(try r.run(OpenSSLPrivateKeyModule.self, ["path": "\(dir)/ca.key", "size": 2048], check: true).changed)
        XCTAssertTrue(try r.run(HtpasswdModule.self, ["path": "\(dir)/htpasswd", "name": "u", "password": "p"], check: true).changed)
        XCTAssertEqual(try r.sh("ls -A \(dir)"), "")

        // Keys: RSA (2048 for speed) and ECC; mode 0600; second run keeps them.
        var k = try r.run(OpenSSLPrivateKeyModule.self, ["path": "\(dir)/ca.key", "size": 2048])
        XCTAssertTrue(k.changed)
        XCTAssertEqual(k["type"], "RSA"); XCTAssertEqual(k["size"], 2048)
        XCTAssertNil(k["privatekey"], "key content must not be returned without return_content")
        XCTAssertEqual(try r.sh("stat -c %a \(dir)/ca.key"), "600\n")
        XCTAssertEqual(try r.sh("openssl rsa -in \(dir)/ca.key -check -noout"), "RSA key ok\n")
        let caKeyBefore = try r.sh("sha256sum \(dir)/ca.key")
        k = try r.run(OpenSSLPrivateKeyModule.self, ["path": "\(dir)/ca.key", "size": 2048])
        XCTAssertFalse(k.changed)
        XCTAssertEqual(try r.sh("sha256sum \(dir)/ca.key"), caKeyBefore)
        // Another size regenerates; check mode reports without writing.
        k = try r.run(OpenSSLPrivateKeyModule.self, ["path": "\(dir)/ca.key", "size": 3072], check: true)
        XCTAssertTrue(k.changed)
        XCTAssertEqual(try r.sh("sha256sum \(dir)/ca.key"), caKeyBefore)

        k = try r.run(OpenSSLPrivateKeyModule.self, ["path": "\(dir)/server.key", "type": "ECC", "curve": "secp256r1"])
        XCTAssertTrue(k.changed)
        XCTAssertEqual(k["curve"], "secp256r1")
        XCTAssertTrue(try r.sh("openssl pkey -in \(dir)/server.key -noout -text").contains("P-256"))
        XCTAssertFalse(try r.run(OpenSSLPrivateKeyModule.self, ["path": "\(dir)/server.key", "type": "ECC", "curve": "secp256r1"]).changed)
        XCTAssertTrue(try r.run(OpenSSLPrivateKeyModule.self, ["path": "\(dir)/server.key", "type": "ECC", "curve": "secp384r1"], check: true).changed)

        // CA: CSR + self-signed certificate.
        let caCSR: [String: Value] = ["path": "\(dir)/ca.csr", "privatekey_path": "\(dir)/ca.key", "common_name": "swiftplay test CA",
                                      "organization_name": "swiftplay", "basic_constraints": ["CA:TRUE"], "basic_constraints_critical": true,
                                      "key_usage": ["keyCertSign", "cRLSign"], "key_usage_critical": true, "use_common_name_for_san": false]
        var res = try r.run(OpenSSLCSRModule.self, .init(uniqueKeysWithValues: caCSR.map { ($0.key, $0.value) }))
        XCTAssertTrue(res.changed)
        XCTAssertEqual(res["basicConstraints"], ["CA:TRUE"])
        XCTAssertEqual(try r.exitCode("openssl req -in \(dir)/ca.csr -noout -verify"), 0)
        res = try r.run(OpenSSLCSRModule.self, .init(uniqueKeysWithValues: caCSR.map { ($0.key, $0.value) }))
        XCTAssertFalse(res.changed, "same CSR request must not rewrite it")

        let caCert: [(String, Value)] = [("path", .string("\(dir)/ca.crt")), ("csr_path", .string("\(dir)/ca.csr")),
                                         ("privatekey_path", .string("\(dir)/ca.key")), ("provider", "selfsigned"),
                                         ("selfsigned_not_after", "+3650d")]
        res = try r.run(X509CertificateModule.self, .init(uniqueKeysWithValues: caCert))
        XCTAssertTrue(res.changed)
        XCTAssertFalse(try r.run(X509CertificateModule.self, .init(uniqueKeysWithValues: caCert)).changed)

        // Server: CSR with SANs, signed by the CA.
        let serverCSR: [(String, Value)] = [("path", .string("\(dir)/server.csr")), ("privatekey_path", .string("\(dir)/server.key")),
                                            ("common_name", "registry.test"),
                                            ("subject_alt_name", ["DNS:registry.test", "DNS:localhost", "IP:127.0.0.1"]),
                                            ("key_usage", ["digitalSignature", "keyEncipherment"]),
                                            ("extended_key_usage", ["serverAuth"])]
        XCTAssertTrue(try r.run(OpenSSLCSRModule.self, .init(uniqueKeysWithValues: serverCSR)).changed)
        let serverCert: [(String, Value)] = [("path", .string("\(dir)/server.crt")), ("csr_path", .string("\(dir)/server.csr")),
                                             ("privatekey_path", .string("\(dir)/server.key")), ("provider", "ownca"),
                                             ("ownca_path", .string("\(dir)/ca.crt")), ("ownca_privatekey_path", .string("\(dir)/ca.key")),
                                             ("ownca_not_after", "+365d"), ("mode", "0644")]
        res = try r.run(X509CertificateModule.self, .init(uniqueKeysWithValues: serverCert), diff: true)
        XCTAssertTrue(res.changed)
        XCTAssertNotNil(res["diff"])
        XCTAssertFalse(try r.run(X509CertificateModule.self, .init(uniqueKeysWithValues: serverCert)).changed)
        XCTAssertEqual(try r.sh("openssl verify -CAfile \(dir)/ca.crt \(dir)/server.crt"), "\(dir)/server.crt: OK\n")

        // What openssl sees: SANs, key usage, EKU, validity, CA flag, issuer.
        let text = try r.sh("openssl x509 -in \(dir)/server.crt -noout -text")
        XCTAssertTrue(text.contains("DNS:registry.test, DNS:localhost, IP Address:127.0.0.1"), text)
        XCTAssertTrue(text.contains("Digital Signature, Key Encipherment"), text)
        XCTAssertTrue(text.contains("TLS Web Server Authentication"), text)
        XCTAssertTrue(text.contains("Issuer: O = swiftplay, CN = swiftplay test CA") || text.contains("Issuer: CN = swiftplay test CA"), text)
        XCTAssertTrue(text.contains("X509v3 Authority Key Identifier"), text)
        XCTAssertEqual(try r.exitCode("openssl x509 -in \(dir)/server.crt -noout -checkend \(364 * 86400)"), 0)
        XCTAssertNotEqual(try r.exitCode("openssl x509 -in \(dir)/server.crt -noout -checkend \(366 * 86400)"), 0)
        let caText = try r.sh("openssl x509 -in \(dir)/ca.crt -noout -text")
        XCTAssertTrue(caText.contains("CA:TRUE"), caText)
        XCTAssertTrue(caText.contains("Certificate Sign, CRL Sign"), caText)
        // The certificate matches its key.
        XCTAssertEqual(try r.sh("openssl x509 -in \(dir)/server.crt -noout -pubkey"), try r.sh("openssl pkey -in \(dir)/server.key -pubout"))

        // x509_certificate_info agrees.
        let info = try r.run(X509CertificateInfoModule.self, ["path": .string("\(dir)/server.crt"), "valid_at": ["next_year": "+400d", "soon": "+30d"]])
        XCTAssertEqual(info["subject_alt_name"], ["DNS:registry.test", "DNS:localhost", "IP:127.0.0.1"])
        XCTAssertEqual(info["subject"]?["commonName"], "registry.test")
        XCTAssertEqual(info["issuer"]?["commonName"], "swiftplay test CA")
        XCTAssertEqual(info["key_usage"], ["Digital Signature", "Key Encipherment"])
        XCTAssertEqual(info["extended_key_usage"], ["TLS Web Server Authentication"])
        XCTAssertEqual(info["expired"], false)
        XCTAssertEqual(info["valid_at"]?["next_year"], false)
        XCTAssertEqual(info["valid_at"]?["soon"], true)
        XCTAssertEqual(info["public_key_type"], "ECC")
        let serial = try r.sh("openssl x509 -in \(dir)/server.crt -noout -serial").trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertEqual(serial.dropFirst("serial=".count).uppercased(), String(info["serial_number"]?.intValue ?? 0, radix: 16).uppercased().leftPadded(to: serial.count - 7))
        let notAfter = try r.sh("openssl x509 -in \(dir)/server.crt -noout -enddate")
        XCTAssertTrue(notAfter.hasPrefix("notAfter="))

        // Changing a requested property regenerates: new SAN in the CSR, then the certificate follows.
        var csr2 = serverCSR
        csr2[3] = ("subject_alt_name", ["DNS:registry.test", "DNS:localhost", "IP:127.0.0.1", "IP:::1"])
        XCTAssertTrue(try r.run(OpenSSLCSRModule.self, .init(uniqueKeysWithValues: csr2)).changed)
        res = try r.run(X509CertificateModule.self, .init(uniqueKeysWithValues: serverCert))
        XCTAssertTrue(res.changed)
        XCTAssertEqual(res["reasons"], ["extensions"])
        XCTAssertTrue(try r.sh("openssl x509 -in \(dir)/server.crt -noout -ext subjectAltName").contains("IP Address:0:0:0:0:0:0:0:1"))
        // A certificate expiring within the threshold (min(30d, half the lifetime)) is renewed.
        var short = serverCert
        short[6] = ("ownca_not_after", "+2d")
        XCTAssertFalse(try r.run(X509CertificateModule.self, .init(uniqueKeysWithValues: short)).changed, "validity alone is ignored")
        short.append(("force", true))
        XCTAssertTrue(try r.run(X509CertificateModule.self, .init(uniqueKeysWithValues: short)).changed)
        short.removeLast()
        XCTAssertFalse(try r.run(X509CertificateModule.self, .init(uniqueKeysWithValues: short)).changed, "+2d cert, +2d asked: threshold 1d")
        res = try r.run(X509CertificateModule.self, .init(uniqueKeysWithValues: serverCert))
        XCTAssertTrue(res.changed)
        XCTAssertEqual(res["reasons"], ["expiry"])

        // Ed25519 and P-384 keys sign CSRs and self-signed certificates that openssl verifies.
        for (name, extra) in [("ed", ["type": "Ed25519"]), ("p384", ["type": "ECC", "curve": "secp384r1"])] as [(String, [String: Value])] {
            var keyArgs: [(String, Value)] = [("path", .string("\(dir)/\(name).key"))]
            keyArgs += extra.map { ($0.key, $0.value) }
            try r.run(OpenSSLPrivateKeyModule.self, .init(uniqueKeysWithValues: keyArgs))
            try r.run(OpenSSLCSRModule.self, ["path": "\(dir)/\(name).csr", "privatekey_path": "\(dir)/\(name).key", "common_name": "\(name).test"])
            XCTAssertEqual(try r.exitCode("openssl req -in \(dir)/\(name).csr -noout -verify"), 0)
            try r.run(X509CertificateModule.self, ["path": "\(dir)/\(name).crt", "csr_path": "\(dir)/\(name).csr",
                                                   "privatekey_path": "\(dir)/\(name).key", "provider": "selfsigned", "selfsigned_digest": "sha384"])
            XCTAssertEqual(try r.sh("openssl verify -CAfile \(dir)/\(name).crt \(dir)/\(name).crt"), "\(dir)/\(name).crt: OK\n")
        }

        // Passphrase-protected CA key: written encrypted, kept on the second run, usable for signing.
        let enc: [(String, Value)] = [("path", .string("\(dir)/enc.key")), ("type", "ECC"), ("curve", "secp256r1"), ("passphrase", "hunter2 hunter2")]
        XCTAssertTrue(try r.run(OpenSSLPrivateKeyModule.self, .init(uniqueKeysWithValues: enc)).changed)
        XCTAssertTrue(try r.sh("head -1 \(dir)/enc.key").contains("ENCRYPTED PRIVATE KEY"))
        XCTAssertFalse(try r.run(OpenSSLPrivateKeyModule.self, .init(uniqueKeysWithValues: enc)).changed)
        try r.sh("printf '%s\\n' 'hunter2 hunter2' > \(dir)/pw && openssl pkey -in \(dir)/enc.key -passin file:\(dir)/pw -noout && rm \(dir)/pw")
        XCTAssertTrue(try r.run(OpenSSLPrivateKeyModule.self, ["path": "\(dir)/enc.key", "type": "ECC", "curve": "secp256r1", "passphrase": "other"], check: true).changed)
        XCTAssertTrue(try r.run(OpenSSLPrivateKeyModule.self, ["path": "\(dir)/enc.key", "type": "ECC", "curve": "secp256r1"], check: true).changed,
                      "an encrypted key without passphrase is regenerated")
        XCTAssertTrue(try r.run(OpenSSLCSRModule.self, ["path": "\(dir)/enc.csr", "privatekey_path": "\(dir)/enc.key",
                                                         "privatekey_passphrase": "hunter2 hunter2", "common_name": "enc"]).changed)
        let wrong = try r.run(OpenSSLCSRModule.self, ["path": "\(dir)/enc2.csr", "privatekey_path": "\(dir)/enc.key",
                                                       "privatekey_passphrase": "nope", "common_name": "enc"], expectFailure: true)
        XCTAssertTrue(wrong.failed)
        XCTAssertFalse(wrong["msg"]?.pythonStr.contains("nope") ?? true)
        XCTAssertTrue(try r.run(X509CertificateModule.self, ["path": "\(dir)/enc.crt", "csr_path": "\(dir)/enc.csr", "provider": "ownca",
                                                              "ownca_path": "\(dir)/ca.crt", "ownca_privatekey_path": "\(dir)/ca.key"]).changed)
        try r.sh("rm -rf \(dir)")
    }
}

extension String {
    func leftPadded(to n: Int) -> String { count >= n ? self : String(repeating: "0", count: n - count) + self }
}
