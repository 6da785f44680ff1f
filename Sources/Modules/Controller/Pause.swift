import Foundation
import Jinja

/// `pause`: waits a time, or for the user to answer a prompt on the terminal; once per batch of hosts.
public enum PauseModule: Module {
    public static let name = "pause"
    public static let bypassHostLoop = true
    public static let documentation = """
    # pause
    Waits `seconds` or `minutes`, or, without a duration, until the user presses Enter on the
    terminal; the answer is `user_input`. `prompt` is the question shown, `echo: false` hides what is
    typed. Runs once for all hosts of the play's batch. Without a terminal (stdin not interactive) a
    prompt is not waited for: a warning says so and `user_input` is empty; durations still wait.
    """
    public static let spec = ArgumentSpec([
        .init("seconds", .int), .init("minutes", .int), .init("prompt"), .init("echo", .bool, default: true),
    ], mutuallyExclusive: [["seconds", "minutes"]])

    public static func run(_ args: Arguments, _ context: ModuleContext) throws -> ModuleResult {
        let echo = args.bool("echo")
        let minutes = args.int("minutes")
        let seconds = args.int("seconds") ?? minutes.map { $0 * 60 }
        let prompt = args.string("prompt")
        let start = Date()
        var input = ""
        if let seconds {
            let unit = minutes == nil ? "\(seconds) seconds" : "\(minutes ?? 0) minutes"
            context.console.display("Pausing for \(unit)" + (echo ? "" : " (output is hidden)"))
            if prompt != nil || !echo { context.console.display("(ctrl+C then 'C' = continue early, ctrl+C then 'A' = abort)") }
            // With a duration the prompt is only shown: the time decides, not an answer.
            if let prompt, context.console.ask != nil { context.console.display("[\(context.console.taskName)]\n\(prompt):") }
            Thread.sleep(forTimeInterval: Double(seconds))
        } else if let ask = context.console.ask {
            let question = prompt ?? "Press enter to continue, Ctrl+C to interrupt"
            input = ask("[\(context.console.taskName)]\n\(question):", echo) ?? ""
        } else {
            context.console.warn("Not waiting for response to prompt as stdin is not interactive")
        }
        let stop = Date()
        let elapsed = stop.timeIntervalSince(start)
        let shown = minutes == nil && seconds != nil ? "\(rounded(elapsed)) seconds" : "\(rounded(elapsed / 60)) minutes"
        let values: [String: Value] = [
            "start": .string(CommandModule.timestamp(start)), "stop": .string(CommandModule.timestamp(stop)), "delta": .int(Int(elapsed)),
            "user_input": .string(input), "echo": .bool(echo), "rc": 0, "stderr": "", "stdout": .string("Paused for \(shown)"),
        ]
        return ModuleResult(changed: false, .init(uniqueKeysWithValues: values.sorted { $0.key < $1.key }))
    }

    /// Python's round(x, 2) shown as Python prints a float ("1.0", "0.03").
    private static func rounded(_ x: Double) -> String {
        let r = (x * 100).rounded() / 100
        return r == r.rounded() ? String(format: "%.1f", r) : String(r)
    }

}
