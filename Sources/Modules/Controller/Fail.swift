import Jinja

/// `fail`: fails the task with a message.
public enum FailModule: Module {
    public static let name = "fail"
    public static let documentation = """
    # fail
    Fails the task with `msg` (default "Failed as requested from task"); use with `when:`.
    """
    public static let spec = ArgumentSpec([.init("msg", .raw, default: "Failed as requested from task")])

    public static func run(_ args: Arguments, _ context: ModuleContext) throws -> ModuleResult {
        var r = ModuleResult.failed("")
        r["msg"] = args["msg"] ?? "Failed as requested from task"
        return r
    }
}
