import Foundation
import Jinja
import OrderedCollections
import Transport

/// `docker_image` (community.docker.docker_image): makes an image present (pull, load from a tarball,
/// or require it locally), tags and pushes it, or removes it.
public enum DockerImageModule: Module {
    public static let name = "docker_image"
    public static let aliases = ["community.docker.docker_image", "community.general.docker_image"]
    public static let documentation = """
    # docker_image
    Manages images of the Docker Engine on the host, through its API socket (curl on the host).

    - `source: pull` pulls `name:tag` when it is missing (or always with `force_source`); credentials come
      from the host's `~/.docker/config.json` (see `docker_login`).
    - `source: load` loads the `docker save` tarball `load_path` (a path on the host). swiftplay extension:
      `load_src` names a tarball on the controller (role `files/` or absolute); it is copied to a temporary
      file on the host, loaded, and removed. The archive must contain `name:tag`.
    - `source: local` only checks the image exists. `source: build` is not supported.
    - `repository` tags the image under another name; `push: true` pushes it (or `name:tag`).
    - `archive_path` saves the image as a `docker save` tarball on the host (again only when the archive
      holds another image id, or with `force_source`).
    - `state: absent` removes the image (`force_absent` forces removal of images in use).

    Returns `image` (the Engine's inspect data, `{}` when absent) and `actions`.
    """
    public static let spec = ArgumentSpec([
        .init("name", required: true, help: "Image name, with an optional :tag or @digest."),
        .init("tag", default: "latest"),
        .init("state", default: "present", choices: ["present", "absent", "build"]),
        .init("source", choices: ["build", "load", "pull", "local"]),
        .init("load_path", .path, help: "A `docker save` tarball on the host (source: load)."),
        .init("load_src", .path, help: "swiftplay: a tarball on the controller, copied to the host and loaded."),
        .init("force_source", .bool, default: false), .init("force_absent", .bool, default: false),
        .init("force_tag", .bool, default: false),
        .init("push", .bool, default: false), .init("repository"),
        .init("archive_path", .path), .init("build", .dict), .init("pull", .dict),
    ] + DockerAPI.commonOptions,
    mutuallyExclusive: [["load_path", "load_src"]])

    public static func run(_ args: Arguments, _ context: ModuleContext) throws -> ModuleResult {
        let api = try DockerAPI(args, context)
        guard let rawName = args.string("name") else { return .failed("missing required arguments: name") }
        let ref = DockerAPI.reference(rawName, tag: args.string("tag"))
        // A tag in `name` wins over `tag`, and is also the default tag of `repository` (as community.docker).
        let effectiveTag = DockerAPI.splitImage(ref).tag
        let state = args.string("state") ?? "present"
        var actions: [Value] = []
        let existing = try api.inspectImage(ref)

        if state == "absent" {
            guard existing != nil else { return ModuleResult(changed: false, ["image": [:], "actions": []]) }
            actions.append(.string("Removed image \(ref)"))
            if !context.checkMode {
                var q: [(String, String)] = []
                if args.bool("force_absent") { q.append(("force", "1")) }
                try api.expect("removing image \(ref)", "DELETE", "/images/\(DockerAPI.encode(ref))", query: q)
            }
            return ModuleResult(changed: true, ["image": [:], "actions": .list(actions)])
        }
        if state == "build" || args.string("source") == "build" {
            return .failed("docker_image: source build is not supported by swiftplay; build the image elsewhere and load or pull it")
        }

        var changed = false
        let force = args.bool("force_source")
        switch args.string("source") {
        case "pull":
            if existing == nil || force {
                actions.append(.string("Pulled image \(ref)"))
                if !context.checkMode {
                    try api.pull(ref)
                    let after = try api.inspectImage(ref)
                    changed = after?["Id"] != existing?["Id"]
                } else {
                    changed = existing == nil
                }
            }
        case "load":
            if existing == nil || force {
                actions.append(.string("Loaded image \(ref) from \(args.string("load_path") ?? args.string("load_src") ?? "")"))
                if !context.checkMode {
                    try load(ref, args, context, api)
                    let after = try api.inspectImage(ref)
                    guard after != nil else {
                        return .failed("The archive did not contain image \(ref)", ["actions": .list(actions)])
                    }
                    changed = after?["Id"] != existing?["Id"]
                } else {
                    changed = existing == nil
                }
            }
        case "local":
            if existing == nil { return .failed("Cannot find the image \(ref) locally.") }
        default:
            break
        }

        // Without the image (only possible in check mode or with no source) there is nothing to tag or push.
        var image = context.checkMode ? existing : try api.inspectImage(ref)
        if image == nil && !context.checkMode && (args.has("repository") || args.bool("push")) {
            return .failed("Cannot find the image \(ref) locally.")
        }

        var pushRef = ref
        if let repository = args.string("repository") {
            let target = DockerAPI.reference(repository, tag: effectiveTag.isEmpty ? "latest" : effectiveTag)
            pushRef = target
            let targetImage = try api.inspectImage(target)
            if targetImage?["Id"] == nil || targetImage?["Id"] != image?["Id"] || args.bool("force_tag") {
                actions.append(.string("Tagged image \(ref) to \(target)"))
                changed = true
                if !context.checkMode {
                    let (repo, tag) = DockerAPI.splitImage(target)
                    try api.expect("tagging image \(ref) as \(target)", "POST", "/images/\(DockerAPI.encode(ref))/tag",
                                   query: [("repo", repo), ("tag", tag)])
                }
            }
        }
        if args.bool("push") {
            actions.append(.string("Pushed image \(pushRef)"))
            if context.checkMode {
                changed = true
            } else {
                let (repo, tag) = DockerAPI.splitImage(pushRef)
                // The Engine requires X-Registry-Auth on push; an empty object means anonymous.
                let auth = try api.registryAuthHeader(for: repo) ?? ("X-Registry-Auth: " + DockerAPI.base64url("{}"))
                let r = try api.expect("pushing image \(pushRef)", "POST", "/images/\(DockerAPI.encode(repo))/push",
                                       query: [("tag", tag)], headers: [auth], longRunning: true)
                if let e = DockerAPI.streamError(r.body) { return .failed("Error pushing image \(pushRef): \(e)", ["actions": .list(actions)]) }
                let statuses = DockerJSON.parseStream(r.body).compactMap { $0["status"]?.stringValue }
                if statuses.contains(where: { $0 == "Pushed" || $0.hasPrefix("Pushing") }) { changed = true }
            }
        }
        if !context.checkMode { image = try api.inspectImage(ref) }

        // archive_path: `docker save` of the image, rewritten when it holds another image id.
        if let archive = args.string("archive_path"), let id = image?["Id"]?.stringValue {
            let hex = id.replacingOccurrences(of: "sha256:", with: "")
            let manifest = try context.run("tar -xOf \(shellQuote(archive)) manifest.json 2>/dev/null")
            let configs = (manifest.exitCode == 0 ? (try? DockerJSON.parse(manifest.stdout))?.listValue : nil) ?? []
            let same = configs.contains { $0["Config"]?.stringValue?.contains(hex) ?? false }
            if !same || args.bool("force_source") {
                actions.append(.string("Archived image \(ref) to \(archive)"))
                changed = true
                if !context.checkMode {
                    try api.download("saving image \(ref)", "/images/\(DockerAPI.encode(ref))/get", to: archive)
                }
            }
        }
        return ModuleResult(changed: changed, ["image": image ?? [:], "actions": .list(actions)])
    }

    /// Loads a tarball from the host (`load_path`) or the controller (`load_src`, copied first).
    static func load(_ ref: String, _ args: Arguments, _ context: ModuleContext, _ api: DockerAPI) throws {
        var path = args.string("load_path")
        var temporary: String?
        if path == nil {
            guard let src = args.string("load_src") else { throw ModuleError("source is load but load_path (or load_src) is missing") }
            guard let local = context.findFile(src, in: "files") else { throw ModuleError("Could not find load_src \(src) on the controller") }
            let data = try Data(contentsOf: URL(fileURLWithPath: local))
            let r = try context.run("mktemp /tmp/swiftplay-image-XXXXXXXX")
            let tmp = r.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)
            guard r.exitCode == 0, !tmp.isEmpty else { throw ModuleError("cannot create a temporary file on the host: \(r.stderrText)") }
            try context.connection.put(data, to: tmp, mode: "0600", become: context.become)
            temporary = tmp
            path = tmp
        }
        defer { if let t = temporary { _ = try? context.run("rm -f \(shellQuote(t))") } }
        guard let file = path else { return }
        let check = try context.run("test -r \(shellQuote(file))")
        if check.exitCode != 0 { throw ModuleError("Error loading image \(ref): cannot read \(file) on the host") }
        let r = try api.expect("loading image from \(file)", "POST", "/images/load", query: [("quiet", "1")],
                               bodyFile: file, contentType: "application/x-tar", longRunning: true)
        if let e = DockerAPI.streamError(r.body) { throw ModuleError("Error loading image \(ref): \(e)") }
    }
}
