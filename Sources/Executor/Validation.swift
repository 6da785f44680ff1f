import DataLoader
import Modules
import Playbook

/// Checks a loaded playbook before anything runs: every action must be a known module or engine action.
enum Validation {
    static let engineActions: Set<String> = ["include_tasks", "include", "include_role", "import_role", "import_tasks",
                                             "include_vars", "meta", "async_status"]

    static func check(_ plays: [Play], library: ModuleLibrary, playbookDir: String?) throws {
        for play in plays {
            let roleNodes = (play.roles + play.importedRoles).flatMap { $0.tasks + $0.handlers + $0.dependencies.flatMap { $0.tasks + $0.handlers } }
            for node in play.preTasks + play.tasks + play.postTasks + play.handlers + roleNodes {
                for task in node.allTasks { try check(task, play: play, library: library, playbookDir: playbookDir) }
            }
        }
    }

    static func check(_ task: Task, play: Play, library: ModuleLibrary, playbookDir: String?) throws {
        let short = shortActionName(task.action)
        // A templated action (`action: {module: "{{ name }}"}`) is resolved per host when it runs.
        if engineActions.contains(short) || Templar.hasDelimiters(task.action) { return }
        if ModuleRegistry.module(named: task.action) != nil || ModuleRegistry.module(named: short) != nil { return }
        if library.moduleFile(task.action, roots: ModuleLibrary.roots(play: play, role: task.role, playbookDir: playbookDir)) != nil { return }
        var msg = "couldn't resolve module/action '\(task.action)'. This often indicates a misspelling, missing collection, or incorrect module path."
        if let hint = closest(short, in: ModuleRegistry.names + Array(engineActions)) { msg += " Did you mean '\(hint)'?" }
        throw SourceError(msg, at: task.mark)
    }
}
