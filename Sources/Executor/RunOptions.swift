import Foundation
import Jinja
import Playbook

/// Everything the command line and config decide for one run.
public struct RunOptions {
    public var inventorySources: [String] = []
    public var limit: String?
    public var tags: [String] = []
    public var skipTags: [String] = []
    public var check = false
    public var diff = false
    public var extraVars: Vars = [:]
    public var forks = 50
    public var verbosity = 0
    public var listHosts = false
    public var listTasks = false
    public var listTags = false
    public var syntaxCheck = false
    public var startAtTask: String?
    public var step = false
    public var become = false
    public var becomeUser: String?
    public var becomeMethod: String?
    public var becomePassword: String?
    public var remoteUser: String?
    public var privateKey: String?
    public var connectionPassword: String?
    /// --ssh-common-args / --ssh-extra-args: used where a host sets no ansible_ssh_*_args of its own.
    public var sshCommonArgs: String?
    public var sshExtraArgs: String?
    public var connection: String?
    public var timeout: Int = 10
    /// task_timeout / ANSIBLE_TASK_TIMEOUT (ad-hoc: --task-timeout): the default `timeout` of every task, 0 for none.
    public var taskTimeout = 0
    public var forceHandlers = false
    /// Notifying a handler that does not exist is an error (else a warning).
    public var errorOnMissingHandler = true
    public var hostKeyChecking = true
    public var rolesPath: [String] = []
    /// Where users' own modules and module_utils are looked for.
    public var library = ModuleLibrary()
    public var playbookPath: [String] = []
    public var json = false
    public var color = false
    public var factCache = FactCacheSettings()
    /// --flush-cache: forget the cached facts of every inventory host first.
    public var flushCache = false
    /// Conditionals with a non-boolean result: a deprecation warning (true) or an error (false).
    public var allowBrokenConditionals = true
    /// ansible-core 2.18's backported checks (off with _ANSIBLE_DISABLE_BACKPORTED_INSPECTIONS).
    public var inspectConditionals = true
    public var deprecationWarnings = true
    /// jinja2_native / ANSIBLE_JINJA2_NATIVE (see ModuleContext.jinja2Native).
    public var jinja2Native = false
    /// The strategy of plays that do not name one (strategy / ANSIBLE_STRATEGY).
    public var strategy = "linear"
    /// Print set_stats data after the recap (show_custom_stats).
    public var showCustomStats = false
    /// Show include_tasks / include_role results like any module's (the ad-hoc command does).
    public var reportIncludes = false
    public init() {}
}
