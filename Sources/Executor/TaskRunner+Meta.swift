import Jinja
import OrderedCollections
import Playbook

extension TaskRunner {
    /// Meta actions that run for every host; the others run once, for the first host of the batch.
    static func perHostMeta(_ task: Task) -> Bool {
        let action = task.args["_raw_params"]?.stringValue ?? ""
        return ["noop", "reset_connection", "end_host", "role_complete", "flush_handlers", "end_role"].contains(action)
    }

    /// Runs a meta task: its condition (for the actions that take one), the action, and the
    /// "META: ..." line shown at -vv. Meta tasks do not loop and do not count in the recap.
    func runMeta(_ scope: VarScope) throws -> TaskOutcome {
        let action = task.args["_raw_params"]?.stringValue ?? (task.args["free_form"]?.stringValue ?? "")
        let unconditional = ["noop", "refresh_inventory", "reset_connection"].contains(action)
        if unconditional && !task.allWhen.isEmpty {
            runner.callback.warning("\(action) task does not support when conditional")
        }
        if !unconditional, try conditionFailed(scope) != nil {
            let reason = "\(action) conditional evaluated to False" + skipSuffix(action)
            metaLine(reason)
            let r: Vars = ["msg": .string(action), "skip_reason": .string(reason), "skipped": true, "changed": false]
            report(r.filter { $0.key != "changed" }, item: nil, status: .skipped, ignored: false)
            return TaskOutcome(result: r)
        }
        var r = try meta(scope)
        let msg = metaMessage(action)
        metaLine(msg)
        r["msg"] = .string(msg)
        return TaskOutcome(result: r)
    }

    private func metaLine(_ text: String) {
        if runner.options.verbosity >= 2 { runner.callback.message("META: \(text)") }
    }

    private func metaMessage(_ action: String) -> String {
        switch action {
        case "flush_handlers": return "triggered running handlers for \(host)"
        case "refresh_inventory": return "inventory successfully refreshed"
        case "clear_facts": return "facts cleared"
        case "clear_host_errors": return "cleared host errors"
        case "end_batch": return "ending batch"
        case "end_play": return "ending play"
        case "end_host": return "ending play for \(host)"
        case "role_complete": return "role_complete for \(host)"
        case "reset_connection": return "reset connection"
        default: return action
        }
    }

    private func skipSuffix(_ action: String) -> String {
        switch action {
        case "flush_handlers": return ", not running handlers for \(host)"
        case "clear_facts": return ", not clearing facts and fact cache for \(host)"
        case "clear_host_errors": return ", not clearing host error state for \(host)"
        case "end_batch": return ", continuing current batch"
        case "end_play": return ", continuing play"
        case "end_host": return ", continuing execution for \(host)"
        default: return ""
        }
    }
}
