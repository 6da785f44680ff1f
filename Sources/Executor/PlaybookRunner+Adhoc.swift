import Foundation
import Modules
import Playbook

extension PlaybookRunner {
    /// Runs plays built in memory (the ad-hoc command's one-task play) from `baseDir`, where roles and
    /// task files are looked up; no recap. The caller shows the inventory's warnings. Returns ansible's exit codes.
    public func run(plays: [Play], baseDir: String) throws -> ExitCode {
        try Validation.check(plays, library: options.library, playbookDir: baseDir)
        playbookDir = baseDir
        for play in plays {
            if try !PlayRunner(runner: self, play: play).run() { break }
        }
        connections.closeAll()
        if anyUnreachable { return .unreachable }
        if anyFailed { return .hostsFailed }
        return .ok
    }

    /// Whether `action` names a module, an engine action (include_role, meta...) or a module of
    /// the user's library (`baseDir/library`, the module path).
    public static func isKnownAction(_ action: String, library: ModuleLibrary, baseDir: String) -> Bool {
        let short = shortActionName(action)
        return Validation.engineActions.contains(short) || ModuleRegistry.module(named: action) != nil || ModuleRegistry.module(named: short) != nil
            || library.moduleFile(action, roots: [baseDir]) != nil
    }
}
