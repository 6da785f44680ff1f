import Foundation
import Jinja
import OrderedCollections
import Transport

/// `docker_container` (community.docker.docker_container): creates, recreates, starts, stops and removes
/// a container so that its configuration and state match the task.
public enum DockerContainerModule: Module {
    public static let name = "docker_container"
    public static let aliases = ["community.docker.docker_container", "community.general.docker_container"]
    public static let documentation = """
    # docker_container
    Manages one container of the host's Docker Engine through its API socket (curl on the host): one
    call reads the container, one or two change it.

    States: `started` (default; create or recreate as needed, then start), `present` (create, do not
    start; a recreated container that was running is started again), `stopped`, `healthy` (started, then
    wait up to `healthy_wait_timeout` seconds for the health check), `absent` (removed with its anonymous
    volumes unless `keep_volumes`).

    Idempotence follows community.docker's `comparisons`: an existing container is recreated only when
    an option given in the task differs from its configuration (image id, command, entrypoint, env
    merged with the image's, published ports, volumes/mounts, restart policy, labels, user, memory,
    cpus, healthcheck, log driver...). Options not given are not compared. `comparisons` maps option
    names (or `*`) to `strict`, `ignore` or `allow_more_present`. `recreate: true` always recreates,
    `restart: true` restarts a running container. Networks missing from a container are connected
    without recreating it (`purge_networks` disconnects the others).

    `pull`: `missing` (default; also `false`/`not_present`), `always` (`true`) or `never`.
    `command` and `entrypoint` strings are split like a shell would. `env_file` is a file on the host.
    `detach: false` waits for a container it started to exit, returns its logs as `container.Output`
    and `status`, fails on a non-zero exit code, and removes it with `cleanup: true`.
    Returns `container`: the Engine's inspect data after the change (`{}` when absent).
    Not supported: device requests (GPUs), TCP/TLS daemons, IPv6 port specs, container port ranges.
    """
    public static let spec = ArgumentSpec([
        .init("name", required: true),
        .init("image"),
        .init("state", default: "started", choices: ["absent", "present", "stopped", "started", "healthy"]),
        .init("command", .raw), .init("entrypoint", .raw),
        .init("command_handling", default: "correct", choices: ["compatibility", "correct"]),
        .init("env", .dict), .init("env_file", .path),
        .init("published_ports", .list, aliases: ["ports"], elements: .str),
        .init("publish_all_ports", .bool),
        .init("exposed_ports", .list, aliases: ["exposed", "expose"], elements: .str),
        .init("default_host_ip"),
        .init("volumes", .list, elements: .str), .init("mounts", .list, elements: .dict),
        .init("volume_driver"), .init("volumes_from", .list, elements: .str),
        .init("networks", .list, elements: .raw), .init("network_mode"),
        .init("networks_cli_compatible", .bool, default: true), .init("purge_networks", .bool, default: false),
        .init("restart_policy", choices: ["no", "on-failure", "always", "unless-stopped"]),
        .init("restart_retries", .int),
        .init("labels", .dict), .init("user"), .init("hostname"), .init("working_dir"), .init("domainname"),
        .init("healthcheck", .dict),
        .init("log_driver"), .init("log_options", .dict, aliases: ["log_opt"]),
        .init("memory"), .init("memory_reservation"), .init("memory_swap"), .init("cpus", .float), .init("cpu_shares", .int),
        .init("shm_size"),
        .init("privileged", .bool), .init("capabilities", .list, elements: .str), .init("cap_drop", .list, elements: .str),
        .init("tmpfs", .list, elements: .str), .init("read_only", .bool), .init("init", .bool),
        .init("auto_remove", .bool), .init("tty", .bool), .init("interactive", .bool),
        .init("etc_hosts", .dict), .init("dns_servers", .list, elements: .str), .init("dns_search_domains", .list, elements: .str),
        .init("sysctls", .dict), .init("ulimits", .list, elements: .str),
        .init("pid_mode"), .init("ipc_mode"), .init("stop_signal"), .init("stop_timeout", .int),
        .init("recreate", .bool, default: false), .init("restart", .bool, default: false),
        .init("pull", .raw, default: "missing"),
        .init("comparisons", .dict), .init("image_comparison", default: "desired-image", choices: ["desired-image", "current-image"]),
        .init("image_name_mismatch", default: "recreate", choices: ["recreate", "ignore"]),
        .init("keep_volumes", .bool, default: true), .init("force_kill", .bool, default: false, aliases: ["forcekill"]),
        .init("kill_signal"), .init("detach", .bool, default: true), .init("cleanup", .bool, default: false),
        .init("container_default_behavior", default: "no_defaults", choices: ["compatibility", "no_defaults"]),
        .init("healthy_wait_timeout", .float, default: 300), .init("removal_wait_timeout", .float),
        .init("output_logs", .bool, default: false),
        .init("security_opts", .list, elements: .str), .init("groups", .list, elements: .str), .init("links", .list, elements: .str),
        .init("devices", .list, elements: .str), .init("pids_limit", .int), .init("runtime"), .init("oom_killer", .bool),
        .init("oom_score_adj", .int), .init("cgroupns_mode", choices: ["private", "host"]), .init("userns_mode"), .init("uts"),
        .init("mac_address"), .init("cpu_period", .int), .init("cpu_quota", .int), .init("cpuset_cpus"), .init("cpuset_mems"),
        .init("memory_swappiness", .int), .init("blkio_weight", .int), .init("storage_opts", .dict), .init("dns_opts", .list, elements: .str),
        .init("cgroup_parent"), .init("platform"),
        .init("ignore_image", .bool, default: false), .init("paused", .bool),
        .init("image_label_mismatch", default: "ignore", choices: ["ignore", "fail"]),
        .init("pull_check_mode_behavior", default: "image_not_present", choices: ["image_not_present", "always"]),
    ] + DockerAPI.commonOptions)

    // MARK: - comparison model

    /// A normalized option value: strings, sets or maps, so comparisons are simple and explicit.
    enum Compared: Equatable {
        case value(String)
        case set(Set<String>)
        case map([String: String])

        var text: String {
            switch self {
            case .value(let s): return s
            case .set(let s): return s.sorted().joined(separator: ", ")
            case .map(let m): return m.keys.sorted().map { "\($0)=\(m[$0] ?? "")" }.joined(separator: ", ")
            }
        }

        /// `want` is contained in `self` (allow_more_present).
        func contains(_ want: Compared) -> Bool {
            switch (self, want) {
            case (.set(let have), .set(let w)): return w.isSubset(of: have)
            case (.map(let have), .map(let w)): return w.allSatisfy { have[$0.key] == $0.value }
            default: return self == want
            }
        }
    }

    struct Difference {
        var option: String
        var have: String
        var want: String
    }

    /// What the task asks for: the create body, plus each compared option's wanted value.
    struct Desired {
        var body: OrderedDictionary<String, Value> = [:]
        var host: OrderedDictionary<String, Value> = [:]
        var compared: [(option: String, want: Compared, have: (Value, Value?) -> Compared, defaultMode: String)] = []
        var networks: [(name: String, config: OrderedDictionary<String, Value>)] = []
    }

    public static func run(_ args: Arguments, _ context: ModuleContext) throws -> ModuleResult {
        let api = try DockerAPI(args, context)
        guard let name = args.string("name") else { return .failed("missing required arguments: name") }
        let state = args.string("state") ?? "started"
        let path = "/containers/\(DockerAPI.encode(name))"
        let existing = try api.inspect(path + "/json")
        var actions: [Value] = []
        var result = ModuleResult(changed: false)

        if state == "absent" {
            guard existing != nil else { return ModuleResult(changed: false, ["container": [:], "actions": []]) }
            actions.append(.string("removed \(name)"))
            if !context.checkMode { try remove(name, args, api) }
            result.changed = true
            if context.diffMode { result.addDiff(before: "exists: true\n", after: "exists: false\n") }
            result["container"] = [:]
            result["actions"] = .list(actions)
            return result
        }

        // The image: pulled per `pull`, then its id is what the container must run.
        let imageRef = args.string("image").map { DockerAPI.reference($0) }
        var imageInfo: Value?
        if let imageRef {
            imageInfo = try api.inspectImage(imageRef)
            let policy = pullPolicy(args["pull"])
            if policy == "never" && imageInfo == nil && !context.checkMode {
                return .failed("Cannot find image \(imageRef) locally and pull is never")
            }
            if policy == "always" || (policy == "missing" && imageInfo == nil) {
                if context.checkMode {
                    if imageInfo == nil { actions.append(.string("pulled image \(imageRef)")) }
                } else {
                    try api.pull(imageRef)
                    let after = try api.inspectImage(imageRef)
                    if after?["Id"] != imageInfo?["Id"] { actions.append(.string("pulled image \(imageRef)")); result.changed = true }
                    imageInfo = after
                }
            }
        } else if existing == nil {
            return .failed("Cannot create container when image is not specified!")
        }

        // image_comparison: current-image merges env/labels/ports with the image the container runs now.
        var comparisonImage = imageInfo
        if args.string("image_comparison") == "current-image", let current = existing?["Image"]?.stringValue {
            comparisonImage = try api.inspectImage(current) ?? imageInfo
        }
        let desired = try buildDesired(args, context, imageInfo: comparisonImage)
        var differences: [Difference] = []
        if let existing {
            differences = compare(existing, desired, args, imageRef: imageRef, imageInfo: imageInfo)
        }
        let wasRunning = existing?["State"]?["Running"]?.truthy ?? false
        let needsCreate = existing == nil || args.bool("recreate") || !differences.isEmpty
        var created = false

        if needsCreate {
            created = true
            result.changed = true
            actions.append(.string(existing == nil ? "created \(name)" : "recreated \(name)"))
            if context.diffMode {
                if existing == nil {
                    result.addDiff(before: "exists: false\n", after: "exists: true\n")
                } else {
                    result.addDiff(before: differences.map { "\($0.option): \($0.have)\n" }.joined(),
                                   after: differences.map { "\($0.option): \($0.want)\n" }.joined())
                }
            }
            if !context.checkMode {
                if existing != nil { try remove(name, args, api) }
                try create(name, desired, api)
            }
        } else if !context.checkMode, let existing {
            // Networks are joined (and purged) in place, without recreating.
            let connected = Set(existing["NetworkSettings"]?["Networks"]?.dictValue?.keys.map { $0 } ?? [])
            for net in desired.networks where !connected.contains(net.name) {
                try api.expect("connecting \(name) to network \(net.name)", "POST", "/networks/\(DockerAPI.encode(net.name))/connect",
                               body: .dict(["Container": .string(name), "EndpointConfig": .dict(net.config)]))
                actions.append(.string("connected \(name) to \(net.name)"))
                result.changed = true
            }
            if args.bool("purge_networks") {
                let wanted = Set(desired.networks.map(\.name))
                for net in connected.sorted() where !wanted.contains(net) && net != args.string("network_mode") {
                    try api.expect("disconnecting \(name) from \(net)", "POST", "/networks/\(DockerAPI.encode(net))/disconnect",
                                   body: .dict(["Container": .string(name), "Force": true]))
                    actions.append(.string("disconnected \(name) from \(net)"))
                    result.changed = true
                }
            }
        } else if context.checkMode, let existing {
            let connected = Set(existing["NetworkSettings"]?["Networks"]?.dictValue?.keys.map { $0 } ?? [])
            if desired.networks.contains(where: { !connected.contains($0.name) }) { result.changed = true }
        }

        // Running state.
        let running = created ? false : wasRunning
        switch state {
        case "started", "healthy":
            if !running {
                actions.append(.string("started \(name)"))
                result.changed = true
                if !context.checkMode { try api.expect("starting container \(name)", "POST", path + "/start") }
            } else if args.bool("restart") {
                actions.append(.string("restarted \(name)"))
                result.changed = true
                if !context.checkMode {
                    var q: [(String, String)] = []
                    if let t = args.int("stop_timeout") { q.append(("t", String(t))) }
                    try api.expect("restarting container \(name)", "POST", path + "/restart", query: q)
                }
            }
        case "stopped":
            if running {
                actions.append(.string("stopped \(name)"))
                result.changed = true
                if !context.checkMode { try stop(name, args, api) }
            }
        default: // present
            if created && wasRunning {
                actions.append(.string("started \(name)"))
                if !context.checkMode { try api.expect("starting container \(name)", "POST", path + "/start") }
            }
        }

        // paused: pause or unpause a running container.
        if let paused = args["paused"].flatMap(Arguments.boolean), state == "started" || state == "healthy" {
            let isPaused = created ? false : (existing?["State"]?["Paused"]?.truthy ?? false)
            if paused != isPaused {
                actions.append(.string(paused ? "paused \(name)" : "unpaused \(name)"))
                result.changed = true
                if !context.checkMode { try api.expect("pausing container \(name)", "POST", path + (paused ? "/pause" : "/unpause")) }
            }
        }
        if state == "healthy" && !context.checkMode {
            try waitHealthy(name, timeout: args["healthy_wait_timeout"]?.doubleValue ?? 300, api)
        }
        // detach: false waits for the container to exit and returns its output (then removes it with cleanup).
        var output: String?
        var exitStatus = 0
        if !args.bool("detach") && (state == "started" || state == "healthy") && !context.checkMode && result.changed {
            let w = try api.expect("waiting for container \(name)", "POST", path + "/wait", longRunning: true)
            exitStatus = w.json?["StatusCode"]?.intValue ?? 0
            let logs = try api.request("GET", path + "/logs", query: [("stdout", "1"), ("stderr", "1")])
            output = logs.ok ? demux(logs.body) : ""
        }
        var after = context.checkMode ? existing : try api.inspect(path + "/json")
        if after == nil && context.checkMode { after = [:] }
        if var c = after?.dictValue, let output { c["Output"] = .string(output); after = .dict(c) }
        if output != nil && args.bool("cleanup") {
            try remove(name, args, api)
            actions.append(.string("removed \(name)"))
        }
        result["container"] = after ?? [:]
        result["actions"] = .list(actions)
        if output != nil {
            result["status"] = .int(exitStatus)
            if exitStatus != 0 {
                result["failed"] = true
                result["msg"] = .string("Container \(name) exited with code \(exitStatus)")
            }
        }
        return result
    }

    static func pullPolicy(_ v: Value?) -> String {
        guard let v else { return "missing" }
        if case .bool(let b) = v { return b ? "always" : "missing" }
        switch v.pythonStr.lowercased() {
        case "always", "true", "yes": return "always"
        case "never": return "never"
        default: return "missing"
        }
    }

    static func remove(_ name: String, _ args: Arguments, _ api: DockerAPI) throws {
        var q = [("force", "1")]
        if !args.bool("keep_volumes") { q.append(("v", "1")) }
        let r = try api.request("DELETE", "/containers/\(DockerAPI.encode(name))", query: q)
        if !r.ok && r.status != 404 { throw ModuleError("Error removing container \(name): \(r.message)") }
        // auto_remove containers or a removal in progress: wait until the name is free.
        for _ in 0..<60 {
            if try api.inspect("/containers/\(DockerAPI.encode(name))/json") == nil { return }
            Thread.sleep(forTimeInterval: 0.5)
        }
        throw ModuleError("Error removing container \(name): it still exists")
    }

    static func stop(_ name: String, _ args: Arguments, _ api: DockerAPI) throws {
        let path = "/containers/\(DockerAPI.encode(name))"
        if args.bool("force_kill") {
            var q: [(String, String)] = []
            if let s = args.string("kill_signal") { q.append(("signal", s)) }
            try api.expect("killing container \(name)", "POST", path + "/kill", query: q)
            return
        }
        var q: [(String, String)] = []
        if let t = args.int("stop_timeout") { q.append(("t", String(t))) }
        let r = try api.request("POST", path + "/stop", query: q, longRunning: true)
        if !r.ok && r.status != 304 { throw ModuleError("Error stopping container \(name): \(r.message)") }
    }

    static func create(_ name: String, _ desired: Desired, _ api: DockerAPI) throws {
        var body = desired.body
        body["HostConfig"] = .dict(desired.host)
        if let first = desired.networks.first {
            body["NetworkingConfig"] = .dict(["EndpointsConfig": .dict([first.name: .dict(first.config)])])
        }
        try api.expect("creating container \(name)", "POST", "/containers/create", query: [("name", name)], body: .dict(body))
        for net in desired.networks.dropFirst() {
            try api.expect("connecting \(name) to network \(net.name)", "POST", "/networks/\(DockerAPI.encode(net.name))/connect",
                           body: .dict(["Container": .string(name), "EndpointConfig": .dict(net.config)]))
        }
    }

    /// The Engine's log stream without a TTY: frames of [stream, 0, 0, 0, size (big-endian u32), bytes].
    /// Containers with a TTY send raw text, returned as it is.
    static func demux(_ data: Data) -> String {
        let b = [UInt8](data)
        var out: [UInt8] = []
        var i = 0
        while i + 8 <= b.count {
            guard [0, 1, 2].contains(b[i]), b[i + 1] == 0, b[i + 2] == 0, b[i + 3] == 0 else { return String(decoding: b, as: UTF8.self) }
            let size = Int(b[i + 4]) << 24 | Int(b[i + 5]) << 16 | Int(b[i + 6]) << 8 | Int(b[i + 7])
            let end = min(b.count, i + 8 + size)
            out.append(contentsOf: b[(i + 8)..<end])
            i = end
        }
        if i < b.count && out.isEmpty { return String(decoding: b, as: UTF8.self) }
        return String(decoding: out, as: UTF8.self)
    }

    static func waitHealthy(_ name: String, timeout: Double, _ api: DockerAPI) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            guard let c = try api.inspect("/containers/\(DockerAPI.encode(name))/json") else {
                throw ModuleError("Container \(name) disappeared while waiting for it to become healthy")
            }
            guard let health = c["State"]?["Health"]?["Status"]?.stringValue else { return } // no health check
            if health == "healthy" { return }
            if !(c["State"]?["Running"]?.truthy ?? false) { throw ModuleError("Container \(name) stopped before becoming healthy") }
            if Date() >= deadline { throw ModuleError("Timeout waiting for container \(name) to become healthy (status: \(health))") }
            Thread.sleep(forTimeInterval: 1)
        }
    }

    // MARK: - comparison

    static func compare(_ c: Value, _ d: Desired, _ args: Arguments, imageRef: String?, imageInfo: Value?) -> [Difference] {
        var out: [Difference] = []
        let modes = args.dict("comparisons")
        let star = modes["*"]?.pythonStr
        if let imageRef {
            let mode = args.bool("ignore_image") ? "ignore" : (modes["image"]?.pythonStr ?? star ?? "strict")
            if mode != "ignore" {
                let haveID = c["Image"]?.stringValue ?? ""
                let wantID = imageInfo?["Id"]?.stringValue ?? "(not present: \(imageRef))"
                if haveID != wantID {
                    out.append(Difference(option: "image", have: haveID, want: wantID))
                } else if args.string("image_name_mismatch") != "ignore", let configured = c["Config"]?["Image"]?.stringValue,
                          DockerAPI.reference(configured) != imageRef, configured != imageRef {
                    out.append(Difference(option: "image", have: configured, want: imageRef))
                }
            }
        }
        for item in d.compared {
            let mode = modes[item.option]?.pythonStr ?? star ?? item.defaultMode
            if mode == "ignore" { continue }
            let have = item.have(c, imageInfo)
            let same = mode == "allow_more_present" ? have.contains(item.want) : have == item.want
            if !same { out.append(Difference(option: item.option, have: have.text, want: item.want.text)) }
        }
        return out
    }

    // MARK: - desired configuration

    static func strings(_ v: Value?) -> [String] { v?.listValue?.map { $0.pythonStr } ?? [] }
    static func map(_ v: Value?) -> [String: String] {
        var out: [String: String] = [:]
        for (k, x) in v?.dictValue ?? [:] { out[k] = DockerValues.envString(x) }
        return out
    }
    static func envMap(_ list: [String]) -> [String: String] {
        var out: [String: String] = [:]
        for e in list {
            if let eq = e.firstIndex(of: "=") { out[String(e[..<eq])] = String(e[e.index(after: eq)...]) } else { out[e] = "" }
        }
        return out
    }
    static func json(_ list: [String]) -> Compared { .value(DockerJSON.serialize(.list(list.map { .string($0) }))) }

    static func words(_ v: Value, handling: String) throws -> [String] {
        if let l = v.listValue { return l.map { $0.pythonStr } }
        let s = v.pythonStr
        return handling == "compatibility" ? s.split(separator: " ").map(String.init) : try CommandModule.splitWords(s)
    }

    static func buildDesired(_ args: Arguments, _ context: ModuleContext, imageInfo: Value?) throws -> Desired {
        var d = Desired()
        let handling = args.string("command_handling") ?? "correct"
        if let image = args.string("image") { d.body["Image"] = .string(DockerAPI.reference(image)) }

        if let cmd = args["command"] {
            let list = try words(cmd, handling: handling)
            d.body["Cmd"] = .list(list.map { .string($0) })
            d.compared.append(("command", json(list), { c, _ in json(strings(c["Config"]?["Cmd"])) }, "strict"))
        }
        if let ep = args["entrypoint"] {
            let list = try words(ep, handling: handling)
            d.body["Entrypoint"] = .list(list.map { .string($0) })
            d.compared.append(("entrypoint", json(list), { c, _ in json(strings(c["Config"]?["Entrypoint"])) }, "strict"))
        }

        // env: env_file (on the host) then env; compared with the image's env merged underneath.
        if args.has("env") || args.has("env_file") {
            var env: [String: String] = [:]
            var order: [String] = []
            if let file = args.string("env_file") {
                let r = try context.run("cat -- \(shellQuote(file))")
                if r.exitCode != 0 { throw ModuleError("Cannot read env_file \(file): \(r.stderrText.trimmingCharacters(in: .whitespacesAndNewlines))") }
                for raw in r.stdoutText.split(separator: "\n") {
                    let line = raw.trimmingCharacters(in: .whitespaces)
                    if line.isEmpty || line.hasPrefix("#") { continue }
                    guard let eq = line.firstIndex(of: "=") else { continue }
                    let k = String(line[..<eq])
                    if env[k] == nil { order.append(k) }
                    env[k] = String(line[line.index(after: eq)...])
                }
            }
            for (k, v) in args.dict("env") {
                if env[k] == nil { order.append(k) }
                env[k] = DockerValues.envString(v)
            }
            d.body["Env"] = .list(order.map { .string("\($0)=\(env[$0] ?? "")") })
            var expected = envMap(strings(imageInfo?["Config"]?["Env"]))
            for (k, v) in env { expected[k] = v }
            d.compared.append(("env", .map(expected), { c, _ in .map(envMap(strings(c["Config"]?["Env"]))) }, "strict"))
        }
        if args.has("labels") {
            let labels = map(args["labels"])
            d.body["Labels"] = .dict(OrderedDictionary(uniqueKeysWithValues: labels.sorted { $0.key < $1.key }.map { ($0.key, Value.string($0.value)) }))
            var expected = map(imageInfo?["Config"]?["Labels"])
            for (k, v) in labels { expected[k] = v }
            d.compared.append(("labels", .map(expected), { c, _ in .map(map(c["Config"]?["Labels"])) }, "strict"))
        }
        func scalar(_ option: String, _ key: String, inHost: Bool, _ v: Value) {
            if inHost { d.host[key] = v } else { d.body[key] = v }
            let want = Compared.value(v.pythonStr)
            d.compared.append((option, want, { c, _ in
                let have = (inHost ? c["HostConfig"]?[key] : c["Config"]?[key]) ?? .none
                if case .none = have { return .value(v.pythonStr == "" ? "" : "(unset)") }
                return .value(have.pythonStr)
            }, "strict"))
        }
        for (option, key) in [("user", "User"), ("hostname", "Hostname"), ("working_dir", "WorkingDir"), ("domainname", "Domainname"), ("stop_signal", "StopSignal")] {
            if let s = args.string(option) { scalar(option, key, inHost: false, .string(s)) }
        }
        for (option, key) in [("tty", "Tty"), ("interactive", "OpenStdin")] where args.has(option) {
            scalar(option, key, inHost: false, .bool(args.bool(option)))
        }
        if let t = args.int("stop_timeout") { scalar("stop_timeout", "StopTimeout", inHost: false, .int(t)) }
        for (option, key) in [("privileged", "Privileged"), ("read_only", "ReadonlyRootfs"), ("init", "Init"), ("auto_remove", "AutoRemove"), ("publish_all_ports", "PublishAllPorts")] where args.has(option) {
            scalar(option, key, inHost: true, .bool(args.bool(option)))
        }
        for (option, key) in [("pid_mode", "PidMode"), ("ipc_mode", "IpcMode"), ("volume_driver", "VolumeDriver")] {
            if let s = args.string(option) { scalar(option, key, inHost: true, .string(s)) }
        }
        for (option, key) in [("memory", "Memory"), ("memory_reservation", "MemoryReservation"), ("memory_swap", "MemorySwap"), ("shm_size", "ShmSize")] {
            if let s = args.string(option) {
                let n = s == "-1" ? -1 : try DockerValues.bytes(s)
                scalar(option, key, inHost: true, .int(n))
            }
        }
        for (option, key) in [("pids_limit", "PidsLimit"), ("oom_score_adj", "OomScoreAdj"), ("cpu_period", "CpuPeriod"),
                              ("cpu_quota", "CpuQuota"), ("memory_swappiness", "MemorySwappiness"), ("blkio_weight", "BlkioWeight")] {
            if let n = args.int(option) { scalar(option, key, inHost: true, .int(n)) }
        }
        for (option, key) in [("runtime", "Runtime"), ("cgroupns_mode", "CgroupnsMode"), ("userns_mode", "UsernsMode"), ("uts", "UTSMode"),
                              ("cpuset_cpus", "CpusetCpus"), ("cpuset_mems", "CpusetMems"), ("cgroup_parent", "CgroupParent")] {
            if let v = args.string(option) { scalar(option, key, inHost: true, .string(v)) }
        }
        if args.has("oom_killer") { scalar("oom_killer", "OomKillDisable", inHost: true, .bool(!args.bool("oom_killer"))) }
        if let mac = args.string("mac_address") { scalar("mac_address", "MacAddress", inHost: false, .string(mac)) }
        if let cpus = args["cpus"]?.doubleValue { scalar("cpus", "NanoCpus", inHost: true, .int(Int((cpus * 1e9).rounded()))) }
        if let shares = args.int("cpu_shares") { scalar("cpu_shares", "CpuShares", inHost: true, .int(shares)) }

        // Restart policy.
        if let policy = args.string("restart_policy") {
            let retries = args.int("restart_retries") ?? 0
            d.host["RestartPolicy"] = .dict(["Name": .string(policy == "no" ? "" : policy), "MaximumRetryCount": .int(retries)])
            let want = Compared.value("\(policy):\(policy == "on-failure" ? retries : 0)")
            d.compared.append(("restart_policy", want, { c, _ in
                var name = c["HostConfig"]?["RestartPolicy"]?["Name"]?.stringValue ?? ""
                if name.isEmpty { name = "no" }
                let count = name == "on-failure" ? (c["HostConfig"]?["RestartPolicy"]?["MaximumRetryCount"]?.intValue ?? 0) : 0
                return .value("\(name):\(count)")
            }, "strict"))
        }

        // Log configuration.
        if args.has("log_driver") || args.has("log_options") {
            var lc: OrderedDictionary<String, Value> = [:]
            if let driver = args.string("log_driver") { lc["Type"] = .string(driver) }
            let opts = map(args["log_options"])
            lc["Config"] = .dict(OrderedDictionary(uniqueKeysWithValues: opts.sorted { $0.key < $1.key }.map { ($0.key, Value.string($0.value)) }))
            d.host["LogConfig"] = .dict(lc)
            if let driver = args.string("log_driver") {
                d.compared.append(("log_driver", .value(driver), { c, _ in .value(c["HostConfig"]?["LogConfig"]?["Type"]?.stringValue ?? "") }, "strict"))
            }
            if args.has("log_options") {
                d.compared.append(("log_options", .map(opts), { c, _ in .map(map(c["HostConfig"]?["LogConfig"]?["Config"])) }, "strict"))
            }
        }

        // Published and exposed ports.
        var exposed = Set<String>()
        if args.has("published_ports") {
            var bindings: OrderedDictionary<String, [Value]> = [:]
            var want = Set<String>()
            let defaultIP = args.string("default_host_ip") ?? ""
            for spec in args.strings("published_ports") {
                if spec == "all" { d.host["PublishAllPorts"] = true; continue }
                let p = try parsePort(spec, defaultIP: defaultIP)
                exposed.insert(p.container)
                bindings[p.container, default: []].append(.dict(["HostIp": .string(p.ip), "HostPort": .string(p.hostPort)]))
                want.insert(portKey(p.container, p.ip, p.hostPort))
            }
            d.host["PortBindings"] = .dict(OrderedDictionary(uniqueKeysWithValues: bindings.map { ($0.key, Value.list($0.value)) }))
            d.compared.append(("published_ports", .set(want), { c, _ in
                var have = Set<String>()
                for (port, list) in c["HostConfig"]?["PortBindings"]?.dictValue ?? [:] {
                    for b in list.listValue ?? [] {
                        have.insert(portKey(port, b["HostIp"]?.stringValue ?? "", b["HostPort"]?.stringValue ?? ""))
                    }
                }
                return .set(have)
            }, "strict"))
        }
        for spec in args.strings("exposed_ports") {
            exposed.insert(spec.contains("/") ? spec : spec + "/tcp")
        }
        if !exposed.isEmpty {
            d.body["ExposedPorts"] = .dict(OrderedDictionary(uniqueKeysWithValues: exposed.sorted().map { ($0, Value.dict([:])) }))
            d.compared.append(("exposed_ports", .set(exposed), { c, _ in
                .set(Set(c["Config"]?["ExposedPorts"]?.dictValue?.keys.map { $0 } ?? []))
            }, "allow_more_present"))
        }

        // Volumes: "src:dst[:mode]" binds and "/dst" anonymous volumes; mounts as the Mounts API.
        if args.has("volumes") {
            var binds: [String] = []
            var anonymous: [String] = []
            for spec in args.strings("volumes") {
                let parts = spec.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
                if parts.count == 1 { anonymous.append(spec) } else { binds.append(spec) }
            }
            d.host["Binds"] = .list(binds.map { .string($0) })
            if !anonymous.isEmpty { d.body["Volumes"] = .dict(OrderedDictionary(uniqueKeysWithValues: anonymous.map { ($0, Value.dict([:])) })) }
            d.compared.append(("volumes", .set(Set(binds.map(normalizeBind))), { c, _ in
                .set(Set(strings(c["HostConfig"]?["Binds"]).map(normalizeBind)))
            }, "strict"))
            if !anonymous.isEmpty {
                d.compared.append(("volumes", .set(Set(anonymous)), { c, _ in
                    .set(Set(c["Config"]?["Volumes"]?.dictValue?.keys.map { $0 } ?? []))
                }, "allow_more_present"))
            }
        }
        if args.has("mounts") {
            var mounts: [Value] = []
            var want = Set<String>()
            for m in args.list("mounts") {
                guard let target = m["target"]?.pythonStr else { throw ModuleError("mounts: each mount needs a target") }
                let type = m["type"]?.pythonStr ?? "volume"
                let source = m["source"]?.pythonStr ?? ""
                let ro = m["read_only"].flatMap(Arguments.boolean) ?? false
                var mv: OrderedDictionary<String, Value> = ["Type": .string(type), "Source": .string(source), "Target": .string(target), "ReadOnly": .bool(ro)]
                if type == "tmpfs" {
                    var t: OrderedDictionary<String, Value> = [:]
                    if let size = m["tmpfs_size"]?.pythonStr { t["SizeBytes"] = .int(try DockerValues.bytes(size)) }
                    if let mode = m["tmpfs_mode"]?.pythonStr, let n = Int(mode, radix: 8) { t["Mode"] = .int(n) }
                    if !t.isEmpty { mv["TmpfsOptions"] = .dict(t) }
                    mv["Source"] = nil
                }
                mounts.append(.dict(mv))
                want.insert("\(type):\(type == "tmpfs" ? "" : source):\(target):\(ro)")
            }
            d.host["Mounts"] = .list(mounts)
            d.compared.append(("mounts", .set(want), { c, _ in
                var have = Set<String>()
                for m in c["HostConfig"]?["Mounts"]?.listValue ?? [] {
                    let type = m["Type"]?.stringValue ?? "volume"
                    have.insert("\(type):\(type == "tmpfs" ? "" : (m["Source"]?.stringValue ?? "")):\(m["Target"]?.stringValue ?? ""):\(m["ReadOnly"]?.truthy ?? false)")
                }
                return .set(have)
            }, "strict"))
        }
        if args.has("volumes_from") {
            let list = args.strings("volumes_from")
            d.host["VolumesFrom"] = .list(list.map { .string($0) })
            d.compared.append(("volumes_from", .set(Set(list)), { c, _ in .set(Set(strings(c["HostConfig"]?["VolumesFrom"]))) }, "strict"))
        }

        // Sets and maps of host settings.
        func setOption(_ option: String, _ key: String, _ list: [String]) {
            d.host[key] = .list(list.map { .string($0) })
            d.compared.append((option, .set(Set(list)), { c, _ in .set(Set(strings(c["HostConfig"]?[key]))) }, "strict"))
        }
        if args.has("capabilities") { setOption("capabilities", "CapAdd", args.strings("capabilities")) }
        if args.has("cap_drop") { setOption("cap_drop", "CapDrop", args.strings("cap_drop")) }
        if args.has("dns_servers") { setOption("dns_servers", "Dns", args.strings("dns_servers")) }
        if args.has("dns_search_domains") { setOption("dns_search_domains", "DnsSearch", args.strings("dns_search_domains")) }
        if args.has("security_opts") { setOption("security_opts", "SecurityOpt", args.strings("security_opts")) }
        if args.has("groups") { setOption("groups", "GroupAdd", args.strings("groups")) }
        if args.has("links") {
            // Given as "name[:alias]"; the Engine reports "/name:/container/alias".
            let links = args.strings("links").map { $0.contains(":") ? $0 : "\($0):\($0)" }
            d.host["Links"] = .list(links.map { .string($0) })
            d.compared.append(("links", .set(Set(links)), { c, _ in
                .set(Set(strings(c["HostConfig"]?["Links"]).map { link -> String in
                    let parts = link.split(separator: ":", maxSplits: 1).map(String.init)
                    guard parts.count == 2 else { return link }
                    let name = parts[0].hasPrefix("/") ? String(parts[0].dropFirst()) : parts[0]
                    let alias = parts[1].split(separator: "/").last.map(String.init) ?? parts[1]
                    return "\(name):\(alias)"
                }))
            }, "strict"))
        }
        if args.has("dns_opts") { setOption("dns_opts", "DnsOptions", args.strings("dns_opts")) }
        if args.has("storage_opts") {
            let so = map(args["storage_opts"])
            d.host["StorageOpt"] = .dict(OrderedDictionary(uniqueKeysWithValues: so.sorted { $0.key < $1.key }.map { ($0.key, Value.string($0.value)) }))
            d.compared.append(("storage_opts", .map(so), { c, _ in .map(map(c["HostConfig"]?["StorageOpt"])) }, "strict"))
        }
        if args.has("devices") {
            var list: [Value] = []
            var want = Set<String>()
            for spec in args.strings("devices") {
                let parts = spec.split(separator: ":").map(String.init)
                guard let host = parts.first else { continue }
                let container = parts.count > 1 ? parts[1] : host
                let perms = parts.count > 2 ? parts[2] : "rwm"
                list.append(.dict(["PathOnHost": .string(host), "PathInContainer": .string(container), "CgroupPermissions": .string(perms)]))
                want.insert("\(host):\(container):\(perms)")
            }
            d.host["Devices"] = .list(list)
            d.compared.append(("devices", .set(want), { c, _ in
                .set(Set((c["HostConfig"]?["Devices"]?.listValue ?? []).map {
                    "\($0["PathOnHost"]?.pythonStr ?? ""):\($0["PathInContainer"]?.pythonStr ?? ""):\($0["CgroupPermissions"]?.pythonStr ?? "")"
                }))
            }, "strict"))
        }
        if args.has("etc_hosts") {
            setOption("etc_hosts", "ExtraHosts", args.dict("etc_hosts").map { "\($0.key):\($0.value.pythonStr)" })
        }
        if args.has("tmpfs") {
            var t: [String: String] = [:]
            for spec in args.strings("tmpfs") {
                if let colon = spec.firstIndex(of: ":") { t[String(spec[..<colon])] = String(spec[spec.index(after: colon)...]) } else { t[spec] = "" }
            }
            d.host["Tmpfs"] = .dict(OrderedDictionary(uniqueKeysWithValues: t.sorted { $0.key < $1.key }.map { ($0.key, Value.string($0.value)) }))
            d.compared.append(("tmpfs", .map(t), { c, _ in .map(map(c["HostConfig"]?["Tmpfs"])) }, "strict"))
        }
        if args.has("sysctls") {
            let s = map(args["sysctls"])
            d.host["Sysctls"] = .dict(OrderedDictionary(uniqueKeysWithValues: s.sorted { $0.key < $1.key }.map { ($0.key, Value.string($0.value)) }))
            d.compared.append(("sysctls", .map(s), { c, _ in .map(map(c["HostConfig"]?["Sysctls"])) }, "strict"))
        }
        if args.has("ulimits") {
            var list: [Value] = []
            var want = Set<String>()
            for spec in args.strings("ulimits") {
                let parts = spec.split(separator: ":").map(String.init)
                guard parts.count >= 2, let soft = Int(parts[1]), let hard = Int(parts.count > 2 ? parts[2] : parts[1]) else {
                    throw ModuleError("ulimits: expected name:soft[:hard], got \(spec)")
                }
                list.append(.dict(["Name": .string(parts[0]), "Soft": .int(soft), "Hard": .int(hard)]))
                want.insert("\(parts[0]):\(soft):\(hard)")
            }
            d.host["Ulimits"] = .list(list)
            d.compared.append(("ulimits", .set(want), { c, _ in
                .set(Set((c["HostConfig"]?["Ulimits"]?.listValue ?? []).map {
                    "\($0["Name"]?.pythonStr ?? ""):\($0["Soft"]?.pythonStr ?? ""):\($0["Hard"]?.pythonStr ?? "")"
                }))
            }, "strict"))
        }

        // Health check.
        if args.has("healthcheck") {
            let h = args.dict("healthcheck")
            var hc: OrderedDictionary<String, Value> = [:]
            var test: [String] = []
            if let t = h["test"] {
                if let l = t.listValue {
                    test = l.map { $0.pythonStr }
                    if let first = test.first, !["NONE", "CMD", "CMD-SHELL"].contains(first) { test.insert("CMD", at: 0) }
                } else {
                    test = ["CMD-SHELL", t.pythonStr]
                }
            }
            if !test.isEmpty { hc["Test"] = .list(test.map { .string($0) }) }
            var want = ["test": DockerJSON.serialize(.list(test.map { .string($0) }))]
            for (option, key) in [("interval", "Interval"), ("timeout", "Timeout"), ("start_period", "StartPeriod"), ("start_interval", "StartInterval")] {
                let ns = try h[option].map { try DockerValues.nanoseconds($0.pythonStr) } ?? 0
                if ns != 0 { hc[key] = .int(ns) }
                want[option] = String(ns)
            }
            let retries = h["retries"]?.intValue ?? 0
            if retries != 0 { hc["Retries"] = .int(retries) }
            want["retries"] = String(retries)
            d.body["Healthcheck"] = .dict(hc)
            d.compared.append(("healthcheck", .map(want), { c, _ in
                let have = c["Config"]?["Healthcheck"]
                var m = ["test": DockerJSON.serialize(.list(strings(have?["Test"]).map { .string($0) }))]
                for (option, key) in [("interval", "Interval"), ("timeout", "Timeout"), ("start_period", "StartPeriod"), ("start_interval", "StartInterval")] {
                    m[option] = String(have?[key]?.intValue ?? 0)
                }
                m["retries"] = String(have?["Retries"]?.intValue ?? 0)
                return .map(m)
            }, "strict"))
        }

        // Networks: network_mode, then the first network at create, the others connected after.
        for item in args.list("networks") {
            let n: OrderedDictionary<String, Value> = item.dictValue ?? ["name": .string(item.pythonStr)]
            guard let netName = n["name"]?.pythonStr else { throw ModuleError("networks: each entry needs a name") }
            var cfg: OrderedDictionary<String, Value> = [:]
            let aliases = strings(n["aliases"])
            if !aliases.isEmpty { cfg["Aliases"] = .list(aliases.map { .string($0) }) }
            var ipam: OrderedDictionary<String, Value> = [:]
            if let ip = n["ipv4_address"]?.pythonStr { ipam["IPv4Address"] = .string(ip) }
            if let ip = n["ipv6_address"]?.pythonStr { ipam["IPv6Address"] = .string(ip) }
            if !ipam.isEmpty { cfg["IPAMConfig"] = .dict(ipam) }
            let links = strings(n["links"])
            if !links.isEmpty { cfg["Links"] = .list(links.map { .string($0) }) }
            d.networks.append((netName, cfg))
        }
        if let mode = args.string("network_mode") ?? d.networks.first?.name {
            d.host["NetworkMode"] = .string(mode)
            if args.has("network_mode") {
                d.compared.append(("network_mode", .value(mode), { c, _ in .value(c["HostConfig"]?["NetworkMode"]?.stringValue ?? "") }, "strict"))
            }
        }
        if let mode = args.string("network_mode"), !d.networks.contains(where: { $0.name == mode }), !d.networks.isEmpty,
           ["host", "none"].contains(mode) || mode.hasPrefix("container:") {
            throw ModuleError("networks cannot be combined with network_mode \(mode)")
        }
        return d
    }

    /// "ip:host:container[/proto]", "host:container", "container", "ip::container".
    static func parsePort(_ spec: String, defaultIP: String) throws -> (ip: String, hostPort: String, container: String) {
        var parts = spec.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard let last = parts.popLast(), !last.isEmpty else { throw ModuleError("invalid port spec \(spec)") }
        let container = last.contains("/") ? last : last + "/tcp"
        let portPart = container.split(separator: "/").first.map(String.init) ?? ""
        guard Int(portPart) != nil else { throw ModuleError("invalid port spec \(spec): port ranges and names are not supported") }
        switch parts.count {
        case 0: return (defaultIP, "", container)
        case 1: return (defaultIP, parts[0], container)
        case 2: return (parts[0], parts[1], container)
        default: throw ModuleError("invalid port spec \(spec): IPv6 addresses are not supported")
        }
    }

    static func portKey(_ container: String, _ ip: String, _ host: String) -> String {
        "\(ip == "0.0.0.0" ? "" : ip):\(host):\(container)"
    }

    /// "src:dst" -> "src:dst:rw"; trailing slashes removed.
    static func normalizeBind(_ b: String) -> String {
        var parts = b.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        if parts.count == 2 { parts.append("rw") }
        parts = parts.enumerated().map { i, p in i < 2 && p.count > 1 && p.hasSuffix("/") ? String(p.dropLast()) : p }
        return parts.joined(separator: ":")
    }
}
