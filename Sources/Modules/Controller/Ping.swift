import Jinja

/// `ping`: checks that the host answers commands.
public enum PingModule: Module {
    public static let name = "ping"
    public static let documentation = """
    # ping
    Runs a trivial command on the host and returns `ping: pong` (or `data`). `data: crash` fails.
    """
    public static let spec = ArgumentSpec([.init("data", default: "pong")])

    public static func run(_ args: Arguments, _ context: ModuleContext) throws -> ModuleResult {
        let data = args.string("data") ?? "pong"
        if data == "crash" { return .failed("boom") }
        let r = try context.run("echo pong")
        if r.exitCode != 0 { return .failed("the host did not answer: \(r.stderrText)") }
        return ModuleResult(changed: false, ["ping": .string(data)])
    }
}
