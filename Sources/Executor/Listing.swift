import Foundation
import Jinja
import Playbook

/// --list-hosts, --list-tasks and --list-tags, in ansible-playbook's layout.
struct Listing {
    let runner: PlaybookRunner

    func list(path: String, plays: [Play]) throws {
        let out = runner.callback
        out.message("\nplaybook: \(path)")
        for (i, play) in plays.enumerated() {
            let pattern = play.hosts.listValue?.map(\.pythonStr).joined(separator: ",") ?? play.hosts.pythonStr
            let hosts = try runner.inventory.hosts(matching: pattern, limit: runner.options.limit)
            let playTags = play.inherited.tags
            out.message("\n  play #\(i + 1) (\(pattern)): \(play.displayName)\tTAGS: [\(playTags.joined(separator: ","))]")
            if runner.options.listHosts {
                out.message("    pattern: [\(pattern.split(separator: ",").map { "'\($0)'" }.joined(separator: ", "))]")
                out.message("    hosts (\(hosts.count)):")
                for h in hosts { out.message("      \(h)") }
            }
            let roleTasks = play.roles.flatMap { r in r.dependencies.flatMap { $0.tasks } + r.tasks }
            let tasks = (play.preTasks + roleTasks + play.tasks + play.postTasks).flatMap(\.allTasks)
                .filter { runner.tagFilter.shouldRun($0.tags) }
            if runner.options.listTasks {
                out.message("    tasks:")
                for t in tasks {
                    out.message("      \(t.displayName)\tTAGS: [\(t.tags.sorted().joined(separator: ", "))]")
                }
            }
            if runner.options.listTags {
                let all = Set(tasks.flatMap(\.tags) + playTags).sorted()
                out.message("      TASK TAGS: [\(all.joined(separator: ", "))]")
            }
        }
    }
}
