import Foundation
import Jinja
import OrderedCollections

/// What happened to one host in one task (or one loop item).
public enum ResultStatus: String {
    case ok, changed, failed, skipped, unreachable
}

public struct HostStats {
    public var ok = 0, changed = 0, unreachable = 0, failed = 0, skipped = 0, rescued = 0, ignored = 0
    public init() {}
}

/// Receives run events and presents them. The executor knows nothing of how they are shown.
public protocol Callback: AnyObject {
    func playStart(name: String)
    func taskStart(name: String, isHandler: Bool, path: String?)
    func hostResult(host: String, delegatedTo: String?, status: ResultStatus, result: OrderedDictionary<String, Value>,
                    item: Value?, ignored: Bool, verbose: Bool)
    /// The final outcome of a task on a host (after loops), whether or not a line was shown.
    func hostDone(host: String, status: ResultStatus, result: OrderedDictionary<String, Value>, ignored: Bool)
    func warning(_ message: String)
    /// A deprecated feature was used (ansible-playbook prints these on stderr).
    func deprecation(_ message: String)
    func message(_ text: String)
    /// The PLAY RECAP counters, sorted by host, then (with show_custom_stats) the set_stats data:
    /// each host's, and the run's.
    func recap(_ stats: [(String, HostStats)], custom: CustomStatsData?)
    func noHostsMatched()
    /// --step: the question asked before a task, shown again as a banner once answered.
    func stepAnswered(prompt: String)
}

/// set_stats data as the recap shows it.
public struct CustomStatsData {
    public var perHost: [(String, OrderedDictionary<String, Value>)]
    public var run: OrderedDictionary<String, Value>?
    public init(perHost: [(String, OrderedDictionary<String, Value>)], run: OrderedDictionary<String, Value>?) {
        self.perHost = perHost
        self.run = run
    }
}

extension Callback {
    public func stepAnswered(prompt: String) {}
}

extension Callback {
    public func deprecation(_ message: String) {
        FileHandle.standardError.write(Data("[DEPRECATION WARNING]: \(message) Deprecation warnings can be disabled by setting deprecation_warnings=False in ansible.cfg.\n".utf8))
    }
}
