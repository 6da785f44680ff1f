import Foundation
import XCTest
import Jinja
@testable import Modules

/// A small HTTP server on the test host, bound to 127.0.0.1: files from /srv/sp-www for GET,
/// and an echo of method, headers and body (as JSON) for /echo.
enum SysHTTPServer {
    static let port = 8765
    static let script = #"""
    import http.server, json, os
    class H(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *a, **k):
            super().__init__(*a, directory="/srv/sp-www", **k)
        def echo(self):
            n = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(n).decode() if n else ""
            out = json.dumps({"method": self.command, "path": self.path, "body": body,
                              "headers": {k.lower(): v for k, v in self.headers.items()}}).encode()
            self.send_response(201 if self.command == "POST" else 200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(out)))
            self.send_header("X-Sp-Test", "yes")
            self.end_headers()
            self.wfile.write(out)
        def do_POST(self): self.echo()
        def do_PUT(self): self.echo()
        def do_GET(self):
            if self.path.startswith("/echo"): return self.echo()
            if self.path == "/redirect":
                self.send_response(302); self.send_header("Location", "/hello.txt"); self.end_headers(); return
            return super().do_GET()
    http.server.ThreadingHTTPServer(("127.0.0.1", 8765), H).serve_forever()
    """#

    static func start(_ h: SysRunner) throws {
        try h.sh("mkdir -p /srv/sp-www && printf 'hello swiftplay\\n' > /srv/sp-www/hello.txt && printf '{\"a\": 1, \"b\": [true, null, \"x\"]}' > /srv/sp-www/data.json")
        try h.sh("cd /srv/sp-www && sha256sum hello.txt > SHA256SUMS")
        if try h.rc("bash -c 'exec 3<>/dev/tcp/127.0.0.1/\(port)' 2>/dev/null") == 0 { return }
        try h.sh("cat > /tmp/sp-http.py <<'EOF'\n\(script)\nEOF\nnohup python3 /tmp/sp-http.py >/tmp/sp-http.log 2>&1 </dev/null & sleep 1")
        XCTAssertEqual(try h.rc("bash -c 'exec 3<>/dev/tcp/127.0.0.1/\(port)'"), 0, "test HTTP server did not start")
    }
}

final class NetworkTests: XCTestCase {
    func testGetURL() throws {
        let h = SysRunner(try SysHosts.connect(0))
        try SysHTTPServer.start(h)
        try h.sh("rm -rf /tmp/sp-dl && mkdir -p /tmp/sp-dl")
        let url = "http://127.0.0.1:\(SysHTTPServer.port)/hello.txt"
        let sum = try h.sh("sha256sum /srv/sp-www/hello.txt | cut -d' ' -f1")

        let check = try h.ok(GetURLModule.self, ["url": .string(url), "dest": "/tmp/sp-dl/hello.txt"], check: true)
        XCTAssertTrue(check.changed)
        XCTAssertNotEqual(try h.rc("[ -e /tmp/sp-dl/hello.txt ]"), 0)

        let first = try h.ok(GetURLModule.self, ["url": .string(url), "dest": "/tmp/sp-dl/hello.txt", "mode": "0640", "checksum": .string("sha256:" + sum)])
        XCTAssertTrue(first.changed)
        XCTAssertEqual(first["status_code"], 200)
        XCTAssertEqual(first["mode"], "0640")
        XCTAssertEqual(first["size"], 16)
        XCTAssertEqual(first["checksum_dest"], .none)
        XCTAssertEqual(first["checksum_src"], .string(try h.sh("sha1sum /srv/sp-www/hello.txt | cut -d' ' -f1")))
        XCTAssertEqual(try h.sh("cat /tmp/sp-dl/hello.txt"), "hello swiftplay")
        XCTAssertEqual(try h.sh("stat -c %a /tmp/sp-dl/hello.txt"), "640")

        let second = try h.ok(GetURLModule.self, ["url": .string(url), "dest": "/tmp/sp-dl/hello.txt", "mode": "0640", "checksum": .string("sha256:" + sum)])
        XCTAssertFalse(second.changed)
        XCTAssertLessThanOrEqual(h.lastCount, 1)
        // without checksum and force: an existing file is not downloaded again
        XCTAssertFalse(try h.ok(GetURLModule.self, ["url": .string(url), "dest": "/tmp/sp-dl/hello.txt"]).changed)
        // force: downloads, but identical content is no change
        XCTAssertFalse(try h.ok(GetURLModule.self, ["url": .string(url), "dest": "/tmp/sp-dl/hello.txt", "force": true]).changed)
        // a changed file on the server with force: replaced
        try h.sh("printf 'local edit\\n' > /tmp/sp-dl/hello.txt")
        XCTAssertTrue(try h.ok(GetURLModule.self, ["url": .string(url), "dest": "/tmp/sp-dl/hello.txt", "force": true]).changed)
        XCTAssertEqual(try h.sh("cat /tmp/sp-dl/hello.txt"), "hello swiftplay")
        // mismatching content with a checksum: downloaded again
        try h.sh("printf 'local edit\\n' > /tmp/sp-dl/hello.txt")
        XCTAssertTrue(try h.ok(GetURLModule.self, ["url": .string(url), "dest": "/tmp/sp-dl/hello.txt", "checksum": .string("sha256:" + sum)]).changed)

        // dest is a directory; checksum from a checksum file URL
        let dir = try h.ok(GetURLModule.self, ["url": .string(url), "dest": "/tmp/sp-dl/",
                                               "checksum": .string("sha256:http://127.0.0.1:\(SysHTTPServer.port)/SHA256SUMS")])
        XCTAssertEqual(dir["dest"], "/tmp/sp-dl/hello.txt")

        // wrong checksum fails and leaves nothing behind
        let bad = try h.run(GetURLModule.self, ["url": .string(url), "dest": "/tmp/sp-dl/other.txt", "checksum": .string("sha256:" + String(repeating: "0", count: 64))])
        XCTAssertTrue(bad.failed)
        XCTAssertNotEqual(try h.rc("[ -e /tmp/sp-dl/other.txt ]"), 0)
        XCTAssertEqual(try h.sh("ls -A /tmp/sp-dl | grep -c swiftplay; true"), "0")

        // 404
        let missing = try h.run(GetURLModule.self, ["url": .string("http://127.0.0.1:\(SysHTTPServer.port)/nope"), "dest": "/tmp/sp-dl/nope"])
        XCTAssertTrue(missing.failed)
        XCTAssertEqual(missing["status_code"], 404)

        // credentials never reach a command line or the result
        let auth = try h.ok(GetURLModule.self, ["url": .string(url), "dest": "/tmp/sp-dl/auth.txt", "url_username": "bob", "url_password": "s3cr3t-pw"])
        XCTAssertTrue(auth.changed)
        XCTAssertFalse("\(auth.values)".contains("s3cr3t-pw"))
        XCTAssertFalse(h.conn.log.contains { $0.contains("s3cr3t-pw") })
    }

    func testURI() throws {
        let h = SysRunner(try SysHosts.connect(0))
        try SysHTTPServer.start(h)
        let base = "http://127.0.0.1:\(SysHTTPServer.port)"

        let get = try h.ok(URIModule.self, ["url": .string(base + "/data.json"), "return_content": true])
        XCTAssertFalse(get.changed)
        XCTAssertEqual(get["status"], 200)
        XCTAssertEqual(get["json"], ["a": 1, "b": [true, nil, "x"]])
        XCTAssertEqual(get["content"], "{\"a\": 1, \"b\": [true, null, \"x\"]}")
        XCTAssertEqual(get["content_type"], "application/json")
        XCTAssertEqual(get["content_length"], "32")
        XCTAssertEqual(get["msg"], "OK (32 bytes)")
        XCTAssertLessThanOrEqual(h.lastCount, 1)

        let post = try h.ok(URIModule.self, ["url": .string(base + "/echo"), "method": "POST", "body_format": "json",
                                             "body": ["name": "sp", "n": 2], "status_code": [200, 201],
                                             "headers": ["X-Custom": "v1"], "url_username": "bob", "url_password": "pw-9"])
        XCTAssertEqual(post["status"], 201)
        XCTAssertEqual(post["x_sp_test"], "yes")
        let echoed = post["json"]?.dictValue ?? [:]
        XCTAssertEqual(echoed["method"], "POST")
        XCTAssertEqual(echoed["body"], "{\"name\": \"sp\", \"n\": 2}")
        XCTAssertEqual(echoed["headers"]?.dictValue?["content-type"], "application/json")
        XCTAssertEqual(echoed["headers"]?.dictValue?["x-custom"], "v1")
        XCTAssertEqual(echoed["headers"]?.dictValue?["authorization"], .string("Basic " + Data("bob:pw-9".utf8).base64EncodedString()))
        XCTAssertFalse(h.conn.log.contains { $0.contains("pw-9") })

        let form = try h.ok(URIModule.self, ["url": .string(base + "/echo"), "method": "PUT", "body_format": "form-urlencoded",
                                             "body": ["a b": "c&d"]])
        XCTAssertEqual(form["json"]?.dictValue?["body"], "a+b=c%26d")

        let notFound = try h.run(URIModule.self, ["url": .string(base + "/missing")])
        XCTAssertTrue(notFound.failed)
        XCTAssertEqual(notFound["status"], 404)
        XCTAssertTrue(notFound["msg"]?.pythonStr.hasPrefix("Status code was 404 and not [200]") ?? false, "\(notFound["msg"] ?? .none)")
        XCTAssertFalse(try h.run(URIModule.self, ["url": .string(base + "/missing"), "status_code": 404]).failed)

        let redirect = try h.ok(URIModule.self, ["url": .string(base + "/redirect")])
        XCTAssertEqual(redirect["redirected"], .bool(true))
        XCTAssertEqual(redirect["url"], .string(base + "/hello.txt"))

        // dest: written once, then unchanged
        try h.sh("rm -f /tmp/sp-uri.json")
        XCTAssertTrue(try h.ok(URIModule.self, ["url": .string(base + "/data.json"), "dest": "/tmp/sp-uri.json"]).changed)
        XCTAssertEqual(try h.sh("cat /tmp/sp-uri.json"), "{\"a\": 1, \"b\": [true, null, \"x\"]}")
        XCTAssertFalse(try h.ok(URIModule.self, ["url": .string(base + "/data.json"), "dest": "/tmp/sp-uri.json"]).changed)

        // not run in check mode
        XCTAssertEqual(try h.ok(URIModule.self, ["url": .string(base + "/echo")], check: true)["skipped"], .bool(true))
    }

    func testWaitFor() throws {
        let h = SysRunner(try SysHosts.connect(0))
        try SysHTTPServer.start(h)
        let up = try h.ok(WaitForModule.self, ["port": .int(SysHTTPServer.port), "timeout": 5])
        XCTAssertFalse(up.changed)
        XCTAssertLessThanOrEqual(h.lastCount, 1)
        let closed = try h.run(WaitForModule.self, ["port": 8799, "timeout": 2])
        XCTAssertTrue(closed.failed)
        XCTAssertEqual(closed["msg"], "Timeout when waiting for 127.0.0.1:8799")
        XCTAssertFalse(try h.run(WaitForModule.self, ["port": 8799, "state": "stopped", "timeout": 2]).failed)
        let ssh = try h.ok(WaitForModule.self, ["port": 22, "search_regex": "OpenSSH_([0-9.]+)", "timeout": 5])
        XCTAssertEqual(ssh["match_groups"]?.listValue?.count, 1)

        // a file that appears after 2 seconds
        try h.sh("rm -f /tmp/sp-wait; (sleep 2; echo 'ready at port 42' > /tmp/sp-wait) >/dev/null 2>&1 &")
        let start = Date()
        let file = try h.ok(WaitForModule.self, ["path": "/tmp/sp-wait", "search_regex": "port (?P<num>[0-9]+)", "timeout": 15])
        XCTAssertGreaterThanOrEqual(Date().timeIntervalSince(start), 1.5)
        XCTAssertEqual(file["match_groupdict"], ["num": "42"])
        XCTAssertEqual(file["match_groups"], ["42"])
        try h.sh("(sleep 1; rm -f /tmp/sp-wait) >/dev/null 2>&1 &")
        XCTAssertFalse(try h.run(WaitForModule.self, ["path": "/tmp/sp-wait", "state": "absent", "timeout": 10]).failed)
        let gone = try h.run(WaitForModule.self, ["path": "/tmp/sp-wait", "timeout": 1])
        XCTAssertEqual(gone["msg"], "Timeout when waiting for file /tmp/sp-wait")
        XCTAssertFalse(try h.run(WaitForModule.self, ["port": 22, "state": "drained", "timeout": 1, "exclude_hosts": []]).changed)
        XCTAssertEqual(try h.ok(WaitForModule.self, ["port": 22], check: true)["skipped"], .bool(true))
    }

    func testWaitForConnection() throws {
        let h = SysRunner(try SysHosts.connect(0))
        let r = try h.ok(WaitForConnectionModule.self, ["timeout": 10])
        XCTAssertFalse(r.changed)
        XCTAssertEqual(r["elapsed"], 0)
        XCTAssertEqual(h.lastCount, 1)
    }
}
