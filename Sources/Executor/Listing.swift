import Foundation
import Jinja
import Playbook

/// --list-hosts, --list-tasks and --list-tags, in ansible-playbook's layout.
struct Listing {
    let runner: PlaybookRunner

    /// The tasks --list-tasks shows: a block's own tasks, not its rescue or always sections.
    func listed(_ node: TaskNode) -> [Task] {
        switch node {
        case .task(let t): return [t]
        case .block(let b): return b.body.flatMap(listed)
        }
    }

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
            let nodes = play.preTasks + roleTasks + play.tasks + play.postTasks
            let playRunner = PlayRunner(runner: runner, play: play)
            if runner.options.listTasks {
                out.message("    tasks:")
                for t in nodes.flatMap(listed) {
                    let tags = playRunner.evaluatedTags(t, host: nil)
                    guard runner.tagFilter.shouldRun(tags) else { continue }
                    // Unnamed tasks show their action only, even in roles (as ansible-playbook lists them).
                    let name = t.name.map { n in t.role.map { "\($0.name) : \(n)" } ?? n } ?? t.action
                    out.message("      \(name)\tTAGS: [\(tags.sorted().joined(separator: ", "))]")
                }
            }
            if runner.options.listTags {
                let all = Set(nodes.flatMap(\.allTasks).flatMap { playRunner.evaluatedTags($0, host: nil) } + playTags).sorted()
                out.message("      TASK TAGS: [\(all.joined(separator: ", "))]")
            }
        }
    }
}
