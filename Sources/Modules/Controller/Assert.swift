import Jinja
import OrderedCollections

/// `assert`: fails unless every expression in `that` holds.
public enum AssertModule: Module {
    public static let name = "assert"
    public static let documentation = """
    # assert
    Evaluates each expression of `that` like `when:`; fails with `fail_msg` (or `msg`) on the first
    false one, else reports `success_msg`. `quiet` shortens the output.
    """
    public static let spec = ArgumentSpec([
        .init("that", .raw, required: true, help: "Expressions that must all be true (a list, or one expression)."),
        .init("fail_msg", .raw, aliases: ["msg"], help: "Message on failure."),
        .init("success_msg", .raw, help: "Message on success."),
        .init("quiet", .bool, default: false),
    ])

    public static let expressionArgs: Set<String> = ["that"]

    public static func run(_ args: Arguments, _ context: ModuleContext) throws -> ModuleResult {
        // A single expression is not split on commas (it may contain a list literal).
        let conditions = args["that"]?.listValue ?? [args["that"] ?? .none]
        for cond in conditions {
            if try !context.conditional(cond) {
                var r = ModuleResult.failed(args["fail_msg"]?.pythonStr ?? "Assertion failed")
                r["assertion"] = cond
                r["evaluated_to"] = false
                if let m = args["fail_msg"] { r["msg"] = m }
                if !args.bool("quiet") { r["_swiftplay_verbose"] = true }
                return r
            }
        }
        var r = ModuleResult(changed: false, ["msg": args["success_msg"] ?? "All assertions passed"])
        if !args.bool("quiet") { r["_swiftplay_verbose"] = true }
        return r
    }
}
