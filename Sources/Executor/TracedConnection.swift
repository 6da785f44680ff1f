import Foundation
import Transport

/// At -vvvv, one line per remote operation (`<host> EXEC|PUT|FETCH ...`), so what a task costs on the
/// wire can be counted from the output (bench/modules). Command text is not shown: modules may put
/// no_log values in it.
final class TracedConnection: Connection {
    let inner: Connection
    let log: (String) -> Void

    init(_ inner: Connection, log: @escaping (String) -> Void) {
        self.inner = inner
        self.log = log
    }

    var host: String { inner.host }

    func run(_ command: String, stdin: Data?, become: Become?, environment: [String: String], textOutput: Bool) throws -> CommandResult {
        let start = DispatchTime.now()
        let r = try inner.run(command, stdin: stdin, become: become, environment: environment, textOutput: textOutput)
        log("<\(host)> EXEC: \(command.utf8.count) bytes, stdin \(stdin?.count ?? 0) bytes\(become.map { " (become \($0.user))" } ?? ""), rc=\(r.exitCode), \(Self.ms(since: start)) ms")
        return r
    }

    func put(_ data: Data, to path: String, mode: String?, become: Become?) throws {
        let start = DispatchTime.now()
        try inner.put(data, to: path, mode: mode, become: become)
        log("<\(host)> PUT: \(path) (\(data.count) bytes), \(Self.ms(since: start)) ms")
    }

    func get(_ path: String, become: Become?) throws -> Data {
        let start = DispatchTime.now()
        let data = try inner.get(path, become: become)
        log("<\(host)> FETCH: \(path) (\(data.count) bytes), \(Self.ms(since: start)) ms")
        return data
    }

    func close() { inner.close() }

    static func ms(since start: DispatchTime) -> String {
        String(format: "%.2f", Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e6)
    }
}
