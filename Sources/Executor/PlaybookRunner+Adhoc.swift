import Foundation
import Playbook

extension PlaybookRunner {
    /// Runs plays built in memory (the ad-hoc command's one-task play) from `baseDir`, where roles and
    /// task files are looked up; no recap. The caller shows the inventory's warnings. Returns ansible's exit codes.
    public func run(plays: [Play], baseDir: String) throws -> ExitCode {
        try Validation.check(plays)
        playbookDir = baseDir
        for play in plays {
            if try !PlayRunner(runner: self, play: play).run() { break }
        }
        connections.closeAll()
        if anyUnreachable { return .unreachable }
        if anyFailed { return .hostsFailed }
        return .ok
    }
}
