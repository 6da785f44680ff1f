import Foundation
import Jinja
import OrderedCollections
import Transport

/// A task module: one type per file, with its argument spec, documentation and behaviour.
///
/// A module reads the state it needs from the host in one round trip, decides, then changes it in
/// one round trip. It must be idempotent (a second run reports no change), change nothing under
/// `context.checkMode`, and fill `diff` when `context.diffMode` is on and it has a meaningful diff.
public protocol Module {
    /// Short name, e.g. "file". FQCNs (ansible.builtin.file...) resolve through `aliases`.
    static var name: String { get }
    static var aliases: [String] { get }
    static var spec: ArgumentSpec { get }
    /// Markdown shown by `swiftplay doc NAME`: what it does, and notes on options.
    static var documentation: String { get }
    /// Whether the module takes a free-form string (`command: ls -l`), stored as `_raw_params`.
    static var freeForm: Bool { get }
    /// Arguments the module evaluates itself as expressions (assert's `that`): a list of them is
    /// passed as written, not templated first, so conditions see their own text.
    static var expressionArgs: Set<String> { get }
    /// Runs once for all the hosts of the batch, on the first (add_host, pause), as Ansible's
    /// BYPASS_HOST_LOOP actions do; its result is that host's only.
    static var bypassHostLoop: Bool { get }
    static func run(_ args: Arguments, _ context: ModuleContext) throws -> ModuleResult
}

/// A module whose calls in a loop may run side by side when their items are independent: the executor
/// then sends every item's next command in one round trip (see the executor's LoopBatch). The module
/// code is unchanged; it must take the same path when run again against the same command answers.
public protocol LoopBatchable: Module {
    /// Whether reading and changing each item cannot affect what another item reads or changes
    /// (e.g. distinct absolute paths, none inside another).
    static func independent(_ items: [Arguments]) -> Bool
}

/// A module that can apply a loop's items in order itself, e.g. several edits of one file read and
/// written once: each item must get the result it would get run alone after the items before it.
public protocol LoopCombinable: Module {
    /// One result per item, or nil when these items cannot be combined (they then run one by one).
    static func runCombined(_ items: [Arguments], _ context: ModuleContext) -> [Result<ModuleResult, Error>]?
}

public extension Module {
    static var aliases: [String] { ["ansible.builtin.\(name)", "ansible.legacy.\(name)"] }
    static var freeForm: Bool { false }
    static var expressionArgs: Set<String> { [] }
    static var bypassHostLoop: Bool { false }
}

/// The controller's console, for the few modules that talk to the user (pause).
public struct Console {
    /// The running task's name, as its banner shows it.
    public var taskName: String
    /// Shows a line of output, in order with the run's other output.
    public var display: (String) -> Void
    /// Shows a [WARNING] line (not part of the task's result).
    public var warn: (String) -> Void
    /// Asks on the user's terminal and returns the answer; nil when the run has no terminal.
    public var ask: ((_ prompt: String, _ echo: Bool) -> String?)?

    public init(taskName: String = "", display: @escaping (String) -> Void = { _ in }, warn: @escaping (String) -> Void = { _ in },
                ask: ((_ prompt: String, _ echo: Bool) -> String?)? = nil) {
        self.taskName = taskName
        self.display = display
        self.warn = warn
        self.ask = ask
    }
}

/// What a module sees of the run: the host connection, modes, and controller-side helpers.
public final class ModuleContext {
    public let connection: Connection
    public let host: String
    public let checkMode: Bool
    public let diffMode: Bool
    public let become: Become?
    /// Host variables and facts (e.g. ansible_pkg_mgr), read lazily.
    public let variables: VariableSource
    /// Directories searched for `src` files on the controller, most specific first
    /// (role files/ or templates/, then the playbook's).
    public let searchPaths: [String]
    /// Renders a template file's text with the task's variables (for `template`).
    public let renderTemplate: (_ source: String, _ path: String) throws -> String
    /// Evaluates a bare Jinja expression with the task's variables (for `assert`, `debug var=`).
    public let evaluate: (_ expression: String) throws -> Value
    /// Evaluates a conditional as `when:` does (bools, bare expressions).
    public let conditional: (_ condition: Value) throws -> Bool
    /// Environment variables for commands (task `environment:`).
    public let environment: [String: String]
    /// -v count, for modules whose output depends on it (debug's `verbosity`).
    public let verbosity: Int
    /// Ansible's jinja2_native setting (off by default); with it off, set_fact turns boolean words into booleans.
    public let jinja2Native: Bool
    public let console: Console
    /// Set while a loop's edits of one text file run (see TextEditChain).
    var textEditChain: TextEditChain?
    public init(connection: Connection, host: String, checkMode: Bool, diffMode: Bool, become: Become?,
                variables: VariableSource, searchPaths: [String], environment: [String: String] = [:],
                renderTemplate: @escaping (_ source: String, _ path: String) throws -> String,
                evaluate: @escaping (_ expression: String) throws -> Value,
                conditional: @escaping (_ condition: Value) throws -> Bool = { $0.truthy },
                verbosity: Int = 0, jinja2Native: Bool = false, console: Console = Console()) {
        self.connection = connection
        self.host = host
        self.checkMode = checkMode
        self.diffMode = diffMode
        self.become = become
        self.variables = variables
        self.searchPaths = searchPaths
        self.environment = environment
        self.renderTemplate = renderTemplate
        self.evaluate = evaluate
        self.conditional = conditional
        self.verbosity = verbosity
        self.jinja2Native = jinja2Native
        self.console = console
    }

    /// The same context on another connection.
    public func replacing(connection: Connection) -> ModuleContext {
        ModuleContext(connection: connection, host: host, checkMode: checkMode, diffMode: diffMode, become: become,
                      variables: variables, searchPaths: searchPaths, environment: environment, renderTemplate: renderTemplate,
                      evaluate: evaluate, conditional: conditional, verbosity: verbosity, jinja2Native: jinja2Native, console: console)
    }

    /// Runs a shell command on the host with the task's privileges and environment. `textOutput`: the
    /// command prints text only, which the host may send in one piece (see `Connection.run`).
    @discardableResult
    public func run(_ command: String, stdin: Data? = nil, textOutput: Bool = false) throws -> CommandResult {
        try connection.run(command, stdin: stdin, become: become, environment: environment, textOutput: textOutput)
    }

    /// Finds a controller file named by `src` in the given sub-directory ("files"/"templates") of the
    /// search paths, then in the search paths themselves; absolute paths are used as they are.
    public func findFile(_ name: String, in subdir: String) -> String? {
        if name.hasPrefix("/") { return FileManager.default.fileExists(atPath: name) ? name : nil }
        for base in searchPaths {
            for candidate in ["\(base)/\(subdir)/\(name)", "\(base)/\(name)"] where FileManager.default.fileExists(atPath: candidate) {
                return candidate
            }
        }
        return nil
    }

    /// Reads a fact or variable; nil when undefined.
    public func variable(_ name: String) -> Value? {
        (try? variables.lookup(name)) ?? nil
    }
}

/// A module's answer. Keys are Ansible's return values (changed, failed, msg, diff, rc, stdout...).
public struct ModuleResult {
    public var values: OrderedDictionary<String, Value>

    public init(changed: Bool = false, _ values: OrderedDictionary<String, Value> = [:]) {
        self.values = ["changed": .bool(changed)]
        for (k, v) in values { self.values[k] = v }
    }

    public static func failed(_ msg: String, _ values: OrderedDictionary<String, Value> = [:]) -> ModuleResult {
        var r = ModuleResult(changed: false, values)
        r.values["failed"] = .bool(true)
        r.values["msg"] = .string(msg)
        return r
    }

    public var changed: Bool {
        get { values["changed"]?.truthy ?? false }
        set { values["changed"] = .bool(newValue) }
    }
    public var failed: Bool { values["failed"]?.truthy ?? false }
    public subscript(key: String) -> Value? {
        get { values[key] }
        set { values[key] = newValue }
    }

    /// Records a before/after diff (as Ansible's `diff` return value).
    public mutating func addDiff(before: String, after: String, beforeHeader: String? = nil, afterHeader: String? = nil) {
        var d: OrderedDictionary<String, Value> = ["before": .string(before), "after": .string(after)]
        if let beforeHeader { d["before_header"] = .string(beforeHeader) }
        if let afterHeader { d["after_header"] = .string(afterHeader) }
        var list = values["diff"]?.listValue ?? []
        list.append(.dict(d))
        values["diff"] = .list(list)
    }
}

/// A module failure raised from deep inside a module; becomes a failed result with `msg`.
public struct ModuleError: Error, CustomStringConvertible {
    public var message: String
    public var values: OrderedDictionary<String, Value>
    public init(_ message: String, _ values: OrderedDictionary<String, Value> = [:]) {
        self.message = message
        self.values = values
    }
    public var description: String { message }
}
