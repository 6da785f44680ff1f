import Foundation
import Jinja
import OrderedCollections

/// The output of Ansible's ad-hoc command: one `host | STATUS => {json}` entry per host and task
/// (the minimal callback), or one line each with `oneLine` (the oneline callback); with `treeDir`,
/// each host's last result is also written as JSON to a file named after the host.
public final class MinimalCallback: Callback {
    let verbosity: Int
    let color: Bool
    let oneLine: Bool
    /// Whether the module run prints `rc=N >>` and its output rather than JSON (commands), and
    /// whether it is debug (which shows only its message or variable), for results that do not
    /// name their module.
    let commandStyle: Bool
    let isDebug: Bool
    let treeDir: String?
    /// -D: file differences are shown before the result (not in oneline mode, as in Ansible).
    let diff: Bool
    let write: (String) -> Void
    let lock = NSLock()

    public init(verbosity: Int, color: Bool, oneLine: Bool, commandStyle: Bool, isDebug: Bool, treeDir: String?, diff: Bool = false,
                write: @escaping (String) -> Void = { FileHandle.standardOutput.write(Data($0.utf8)) }) {
        self.verbosity = verbosity
        self.color = color
        self.oneLine = oneLine
        self.commandStyle = commandStyle
        self.isDebug = isDebug
        self.treeDir = treeDir
        self.diff = diff
        self.write = write
    }

    public func playStart(name: String) {}
    public func taskStart(name: String, isHandler: Bool, path: String?) {}
    public func message(_ text: String) {}
    public func recap(_ stats: [(String, HostStats)], custom: CustomStatsData?) {}
    public func noHostsMatched() {}

    public func warning(_ message: String) {
        lock.lock()
        FileHandle.standardError.write(Data(paint("[WARNING]: \(message)", "1;35").appending("\n").utf8))
        lock.unlock()
    }

    public func hostResult(host: String, delegatedTo: String?, status: ResultStatus, result: OrderedDictionary<String, Value>,
                           item: Value?, ignored: Bool, verbose: Bool) {
        // Loop items are not shown one by one; the loop's final result is (see hostDone).
        guard item == nil else { return }
        show(host: host, status: status, result: result)
    }

    public func hostDone(host: String, status: ResultStatus, result: OrderedDictionary<String, Value>, ignored: Bool) {
        // A loop whose items all succeeded reports no final result line of its own.
        if result["results"] != nil && (status == .ok || status == .changed) { show(host: host, status: status, result: result) }
    }

    func show(host: String, status: ResultStatus, result: OrderedDictionary<String, Value>) {
        var r = result
        for key in ["warnings", "deprecations"] {
            for w in r[key]?.listValue ?? [] { warning(w.stringValue ?? w.pythonStr) }
            r.removeValue(forKey: key)
        }
        if let treeDir { writeTree(treeDir, host: host, result: r) }
        if diff, !oneLine, status != .skipped, status != .unreachable {
            // Printed as the playbook output prints it (a blank line after each diff).
            for d in r["diff"]?.listValue ?? [] { if let t = DiffText.render(d), !t.isEmpty { out(t + "\n") } }
        }
        let verboseAlways = r["_ansible_verbose_always"]?.truthy == true || r["_swiftplay_verbose"]?.truthy == true
        // Results name their module (ad-hoc runs through includes may run other modules than -m's).
        let action = r["_swiftplay_action"]?.stringValue
        let commandStyle = action.map { Self.commandModules.contains($0) } ?? self.commandStyle
        let isDebug = action.map { $0 == "debug" } ?? self.isDebug
        if isDebug && !oneLine && (status == .ok || status == .changed) { r = debugShown(r) }
        r = shown(r)
        let text: String
        switch status {
        case .skipped:
            text = paint("\(host) | SKIPPED", "0;36")
        case .unreachable:
            text = oneLine ? paint("\(host) | UNREACHABLE!: \(r["msg"]?.stringValue ?? "")", "1;31")
                : paint("\(host) | UNREACHABLE! => \(json(r, verboseAlways: verboseAlways))", "1;31")
        case .failed:
            // The oneline callback shows a failed command as JSON like any failure.
            text = commandStyle && !oneLine && r["module_stderr"] == nil ? paint(commandText(host, r, "FAILED"), "0;31")
                : paint("\(host) | FAILED! => \(json(r, verboseAlways: verboseAlways))", "0;31")
        case .ok, .changed:
            let state = r["changed"]?.truthy == true ? "CHANGED" : "SUCCESS"
            let code = state == "CHANGED" ? "0;33" : "0;32"
            text = paint(commandStyle ? commandText(host, r, state) : "\(host) | \(state) => \(json(r, verboseAlways: verboseAlways))", code)
        }
        out(text)
    }

    public static let commandModules: Set<String> = ["command", "shell", "raw", "win_command", "win_shell"]

    func commandText(_ host: String, _ r: OrderedDictionary<String, Value>, _ caption: String) -> String {
        let rc = r["rc"].map { $0.pythonStr } ?? "-1"
        let stdout = r["stdout"]?.stringValue ?? ""
        let stderr = r["stderr"]?.stringValue ?? ""
        if oneLine {
            func flat(_ s: String) -> String { s.replacingOccurrences(of: "\n", with: "\\n").replacingOccurrences(of: "\r", with: "\\r") }
            var line = "\(host) | \(caption) | rc=\(rc) | (stdout) \(flat(stdout))"
            if !stderr.isEmpty { line += " (stderr) \(flat(stderr))" }
            return line
        }
        return "\(host) | \(caption) | rc=\(rc) >>\n" + stdout + stderr + (r["msg"]?.stringValue ?? "") + "\n"
    }

    /// Internal keys never show; invocation and diff only from -vvv; exceptions never.
    func shown(_ r: OrderedDictionary<String, Value>) -> OrderedDictionary<String, Value> {
        var s = r.filter { !$0.key.hasPrefix("_ansible") && !$0.key.hasPrefix("_swiftplay") }
        if verbosity < 3 {
            s.removeValue(forKey: "invocation")
            s.removeValue(forKey: "diff")
        }
        s.removeValue(forKey: "exception")
        s.removeValue(forKey: "failed")  // the status already says it
        return s
    }

    /// debug: a message alone, or the variable without the status keys.
    func debugShown(_ r: OrderedDictionary<String, Value>) -> OrderedDictionary<String, Value> {
        if r["msg"] != nil {
            return r.filter { ["msg", "exception", "warnings", "deprecations"].contains($0.key) || $0.key.hasPrefix("_") }
        }
        return r.filter { !["changed", "failed", "skipped", "invocation", "skip_reason"].contains($0.key) }
    }

    /// JSON with 4-space indent; one line (Python's indent=0 with the newlines removed) in oneline mode,
    /// where results that always show verbosely keep their 4 spaces.
    func json(_ r: OrderedDictionary<String, Value>, verboseAlways: Bool) -> String {
        guard oneLine else { return JSONText.encode(.dict(r), indent: 4) }
        let indent = verboseAlways || verbosity > 2 ? 4 : 0
        return JSONText.encode(.dict(r), indent: indent).replacingOccurrences(of: "\n", with: "")
    }

    func writeTree(_ dir: String, host: String, result: OrderedDictionary<String, Value>) {
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let text = JSONText.encode(.dict(shown(result)), indent: nil)
        if !FileManager.default.createFile(atPath: (dir as NSString).appendingPathComponent(host), contents: Data(text.utf8)) {
            warning("Unable to write to \(host)'s file in \(dir)")
        }
    }

    func paint(_ s: String, _ code: String) -> String { color ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s }

    /// Like Ansible's display, ends the text with a newline unless it already has one.
    func out(_ s: String) {
        lock.lock()
        write(s.hasSuffix("\n") ? s : s + "\n")
        lock.unlock()
    }
}
