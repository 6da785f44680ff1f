import Foundation
import Jinja
import OrderedCollections
import Transport

/// `docker_prune` (community.docker): removes unused containers, images, networks, volumes, build cache.
public enum DockerPruneModule: Module {
    public static let name = "docker_prune"
    public static let aliases = ["community.docker.docker_prune", "community.general.docker_prune"]
    public static let documentation = """
    # docker_prune
    Prunes what is selected (`containers`, `images`, `networks`, `volumes`, `builder_cache`), each with
    optional `*_filters` (as the Engine's prune filters, e.g. `dangling: false`, `until: 24h`).
    Reports changed when something was removed. In check mode nothing is pruned and changed is false.
    """
    public static let spec = ArgumentSpec([
        .init("containers", .bool, default: false), .init("containers_filters", .dict),
        .init("images", .bool, default: false), .init("images_filters", .dict),
        .init("networks", .bool, default: false), .init("networks_filters", .dict),
        .init("volumes", .bool, default: false), .init("volumes_filters", .dict),
        .init("builder_cache", .bool, default: false),
    ] + DockerAPI.commonOptions)

    public static func run(_ args: Arguments, _ context: ModuleContext) throws -> ModuleResult {
        let api = try DockerAPI(args, context)
        var result = ModuleResult(changed: false)
        if context.checkMode { return result }
        let kinds: [(String, String, String, String)] = [
            ("containers", "/containers/prune", "ContainersDeleted", "containers"),
            ("images", "/images/prune", "ImagesDeleted", "images"),
            ("networks", "/networks/prune", "NetworksDeleted", "networks"),
            ("volumes", "/volumes/prune", "VolumesDeleted", "volumes"),
            ("builder_cache", "/build/prune", "CachesDeleted", "builder_cache_caches_deleted"),
        ]
        for (option, path, key, out) in kinds where args.bool(option) {
            var q: [(String, String)] = []
            let filters = args.dict("\(option)_filters")
            if !filters.isEmpty {
                let f: OrderedDictionary<String, Value> = filters.mapValues { v in
                    .list((v.listValue ?? [v]).map { .string(Arguments.boolean($0).map { $0 ? "true" : "false" } ?? $0.pythonStr) })
                }
                q.append(("filters", DockerJSON.serialize(.dict(f))))
            }
            let r = try api.expect("pruning \(option)", "POST", path, query: q, longRunning: true)
            let deleted = r.json?[key]?.listValue ?? []
            result[out] = .list(deleted)
            if let space = r.json?["SpaceReclaimed"] { result["\(option == "builder_cache" ? "builder_cache" : option)_space_reclaimed"] = space }
            if !deleted.isEmpty { result.changed = true }
        }
        return result
    }
}
