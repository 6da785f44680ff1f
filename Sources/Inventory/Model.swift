import Jinja
import OrderedCollections

/// A host of the inventory.
public final class Host {
    public let name: String
    /// Variables set on the host line (INI) or host entry (YAML), including `ansible_port` from a
    /// `host:port` name. Not the group or host_vars variables: see `Inventory.variables(for:)`.
    public internal(set) var vars: OrderedDictionary<String, Value> = [:]
    /// Groups that list this host directly, in the order it was added to them.
    public internal(set) var groups: [String] = []
    /// The inventory source where the host first appeared (nil for the implicit localhost).
    public internal(set) var inventoryFile: String?
    /// Directory of that source (nil for host lists and the implicit localhost).
    public internal(set) var inventoryDir: String?
    /// True for the localhost Ansible makes up when a play targets localhost but the inventory lacks it.
    public internal(set) var isImplicit = false

    init(name: String) {
        self.name = name
    }
}

/// A group of the inventory.
public final class Group {
    public let name: String
    /// Variables from `[g:vars]` or the YAML `vars:` section (`ansible_group_priority` is kept apart).
    public internal(set) var vars: OrderedDictionary<String, Value> = [:]
    /// Direct child groups, in order.
    public internal(set) var children: [String] = []
    /// Direct parent groups, in order.
    public internal(set) var parents: [String] = []
    /// Hosts listed directly in this group, in order.
    public internal(set) var hosts: [String] = []
    /// `ansible_group_priority`: among groups of the same depth, higher priority vars win.
    public internal(set) var priority = 1
    /// Length of the longest path from `all`; deeper (more specific) groups' vars win.
    public internal(set) var depth = 0

    var hostSet: Set<String> = []

    init(name: String) {
        self.name = name
    }
}

/// An inventory error without a position; parsers attach the file, line and column.
struct InventoryFailure: Error, CustomStringConvertible {
    var description: String
    init(_ message: String) { description = message }
}
