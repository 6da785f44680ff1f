import Foundation
import Jinja
import OrderedCollections
import Transport

/// `docker_network` (community.docker): creates, updates (by recreating) or removes a network, and
/// connects containers to it.
public enum DockerNetworkModule: Module {
    public static let name = "docker_network"
    public static let aliases = ["community.docker.docker_network", "community.general.docker_network"]
    public static let documentation = """
    # docker_network
    Makes a network of the host's Docker Engine present or absent. An existing network whose driver,
    IPAM config, `internal`, `attachable`, `enable_ipv6`, driver options or labels differ from the task
    is removed (containers disconnected) and created again. `connected` lists containers to connect;
    without `appends`, other containers are disconnected. `force` removes a network even with
    containers attached (they are disconnected first). Returns `network` (inspect data, `{}` when absent).
    """
    public static let spec = ArgumentSpec([
        .init("name", required: true, aliases: ["network_name"]),
        .init("driver", default: "bridge"), .init("driver_options", .dict),
        .init("ipam_driver"), .init("ipam_driver_options", .dict), .init("ipam_config", .list, elements: .dict),
        .init("internal", .bool), .init("attachable", .bool), .init("enable_ipv6", .bool), .init("scope"),
        .init("labels", .dict), .init("connected", .list, aliases: ["containers"], elements: .str),
        .init("appends", .bool, default: false, aliases: ["incremental"]), .init("force", .bool, default: false),
        .init("state", default: "present", choices: ["present", "absent"]),
    ] + DockerAPI.commonOptions)

    public static func run(_ args: Arguments, _ context: ModuleContext) throws -> ModuleResult {
        let api = try DockerAPI(args, context)
        let name = args.string("name") ?? ""
        let path = "/networks/\(DockerAPI.encode(name))"
        let existing = try api.inspect(path)
        var actions: [Value] = []

        if args.string("state") == "absent" {
            guard let net = existing else { return ModuleResult(changed: false, ["network": [:]]) }
            if !context.checkMode { try remove(name, net, api, force: args.bool("force")) }
            return ModuleResult(changed: true, ["network": [:], "actions": .list([.string("Removed network \(name)")])])
        }

        let driver = args.string("driver") ?? "bridge"
        var ipamConfigs: [Value] = []
        var wantIPAM = Set<String>()
        for c in args.list("ipam_config") {
            var e: OrderedDictionary<String, Value> = [:]
            for (option, key) in [("subnet", "Subnet"), ("iprange", "IPRange"), ("gateway", "Gateway")] {
                if let v = c[option], !v.isNone { e[key] = .string(v.pythonStr) }
            }
            if let aux = c["aux_addresses"]?.dictValue { e["AuxiliaryAddresses"] = .dict(aux.mapValues { .string($0.pythonStr) }) }
            ipamConfigs.append(.dict(e))
            wantIPAM.insert(ipamKey(.dict(e)))
        }
        var body: OrderedDictionary<String, Value> = ["Name": .string(name), "Driver": .string(driver), "CheckDuplicate": true]
        var ipam: OrderedDictionary<String, Value> = ["Driver": .string(args.string("ipam_driver") ?? "default"), "Config": .list(ipamConfigs)]
        if args.has("ipam_driver_options") { ipam["Options"] = .dict(args.dict("ipam_driver_options").mapValues { .string($0.pythonStr) }) }
        body["IPAM"] = .dict(ipam)
        for (option, key) in [("internal", "Internal"), ("attachable", "Attachable"), ("enable_ipv6", "EnableIPv6")] where args.has(option) {
            body[key] = .bool(args.bool(option))
        }
        if let scope = args.string("scope") { body["Scope"] = .string(scope) }
        let opts = DockerContainerModule.map(args["driver_options"])
        let labels = DockerContainerModule.map(args["labels"])
        body["Options"] = .dict(OrderedDictionary(uniqueKeysWithValues: opts.sorted { $0.key < $1.key }.map { ($0.key, Value.string($0.value)) }))
        body["Labels"] = .dict(OrderedDictionary(uniqueKeysWithValues: labels.sorted { $0.key < $1.key }.map { ($0.key, Value.string($0.value)) }))

        var changed = false
        var differences: [String] = []
        if let net = existing {
            if net["Driver"]?.stringValue != driver { differences.append("driver") }
            if args.has("ipam_config") {
                let have = Set((net["IPAM"]?["Config"]?.listValue ?? []).map(ipamKey))
                if have != wantIPAM { differences.append("ipam_config") }
            }
            if let d = args.string("ipam_driver"), net["IPAM"]?["Driver"]?.stringValue != d { differences.append("ipam_driver") }
            for (option, key) in [("internal", "Internal"), ("attachable", "Attachable"), ("enable_ipv6", "EnableIPv6")] where args.has(option) {
                if (net[key]?.truthy ?? false) != args.bool(option) { differences.append(option) }
            }
            if args.has("driver_options") && !opts.allSatisfy({ DockerContainerModule.map(net["Options"])[$0.key] == $0.value }) { differences.append("driver_options") }
            if args.has("labels") && !labels.allSatisfy({ DockerContainerModule.map(net["Labels"])[$0.key] == $0.value }) { differences.append("labels") }
        }
        if existing == nil || !differences.isEmpty {
            changed = true
            actions.append(.string(existing == nil ? "Created network \(name)" : "Recreated network \(name) (\(differences.joined(separator: ", ")) changed)"))
            if !context.checkMode {
                if let net = existing { try remove(name, net, api, force: true) }
                try api.expect("creating network \(name)", "POST", "/networks/create", body: .dict(body))
            }
        }

        // Connected containers.
        if args.has("connected") && !context.checkMode {
            let net = try api.inspect(path)
            let attached = Set((net?["Containers"]?.dictValue ?? [:]).values.compactMap { $0["Name"]?.stringValue })
            let wanted = args.strings("connected")
            for c in wanted where !attached.contains(c) {
                try api.expect("connecting \(c) to \(name)", "POST", path + "/connect", body: .dict(["Container": .string(c)]))
                actions.append(.string("Connected container \(c)"))
                changed = true
            }
            if !args.bool("appends") {
                for c in attached.sorted() where !wanted.contains(c) {
                    try api.expect("disconnecting \(c) from \(name)", "POST", path + "/disconnect", body: .dict(["Container": .string(c), "Force": true]))
                    actions.append(.string("Disconnected container \(c)"))
                    changed = true
                }
            }
        } else if args.has("connected") && context.checkMode {
            let attached = Set((existing?["Containers"]?.dictValue ?? [:]).values.compactMap { $0["Name"]?.stringValue })
            if Set(args.strings("connected")) != attached { changed = true }
        }
        let after = context.checkMode ? existing : try api.inspect(path)
        return ModuleResult(changed: changed, ["network": after ?? [:], "actions": .list(actions)])
    }

    static func ipamKey(_ v: Value) -> String {
        ["Subnet", "IPRange", "Gateway"].map { v[$0]?.stringValue ?? "" }.joined(separator: "|")
    }

    /// Removes a network; with `force`, containers are disconnected first.
    static func remove(_ name: String, _ net: Value, _ api: DockerAPI, force: Bool = false) throws {
        let path = "/networks/\(DockerAPI.encode(name))"
        let containers = (net["Containers"]?.dictValue ?? [:]).keys
        if !containers.isEmpty && !force {
            throw ModuleError("Network \(name) has containers attached; use force: true to remove it")
        }
        for id in containers {
            try api.expect("disconnecting \(id) from \(name)", "POST", path + "/disconnect", body: .dict(["Container": .string(id), "Force": true]))
        }
        try api.expect("removing network \(name)", "DELETE", path)
    }
}
