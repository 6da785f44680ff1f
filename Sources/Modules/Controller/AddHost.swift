import Jinja
import OrderedCollections

/// `add_host`: adds a host to the run's in-memory inventory. The executor applies the `add_host`
/// result (it runs once per task, not once per play host, as Ansible bypasses the host loop).
public enum AddHostModule: Module {
    public static let name = "add_host"
    public static let bypassHostLoop = true
    public static let documentation = """
    # add_host
    Adds `name` (`host:port` sets its port) to the in-memory inventory for later plays, in `groups`
    (created as needed). Every other option becomes a variable of the host. Runs once per task, for
    the first host of the play (use a loop to add several hosts). Reports changed when the host, its
    groups or its variables were new.
    """
    public static let spec = ArgumentSpec([
        .init("name", .str, required: true, aliases: ["host", "hostname"], help: "The host to add, optionally with :port."),
        .init("groups", .list, aliases: ["group", "groupname"], elements: .str, help: "Groups to put the host in."),
    ], acceptsAnyOption: true)

    public static func run(_ args: Arguments, _ context: ModuleContext) throws -> ModuleResult {
        let name = args.string("name") ?? ""
        var vars = OrderedDictionary<String, Value>()
        for (k, v) in args.values where k != "name" && k != "groups" { vars[k] = v }
        let groups = args.strings("groups").flatMap { $0.split(separator: ",") }
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return ModuleResult(changed: false, ["add_host": .dict([
            "host_name": .string(name), "groups": .list(groups.map { .string($0) }), "host_vars": .dict(vars),
        ])])
    }
}
