import Foundation
import Jinja
import OrderedCollections
import Transport

/// `docker_volume` (community.docker): creates or removes a named volume.
public enum DockerVolumeModule: Module {
    public static let name = "docker_volume"
    public static let aliases = ["community.docker.docker_volume", "community.general.docker_volume"]
    public static let documentation = """
    # docker_volume
    Makes a named volume of the host's Docker Engine present or absent. An existing volume whose driver,
    driver options or labels differ is recreated only with `recreate: options-changed` (or `always`).
    Returns `volume` (inspect data, `{}` when absent).
    """
    public static let spec = ArgumentSpec([
        .init("volume_name", required: true, aliases: ["name"]),
        .init("driver", default: "local"), .init("driver_options", .dict), .init("labels", .dict),
        .init("recreate", default: "never", choices: ["always", "never", "options-changed"]),
        .init("state", default: "present", choices: ["present", "absent"]),
    ] + DockerAPI.commonOptions)

    public static func run(_ args: Arguments, _ context: ModuleContext) throws -> ModuleResult {
        let api = try DockerAPI(args, context)
        let name = args.string("volume_name") ?? ""
        let path = "/volumes/\(DockerAPI.encode(name))"
        let existing = try api.inspect(path)
        if args.string("state") == "absent" {
            guard existing != nil else { return ModuleResult(changed: false, ["volume": [:]]) }
            if !context.checkMode { try api.expect("removing volume \(name)", "DELETE", path) }
            return ModuleResult(changed: true, ["volume": [:], "actions": .list([.string("Removed volume \(name)")])])
        }
        let driver = args.string("driver") ?? "local"
        let opts = DockerContainerModule.map(args["driver_options"])
        let labels = DockerContainerModule.map(args["labels"])
        var recreate = false
        if let v = existing {
            var differs = v["Driver"]?.stringValue != driver
            if args.has("driver_options") && DockerContainerModule.map(v["Options"]) != opts { differs = true }
            if args.has("labels") && !labels.allSatisfy({ DockerContainerModule.map(v["Labels"])[$0.key] == $0.value }) { differs = true }
            switch args.string("recreate") {
            case "always": recreate = true
            case "options-changed": recreate = differs
            default: recreate = false
            }
            if !recreate { return ModuleResult(changed: false, ["volume": v]) }
        }
        var actions: [Value] = []
        if !context.checkMode {
            if recreate { try api.expect("removing volume \(name)", "DELETE", path) }
            let body: Value = .dict(["Name": .string(name), "Driver": .string(driver),
                                     "DriverOpts": .dict(OrderedDictionary(uniqueKeysWithValues: opts.sorted { $0.key < $1.key }.map { ($0.key, Value.string($0.value)) })),
                                     "Labels": .dict(OrderedDictionary(uniqueKeysWithValues: labels.sorted { $0.key < $1.key }.map { ($0.key, Value.string($0.value)) }))])
            try api.expect("creating volume \(name)", "POST", "/volumes/create", body: body)
        }
        actions.append(.string(recreate ? "Recreated volume \(name)" : "Created volume \(name)"))
        let after = context.checkMode ? existing : try api.inspect(path)
        return ModuleResult(changed: true, ["volume": after ?? [:], "actions": .list(actions)])
    }
}
