import Foundation
import Jinja
import OrderedCollections

/// Machine-readable output (`--output json`): one JSON document with plays, tasks, per-host
/// results and stats, printed at the end of the run.
public final class JSONCallback: Callback {
    var plays: [Value] = []
    var tasks: [Value] = []
    var currentTask: OrderedDictionary<String, Value>?
    var hosts: OrderedDictionary<String, Value> = [:]
    var playName = ""
    var warnings: [Value] = []
    let lock = NSLock()
    let write: (String) -> Void

    public init(write: @escaping (String) -> Void = { FileHandle.standardOutput.write(Data($0.utf8)) }) {
        self.write = write
    }

    func closeTask() {
        if var t = currentTask {
            t["hosts"] = .dict(hosts)
            tasks.append(.dict(t))
        }
        currentTask = nil
        hosts = [:]
    }

    func closePlay() {
        closeTask()
        if !playName.isEmpty || !tasks.isEmpty {
            plays.append(["play": ["name": .string(playName)], "tasks": .list(tasks)])
        }
        tasks = []
    }

    public func playStart(name: String) {
        lock.lock(); defer { lock.unlock() }
        closePlay()
        playName = name
    }

    public func taskStart(name: String, isHandler: Bool, path: String?) {
        lock.lock(); defer { lock.unlock() }
        closeTask()
        currentTask = ["task": ["name": .string(name), "handler": .bool(isHandler), "duration": ["start": .string(Self.now())]]]
    }

    /// UTC time as ansible-core's json callback writes it: 2024-01-31T12:00:00.123456Z.
    static func now() -> String {
        var tv = timeval()
        gettimeofday(&tv, nil)
        var seconds = time_t(tv.tv_sec)
        var t = tm()
        gmtime_r(&seconds, &t)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", Int(t.tm_year) + 1900, Int(t.tm_mon) + 1, Int(t.tm_mday),
                      Int(t.tm_hour), Int(t.tm_min), Int(t.tm_sec), Int(tv.tv_usec))
    }

    public func hostResult(host: String, delegatedTo: String?, status: ResultStatus, result: OrderedDictionary<String, Value>,
                           item: Value?, ignored: Bool, verbose: Bool) {}

    public func hostDone(host: String, status: ResultStatus, result: OrderedDictionary<String, Value>, ignored: Bool) {
        lock.lock(); defer { lock.unlock() }
        var r = result
        r["status"] = .string(status.rawValue)
        if ignored { r["ignored"] = true }
        hosts[host] = .dict(r)
        // The task ends with its last host's result.
        if case .dict(var task)? = currentTask?["task"], case .dict(var duration)? = task["duration"] {
            duration["end"] = .string(Self.now())
            task["duration"] = .dict(duration)
            currentTask?["task"] = .dict(task)
        }
    }

    public func warning(_ message: String) {
        lock.lock(); defer { lock.unlock() }
        warnings.append(.string(message))
    }

    public func message(_ text: String) {}
    public func noHostsMatched() {}

    /// As the json callback (ansible.posix.json) writes it, custom stats included.
    public func recap(_ stats: [(String, HostStats)], custom: CustomStatsData?) {
        lock.lock(); defer { lock.unlock() }
        closePlay()
        var s = OrderedDictionary<String, Value>()
        for (h, st) in stats {
            s[h] = ["ok": .int(st.ok), "changed": .int(st.changed), "unreachable": .int(st.unreachable), "failures": .int(st.failed),
                    "skipped": .int(st.skipped), "rescued": .int(st.rescued), "ignored": .int(st.ignored)]
        }
        let perHost = OrderedDictionary(custom?.perHost.map { ($0.0, Value.dict($0.1)) } ?? [], uniquingKeysWith: { $1 })
        write(JSONText.encode(["custom_stats": .dict(perHost), "global_custom_stats": .dict(custom?.run ?? [:]),
                               "plays": .list(plays), "stats": .dict(s), "warnings": .list(warnings)], indent: 4, sortKeys: false) + "\n")
    }
}
