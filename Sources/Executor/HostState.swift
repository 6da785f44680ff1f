import Foundation
import Jinja
import OrderedCollections
import Output
import Playbook

/// What the run knows about one host: facts, registered variables, failure state, counters.
final class HostState {
    let name: String
    var facts: Vars = [:]
    /// set_fact and register results (highest host-level precedence).
    var hostVars: Vars = [:]
    /// include_vars results.
    var includedVars: Vars = [:]
    var stats = HostStats()
    /// Failed in this play (stops running further tasks unless rescued).
    var failed = false
    /// Failed inside a block whose rescue may still handle it; not yet counted in the recap.
    var pendingFailure = false
    /// include_role runs on this host (play, role path, tasks file), for allow_duplicates.
    var includedRoles = Set<String>()
    /// Failed because another host failed a task with any_errors_fatal.
    var failedByOtherHost = false
    var unreachable = false
    /// meta: end_host / end_play for this host.
    var ended = false
    /// Set by meta: clear_host_errors, so that a block's `always` does not restore the failure.
    var errorsCleared = false
    /// Handlers notified and not yet run, by handler identity.
    var notified: [ObjectIdentifier] = []
    /// The last failure, for ansible_failed_task / ansible_failed_result in rescue.
    var lastFailedTask: Task?
    var lastFailedResult: Vars = [:]

    init(name: String) { self.name = name }

    var active: Bool { !failed && !unreachable && !ended }

    func notify(_ handler: ObjectIdentifier) {
        if !notified.contains(handler) { notified.append(handler) }
    }
}
