import Foundation
import XCTest
@testable import Transport

/// Latency figures for bench/transport/run.sh; runs only with SWIFTPLAY_BENCH=1 and test hosts.
final class TransportBench: XCTestCase {
    func testBenchmark() throws {
        guard ProcessInfo.processInfo.environment["SWIFTPLAY_BENCH"] == "1" else {
            throw XCTSkip("benchmark: run bench/transport/run.sh")
        }
        let t = try TestHosts.load()
        let n = Int(ProcessInfo.processInfo.environment["SWIFTPLAY_BENCH_N"] ?? "") ?? 1000

        func ms(_ seconds: TimeInterval) -> String { String(format: "%.3f ms", seconds * 1000) }
        var connects: [TimeInterval] = []
        for _ in 0..<10 {
            let s = Date()
            let c = try t.connect()
            connects.append(Date().timeIntervalSince(s))
            c.close()
        }
        connects.sort()
        print("BENCH connect+auth+shell (key, ed25519), median of 10: \(ms(connects[5]))  min \(ms(connects[0]))")

        let c = try t.connect()
        defer { c.close() }
        for _ in 0..<20 { _ = try c.run("true") }
        var s = Date()
        for _ in 0..<n { _ = try c.run("true") }
        print("BENCH warm command 'true', \(n) runs: \(ms(Date().timeIntervalSince(s) / Double(n))) per command")

        let nopass = try t.connect(0, user: "nopass")
        defer { nopass.close() }
        let m = max(1, n / 10)
        s = Date()
        for _ in 0..<m { _ = try nopass.run("true", become: Become()) }
        print("BENCH warm 'true' with sudo become, \(m) runs: \(ms(Date().timeIntervalSince(s) / Double(m))) per command")

        let data = try randomData(1 << 20)
        s = Date()
        for _ in 0..<10 { try c.put(data, to: "/tmp/bench.bin", mode: "0644", become: nil) }
        print("BENCH put 1 MiB: \(ms(Date().timeIntervalSince(s) / 10)) per file")
        s = Date()
        for _ in 0..<10 { _ = try c.get("/tmp/bench.bin", become: nil) }
        print("BENCH get 1 MiB: \(ms(Date().timeIntervalSince(s) / 10)) per file")
    }
}
