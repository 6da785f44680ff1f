import DataLoader
import Foundation
import Jinja
import OrderedCollections

/// Task keywords; any other key of a task is its action (module).
let taskKeywords: Set<String> = [
    "name", "action", "local_action", "args", "when", "loop", "loop_control", "register", "until", "retries",
    "delay", "changed_when", "failed_when", "ignore_errors", "ignore_unreachable", "no_log", "notify", "listen",
    "tags", "vars", "environment", "delegate_to", "delegate_facts", "run_once", "check_mode", "diff", "become",
    "become_user", "become_method", "become_flags", "become_exe", "remote_user", "connection",
    "any_errors_fatal", "debugger", "throttle", "timeout", "collections", "module_defaults", "async", "poll",
    "port", "block", "rescue", "always",
]

/// Actions written free-form: `command: ls -l` keeps the text as `_raw_params`.
let freeFormActions: Set<String> = ["command", "shell", "raw", "script", "include_tasks", "import_tasks", "include",
                                    "include_vars", "meta", "import_playbook", "win_command", "win_shell", "add_host", "group_by"]
/// Options that may follow a free-form command line as k=v (`command: make creates=out`).
let rawParamOptions: Set<String> = ["creates", "removes", "chdir", "executable", "warn", "stdin", "stdin_add_newline", "strip_empty_ends", "argv", "file", "name"]

/// Strips the collection prefix: "ansible.builtin.copy" -> "copy" for keyword checks.
public func shortActionName(_ action: String) -> String {
    let parts = action.split(separator: ".")
    return parts.count >= 3 ? String(parts.last ?? "") : action
}

extension PlaybookLoader {
    /// Parses a list of tasks (or blocks) written in `file`.
    public func parseTasks(_ node: YAMLNode?, inherited: Inherited, dir: String, handlers: Bool = false) throws -> [TaskNode] {
        guard let node else { return [] }
        if case .scalar(let v, _) = node, v.isNone { return [] }
        guard let items = node.items else {
            throw SourceError("expected a list of tasks, got \(node.kindName)", at: node.mark)
        }
        var out: [TaskNode] = []
        for item in items {
            guard let entries = item.entries else {
                throw SourceError("a task must be a mapping (name, module and keywords), got \(item.kindName)", at: item.mark)
            }
            let keys = Set(entries.map(\.key))
            if keys.contains("block") {
                out.append(.block(try parseBlock(item, inherited: inherited, dir: dir, handlers: handlers)))
                continue
            }
            for bad in ["rescue", "always"] where keys.contains(bad) {
                throw SourceError("'\(bad)' is only valid with 'block'", at: item.mark)
            }
            out += try parseTask(item, inherited: inherited, dir: dir, handler: handlers)
        }
        return out
    }

    func parseBlock(_ node: YAMLNode, inherited: Inherited, dir: String, handlers: Bool) throws -> Block {
        var scope = inherited
        try applyKeywords(node, to: &scope)
        if handlers {
            // A handler may be one block (a group of tasks), but blocks do not nest in handlers.
            for section in ["block", "rescue", "always"] {
                for item in node[section]?.items ?? [] where item["block"] != nil {
                    throw SourceError("Using a block as a handler is not supported.", at: item.mark)
                }
            }
        }
        let name = node["name"]?.value.pythonStr
        let body = try parseTasks(node["block"], inherited: scope, dir: dir, handlers: handlers)
        let rescue = try parseTasks(node["rescue"], inherited: scope, dir: dir, handlers: handlers)
        let always = try parseTasks(node["always"], inherited: scope, dir: dir, handlers: handlers)
        for e in node.entries ?? [] where !taskKeywords.contains(e.key) {
            throw SourceError("'\(e.key)' is not a valid attribute for a Block", at: e.keyMark)
        }
        return Block(name: name, body: body, rescue: rescue, always: always, mark: node.mark, inherited: scope)
    }

    /// Folds the inheritable keywords of a play, block, role or import into `scope`.
    func applyKeywords(_ node: YAMLNode, to scope: inout Inherited, includeWhen: Bool = true) throws {
        for e in node.entries ?? [] {
            let v = e.value.value
            switch e.key {
            case "tags": scope.tags += try tagList(e.value)
            case "when" where includeWhen: scope.when += conditions(v)
            case "vars":
                guard case .dict(let d) = v else {
                    if v.isNone { continue }
                    throw SourceError("'vars' must be a mapping, got \(e.value.kindName)", at: e.value.mark)
                }
                scope.vars.merge(d) { $1 }
            case "environment": scope.environment.append(v)
            case "module_defaults": scope.moduleDefaults.append(v)
            case "become": scope.become = v
            case "become_user": scope.becomeUser = v
            case "become_method": scope.becomeMethod = v
            case "become_flags": scope.becomeFlags = v
            case "remote_user": scope.remoteUser = v
            case "connection": scope.connection = v
            case "ignore_errors": scope.ignoreErrors = v
            case "ignore_unreachable": scope.ignoreUnreachable = v
            case "no_log": scope.noLog = v
            case "check_mode": scope.checkMode = v
            case "diff": scope.diff = v
            case "delegate_to": scope.delegateTo = v
            case "run_once": scope.runOnce = v
            case "notify": scope.notify = v.listValue?.map(\.pythonStr) ?? (v.isNone ? [] : [v.pythonStr])
            case "any_errors_fatal": scope.anyErrorsFatal = v
            case "timeout": scope.timeout = v
            default: break
            }
        }
    }

    func tagList(_ node: YAMLNode) throws -> [String] {
        switch node.value {
        case .string(let s): return s.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        case .list(let l): return l.map(\.pythonStr)
        case .int, .double, .bool: return [node.value.pythonStr]
        case .none: return []
        default: throw SourceError("tags must be a string or a list of strings", at: node.mark)
        }
    }

    func conditions(_ v: Value) -> [Value] {
        switch v {
        case .list(let l): return l
        case .none: return []
        default: return [v]
        }
    }

    /// One task; static imports expand into the tasks they import.
    func parseTask(_ node: YAMLNode, inherited: Inherited, dir: String, handler: Bool) throws -> [TaskNode] {
        let entries = node.entries ?? []
        var actionEntries = entries.filter { !taskKeywords.contains($0.key) && !$0.key.hasPrefix("with_") }
        var action: String
        var args: Vars = [:]
        var argsMark = node.mark
        if let a = node["action"] ?? node["local_action"] {
            guard actionEntries.isEmpty else {
                throw SourceError("conflicting action statements: action, \(actionEntries[0].key)", at: actionEntries[0].keyMark)
            }
            (action, args) = try splitActionValue(a)
            argsMark = a.mark
        } else {
            // `with_X` could be a misspelt module too, but Ansible treats every with_ key as a loop.
            if actionEntries.count > 1 {
                throw SourceError("conflicting action statements: \(actionEntries.map(\.key).joined(separator: ", "))", at: actionEntries[1].keyMark)
            }
            guard let entry = actionEntries.first else {
                throw SourceError("no module/action detected in task", at: node.mark)
            }
            actionEntries.removeAll()
            action = entry.key
            argsMark = entry.value.mark
            args = try actionArgs(action, entry.value)
        }
        if let extra = node["args"] {
            guard case .dict(let d) = extra.value else {
                throw SourceError("'args' must be a mapping", at: extra.mark)
            }
            args.merge(d) { $1 }
        }
        _ = argsMark
        var scope = inherited
        if node["local_action"] != nil { scope.delegateTo = "localhost" }
        let short = shortActionName(action)

        if handler && (short == "include_role" || short == "import_role") {
            throw SourceError("Using '\(action)' as a handler is not supported.", at: node.mark)
        }
        if handler && short == "meta" && args["_raw_params"]?.stringValue == "flush_handlers" {
            throw SourceError("flush_handlers cannot be used as a handler", at: node.mark)
        }
        if ["include_tasks", "import_tasks", "include"].contains(short),
           (args["_raw_params"] ?? args["file"]).map({ $0.isNone || $0.pythonStr.isEmpty }) ?? true {
            throw SourceError("No file specified for \(action)", at: node.mark)
        }
        if short == "include_role" || short == "import_role" {
            for key in ["tasks_from", "vars_from", "defaults_from", "handlers_from"] {
                guard let v = args[key], v.stringValue == nil else { continue }
                let kind = v.listValue != nil ? "ansible.parsing.yaml.objects.AnsibleSequence"
                    : (v.dictValue != nil ? "ansible.parsing.yaml.objects.AnsibleMapping" : v.typeName)
                throw SourceError("Expected a string for \(key) but got <class '\(kind)'> instead", at: argsMark)
            }
        }
        // Static imports: their keywords (incl. when and tags) apply to every imported task.
        if short == "import_tasks" || short == "import_role" {
            let valid: Set<String> = short == "import_tasks" ? ["_raw_params", "file"]
                : ["name", "tasks_from", "vars_from", "defaults_from", "handlers_from", "allow_duplicates", "rolespec_validate", "public"]
            let invalid = args.keys.filter { !valid.contains($0) }
            if !invalid.isEmpty {
                throw SourceError("Invalid options for \(short): \(invalid.joined(separator: ","))", at: argsMark)
            }
            try applyKeywords(node, to: &scope)
            if short == "import_tasks" {
                guard let written = (args["_raw_params"] ?? args["file"])?.stringValue else {
                    throw SourceError("import_tasks needs a file name", at: node.mark)
                }
                let file = try staticName(written, vars: currentPlayVars.merging(scope.vars) { $1 }, mark: node.mark)
                let path = try resolveTaskFile(file, dir: dir, role: scope.role)
                scope.vars.merge(args.filter { $0.key != "_raw_params" && $0.key != "file" }) { $1 }
                return try parseTasks(try YAMLLoader.load(file: path), inherited: scope, dir: (path as NSString).deletingLastPathComponent, handlers: handler)
            }
            guard args["name"]?.stringValue != nil else { throw SourceError("import_role needs a name", at: node.mark) }
            let known = currentPlayVars.merging(scope.vars) { $1 }
            func arg(_ key: String) throws -> String? {
                try args[key]?.stringValue.map { try staticName($0, vars: known, mark: node.mark) }
            }
            let role = try loadRole(name: try arg("name")!, params: [:], inherited: scope, baseDir: dir,
                                    tasksFrom: try arg("tasks_from"), varsFrom: try arg("vars_from"),
                                    defaultsFrom: try arg("defaults_from"), handlersFrom: try arg("handlers_from"),
                                    mark: node.mark)
            importedRoles.append(role)
            if handler { return role.dependencies.flatMap { dependencyTasks($0) } + role.handlers }
            // import_role's allow_duplicates (true unless given) replaces the role's own setting: a role
            // imported again with allow_duplicates false is skipped.
            var allowDuplicates = true
            if let v = args["allow_duplicates"] {
                let text = try v.stringValue.map { try staticName($0, vars: known, mark: node.mark) }
                allowDuplicates = try text.map { try YAMLBoolean.parse($0, mark: node.mark) } ?? v.truthy
            }
            if !appliedRoles.insert(ObjectIdentifier(role)).inserted && !allowDuplicates { return [] }
            return role.dependencies.flatMap { dependencyTasks($0) } + role.tasks
        }

        let freeFormActions: Set<String> = ["command", "shell", "raw", "script", "win_command", "win_shell"]
        if !freeFormActions.contains(short), let reserved = args.keys.first(where: { $0.hasPrefix("_ansible_") }) {
            throw SourceError("Invalid parameter specified beginning with keyword '_ansible_' for action '\(action)': '\(reserved)'. "
                + "The prefix '_ansible_' is reserved for internal use only.", at: argsMark)
        }
        let task = Task(action: action, args: args, mark: node.mark, inherited: scope)
        task.enclosing = scope
        // A block's notify applies to its tasks unless they name their own handlers.
        task.notify = scope.notify
        task.isHandler = handler
        for e in entries {
            task.keywords.insert(e.key)
            let v = e.value.value
            switch e.key {
            case "name": task.name = v.isNone ? nil : v.pythonStr
            case "when":
                task.when = conditions(v)
                task.whenMarks = (e.value.items ?? [e.value]).map { if case .string = $0.value { return $0.mark } else { return nil } }
            case "loop": task.loop = v; task.loopKind = "loop"
            case "loop_control":
                guard case .dict(let d) = v else { throw SourceError("loop_control must be a mapping", at: e.value.mark) }
                task.loopControl = d
            case "register":
                let name = v.pythonStr
                // Checked when loading, as ansible-playbook does, so a bad name stops the run before any task.
                guard isValidVariableName(name) else {
                    throw SourceError("Invalid variable name in 'register' specified: '\(name)'", at: e.value.mark)
                }
                task.register = name
            case "until": task.until = v
            case "retries": task.retries = v
            case "delay": task.delay = v
            case "changed_when": task.changedWhen = v
            case "failed_when": task.failedWhen = v
            case "notify": task.notify = v.listValue?.map(\.pythonStr) ?? (v.isNone ? [] : [v.pythonStr])
            case "listen": task.listen = v.listValue?.map(\.pythonStr) ?? (v.isNone ? [] : [v.pythonStr])
            case "tags": task.ownTags = try tagList(e.value)
            case "vars":
                guard case .dict(let d) = v else {
                    if v.isNone { continue }
                    throw SourceError("'vars' must be a mapping, got \(e.value.kindName)", at: e.value.mark)
                }
                task.ownVars = d
            case "environment": task.ownEnvironment = v
            case "delegate_facts": task.delegateFacts = v
            case "throttle": task.throttle = v
            case "async": task.async = v
            case "poll": task.poll = v
            case "become": task.inherited.become = v
            case "become_user": task.inherited.becomeUser = v
            case "become_method": task.inherited.becomeMethod = v
            case "become_flags": task.inherited.becomeFlags = v
            case "remote_user": task.inherited.remoteUser = v
            case "connection": task.inherited.connection = v
            case "ignore_errors": task.inherited.ignoreErrors = v
            case "ignore_unreachable": task.inherited.ignoreUnreachable = v
            case "timeout": task.inherited.timeout = v
            case "no_log": task.inherited.noLog = v
            case "check_mode": task.inherited.checkMode = v
            case "diff": task.inherited.diff = v
            case "delegate_to": task.inherited.delegateTo = v
            case "run_once": task.inherited.runOnce = v
            case "any_errors_fatal": task.inherited.anyErrorsFatal = v
            case "module_defaults": task.inherited.moduleDefaults.append(v)
            default:
                if e.key.hasPrefix("with_") {
                    task.loop = v
                    task.loopKind = String(e.key.dropFirst(5))
                }
            }
        }
        return [.task(task)]
    }

    /// A Python identifier that is not a keyword: what Ansible accepts as a variable name.
    func isValidVariableName(_ name: String) -> Bool {
        let keywords: Set<String> = ["False", "None", "True", "and", "as", "assert", "async", "await", "break", "class",
            "continue", "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in",
            "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while", "with", "yield"]
        guard let first = name.first, first.isLetter || first == "_" else { return false }
        return name.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" } && !keywords.contains(name)
    }

    func dependencyTasks(_ role: RoleInstance) -> [TaskNode] {
        role.dependencies.flatMap { dependencyTasks($0) } + role.tasks
    }

    /// A dependency's tasks, its own dependencies first (include_role at run time).
    public func dependencyTaskNodes(_ role: RoleInstance) -> [TaskNode] { dependencyTasks(role) }

    /// `action: copy src=a dest=b` or `action: {module: copy, src: a}`.
    func splitActionValue(_ node: YAMLNode) throws -> (String, Vars) {
        switch node.value {
        case .string(let s):
            let trimmed = s.trimmingCharacters(in: .whitespaces)
            let name = String(trimmed.prefix { !$0.isWhitespace })
            let rest = String(trimmed.dropFirst(name.count)).trimmingCharacters(in: .whitespaces)
            return (name, try actionArgs(name, .scalar(.string(rest), node.mark)))
        case .dict(var d):
            guard let module = d.removeValue(forKey: "module")?.stringValue else {
                throw SourceError("'action' as a mapping needs a 'module' key", at: node.mark)
            }
            return (module, d)
        default:
            throw SourceError("'action' must be a string or a mapping", at: node.mark)
        }
    }

    /// Module arguments from the value under the action key: a mapping, or a k=v / free-form string.
    func actionArgs(_ action: String, _ node: YAMLNode) throws -> Vars {
        let short = shortActionName(action)
        switch node.value {
        case .dict(let d): return d
        case .none: return [:]
        case .string(let s):
            return try parseKeyValues(s, freeForm: freeFormActions.contains(short), rawOptions: short == "command" || short == "shell" || short == "raw" || short == "script" ? rawParamOptions : nil, mark: node.mark)
        case .int, .double, .bool:
            return ["_raw_params": .string(node.value.pythonStr)]
        default:
            throw SourceError("arguments of '\(action)' must be a mapping or a string, got \(node.kindName)", at: node.mark)
        }
    }

    /// Where a `key=value` token splits: its first `=`, or for a `{{ key }}=value` token the first `=`
    /// after the key's template.
    static func keyValueSplit(_ token: String) -> String.Index? {
        guard token.hasPrefix("{{") else { return token.firstIndex(of: "=") }
        guard let close = token.range(of: "}}") else { return nil }
        return token[close.upperBound...].first == "=" ? close.upperBound : nil
    }

    /// Splits `a=1 b='x y' rest` like Ansible's k=v parser. With `rawOptions`, only those keys are
    /// options and everything else stays in `_raw_params`; for other free-form actions every k=v is an option.
    func parseKeyValues(_ s: String, freeForm: Bool, rawOptions: Set<String>?, mark: SourceMark) throws -> Vars {
        var out: Vars = [:]
        var raw: [String] = []
        for token in try splitArgs(s) {
            if let eq = Self.keyValueSplit(token) {
                let key = String(token[..<eq]).trimmingCharacters(in: .whitespacesAndNewlines)
                // A templated key (`set_fact: "{{ name }}=value"`) is kept for the action to render.
                let templatedKey = rawOptions == nil && key.hasPrefix("{{") && key.hasSuffix("}}")
                let validKey = templatedKey || (!key.isEmpty && key.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" })
                if validKey && (rawOptions == nil || rawOptions!.contains(key)) {
                    let value = decodeEscapes(String(token[token.index(after: eq)...])).trimmingCharacters(in: .whitespacesAndNewlines)
                    out[key] = .string(unquote(value))
                    continue
                }
            }
            raw.append(token)
        }
        if !raw.isEmpty {
            guard freeForm else {
                throw SourceError("this module takes key=value arguments, but got '\(raw.joined(separator: " "))'", at: mark)
            }
            out["_raw_params"] = .string(joinArgs(raw))
        }
        return out
    }

    /// Splits like Ansible's k=v splitter: on single spaces and line ends outside quotes and Jinja
    /// blocks, keeping quotes in the tokens. Runs of spaces and line ends stay attached to the token
    /// before them, so `joinArgs` gives back the original text of free-form commands (multi-line
    /// `shell: |` scripts, indentation, repeated spaces).
    func splitArgs(_ s: String) throws -> [String] {
        guard !s.isEmpty else { return [] }
        var params: [String] = []
        var quote: Character?
        var depths = [0, 0, 0]  // {{ }}, {% %}, {# #}
        let pairs: [(String, String)] = [("{{", "}}"), ("{%", "%}"), ("{#", "#}")]
        let lines = s.components(separatedBy: "\n")
        for (lineIndex, line) in lines.enumerated() {
            let words = line.components(separatedBy: " ")
            var continued = false
            for (index, word) in words.enumerated() {
                if word.isEmpty && index != 0 {
                    if params.isEmpty { params.append("") }
                    params[params.count - 1] += " "
                    continue
                }
                if word == "\\" && quote == nil { continued = true; continue }
                let wasQuoted = quote != nil
                quote = quoteState(word, quote)
                let inJinja = depths.contains { $0 > 0 }
                var appended = false
                if quote != nil && !wasQuoted && !inJinja {
                    params.append(word)
                    appended = true
                } else if inJinja || quote != nil || wasQuoted {
                    params[params.count - 1] += (index == 0 && wasQuoted ? "" : (index > 0 ? " " : "")) + word
                    appended = true
                }
                for (k, pair) in pairs.enumerated() {
                    let before = depths[k]
                    depths[k] += word.components(separatedBy: pair.0).count - 1
                    depths[k] = max(0, depths[k] - (word.components(separatedBy: pair.1).count - 1))
                    if depths[k] != before && !appended {
                        params.append(word)
                        appended = true
                    }
                }
                if !depths.contains(where: { $0 > 0 }) && quote == nil && !appended && !word.isEmpty {
                    params.append(word)
                }
            }
            if lines.count > 1 && lineIndex != lines.count - 1 && !continued {
                if params.isEmpty { params.append("") }
                params[params.count - 1] += "\n"
            }
        }
        if quote != nil || depths.contains(where: { $0 > 0 }) {
            throw SourceError("failed at splitting arguments, either an unbalanced jinja2 block or quotes: \(s)", at: nil)
        }
        return params
    }

    /// The quote still open after `word` (quotes preceded by a backslash do not count).
    func quoteState(_ word: String, _ open: Character?) -> Character? {
        var quote = open
        var previous: Character?
        for c in word {
            if c == "\"" || c == "'", previous != "\\" {
                if quote == nil { quote = c } else if quote == c { quote = nil }
            }
            previous = c
        }
        return quote
    }

    /// Rejoins raw tokens: one space between them except after a line end (see splitArgs).
    func joinArgs(_ tokens: [String]) -> String {
        var out = ""
        for t in tokens {
            out += out.isEmpty || out.hasSuffix("\n") ? t : " " + t
        }
        return out
    }

    /// Backslash escapes in a k=v value, as Ansible decodes them: \n \t \\ \' \" \a \b \f \r \v,
    /// \xHH, \uHHHH, \UHHHHHHHH (so `content="a\nb"` writes two lines). Other backslashes stay.
    func decodeEscapes(_ s: String) -> String {
        guard s.contains("\\") else { return s }
        let simple: [Character: String] = ["n": "\n", "t": "\t", "\\": "\\", "'": "'", "\"": "\"", "a": "\u{07}",
                                           "b": "\u{08}", "f": "\u{0C}", "r": "\r", "v": "\u{0B}"]
        let chars = Array(s)
        var out = ""
        var i = 0
        while i < chars.count {
            guard chars[i] == "\\", i + 1 < chars.count else { out.append(chars[i]); i += 1; continue }
            let c = chars[i + 1]
            if let r = simple[c] { out += r; i += 2; continue }
            let width = c == "x" ? 2 : c == "u" ? 4 : c == "U" ? 8 : 0
            if width > 0, i + 2 + width <= chars.count, chars[(i + 2)..<(i + 2 + width)].allSatisfy(\.isHexDigit),
               let code = UInt32(String(chars[(i + 2)..<(i + 2 + width)]), radix: 16), let scalar = Unicode.Scalar(code) {
                out.unicodeScalars.append(scalar)
                i += 2 + width
                continue
            }
            out.append(chars[i])
            i += 1
        }
        return out
    }

    func unquote(_ s: String) -> String {
        if s.count >= 2, let f = s.first, f == s.last, f == "'" || f == "\"" {
            return String(s.dropFirst().dropLast())
        }
        return s
    }
}

/// Boolean words of templated keyword values ("True", "no"...), as Ansible's boolean() reads them.
enum YAMLBoolean {
    static func parse(_ text: String, mark: SourceMark?) throws -> Bool {
        switch text.trimmingCharacters(in: .whitespaces).lowercased() {
        case "true", "yes", "on", "1", "y", "t": return true
        case "false", "no", "off", "0", "n", "f", "": return false
        default: throw SourceError("expected a boolean, got '\(text)'", at: mark)
        }
    }
}
