import Foundation
import Jinja

/// `pause`: waits; never blocks for input (runs are non-interactive).
public enum PauseModule: Module {
    public static let name = "pause"
    public static let documentation = """
    # pause
    Waits `seconds` or `minutes`. A `prompt` without a duration does not wait for input: runs are
    non-interactive, so it returns an empty `user_input` at once.
    """
    public static let spec = ArgumentSpec([
        .init("seconds", .int), .init("minutes", .int), .init("prompt"), .init("echo", .bool, default: true),
    ], mutuallyExclusive: [["seconds", "minutes"]])

    public static func run(_ args: Arguments, _ context: ModuleContext) throws -> ModuleResult {
        let seconds = args.int("seconds") ?? (args.int("minutes").map { $0 * 60 } ?? 0)
        let start = Date()
        if seconds > 0 { Thread.sleep(forTimeInterval: Double(seconds)) }
        let elapsed = Int(Date().timeIntervalSince(start).rounded())
        return ModuleResult(changed: false, [
            "start": .string("\(start)"), "stop": .string("\(Date())"), "delta": .int(elapsed),
            "user_input": "", "echo": .bool(args.bool("echo")),
        ])
    }
}
