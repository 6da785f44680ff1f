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
        currentTask = ["task": ["name": .string(name), "handler": .bool(isHandler)]]
    }

    public func hostResult(host: String, delegatedTo: String?, status: ResultStatus, result: OrderedDictionary<String, Value>,
                           item: Value?, ignored: Bool, verbose: Bool) {}

    public func hostDone(host: String, status: ResultStatus, result: OrderedDictionary<String, Value>, ignored: Bool) {
        lock.lock(); defer { lock.unlock() }
        var r = result
        r["status"] = .string(status.rawValue)
        if ignored { r["ignored"] = true }
        hosts[host] = .dict(r)
    }

    public func warning(_ message: String) {
        lock.lock(); defer { lock.unlock() }
        warnings.append(.string(message))
    }

    public func message(_ text: String) {}
    public func noHostsMatched() {}

    public func recap(_ stats: [(String, HostStats)]) {
        lock.lock(); defer { lock.unlock() }
        closePlay()
        var s = OrderedDictionary<String, Value>()
        for (h, st) in stats {
            s[h] = ["ok": .int(st.ok), "changed": .int(st.changed), "unreachable": .int(st.unreachable), "failures": .int(st.failed),
                    "skipped": .int(st.skipped), "rescued": .int(st.rescued), "ignored": .int(st.ignored)]
        }
        write(JSONText.encode(["plays": .list(plays), "stats": .dict(s), "warnings": .list(warnings)], indent: 4, sortKeys: false) + "\n")
    }
}
