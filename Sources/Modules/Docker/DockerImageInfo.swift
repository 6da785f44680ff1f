import Foundation
import Jinja
import OrderedCollections
import Transport

/// `docker_image_info` (community.docker): inspect data of the named images that exist.
public enum DockerImageInfoModule: Module {
    public static let name = "docker_image_info"
    public static let aliases = ["community.docker.docker_image_info", "community.general.docker_image_info"]
    public static let documentation = """
    # docker_image_info
    Returns `images`: the Engine's inspect data for each image of `name` (a name or list; `name:tag`,
    default tag latest, or an image id) that exists on the host. Without `name`, all images are listed.
    """
    public static let spec = ArgumentSpec([.init("name", .list, elements: .str)] + DockerAPI.commonOptions)

    public static func run(_ args: Arguments, _ context: ModuleContext) throws -> ModuleResult {
        let api = try DockerAPI(args, context)
        var names = args.strings("name")
        if !args.has("name") {
            let r = try api.expect("listing images", "GET", "/images/json")
            names = (r.json?.listValue ?? []).compactMap { $0["Id"]?.stringValue }
        }
        var images: [Value] = []
        for n in names {
            let ref = n.hasPrefix("sha256:") ? n : DockerAPI.reference(n)
            if let info = try api.inspectImage(ref) { images.append(info) }
        }
        return ModuleResult(changed: false, ["images": .list(images)])
    }
}
