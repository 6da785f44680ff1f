import Foundation
import Jinja
import OrderedCollections
import Transport

/// `wait_for_connection`: retries a trivial command until the host answers.
public enum WaitForConnectionModule: Module {
    public static let name = "wait_for_connection"
    public static let documentation = """
    # wait_for_connection
    Waits until the host can run commands again (after a reboot, or while it boots): runs a
    trivial command over the task's connection every `sleep` seconds until it succeeds or
    `timeout` seconds pass.

    - `delay` (seconds before the first try, default 0), `sleep` (default 1), `timeout`
      (default 600), `connect_timeout` (default 5; the connection's own timeout applies to each try).

    Not run in check mode (as in Ansible). Returns `elapsed` (seconds).
    """
    public static let spec = ArgumentSpec([
        .init("connect_timeout", .int, default: 5),
        .init("delay", .int, default: 0),
        .init("sleep", .int, default: 1),
        .init("timeout", .int, default: 600),
    ])

    public static func run(_ args: Arguments, _ context: ModuleContext) throws -> ModuleResult {
        if context.checkMode { return sysSkippedInCheckMode(name) }
        let start = Date()
        let timeout = Double(max(0, args.int("timeout") ?? 600))
        let pause = Double(max(1, args.int("sleep") ?? 1))
        let delay = Double(max(0, args.int("delay") ?? 0))
        if delay > 0 { Thread.sleep(forTimeInterval: delay) }
        var lastError = ""
        while true {
            do {
                let r = try context.run("echo ping")
                if r.exitCode == 0 && r.stdoutText.contains("ping") {
                    return ModuleResult(changed: false, ["elapsed": .int(Int(Date().timeIntervalSince(start)))])
                }
                lastError = "rc=\(r.exitCode) \(sysTrim(r.stderrText))"
            } catch {
                lastError = "\(error)"
            }
            if Date().timeIntervalSince(start) + pause > timeout { break }
            Thread.sleep(forTimeInterval: pause)
        }
        return .failed("timed out waiting for ping module test: \(lastError)", ["elapsed": .int(Int(Date().timeIntervalSince(start)))])
    }
}
