import Foundation
import Jinja
import OrderedCollections

/// The text output of ansible-playbook's default callback.
public final class DefaultCallback: Callback {
    let verbosity: Int
    let color: Bool
    let diff: Bool
    let write: (String) -> Void
    let lock = NSLock()
    /// The banner of the task whose results have not been printed yet (printed lazily, so that tasks
    /// skipped on every host still show their banner like Ansible does).
    public init(verbosity: Int, color: Bool, diff: Bool, write: @escaping (String) -> Void = { FileHandle.standardOutput.write(Data($0.utf8)) }) {
        self.verbosity = verbosity
        self.color = color
        self.diff = diff
        self.write = write
    }

    func out(_ s: String) {
        lock.lock()
        write(s + "\n")
        lock.unlock()
    }

    func banner(_ msg: String) -> String {
        "\n" + msg + " " + String(repeating: "*", count: max(3, 79 - msg.count))
    }

    func paint(_ s: String, _ code: String) -> String { color ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s }

    public func playStart(name: String) { out(banner("PLAY [\(name)]")) }

    public func taskStart(name: String, isHandler: Bool, path: String?) {
        out(banner((isHandler ? "RUNNING HANDLER" : "TASK") + " [\(name)]"))
        if verbosity >= 2, let path { out("task path: \(path)") }
    }

    public func hostResult(host: String, delegatedTo: String?, status: ResultStatus, result: OrderedDictionary<String, Value>,
                           item: Value?, ignored: Bool, verbose: Bool) {
        let who = delegatedTo.map { "[\(host) -> \($0)]" } ?? "[\(host)]"
        var shown = result
        for k in ["_ansible_no_log", "_ansible_verbose_always", "_ansible_item_label", "_ansible_delegated_vars"] { shown.removeValue(forKey: k) }
        // Module warnings print before the result line, which then leaves them out.
        if let warnings = shown.removeValue(forKey: "warnings")?.listValue {
            for w in warnings { warning(w.pythonStr) }
        }
        let label = item.map { " => (item=\(labelText($0)))" } ?? ""
        // Module warnings show as [WARNING] lines before the result (except in an ok item's line).
        if status != .skipped && (item == nil || status == .failed), let warnings = shown["warnings"]?.listValue {
            for w in warnings { warning(w.pythonStr) }
            shown.removeValue(forKey: "warnings")
        }
        // A failed loop shows its failed items only (and "...ignoring"), as ansible-playbook does.
        if result["_swiftplay_loop_summary"]?.truthy == true {
            if ignored { out(paint("...ignoring", "0;36")) }
            return
        }
        var text: String
        var colorCode: String
        switch status {
        case .ok: text = "ok: \(who)\(label)"; colorCode = "0;32"
        case .changed: text = "changed: \(who)\(label)"; colorCode = "0;33"
        // A skipped item's label is followed by a space, also before " => ".
        case .skipped: text = "skipping: \(who)\(label)\(item == nil ? "" : " ")"; colorCode = "0;36"
        case .failed:
            text = item != nil ? "failed: \(who) (item=\(labelText(item!)))" : "fatal: \(who): FAILED!"; colorCode = "0;31"
        case .unreachable: text = "fatal: \(who): UNREACHABLE!"; colorCode = "1;31"
        }
        // A module's diff is one dictionary (file) or a list of them (copy, template); shown, as by
        // ansible-playbook, only for a result that changed something.
        if diff, result["changed"]?.truthy == true, let d = result["diff"] {
            for d in d.listValue ?? [d] { if let t = DiffText.render(d), !t.isEmpty { out(t) } }
        }
        let override = result["_swiftplay_verbose_override"]?.truthy ?? false
        let alwaysShow = status == .failed || status == .unreachable || (!override && (verbose || verbosity >= 1))
        if alwaysShow && !(status == .skipped && verbosity < 1) {
            shown.removeValue(forKey: "diff")
            if status == .skipped || (item != nil && !(status == .failed)) { shown.removeValue(forKey: "invocation") }
            // Results print on one line, except with -vvv or for modules that always show (debug).
            let indent: Int? = (verbose || verbosity > 2) ? 4 : nil
            // Modules name keys that are data, not worth showing (debug shows only its message).
            if status == .ok || status == .changed, let hidden = result["_swiftplay_hide"]?.listValue {
                for k in hidden { shown.removeValue(forKey: k.pythonStr) }
            }
            if status == .ok || status == .changed, let only = result["_swiftplay_show_only"]?.listValue {
                let keep = Set(only.map(\.pythonStr))
                shown = shown.filter { keep.contains($0.key) }
            }
            shown = shown.filter { !$0.key.hasPrefix("_swiftplay") }
            // Like ansible-playbook, the status words are in the line, not repeated in the result.
            shown.removeValue(forKey: "failed")
            shown.removeValue(forKey: "skipped")
            text += " => "
            text += JSONText.encode(.dict(shown), indent: indent)
        }
        out(paint(text, colorCode))
        if ignored { out(paint("...ignoring", "0;36")) }
    }

    /// How an item appears in "(item=...)": Python's str() of the value.
    func labelText(_ v: Value) -> String { v.pythonStr }

    public func hostDone(host: String, status: ResultStatus, result: OrderedDictionary<String, Value>, ignored: Bool) {}

    var shownWarnings = Set<String>()

    /// Warnings go to stderr, wrapped at 79 columns and each shown once, as ansible-playbook shows them.
    public func warning(_ message: String) {
        let text = TextWrap.wrap("[WARNING]: \(message)", width: 79).joined(separator: "\n")
        lock.lock()
        defer { lock.unlock() }
        guard shownWarnings.insert(text).inserted else { return }
        FileHandle.standardError.write(Data((paint(text, "1;35") + "\n").utf8))
    }

    public func message(_ text: String) { out(text) }

    public func stepAnswered(prompt: String) { out(banner(prompt.trimmingCharacters(in: .whitespaces))) }

    public func noHostsMatched() { out("skipping: no hosts matched") }

    public func recap(_ stats: [(String, HostStats)], custom: CustomStatsData?) {
        out(banner("PLAY RECAP"))
        for (host, s) in stats {
            func field(_ name: String, _ n: Int) -> String { (name + "=" + String(n)).padding(toLength: name.count + 1 + max(4, String(n).count), withPad: " ", startingAt: 0) }
            let line = host.padding(toLength: max(26, host.count), withPad: " ", startingAt: 0) + " : " +
                [field("ok", s.ok), field("changed", s.changed), field("unreachable", s.unreachable),
                 field("failed", s.failed), field("skipped", s.skipped), field("rescued", s.rescued),
                 field("ignored", s.ignored)].joined(separator: " ")
            out(line)
        }
        out("")
        if let custom { customStats(custom) }
    }

    /// As ansible-playbook prints them: JSON with one-space indents, joined on one line.
    private func customStats(_ custom: CustomStatsData) {
        func oneLine(_ d: OrderedDictionary<String, Value>) -> String {
            JSONText.encode(.dict(d), indent: 1).replacingOccurrences(of: "\n", with: "")
        }
        out(banner("CUSTOM STATS:"))
        for (host, data) in custom.perHost { out("\t\(host): \(oneLine(data))") }
        if let run = custom.run {
            out("")
            out("\tRUN: \(oneLine(run))")
        }
        out("")
    }
}

/// Unified-diff text of a module's before/after.
public enum DiffText {
    public static func render(_ d: Value) -> String? {
        guard case .dict(let dict) = d else { return nil }
        if let prepared = dict["prepared"]?.stringValue { return prepared }
        func text(_ v: Value?) -> String {
            switch v {
            case .string(let s)?: return s
            case .dict?, .list?: return JSONText.encode(v!) + "\n"
            default: return ""
            }
        }
        let before = text(dict["before"]), after = text(dict["after"])
        if before == after { return nil }
        let bh = dict["before_header"].map { "before: \($0.pythonStr)" } ?? "before"
        let ah = dict["after_header"].map { "after: \($0.pythonStr)" } ?? "after"
        return unified(before, after, bh, ah)
    }

    /// A unified diff with three lines of context, as Python's difflib prints it.
    static func unified(_ a: String, _ b: String, _ ah: String, _ bh: String) -> String {
        let x = lines(a), y = lines(b)
        let ops = editScript(x, y)
        var out = ["--- \(ah)", "+++ \(bh)"]
        // Group changes into hunks separated by more than 2*3 unchanged lines.
        var i = 0
        while i < ops.count {
            guard let firstChange = ops[i...].firstIndex(where: { $0.kind != " " }) else { break }
            var end = firstChange
            var lastChange = firstChange
            while end < ops.count {
                if ops[end].kind != " " { lastChange = end }
                if end - lastChange > 6 { break }
                end += 1
            }
            let start = max(i, firstChange - 3)
            let stop = min(ops.count, lastChange + 4)
            let hunk = ops[start..<stop]
            let aStart = hunk.first?.aIndex ?? 0, bStart = hunk.first?.bIndex ?? 0
            let aCount = hunk.filter { $0.kind != "+" }.count, bCount = hunk.filter { $0.kind != "-" }.count
            out.append("@@ -\(range(aStart, aCount)) +\(range(bStart, bCount)) @@")
            for op in hunk { out.append(String(op.kind) + op.text) }
            i = stop
        }
        return out.joined(separator: "\n") + "\n"
    }

    static func range(_ start: Int, _ count: Int) -> String {
        if count == 1 { return "\(start + 1)" }
        return count == 0 ? "\(start),0" : "\(start + 1),\(count)"
    }

    static func lines(_ s: String) -> [String] {
        var l = s.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if l.last == "" { l.removeLast() }
        return l
    }

    struct Op { var kind: Character; var text: String; var aIndex: Int; var bIndex: Int }

    /// Line edit script via longest common subsequence; deletions before insertions.
    static func editScript(_ x: [String], _ y: [String]) -> [Op] {
        let n = x.count, m = y.count
        guard n * m <= 4_000_000 else {
            return x.enumerated().map { Op(kind: "-", text: $1, aIndex: $0, bIndex: 0) } + y.enumerated().map { Op(kind: "+", text: $1, aIndex: n, bIndex: $0) }
        }
        var lcs = Array(repeating: Array(repeating: 0, count: m + 1), count: n + 1)
        for i in stride(from: n - 1, through: 0, by: -1) {
            for j in stride(from: m - 1, through: 0, by: -1) {
                lcs[i][j] = x[i] == y[j] ? lcs[i + 1][j + 1] + 1 : max(lcs[i + 1][j], lcs[i][j + 1])
            }
        }
        var ops: [Op] = []
        var i = 0, j = 0
        while i < n || j < m {
            if i < n && j < m && x[i] == y[j] { ops.append(Op(kind: " ", text: x[i], aIndex: i, bIndex: j)); i += 1; j += 1 }
            else if i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1]) { ops.append(Op(kind: "-", text: x[i], aIndex: i, bIndex: j)); i += 1 }
            else { ops.append(Op(kind: "+", text: y[j], aIndex: i, bIndex: j)); j += 1 }
        }
        return ops
    }
}
