import Jinja
import Transport

/// `raw`: sends the command line as it is, through the login shell.
public enum RawModule: Module {
    public static let name = "raw"
    public static let freeForm = true
    public static let documentation = """
    # raw
    Runs the command line as given, without any processing. Always changed; not run in check mode.
    """
    public static let spec = ArgumentSpec([.init("_raw_params", required: true), .init("executable")])

    public static func run(_ args: Arguments, _ context: ModuleContext) throws -> ModuleResult {
        if context.checkMode {
            var r = ModuleResult(changed: false, ["msg": "Command would have run if not in check mode"])
            r["skipped"] = true
            return r
        }
        var line = args.string("_raw_params") ?? ""
        if let exe = args.string("executable") { line = "\(shellQuote(exe)) -c \(shellQuote(line))" }
        let r = try context.run(line)
        var result = ModuleResult(changed: true, [
            "rc": .int(Int(r.exitCode)), "stdout": .string(r.stdoutText), "stderr": .string(r.stderrText),
            "stdout_lines": .list(r.stdoutText.split(separator: "\n").map { .string(String($0)) }),
        ])
        if r.exitCode != 0 { result["failed"] = true; result["msg"] = "non-zero return code" }
        return result
    }
}
