import Foundation
import XCTest
@testable import Transport

/// User+system CPU time of this process so far.
private func cpuSeconds() -> Double {
    var u = rusage()
    getrusage(RUSAGE_SELF.rawValue, &u)
    return Double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + Double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6
}

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
        let cpu0 = cpuSeconds()
        var each: [TimeInterval] = []
        for _ in 0..<n {
            let t0 = Date()
            _ = try c.run("true")
            each.append(Date().timeIntervalSince(t0))
        }
        let wall = Date().timeIntervalSince(s) / Double(n)
        each.sort()
        print("BENCH warm command 'true', \(n) runs: \(ms(wall)) per command, median \(ms(each[n / 2])), min \(ms(each[0])), p90 \(ms(each[n * 9 / 10])) (client CPU \(ms((cpuSeconds() - cpu0) / Double(n))) per command)")
        var load = [Double](repeating: 0, count: 3)
        _ = getloadavg(&load, 3)
        print("BENCH load average during the run: \(String(format: "%.1f", load[0])) on \(ProcessInfo.processInfo.activeProcessorCount) cores")

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
