import Foundation
import Jinja
import OrderedCollections
import Transport

/// Runs a module file of the user's (a playbook's or role's `library/`, or the configured library
/// path) on the host, the way Ansible runs custom modules. swiftplay's own modules need nothing on
/// the host; a user's module brings its own interpreter requirement.
///
/// - Python modules written against `ansible.module_utils` run with the host's Python from stdin,
///   with swiftplay's implementation of that API (`ModuleUtilsSources`) and the user's own
///   `module_utils/` files importable; nothing is written on the host.
/// - Other modules (scripts with `WANT_JSON`, binaries, old-style scripts) are staged in a
///   temporary directory and run with the path of an arguments file: JSON for the first two,
///   `key=value` words for old-style ones.
///
/// Either way the module prints one JSON object, which becomes the task's result.
public enum LibraryModule {
    /// How a module file is run, from its content (as Ansible decides it).
    enum Kind: Equatable {
        case python, wantJSON, binary, oldStyle
    }

    public static func run(name: String, file: String, moduleUtils: [String: Data], args: OrderedDictionary<String, Value>,
                           _ context: ModuleContext) throws -> ModuleResult {
        guard let source = FileManager.default.contents(atPath: file) else {
            throw ModuleError("could not read the module file \(file)")
        }
        var all = args
        all["_ansible_check_mode"] = .bool(context.checkMode)
        all["_ansible_diff"] = .bool(context.diffMode)
        all["_ansible_verbosity"] = .int(context.verbosity)
        all["_ansible_module_name"] = .string(name)
        let json = Data(try valueToJSON(.dict(all)).utf8)
        let result: CommandResult
        switch kind(of: source) {
        case .python:
            let python = context.variable("ansible_python_interpreter")?.pythonStr
            let payload = pythonPayload(module: source, name: name, args: json, moduleUtils: moduleUtils)
            result = try context.run(pythonCommand(interpreter: python), stdin: payload)
        case .wantJSON, .binary:
            result = try context.run(stagedCommand(name: name, argsSize: json.count), stdin: json + source)
        case .oldStyle:
            let words = Data(oldStyleArgs(all).utf8)
            result = try context.run(stagedCommand(name: name, argsSize: words.count), stdin: words + source)
        }
        return try parseResult(result)
    }

    static func kind(of source: Data) -> Kind {
        let text = String(decoding: source.prefix(1 << 20), as: UTF8.self)
        if text.contains("from ansible.module_utils") || text.contains("import ansible.module_utils") { return .python }
        if text.contains("WANT_JSON") { return .wantJSON }
        if source.starts(with: Data([0x7F, 0x45, 0x4C, 0x46])) || String(data: source, encoding: .utf8) == nil { return .binary }
        return .oldStyle
    }

    /// The host's Python reads the payload from stdin: the interpreter asked for, else (also for
    /// Ansible's `auto*` discovery values) the first of python3 / platform-python / python on PATH.
    static func pythonCommand(interpreter: String?) -> String {
        if let interpreter, !interpreter.isEmpty, !interpreter.hasPrefix("auto") { return "\(interpreter) -" }
        return "__sp_py=$(command -v python3 || command -v /usr/libexec/platform-python || command -v python) "
            + "|| { echo 'no Python interpreter on the host: this module needs one (or set ansible_python_interpreter)' >&2; exit 127; }; "
            + "\"$__sp_py\" -"
    }

    /// Module file and arguments come on stdin (arguments first, `argsSize` bytes, read by dd so no
    /// byte of the module is consumed); the module runs from a private temporary directory.
    static func stagedCommand(name: String, argsSize: Int) -> String {
        let file = shellQuote(name)
        return "__sp_d=$(mktemp -d \"${TMPDIR:-/tmp}/swiftplay-module.XXXXXX\") || exit 1; "
            + "dd bs=1 count=\(argsSize) of=\"$__sp_d/args\" 2>/dev/null && cat > \"$__sp_d/\"\(file) && chmod 700 \"$__sp_d/\"\(file) "
            + "&& \"$__sp_d/\"\(file) \"$__sp_d/args\"; __sp_r=$?; rm -rf \"$__sp_d\"; exit $__sp_r"
    }

    /// Old-style modules read `key=value` words, values shell-quoted.
    static func oldStyleArgs(_ args: OrderedDictionary<String, Value>) -> String {
        args.map { key, value in
            let text: String
            switch value {
            case .string(let s): text = s
            default: text = (try? valueToJSON(value)) ?? value.pythonStr
            }
            return "\(key)=\(shellQuote(text))"
        }.joined(separator: " ")
    }

    /// A Python program that makes swiftplay's module_utils and the user's importable from memory,
    /// hands the arguments to AnsibleModule and runs the module as `__main__`.
    static func pythonPayload(module: Data, name: String, args: Data, moduleUtils: [String: Data]) -> Data {
        var sources: [(String, Bool, Data)] = ModuleUtilsSources.files.map { ($0.name, $0.isPackage, Data($0.source.utf8)) }
        let shipped = Set(sources.map(\.0))
        for (dotted, data) in moduleUtils.sorted(by: { $0.key < $1.key }) {
            // A user's file may replace one of ours (as a module_utils path entry shadows Ansible's).
            sources.removeAll { $0.0 == "ansible.module_utils.\(dotted)" }
            sources.append(("ansible.module_utils.\(dotted)", false, data))
        }
        // Packages the user's files need that we do not ship (module_utils/sub/x.py -> ansible.module_utils.sub).
        var packages = Set<String>()
        for (dotted, _, _) in sources {
            var parts = dotted.split(separator: ".").dropLast()
            while !parts.isEmpty {
                packages.insert(parts.joined(separator: "."))
                parts = parts.dropLast()
            }
        }
        for p in packages.sorted() where !shipped.contains(p) && !sources.contains(where: { $0.0 == p }) {
            sources.append((p, true, Data()))
        }
        // A user's package (`module_utils/net/__init__.py`, given as "net") is a package too.
        sources = sources.map { ($0.0, $0.1 || packages.contains($0.0), $0.2) }
        let table = sources.map { "    \(pythonString($0.0)): (\(pythonString($0.2.base64EncodedString())), \($0.1 ? "True" : "False")),\n" }.joined()
        let program = """
        import base64, importlib.abc, importlib.util, json, sys
        _SOURCES = {
        \(table)}


        class _MemoryImporter(importlib.abc.MetaPathFinder, importlib.abc.Loader):
            def find_spec(self, name, path=None, target=None):
                if name in _SOURCES:
                    return importlib.util.spec_from_loader(name, self, is_package=_SOURCES[name][1])
                return None

            def create_module(self, spec):
                return None

            def exec_module(self, module):
                code, _ = _SOURCES[module.__name__]
                exec(compile(base64.b64decode(code), module.__name__.replace('.', '/') + '.py', 'exec'), module.__dict__)


        sys.meta_path.insert(0, _MemoryImporter())
        import ansible.module_utils.basic as _basic
        _basic._ANSIBLE_ARGS = json.loads(base64.b64decode(\(pythonString(args.base64EncodedString()))))
        sys.argv = [\(pythonString(name))]
        _main = {'__name__': '__main__', '__file__': \(pythonString(name + ".py")), '__builtins__': __builtins__}
        exec(compile(base64.b64decode(\(pythonString(module.base64EncodedString()))), \(pythonString(name + ".py")), 'exec'), _main)

        """
        return Data(program.utf8)
    }

    /// A Python string literal for text of letters, digits and base64/identifier punctuation.
    private static func pythonString(_ s: String) -> String {
        "'" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'"
    }

    /// The module's JSON on stdout becomes the result; lines printed before it are ignored, as
    /// Ansible does. No JSON at all is a MODULE FAILURE carrying what the module printed.
    static func parseResult(_ r: CommandResult) throws -> ModuleResult {
        let out = r.stdoutText
        var parsed: Value?
        var rest = Substring(out)
        while parsed == nil, let start = rest.firstIndex(where: { $0 == "{" }) {
            let candidate = rest[start...]
            // The object ends at the last closing brace; anything after it is noise.
            if let end = candidate.lastIndex(of: "}"), let v = try? parseJSON(String(candidate[...end])), case .dict = v {
                parsed = v
            }
            rest = candidate.dropFirst()
            if let nl = rest.firstIndex(of: "\n") { rest = rest[nl...] } else { break }
        }
        guard case .dict(var values)? = parsed else {
            let failure: OrderedDictionary<String, Value> = ["module_stdout": .string(out), "module_stderr": .string(r.stderrText), "rc": .int(Int(r.exitCode))]
            let msg = r.exitCode == 127 && r.stderrText.contains("no Python interpreter")
                ? r.stderrText.trimmingCharacters(in: .whitespacesAndNewlines)
                : "MODULE FAILURE\nSee stdout/stderr for the exact error"
            throw ModuleError(msg, failure)
        }
        for key in values.keys where key.hasPrefix("_ansible_") { values.removeValue(forKey: key) }
        var result = ModuleResult(changed: values["changed"]?.truthy ?? false)
        for (k, v) in values where k != "changed" { result[k] = v }
        return result
    }
}
