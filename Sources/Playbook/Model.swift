import DataLoader
import Jinja
import OrderedCollections

public typealias Vars = OrderedDictionary<String, Value>

/// Attributes a task inherits from its play, blocks, roles and static imports.
/// Resolved at load time so that the executor reads one flat set per task.
public struct Inherited {
    public var tags: [String] = []
    /// Conditions of enclosing blocks, imports and roles; all must hold (AND).
    public var when: [Value] = []
    /// Block and import vars, in increasing precedence.
    public var vars: Vars = [:]
    /// Vars and parameters of the include_tasks / include_role that brought the task in (outer
    /// includes first): above set_fact and registered results, below extra vars.
    public var includeParams: Vars = [:]
    public var environment: [Value] = []
    /// `module_defaults` of the enclosing play, roles, blocks and the task, outermost first.
    public var moduleDefaults: [Value] = []
    public var become: Value?
    public var becomeUser: Value?
    public var becomeMethod: Value?
    public var becomeFlags: Value?
    public var remoteUser: Value?
    public var connection: Value?
    public var ignoreErrors: Value?
    public var ignoreUnreachable: Value?
    public var noLog: Value?
    public var checkMode: Value?
    public var diff: Value?
    public var delegateTo: Value?
    public var runOnce: Value?
    public var anyErrorsFatal: Value?
    /// `timeout`: seconds a task may run before it is failed and left behind.
    public var timeout: Value?
    /// Handlers a block notifies for its tasks.
    public var notify: [String] = []
    public var role: RoleInstance?
    public init() {}
}

/// One task as written, with inherited attributes folded in. Templating happens at run time.
public final class Task {
    public var name: String?
    /// Module or action name as written (e.g. "ansible.builtin.copy").
    public var action: String
    public var args: Vars
    public var mark: SourceMark
    public var inherited: Inherited
    /// What the task inherits from its play, blocks and imports, without its own keywords: the
    /// tasks of an include_tasks / include_role inherit this (the include's keywords are its own).
    public var enclosing: Inherited?
    /// The task's own `when` (evaluated after inherited ones).
    public var when: [Value] = []
    /// Where each string condition of `when` was written (nil for other values), for warnings.
    public var whenMarks: [SourceMark?] = []
    public var loop: Value?
    /// "loop", or the lookup name of a with_X loop ("items", "dict", "nested"...).
    public var loopKind: String?
    public var loopControl: Vars = [:]
    public var register: String?
    public var until: Value?
    public var retries: Value?
    public var delay: Value?
    public var changedWhen: Value?
    public var failedWhen: Value?
    public var notify: [String] = []
    /// Handler topics (`listen`).
    public var listen: [String] = []
    public var ownTags: [String] = []
    public var ownVars: Vars = [:]
    public var ownEnvironment: Value?
    public var delegateFacts: Value?
    public var throttle: Value?
    /// `async`: run as a background job allowed this many seconds; `poll`: seconds between checks (0: do not wait).
    public var async: Value?
    public var poll: Value?
    public var isHandler = false
    /// All keywords as written, for `apply` and error messages.
    public var keywords: Set<String> = []

    public init(action: String, args: Vars, mark: SourceMark, inherited: Inherited) {
        self.action = action
        self.args = args
        self.mark = mark
        self.inherited = inherited
    }

    public var tags: [String] { unique(inherited.tags + ownTags) }
    public var allWhen: [Value] { inherited.when + when }
    public var vars: Vars { inherited.vars.merging(ownVars) { $1 } }
    public var role: RoleInstance? { inherited.role }

    /// The name shown in TASK banners: "role : name", or the action when unnamed.
    public var displayName: String {
        let base = name ?? action
        if let role { return "\(role.name) : \(base)" }
        return base
    }
}

public final class Block {
    public var name: String?
    public var body: [TaskNode]
    public var rescue: [TaskNode]
    public var always: [TaskNode]
    public var mark: SourceMark
    public var inherited: Inherited
    public init(name: String?, body: [TaskNode], rescue: [TaskNode], always: [TaskNode], mark: SourceMark, inherited: Inherited) {
        self.name = name
        self.body = body
        self.rescue = rescue
        self.always = always
        self.mark = mark
        self.inherited = inherited
    }
}

public enum TaskNode {
    case task(Task)
    case block(Block)

    /// Every task below this node, in order (for --list-tasks and tag listing).
    public var allTasks: [Task] {
        switch self {
        case .task(let t): return [t]
        case .block(let b): return (b.body + b.rescue + b.always).flatMap(\.allTasks)
        }
    }
}

/// A role applied in a play, with its parameters. Roles with the same name and parameters run once.
public final class RoleInstance {
    public let name: String
    public let path: String
    public var params: Vars
    public var defaults: Vars
    public var vars: Vars
    public var tasks: [TaskNode] = []
    public var handlers: [TaskNode] = []
    public var dependencies: [RoleInstance] = []
    /// The role whose meta/main.yml listed this one as a dependency (its first such parent).
    public weak var parent: RoleInstance?
    /// This role's dependency chain, outermost parent first, then the role itself: a dependency
    /// sees its parents' params, vars and defaults beneath its own.
    public var chain: [RoleInstance] {
        var out: [RoleInstance] = [self]
        var seen: Set<ObjectIdentifier> = [ObjectIdentifier(self)]
        while let p = out[0].parent, seen.insert(ObjectIdentifier(p)).inserted { out.insert(p, at: 0) }
        return out
    }
    public var allowDuplicates = false
    /// Whether its defaults and vars are visible to the rest of the play (roles:, import_role, and
    /// include_role with `public: true`); the role's own tasks always see them.
    public var isPublic = true
    /// Set by the executor once its tasks ran in a play (role de-duplication).
    public var hasRun = false
    public init(name: String, path: String, params: Vars, defaults: Vars, vars: Vars) {
        self.name = name
        self.path = path
        self.params = params
        self.defaults = defaults
        self.vars = vars
    }
}

public struct VarsPrompt {
    public var name: String
    public var prompt: String
    public var defaultValue: Value?
    public var isPrivate: Bool
    /// Ask twice, until both answers match.
    public var confirm = false
    /// Hash the answer with this scheme (password_hash's names), with an optional salt or salt size.
    public var encrypt: String?
    public var salt: String?
    public var saltSize: Int?
}

public final class Play {
    public var name: String?
    public var hosts: Value
    public var mark: SourceMark
    public var vars: Vars = [:]
    public var varsFiles: [Value] = []
    public var varsPrompt: [VarsPrompt] = []
    public var gatherFacts: Value?
    public var gatherSubset: Value?
    /// The `roles:` section, run before `tasks`.
    public var roles: [RoleInstance] = []
    /// Roles brought in by import_role or include_role: their handlers and vars belong to the play too.
    public var importedRoles: [RoleInstance] = []
    public var preTasks: [TaskNode] = []
    public var tasks: [TaskNode] = []
    public var postTasks: [TaskNode] = []
    public var handlers: [TaskNode] = []
    public var serial: Value?
    /// `order`: inventory (default), reverse_inventory, sorted, reverse_sorted or shuffle.
    public var order: String?
    /// linear or free; nil: the configured default (strategy / ANSIBLE_STRATEGY).
    public var strategy: String?
    public var anyErrorsFatal = false
    public var maxFailPercentage: Double?
    public var forceHandlers: Bool?
    public var inherited = Inherited()
    /// Directory of the playbook file the play came from (playbook_dir for imported playbooks).
    public var baseDir: String
    public var when: [Value] = []
    public init(hosts: Value, mark: SourceMark, baseDir: String) {
        self.hosts = hosts
        self.mark = mark
        self.baseDir = baseDir
    }

    public var displayName: String {
        if let name { return name }
        if case .list(let l) = hosts { return l.map(\.pythonStr).joined(separator: ",") }
        return hosts.pythonStr
    }

    /// Handlers of the play and of every role in it in Ansible's order: the `roles:` section's,
    /// the play's own, then those of roles imported or included by tasks.
    public var allHandlers: [TaskNode] {
        var seen = Set<ObjectIdentifier>()
        var out: [TaskNode] = []
        func add(_ r: RoleInstance) {
            guard seen.insert(ObjectIdentifier(r)).inserted else { return }
            r.dependencies.forEach(add)
            out += r.handlers
        }
        roles.forEach(add)
        out += handlers
        importedRoles.forEach(add)
        return out
    }
}

func unique(_ items: [String]) -> [String] {
    var seen = Set<String>()
    return items.filter { seen.insert($0).inserted }
}
