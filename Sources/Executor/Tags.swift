import Jinja
import Playbook

/// Ansible's tag selection: `always` runs unless skipped explicitly, `never` only when asked for,
/// `tagged`/`untagged`/`all` special words.
struct TagFilter {
    let only: Set<String>
    let skip: Set<String>

    init(tags: [String], skipTags: [String]) {
        only = tags.isEmpty ? ["all"] : Set(tags)
        skip = Set(skipTags)
    }

    func shouldRun(_ taskTags: [String]) -> Bool {
        let tags: Set<String> = taskTags.isEmpty ? ["untagged"] : Set(taskTags)
        let untagged = tags == ["untagged"]
        var run: Bool
        if tags.contains("always") {
            run = true
        } else if only.contains("all") && !tags.contains("never") {
            run = true
        } else if !tags.isDisjoint(with: only) {
            run = true
        } else if only.contains("tagged") && !untagged && !tags.contains("never") {
            run = true
        } else {
            run = false
        }
        if run && !skip.isEmpty {
            if skip.contains("all") {
                if !tags.contains("always") || skip.contains("always") { run = false }
            } else if !tags.isDisjoint(with: skip) {
                run = false
            } else if skip.contains("tagged") && !untagged {
                run = false
            }
        }
        return run
    }
}

extension PlayRunner {
    /// A task's tags with templated ones ("{{ var }}") rendered against the play's variables and
    /// flattened, as Ansible evaluates them before selecting tasks. A tag that does not render stays as written.
    func evaluatedTags(_ task: Task, host: String?) -> [String] {
        let tags = task.tags
        guard tags.contains(where: Templar.hasDelimiters) else { return tags }
        var out: [String] = []
        for tag in tags {
            guard Templar.hasDelimiters(tag), let v = try? runner.templar.template(.string(tag), scope(host: host, task: task)) else {
                out.append(tag)
                continue
            }
            out += flattenTags(v)
        }
        var seen = Set<String>()
        return out.filter { seen.insert($0).inserted }
    }

    private func flattenTags(_ v: Value) -> [String] {
        switch v {
        case .list(let l), .tuple(let l): return l.flatMap(flattenTags)
        case .none: return []
        default: return [v.pythonStr]
        }
    }
}
