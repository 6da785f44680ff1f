import Foundation
import XCTest
@testable import Transport

/// Parallel hosts, dropped sessions and dead hosts.
final class SSHResilienceTests: XCTestCase {
    func testReconnectAfterSessionDropped() throws {
        let t = try TestHosts.load()
        let c = try t.connect(t.pick(2), user: "nopass")
        defer { c.close() }
        XCTAssertEqual(try c.run("echo $$").exitCode, 0)
        // Kill nopass's sshd session processes from another connection.
        let admin = try t.connect(t.pick(2))
        defer { admin.close() }
        XCTAssertEqual(try admin.run("pkill -KILL -u nopass -x sshd").exitCode, 0)
        Thread.sleep(forTimeInterval: 0.2)
        let r = try c.run("id -un")
        XCTAssertEqual(r.stdoutText, "nopass\n")
        XCTAssertEqual(try admin.run("pgrep -c -u nopass -x sshd").stdoutText, "1\n", "exactly one new session")
    }

    func testTenHostsInParallel() throws {
        let t = try TestHosts.load(minimum: 10)
        let lock = NSLock()
        var failures: [String] = []
        let start = Date()
        DispatchQueue.concurrentPerform(iterations: 10) { i in
            do {
                let c = try t.connect(i)
                defer { c.close() }
                for n in 0..<50 {
                    let r = try c.run("echo \(n) $(hostname)")
                    if r.stdoutText != "\(n) \(t.hosts[i].name)\n" {
                        lock.lock(); failures.append("\(t.hosts[i].name): \(r.stdoutText)"); lock.unlock()
                    }
                }
                let data = Data((0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ i) })
                try c.put(data, to: "/tmp/par", mode: nil, become: nil)
                if try c.get("/tmp/par", become: nil) != data {
                    lock.lock(); failures.append("\(t.hosts[i].name): put/get differ"); lock.unlock()
                }
            } catch {
                lock.lock(); failures.append("\(t.hosts[i].name): \(error)"); lock.unlock()
            }
        }
        XCTAssertEqual(failures, [])
        print("10 hosts x (connect + 50 commands + 100 kB put/get) in parallel: \(String(format: "%.2f", Date().timeIntervalSince(start))) s")
    }

    /// `docker kill` of one host while others keep working; the killed host is started again afterwards.
    func testHostKilledMidRun() throws {
        let t = try TestHosts.load(minimum: 3)
        let docker = "/usr/bin/docker"
        guard FileManager.default.isExecutableFile(atPath: docker) else { throw XCTSkip("needs \(docker) to kill a host") }
        let victim = t.hosts.count - 1
        let others = [0, 1]
        let conns = try ([victim] + others).map { try t.connect($0) }
        defer { conns.forEach { $0.close() } }
        for c in conns { XCTAssertEqual(try c.run("true").exitCode, 0) }

        let outcomes = Outcomes()
        let group = DispatchGroup()
        for (k, c) in conns.enumerated() {
            group.enter()
            DispatchQueue.global().async {
                var outcome = "ok"
                do {
                    // The victim's command is running when the host dies.
                    _ = try c.run(k == 0 ? "sleep 30" : "sleep 1; echo fine")
                } catch TransportError.unreachable {
                    outcome = "unreachable"
                } catch {
                    outcome = "\(error)"
                }
                outcomes.set(c.host, outcome)
                group.leave()
            }
        }
        Thread.sleep(forTimeInterval: 0.3)
        try sh("\(docker) kill \(t.hosts[victim].name) >/dev/null")
        defer { _ = try? sh("\(docker) start \(t.hosts[victim].name) >/dev/null") }
        XCTAssertEqual(group.wait(timeout: .now() + 20), .success, "a connection hung after its host was killed")
        XCTAssertEqual(outcomes.get(t.hosts[victim].name), "unreachable")
        for i in others { XCTAssertEqual(outcomes.get(t.hosts[i].name), "ok") }
        // Next command: one reconnect attempt, which fails fast.
        XCTAssertThrowsError(try conns[0].run("true")) { e in
            guard case TransportError.unreachable = e else { return XCTFail("\(e)") }
        }
        XCTAssertEqual(try conns[1].run("echo alive").stdoutText, "alive\n")

        // Bring the host back for other tests and wait for its sshd.
        try sh("\(docker) start \(t.hosts[victim].name) >/dev/null")
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            if let c = try? t.connect(victim), (try? c.run("systemctl is-system-running --wait >/dev/null 2>&1; true").exitCode) == 0 {
                c.close()
                // The old connection object recovers by reconnecting.
                XCTAssertEqual(try conns[0].run("echo back").stdoutText, "back\n")
                return
            }
            Thread.sleep(forTimeInterval: 0.5)
        }
        XCTFail("\(t.hosts[victim].name) did not come back after docker start")
    }
}

/// Per-host outcomes written from worker threads.
private final class Outcomes: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [String: String] = [:]
    func set(_ host: String, _ value: String) { lock.lock(); values[host] = value; lock.unlock() }
    func get(_ host: String) -> String? { lock.lock(); defer { lock.unlock() }; return values[host] }
}
