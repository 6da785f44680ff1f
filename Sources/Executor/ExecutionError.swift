import DataLoader

/// An error that stops the run, naming the task (file:line) and host.
public struct ExecutionError: Error, CustomStringConvertible {
    public var message: String
    public var mark: SourceMark?
    public var taskName: String?
    public var host: String?

    init(_ message: String, task: Task? = nil, host: String? = nil) {
        self.message = message
        self.mark = task?.mark
        self.taskName = task?.displayName
        self.host = host
    }

    public var description: String {
        var out = message
        if let taskName { out += "\nThe error appears to be in task '\(taskName)'" + (mark.map { " at \($0)" } ?? "") }
        if let host { out += " (host \(host))" }
        return out
    }
}

import Playbook
