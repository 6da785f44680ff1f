import Foundation
import Jinja
import OrderedCollections
import XCTest
@testable import Modules
@testable import Transport

/// The whole chain on a real host: a CA and a server certificate (x509_certificate), users
/// (htpasswd, bcrypt), the registry image (docker_image load), the registry container
/// (docker_container) serving TLS with basic auth, then docker_login and a push through it.
final class RegistryHostTests: XCTestCase {
    func testTLSRegistryWithHtpasswdUsers() throws {
        let (hosts, _) = try DMHosts.load()
        let c = try DMHosts.connect(hosts.count > 1 ? 1 : 0)
        defer { c.close() }
        let r = Runner(connection: c)
        try HostDocker.ensure(r)
        let dir = "/tmp/dm-reg"
        let port = 15443
        try r.sh("docker rm -f dm-registry >/dev/null 2>&1; rm -rf \(dir) /etc/docker/certs.d/127.0.0.1:\(port) /root/.docker/config.json; mkdir -p \(dir)/certs \(dir)/auth \(dir)/data")

        // PKI.
        try r.run(OpenSSLPrivateKeyModule.self, ["path": .string("\(dir)/certs/ca.key"), "size": 2048])
        try r.run(OpenSSLCSRModule.self, ["path": .string("\(dir)/certs/ca.csr"), "privatekey_path": .string("\(dir)/certs/ca.key"),
                                          "common_name": "dm registry CA", "basic_constraints": ["CA:TRUE"], "basic_constraints_critical": true,
                                          "key_usage": ["keyCertSign", "cRLSign"], "use_common_name_for_san": false])
        try r.run(X509CertificateModule.self, ["path": .string("\(dir)/certs/ca.crt"), "csr_path": .string("\(dir)/certs/ca.csr"),
                                               "privatekey_path": .string("\(dir)/certs/ca.key"), "provider": "selfsigned"])
        try r.run(OpenSSLPrivateKeyModule.self, ["path": .string("\(dir)/certs/server.key"), "type": "RSA", "size": 2048])
        try r.run(OpenSSLCSRModule.self, ["path": .string("\(dir)/certs/server.csr"), "privatekey_path": .string("\(dir)/certs/server.key"),
                                          "common_name": "localhost", "subject_alt_name": ["DNS:localhost", "IP:127.0.0.1"],
                                          "key_usage": ["digitalSignature", "keyEncipherment"], "extended_key_usage": ["serverAuth"]])
        try r.run(X509CertificateModule.self, ["path": .string("\(dir)/certs/server.crt"), "csr_path": .string("\(dir)/certs/server.csr"),
                                               "privatekey_path": .string("\(dir)/certs/server.key"), "provider": "ownca",
                                               "ownca_path": .string("\(dir)/certs/ca.crt"), "ownca_privatekey_path": .string("\(dir)/certs/ca.key"),
                                               "ownca_not_after": "+90d"])
        let text = try r.sh("openssl x509 -in \(dir)/certs/server.crt -noout -text")
        XCTAssertTrue(text.contains("DNS:localhost, IP Address:127.0.0.1"), text)
        XCTAssertTrue(text.contains("TLS Web Server Authentication"), text)
        XCTAssertEqual(try r.exitCode("openssl x509 -in \(dir)/certs/server.crt -noout -checkend \(89 * 86400)"), 0)
        XCTAssertNotEqual(try r.exitCode("openssl x509 -in \(dir)/certs/server.crt -noout -checkend \(91 * 86400)"), 0)

        // Users: bcrypt, idempotent, verified by Apache's htpasswd.
        let pw = "correct horse; battery 'staple'"
        var res = try r.run(HtpasswdModule.self, ["path": .string("\(dir)/auth/htpasswd"), "name": "alice", "password": .string(pw), "mode": "0640"])
        XCTAssertTrue(res.changed)
        XCTAssertFalse(res.values.values.contains { $0.pythonStr.contains(pw) }, "password leaked into the result")
        XCTAssertFalse(try r.run(HtpasswdModule.self, ["path": .string("\(dir)/auth/htpasswd"), "name": "alice", "password": .string(pw)]).changed)
        try r.run(HtpasswdModule.self, ["path": .string("\(dir)/auth/htpasswd"), "name": "bob", "password": "first"])
        XCTAssertTrue(try r.run(HtpasswdModule.self, ["path": .string("\(dir)/auth/htpasswd"), "name": "bob", "password": "second"]).changed)
        XCTAssertTrue(try r.sh("cat \(dir)/auth/htpasswd").contains("alice:$2y$10$"))
        XCTAssertEqual(try r.sh("stat -c %a \(dir)/auth/htpasswd"), "640\n")
        // htpasswd -v reads the password from stdin when -b is not given... -b puts it on the command line, fine for a test.
        XCTAssertEqual(try r.exitCode("htpasswd -vbB \(dir)/auth/htpasswd alice \(shellQuote(pw))"), 0)
        XCTAssertNotEqual(try r.exitCode("htpasswd -vbB \(dir)/auth/htpasswd alice wrong"), 0)
        XCTAssertEqual(try r.exitCode("htpasswd -vbB \(dir)/auth/htpasswd bob second"), 0)
        // Removing a user.
        XCTAssertTrue(try r.run(HtpasswdModule.self, ["path": .string("\(dir)/auth/htpasswd"), "name": "bob", "state": "absent"]).changed)
        XCTAssertFalse(try r.sh("cat \(dir)/auth/htpasswd").contains("bob:"))
        try r.run(HtpasswdModule.self, ["path": .string("\(dir)/auth/htpasswd"), "name": "pusher", "password": "push-pw"])

        // Image and container.
        let tar = try HostDocker.registryTarball()
        try r.run(DockerImageModule.self, ["name": "registry:2", "source": "load", "load_src": .string(tar)])
        let container: OrderedDictionary<String, Value> = [
            "name": "dm-registry", "image": "registry:2", "restart_policy": "always",
            "published_ports": .list([.string("127.0.0.1:\(port):5000")]),
            "volumes": .list([.string("\(dir)/certs:/certs:ro"), .string("\(dir)/auth:/auth:ro"), .string("\(dir)/data:/var/lib/registry")]),
            "env": ["REGISTRY_HTTP_TLS_CERTIFICATE": "/certs/server.crt", "REGISTRY_HTTP_TLS_KEY": "/certs/server.key",
                    "REGISTRY_AUTH": "htpasswd", "REGISTRY_AUTH_HTPASSWD_REALM": "dm", "REGISTRY_AUTH_HTPASSWD_PATH": "/auth/htpasswd"],
        ]
        XCTAssertTrue(try r.run(DockerContainerModule.self, container).changed)
        XCTAssertFalse(try r.run(DockerContainerModule.self, container).changed)

        let url = "https://127.0.0.1:\(port)/v2/"
        try r.sh("for i in $(seq 50); do curl -s --cacert \(dir)/certs/ca.crt \(url) >/dev/null && exit 0; sleep 0.2; done; exit 1")
        func status(_ auth: String) throws -> String {
            try r.sh("curl -s -o /dev/null -w '%{http_code}' --cacert \(dir)/certs/ca.crt -u \(shellQuote(auth)) \(url)")
        }
        XCTAssertEqual(try status("alice:\(pw)"), "200")
        XCTAssertEqual(try status("alice:wrong"), "401")
        XCTAssertEqual(try status("bob:second"), "401")
        XCTAssertEqual(try r.sh("curl -s -o /dev/null -w '%{http_code}' --cacert \(dir)/certs/ca.crt \(url)"), "401")
        // Without the CA, TLS verification fails.
        XCTAssertNotEqual(try r.exitCode("curl -s -u pusher:push-pw \(url)"), 0)

        // docker_login (the engine must trust the CA) and a push through the registry.
        try r.sh("mkdir -p /etc/docker/certs.d/127.0.0.1:\(port) && cp \(dir)/certs/ca.crt /etc/docker/certs.d/127.0.0.1:\(port)/ca.crt")
        let bad = try r.run(DockerLoginModule.self, ["registry_url": .string("127.0.0.1:\(port)"), "username": "pusher", "password": "nope-secret"], expectFailure: true)
        XCTAssertTrue(bad.failed)
        XCTAssertFalse(bad["msg"]?.pythonStr.contains("nope-secret") ?? true)
        let login: OrderedDictionary<String, Value> = ["registry_url": .string("127.0.0.1:\(port)"), "username": "pusher", "password": "push-pw"]
        XCTAssertTrue(try r.run(DockerLoginModule.self, login).changed)
        XCTAssertFalse(try r.run(DockerLoginModule.self, login).changed)
        XCTAssertEqual(try r.sh("stat -c %a /root/.docker/config.json"), "600\n")
        XCTAssertTrue(try r.sh("cat /root/.docker/config.json").contains(Data("pusher:push-pw".utf8).base64EncodedString()))
        res = try r.run(DockerImageModule.self, ["name": "registry:2", "repository": .string("127.0.0.1:\(port)/mirror/registry"), "push": true])
        XCTAssertTrue(res.changed)
        XCTAssertTrue(try r.sh("curl -s --cacert \(dir)/certs/ca.crt -u pusher:push-pw https://127.0.0.1:\(port)/v2/_catalog").contains("mirror/registry"))
        // Pull it back under its registry name after removing the local tag.
        XCTAssertTrue(try r.run(DockerImageModule.self, ["name": .string("127.0.0.1:\(port)/mirror/registry:2"), "state": "absent"]).changed)
        XCTAssertTrue(try r.run(DockerImageModule.self, ["name": .string("127.0.0.1:\(port)/mirror/registry:2"), "source": "pull"]).changed)
        XCTAssertFalse(try r.run(DockerLoginModule.self, ["registry_url": .string("127.0.0.1:\(port)"), "state": "absent"]).failed)
        XCTAssertFalse(try r.sh("cat /root/.docker/config.json").contains("127.0.0.1:\(port)\""))

        try r.sh("docker rm -f dm-registry >/dev/null; docker rmi 127.0.0.1:\(port)/mirror/registry:2 >/dev/null 2>&1; rm -rf \(dir); true")
    }
}
