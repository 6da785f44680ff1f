import Jinja
import OrderedCollections

/// `group_by`: puts the current host in a group named by `key`. The executor applies the
/// `add_group` result to the in-memory inventory.
public enum GroupByModule: Module {
    public static let name = "group_by"
    public static let documentation = """
    # group_by
    Puts the host in the group `key` (spaces become dashes), created as needed, as a child of each of
    `parents` (default `all`). Later plays can target the group. Reports changed when the host or the
    group was new to it.
    """
    public static let spec = ArgumentSpec([
        .init("key", .str, required: true, help: "The group name."),
        .init("parents", .list, default: .list(["all"]), elements: .str, help: "Parent groups of the group."),
    ])

    public static func run(_ args: Arguments, _ context: ModuleContext) throws -> ModuleResult {
        let group = (args.string("key") ?? "").replacingOccurrences(of: " ", with: "-")
        return ModuleResult(changed: false, ["add_group": .string(group),
                                             "parent_groups": .list(args.strings("parents").map { .string($0) })])
    }
}
