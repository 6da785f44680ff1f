import Jinja
import OrderedCollections

/// `set_stats`: custom statistics shown after the PLAY RECAP (with show_custom_stats). The executor
/// collects the `ansible_stats` result.
public enum SetStatsModule: Module {
    public static let name = "set_stats"
    public static let documentation = """
    # set_stats
    Records `data` (a mapping) as custom statistics of the run, or of the host with `per_host`.
    With `aggregate` (the default) values add up with earlier ones of the same key: mappings merge,
    lists and strings concatenate, numbers add; otherwise they replace them. They are printed as
    `CUSTOM STATS` after the recap when `show_custom_stats` is on (ansible.cfg `[defaults]` or
    ANSIBLE_SHOW_CUSTOM_STATS).
    """
    public static let spec = ArgumentSpec([
        .init("data", .raw, help: "The statistics to record (a mapping)."),
        .init("per_host", .raw, default: false, help: "Record them for this host rather than for the run."),
        .init("aggregate", .raw, default: true, help: "Add to earlier values instead of replacing them."),
    ])

    public static func run(_ args: Arguments, _ context: ModuleContext) throws -> ModuleResult {
        guard case .dict(let given) = args["data"] ?? .dict([:]) else {
            return .failed("The 'data' option needs to be a dictionary/hash")
        }
        var data = OrderedDictionary<String, Value>()
        for (k, v) in given {
            guard k.first.map({ $0.isLetter || $0 == "_" }) == true, k.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
                throw ModuleError("The variable name '\(k)' is not valid. Variables must start with a letter or underscore character, and contain only letters, numbers and underscores.")
            }
            data[k] = v
        }
        return ModuleResult(changed: false, ["ansible_stats": .dict([
            "data": .dict(data), "per_host": .bool(lenient(args["per_host"])), "aggregate": .bool(lenient(args["aggregate"])),
        ])])
    }

    /// Ansible's non-strict boolean: yes/on/1/true/t are true, anything else false.
    static func lenient(_ v: Value?) -> Bool {
        guard let v else { return false }
        if case .bool(let b) = v { return b }
        return ["y", "yes", "on", "1", "true", "t", "1.0"].contains(v.pythonStr.lowercased())
    }
}
