import Foundation
import Jinja
import Templating

/// The task being run on this thread: lookups (`lookup('vars')`, `lookup('template')`, file
/// lookups) need the current host's variables and search paths, and each host runs on its own thread.
final class CurrentTask {
    let scope: VarScope
    let searchPaths: [String]
    private static let key = "swiftplay.currentTask"

    init(scope: VarScope, searchPaths: [String]) {
        self.scope = scope
        self.searchPaths = searchPaths
    }

    static var current: CurrentTask? { Thread.current.threadDictionary[key] as? CurrentTask }

    /// Runs `body` with this task as the thread's current one.
    func activate<T>(_ body: () throws -> T) rethrows -> T {
        let previous = Thread.current.threadDictionary[CurrentTask.key]
        Thread.current.threadDictionary[CurrentTask.key] = self
        defer { Thread.current.threadDictionary[CurrentTask.key] = previous }
        return try body()
    }
}

extension PlaybookRunner {
    /// Connects Ansible's lookups to the run: variables and search paths of the current task.
    func configureTemplating() {
        templar.warn = { [weak self] in self?.callback.warning($0) }
        templatingContext.searchPaths = { [weak self] in
            CurrentTask.current?.searchPaths ?? [self?.playbookDir ?? FileManager.default.currentDirectoryPath]
        }
        templatingContext.variable = { name in try CurrentTask.current?.scope.lookup(name) }
        templatingContext.renderTemplate = { [weak self] source, path, extra in
            guard let self, let scope = CurrentTask.current?.scope else {
                throw TemplateError(kind: .runtime, message: "lookup('template') is only available while a task runs")
            }
            return try self.templar.renderFile(source, name: path, scope.adding(Templar.templateVars(path: path).merging(extra) { $1 }))
        }
        templatingContext.inventoryHostnames = { [weak self] pattern in self?.inventory.hosts(matching: pattern) ?? [] }
    }
}
