import Foundation
import Jinja

/// What Ansible's filters and lookups need from the run. The executor fills the closures; each
/// lookup that needs one explains itself when it is missing.
public final class TemplatingContext {
    /// Directories searched by file lookups (role dir, play dir...), most specific first. For each
    /// directory D, lookups look in D/<kind>/name then D/name (<kind>: files, templates, vars).
    /// The last one (the playbook directory) is the base for relative `password` lookup paths.
    public var searchPaths: () -> [String]
    /// Resolves a variable by name for `lookup('vars', ...)`; nil when it is not defined.
    public var variable: ((_ name: String) throws -> Value?)?
    /// Renders a template file's text for `lookup('template', ...)`: the executor templates it in
    /// the current task's variables plus `extraVars` (the lookup's `template_vars`).
    public var renderTemplate: ((_ source: String, _ path: String, _ extraVars: Kwargs) throws -> String)?
    /// Host names matching an inventory pattern, for `lookup('inventory_hostnames', ...)`.
    public var inventoryHostnames: ((_ pattern: String) throws -> [String])?

    public init(searchPaths: @escaping () -> [String] = { [FileManager.default.currentDirectoryPath] },
                variable: ((_ name: String) throws -> Value?)? = nil,
                renderTemplate: ((_ source: String, _ path: String, _ extraVars: Kwargs) throws -> String)? = nil,
                inventoryHostnames: ((_ pattern: String) throws -> [String])? = nil) {
        self.searchPaths = searchPaths
        self.variable = variable
        self.renderTemplate = renderTemplate
        self.inventoryHostnames = inventoryHostnames
    }
}

/// Installs Ansible's filters, tests and lookups into a Jinja environment.
public enum AnsibleExtensions {
    public static func install(into env: Environment, context: TemplatingContext) {
        AnsibleFilters.install(into: env)
        AnsibleTests.install(into: env)
        Lookups.install(into: env, context: context)
        VaultFunction.install(into: env)
    }
}
