import ArgumentParser
import Modules

/// `swiftplay doc MODULE`: a module's documentation and options.
struct DocCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "doc", abstract: "Show a module's documentation.")

    @Argument(help: "Module name; omit to list all modules.") var module: String?

    func run() throws {
        guard let name = module else {
            print(ModuleRegistry.names.joined(separator: "\n"))
            return
        }
        guard let m = ModuleRegistry.module(named: name) else {
            var msg = "module '\(name)' not found"
            if let hint = closest(name, in: ModuleRegistry.names) { msg += "; did you mean '\(hint)'?" }
            throw ValidationError(msg)
        }
        print(m.documentation)
        print("\n## Options")
        for o in m.spec.options where !o.name.hasPrefix("_") {
            var line = "- `\(o.name)` (\(o.kind.rawValue)\(o.required ? ", required" : ""))"
            if let d = o.defaultValue { line += " default: \(d.pythonRepr)" }
            if let c = o.choices { line += " choices: \(c.joined(separator: ", "))" }
            if !o.aliases.isEmpty { line += " aliases: \(o.aliases.joined(separator: ", "))" }
            if !o.help.isEmpty { line += " — \(o.help)" }
            print(line)
        }
    }
}
