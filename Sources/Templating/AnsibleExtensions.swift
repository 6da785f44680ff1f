import Foundation
import Jinja

/// What Ansible's filters and lookups need from the run: where controller files are, and how to
/// template nested files.
public final class TemplatingContext {
    /// Directories searched by file lookups (role files/, playbook dir...), most specific first.
    public var searchPaths: () -> [String]
    public init(searchPaths: @escaping () -> [String] = { [FileManager.default.currentDirectoryPath] }) {
        self.searchPaths = searchPaths
    }
}

/// Installs Ansible's filters, tests and lookups into a Jinja environment.
public enum AnsibleExtensions {
    public static func install(into env: Environment, context: TemplatingContext) {
        AnsibleFilters.install(into: env)
        AnsibleTests.install(into: env)
        Lookups.install(into: env, context: context)
    }
}
