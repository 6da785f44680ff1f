import Foundation
import Playbook

/// Where users' own modules and module_utils are found on the controller, as in Ansible: a
/// `library/` (`module_utils/`) directory in the roles of the play, next to the play's playbook,
/// next to the top playbook, then the configured path (-M, ANSIBLE_LIBRARY or `library`, default
/// ~/.ansible/plugins/modules and /usr/share/ansible/plugins/modules).
public struct ModuleLibrary {
    public var modulePath: [String]
    public var moduleUtilsPath: [String]

    public init(modulePath: [String] = [], moduleUtilsPath: [String] = []) {
        self.modulePath = modulePath
        self.moduleUtilsPath = moduleUtilsPath
    }

    /// The directories whose `library/` and `module_utils/` a task sees: its role's (with
    /// dependencies), the play's roles', the play's playbook's, the top playbook's.
    public static func roots(play: Play, role: RoleInstance?, playbookDir: String?) -> [String] {
        var roots: [String] = []
        func add(_ r: RoleInstance) {
            roots.append(r.path)
            r.dependencies.forEach(add)
        }
        if let role { add(role) }
        (play.roles + play.importedRoles).forEach(add)
        return roots + [play.baseDir] + (playbookDir.map { [$0] } ?? [])
    }

    /// The module file for an action name (`name`, `ansible.legacy.name`), or nil.
    public func moduleFile(_ action: String, roots: [String]) -> String? {
        let name = action.hasPrefix("ansible.legacy.") ? String(action.dropFirst("ansible.legacy.".count)) : action
        guard !name.contains("."), !name.contains("/"), !name.isEmpty else { return nil }
        for dir in directories("library", roots) + modulePath {
            for file in ["\(dir)/\(name).py", "\(dir)/\(name)", "\(dir)/\(name).sh"] where isFile(file) { return file }
        }
        return nil
    }

    /// Every module_utils file the same places offer, by dotted name under ansible.module_utils
    /// (`module_utils/net/tools.py` -> "net.tools"); the first directory that has a name wins.
    public func moduleUtils(roots: [String]) -> [String: Data] {
        var found: [String: Data] = [:]
        for dir in directories("module_utils", roots) + moduleUtilsPath {
            guard let walker = FileManager.default.enumerator(atPath: dir) else { continue }
            while let relative = walker.nextObject() as? String {
                guard relative.hasSuffix(".py") else { continue }
                var dotted = String(relative.dropLast(3)).replacingOccurrences(of: "/", with: ".")
                if dotted.hasSuffix("__init__") { dotted = String(dotted.dropLast("__init__".count + 1)) }
                guard !dotted.isEmpty, found[dotted] == nil, let data = FileManager.default.contents(atPath: "\(dir)/\(relative)") else { continue }
                found[dotted] = data
            }
        }
        return found
    }

    private func directories(_ sub: String, _ roots: [String]) -> [String] {
        var seen = Set<String>()
        return roots.map { "\($0)/\(sub)" }.filter { seen.insert($0).inserted && isDirectory($0) }
    }

    private func isFile(_ path: String) -> Bool {
        var dir: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &dir) && !dir.boolValue
    }

    private func isDirectory(_ path: String) -> Bool {
        var dir: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &dir) && dir.boolValue
    }
}
