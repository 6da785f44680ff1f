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
