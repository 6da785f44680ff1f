import Foundation
import Jinja
import OrderedCollections
import Transport

/// `slurp`: reads a whole file from the host, base64-encoded.
public enum SlurpModule: Module {
    public static let name = "slurp"
    public static let documentation = """
    # slurp
    Returns the content of the host file `src` (alias `path`) base64-encoded in `content`, with
    `encoding: base64` and `source`. Use `{{ result.content | b64decode }}` for text.
    """
    public static let spec = ArgumentSpec([.init("src", .path, required: true, aliases: ["path"])])

    public static func run(_ args: Arguments, _ context: ModuleContext) throws -> ModuleResult {
        let src = try RemotePath.expandUser(args.string("src") ?? "", context)
        let p = shellQuote(src)
        // Exit codes tell the failure apart without a second command.
        let r = try context.run("if [ -d \(p) ]; then exit 21; elif [ ! -e \(p) ]; then exit 20; elif [ ! -r \(p) ]; then exit 22; fi; cat -- \(p)")
        switch r.exitCode {
        case 0: break
        case 20: throw ModuleError("File not found: \(src)")
        case 21: throw ModuleError("source is a directory and must be a file")
        case 22: throw ModuleError("file is not readable: \(src)")
        default: throw ModuleError("unable to slurp file: \(r.stderrText.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        return ModuleResult(changed: false, ["content": .string(r.stdout.base64EncodedString()), "source": .string(src), "encoding": "base64"])
    }
}
