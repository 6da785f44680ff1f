import Foundation
import Jinja
import OrderedCollections
import Transport

/// `docker_container_info` (community.docker): whether a container exists, and its inspect data.
public enum DockerContainerInfoModule: Module {
    public static let name = "docker_container_info"
    public static let aliases = ["community.docker.docker_container_info", "community.general.docker_container_info"]
    public static let documentation = """
    # docker_container_info
    Reads one container of the host's Docker Engine. Returns `exists` and `container` (the Engine's
    inspect data, or none when it does not exist). Never changes anything.
    """
    public static let spec = ArgumentSpec([.init("name", required: true)] + DockerAPI.commonOptions)

    public static func run(_ args: Arguments, _ context: ModuleContext) throws -> ModuleResult {
        let api = try DockerAPI(args, context)
        let name = args.string("name") ?? ""
        let c = try api.inspect("/containers/\(DockerAPI.encode(name))/json")
        return ModuleResult(changed: false, ["exists": .bool(c != nil), "container": c ?? .none])
    }
}
