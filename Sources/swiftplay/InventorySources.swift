import Executor
import Foundation

/// Inventory sources when none is given on the command line: $ANSIBLE_INVENTORY, the config's
/// `inventory`, else /etc/ansible/hosts (as Ansible's DEFAULT_HOST_LIST).
enum InventorySources {
    static func configured(_ config: Config) -> [String] {
        if let env = ProcessInfo.processInfo.environment["ANSIBLE_INVENTORY"], !env.isEmpty {
            return env.split(separator: ",").map(String.init)
        }
        let paths = config.paths("inventory")
        if !paths.isEmpty { return paths }
        return FileManager.default.fileExists(atPath: "/etc/ansible/hosts") ? ["/etc/ansible/hosts"] : []
    }
}
