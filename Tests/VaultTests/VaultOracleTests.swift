import Foundation
import Vault
import XCTest

/// Our cipher against ansible-vault's, both ways.
final class VaultOracleTests: XCTestCase {
    func secrets(_ pairs: (String, String)...) -> VaultSecrets {
        VaultSecrets(pairs.map { VaultSecret(label: $0.0, password: Array($0.1.utf8)) })
    }

    func testDecryptsAnsibleVaultFile11() throws {
        let s = try Scratch()
        try s.write("pw", "correct horse\n")
        let file = try s.write("data.yml", "a: 1\nb: [x, y]\nnon-ascii: é✓\n")
        let r = try Oracle.run(["encrypt", "--vault-password-file", "pw", "data.yml"], in: s.path)
        XCTAssertEqual(r.status, 0, r.stderr)
        let text = try String(contentsOfFile: file, encoding: .utf8)
        XCTAssertTrue(text.hasPrefix("$ANSIBLE_VAULT;1.1;AES256\n"))
        XCTAssertEqual(try secrets(("default", "correct horse")).decryptText(text), "a: 1\nb: [x, y]\nnon-ascii: é✓\n")
    }

    func testDecryptsAnsibleVaultLabelled12() throws {
        let s = try Scratch()
        try s.write("pw", "p2")
        let r = try Oracle.run(["encrypt", "--vault-id", "prod@pw", "--output", "-", "-"], input: "secret text", in: s.path)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.hasPrefix("$ANSIBLE_VAULT;1.2;AES256;prod\n"), r.stdout)
        XCTAssertEqual(try VaultEnvelope(parsing: r.stdout).label, "prod")
        // The labelled secret is tried first, but any secret that fits opens it.
        XCTAssertEqual(try secrets(("dev", "nope"), ("prod", "p2")).decryptText(r.stdout), "secret text")
        XCTAssertEqual(try secrets(("other", "p2")).decryptText(r.stdout), "secret text")
    }

    func testDecryptsEncryptString() throws {
        let s = try Scratch()
        try s.write("pw", "pw")
        let r = try Oracle.run(["encrypt_string", "--vault-password-file", "pw", "--name", "token", "s3cr3t value"], in: s.path)
        XCTAssertEqual(r.status, 0, r.stderr)
        // The indented block under `token: !vault |`.
        let body = r.stdout.split(separator: "\n").dropFirst().map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: "\n")
        XCTAssertEqual(try secrets(("default", "pw")).decryptText(body), "s3cr3t value")
    }

    /// VAULT_ENCRYPT_SALT makes encryption deterministic: ours is then ansible-vault's, byte for byte.
    func testFixedSaltEncryptsAsAnsibleVault() throws {
        let s = try Scratch()
        try s.write("pw", "pw\n")
        for (id, label) in [("pw", "default"), ("team@pw", "team")] {
            let r = try Oracle.run(["encrypt", "--vault-id", id, "--output", "-", "-"], input: "same text\n", in: s.path,
                                   environment: ["ANSIBLE_VAULT_ENCRYPT_SALT": "fixed-salt"])
            XCTAssertEqual(r.status, 0, r.stderr)
            let ours = try VaultSecrets.encrypt(Array("same text\n".utf8), with: VaultSecret(label: label, password: Array("pw".utf8)),
                                                salt: Array("fixed-salt".utf8))
            XCTAssertEqual(ours, r.stdout)
        }
    }

    func testAnsibleVaultDecryptsOurs() throws {
        let s = try Scratch()
        try s.write("pw", "ours\n")
        let plain = "line one\nline two with ünïcode\n" + String(repeating: "x", count: 100)
        try s.write("v11", try VaultSecrets.encrypt(Array(plain.utf8), with: VaultSecret(label: "default", password: Array("ours".utf8))))
        try s.write("v12", try VaultSecrets.encrypt(Array(plain.utf8), with: VaultSecret(label: "team", password: Array("ours".utf8))))
        for (file, id) in [("v11", "pw"), ("v12", "team@pw")] {
            let r = try Oracle.run(["decrypt", "--vault-id", id, "--output", "-", file], in: s.path)
            XCTAssertEqual(r.status, 0, r.stderr)
            XCTAssertEqual(r.stdout, plain)
            // view shows it with a newline at the end.
            XCTAssertEqual(try Oracle.run(["view", "--vault-id", id, file], in: s.path).stdout, plain + "\n")
        }
        let d = try Oracle.run(["decrypt", "--vault-password-file", "pw", "v12"], in: s.path)
        XCTAssertEqual(d.status, 0, d.stderr)
        XCTAssertEqual(try String(contentsOfFile: s.path + "/v12", encoding: .utf8), plain)
    }

    func testEmptyAndBlockSizedPlaintexts() throws {
        let s = try Scratch()
        try s.write("pw", "k")
        for plain in ["", "0123456789abcdef", "0123456789abcde"] {
            try s.write("v", try VaultSecrets.encrypt(Array(plain.utf8), with: VaultSecret(label: "default", password: Array("k".utf8))))
            let r = try Oracle.run(["decrypt", "--vault-password-file", "pw", "--output", "-", "v"], in: s.path)
            XCTAssertEqual(r.status, 0, r.stderr)
            XCTAssertEqual(r.stdout, plain)
        }
    }

    func testWrongPasswordIsRejected() throws {
        let s = try Scratch()
        try s.write("pw", "right")
        let r = try Oracle.run(["encrypt", "--vault-password-file", "pw", "--output", "-", "-"], input: "data", in: s.path)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertThrowsError(try secrets(("default", "wrong")).decrypt(r.stdout, source: "f.yml")) { error in
            XCTAssertEqual("\(error)", "Decryption failed (no vault secrets were found that could decrypt) on f.yml")
        }
        XCTAssertThrowsError(try secrets().decrypt(r.stdout)) { error in
            XCTAssertEqual("\(error)", "Attempting to decrypt but no vault secrets found")
        }
    }

    func testTamperedHMACIsRejected() throws {
        let s = try Scratch()
        try s.write("pw", "right")
        let r = try Oracle.run(["encrypt", "--vault-password-file", "pw", "--output", "-", "-"], input: "data", in: s.path)
        var envelope = try VaultEnvelope(parsing: r.stdout)
        XCTAssertEqual(try secrets(("default", "right")).decryptText(envelope.text), "data")
        // Flip one hex digit of the HMAC (second line of the payload).
        let lines = String(decoding: envelope.payload, as: UTF8.self).split(separator: "\n").map(String.init)
        var mac = Array(lines[1])
        mac[0] = mac[0] == "0" ? "1" : "0"
        envelope.payload = Array([lines[0], String(mac), lines[2]].joined(separator: "\n").utf8)
        XCTAssertThrowsError(try secrets(("default", "right")).decrypt(envelope))
        // ansible-vault rejects it too.
        try s.write("t", envelope.text)
        XCTAssertNotEqual(try Oracle.run(["view", "--vault-password-file", "pw", "t"], in: s.path).status, 0)
    }

    func testTamperedCiphertextIsRejected() throws {
        let secret = VaultSecret(label: "default", password: Array("pw".utf8))
        var envelope = try VaultEnvelope(parsing: try VaultSecrets.encrypt(Array("hello".utf8), with: secret))
        let lines = String(decoding: envelope.payload, as: UTF8.self).split(separator: "\n").map(String.init)
        var c = Array(lines[2])
        c[c.count - 1] = c[c.count - 1] == "0" ? "1" : "0"
        envelope.payload = Array([lines[0], lines[1], String(c)].joined(separator: "\n").utf8)
        XCTAssertThrowsError(try VaultSecrets([secret]).decrypt(envelope))
    }

    func testEnvelopeLayout() throws {
        let text = try VaultSecrets.encrypt(Array(String(repeating: "y", count: 200).utf8), with: VaultSecret(label: "default", password: [1]))
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertEqual(lines.first, "$ANSIBLE_VAULT;1.1;AES256")
        XCTAssertEqual(lines.last, "")
        XCTAssertTrue(lines.dropFirst().dropLast().dropLast().allSatisfy { $0.count == 80 })
        XCTAssertTrue(lines.dropFirst().allSatisfy { $0.allSatisfy(\.isHexDigit) })
    }
}
