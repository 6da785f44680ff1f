import Jinja
import OrderedCollections

/// `debug`: prints a message or a variable's value.
public enum DebugModule: Module {
    public static let name = "debug"
    public static let documentation = """
    # debug
    Prints `msg` (default "Hello world!") or the value of the variable or expression `var`.
    `verbosity` hides the output unless at least that many -v were given.
    """
    public static let spec = ArgumentSpec([
        .init("msg", .raw, help: "The message to print."),
        .init("var", .str, help: "A variable name or expression whose value is printed."),
        .init("verbosity", .int, default: 0, help: "Minimum -v count to show this."),
    ], mutuallyExclusive: [["msg", "var"]])

    public static func run(_ args: Arguments, _ context: ModuleContext) throws -> ModuleResult {
        if let v = args.int("verbosity"), v > context.verbosity {
            var r = ModuleResult(changed: false, ["skipped_reason": "Verbosity threshold not met."])
            r["skipped"] = true
            return r
        }
        var r = ModuleResult(changed: false)
        if let name = args.string("var") {
            let value: Value
            do {
                let v = try context.evaluate(name)
                value = v.isUndefined ? "VARIABLE IS NOT DEFINED!" : v
            } catch let e as TemplateError where e.kind == .undefined {
                value = "VARIABLE IS NOT DEFINED!"
            }
            r[name] = value
        } else {
            r["msg"] = args["msg"] ?? "Hello world!"
        }
        r["_swiftplay_verbose"] = true
        r["_swiftplay_hide"] = ["changed", "failed", "skipped", "invocation", "skip_reason"]
        // A message is shown alone (not even a loop's item), as ansible-playbook shows it.
        if r["msg"] != nil { r["_swiftplay_show_only"] = ["msg", "exception", "warnings", "deprecations"] }
        return r
    }
}
