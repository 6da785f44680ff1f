import Foundation
import Jinja
import OrderedCollections
import XCTest
@testable import Modules
@testable import Transport

/// Containers on a real host's Docker engine, checked with `docker inspect` there.
final class DockerHostTests: XCTestCase {
    func inspect(_ r: Runner, _ name: String, _ format: String) throws -> String {
        try r.sh("docker inspect -f \(shellQuote(format)) \(name)").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func loadRegistryImage(_ r: Runner) throws {
        let tar = try HostDocker.registryTarball()
        let res = try r.run(DockerImageModule.self, ["name": "registry", "tag": "2", "source": "load", "load_src": .string(tar)])
        XCTAssertEqual(res["image"]?["RepoTags"]?.listValue?.contains("registry:2"), true)
        XCTAssertFalse(try r.run(DockerImageModule.self, ["name": "registry:2", "source": "load", "load_src": .string(tar)]).changed)
    }

    func testContainerLifecycleIsIdempotent() throws {
        let c = try DMHosts.connect(0)
        defer { c.close() }
        let r = Runner(connection: c)
        try HostDocker.ensure(r)
        try r.sh("docker rm -f dm-c1 >/dev/null 2>&1; docker rmi -f registry:2 >/dev/null 2>&1; mkdir -p /tmp/dm-data; true")

        // Image: loaded from the controller's tarball once.
        let tar = try HostDocker.registryTarball()
        var res = try r.run(DockerImageModule.self, ["name": "registry", "tag": "2", "source": "load", "load_src": .string(tar)])
        XCTAssertTrue(res.changed)
        try loadRegistryImage(r)
        let info = try r.run(DockerImageInfoModule.self, ["name": ["registry:2", "nothere:1"]])
        XCTAssertEqual(info["images"]?.listValue?.count, 1)
        XCTAssertTrue(try r.run(DockerImageModule.self, ["name": "nothere", "source": "local"], expectFailure: true).failed)
        // archive_path saves it once; the archive loads back.
        try r.sh("rm -f /tmp/dm-registry-save.tar")
        XCTAssertTrue(try r.run(DockerImageModule.self, ["name": "registry:2", "archive_path": "/tmp/dm-registry-save.tar"]).changed)
        XCTAssertFalse(try r.run(DockerImageModule.self, ["name": "registry:2", "archive_path": "/tmp/dm-registry-save.tar"]).changed)
        XCTAssertTrue(try r.sh("tar -tf /tmp/dm-registry-save.tar").contains("manifest.json"))
        XCTAssertTrue(try r.sh("docker load -q -i /tmp/dm-registry-save.tar").contains("registry:2"))
        try r.sh("rm -f /tmp/dm-registry-save.tar")

        var args: OrderedDictionary<String, Value> = [
            "name": "dm-c1", "image": "registry:2", "state": "started",
            "env": ["REGISTRY_LOG_LEVEL": "info", "DM_FLAG": "one"],
            "published_ports": ["127.0.0.1:15000:5000"],
            "volumes": ["/tmp/dm-data:/var/lib/registry"],
            "labels": ["swiftplay.test": "dm"],
            "restart_policy": "unless-stopped",
            "memory": "256m", "cpus": 0.5,
            "healthcheck": ["test": ["CMD", "/bin/registry", "--version"], "interval": "2s", "retries": 3],
            "log_driver": "json-file", "log_options": ["max-size": "1m"],
        ]
        res = try r.run(DockerContainerModule.self, args)
        XCTAssertTrue(res.changed)
        XCTAssertEqual(res["container"]?["State"]?["Running"], true)
        XCTAssertEqual(try inspect(r, "dm-c1", "{{.State.Running}} {{.HostConfig.RestartPolicy.Name}} {{.HostConfig.Memory}} {{.HostConfig.NanoCpus}} {{index .Config.Labels \"swiftplay.test\"}}"),
                       "true unless-stopped 268435456 500000000 dm")
        XCTAssertEqual(try inspect(r, "dm-c1", "{{(index (index .HostConfig.PortBindings \"5000/tcp\") 0).HostIp}}:{{(index (index .HostConfig.PortBindings \"5000/tcp\") 0).HostPort}}"), "127.0.0.1:15000")
        XCTAssertTrue(try inspect(r, "dm-c1", "{{json .Config.Env}}").contains("DM_FLAG=one"))
        XCTAssertEqual(try inspect(r, "dm-c1", "{{json .HostConfig.Binds}}"), "[\"/tmp/dm-data:/var/lib/registry\"]")
        let id1 = try inspect(r, "dm-c1", "{{.Id}}")
        let started1 = try inspect(r, "dm-c1", "{{.State.StartedAt}}")
        // The service answers on the published port.
        try r.sh("for i in $(seq 50); do curl -sf http://127.0.0.1:15000/v2/ >/dev/null && exit 0; sleep 0.2; done; exit 1")

        // Same arguments: no change, no restart.
        res = try r.run(DockerContainerModule.self, args)
        XCTAssertFalse(res.changed, "second run changed: \(res["actions"]?.pythonStr ?? "")")
        XCTAssertEqual(try inspect(r, "dm-c1", "{{.Id}} {{.State.StartedAt}}"), "\(id1) \(started1)")
        // The same env in another order is the same configuration.
        var reordered = args
        reordered["env"] = ["DM_FLAG": "one", "REGISTRY_LOG_LEVEL": "info"]
        XCTAssertFalse(try r.run(DockerContainerModule.self, reordered).changed)

        // Check mode with a change reports it and leaves the container alone.
        args["env"] = ["REGISTRY_LOG_LEVEL": "info", "DM_FLAG": "two"]
        res = try r.run(DockerContainerModule.self, args, check: true, diff: true)
        XCTAssertTrue(res.changed)
        XCTAssertTrue(res["diff"]?.listValue?.first?["after"]?.pythonStr.contains("DM_FLAG=two") ?? false)
        XCTAssertEqual(try inspect(r, "dm-c1", "{{.Id}}"), id1)

        // One env var changed: recreated, running with the new value.
        res = try r.run(DockerContainerModule.self, args)
        XCTAssertTrue(res.changed)
        let id2 = try inspect(r, "dm-c1", "{{.Id}}")
        XCTAssertNotEqual(id2, id1)
        XCTAssertTrue(try inspect(r, "dm-c1", "{{json .Config.Env}}").contains("DM_FLAG=two"))
        XCTAssertEqual(try inspect(r, "dm-c1", "{{.State.Running}}"), "true")
        XCTAssertFalse(try r.run(DockerContainerModule.self, args).changed)

        // healthy waits for the health check.
        args["state"] = "healthy"
        res = try r.run(DockerContainerModule.self, args)
        XCTAssertEqual(res["container"]?["State"]?["Health"]?["Status"], "healthy")
        XCTAssertEqual(try inspect(r, "dm-c1", "{{.Id}}"), id2)

        // Stop, start, restart.
        args["state"] = "stopped"
        XCTAssertTrue(try r.run(DockerContainerModule.self, args).changed)
        XCTAssertEqual(try inspect(r, "dm-c1", "{{.State.Running}}"), "false")
        XCTAssertFalse(try r.run(DockerContainerModule.self, args).changed)
        args["state"] = "started"
        XCTAssertTrue(try r.run(DockerContainerModule.self, args).changed)
        XCTAssertEqual(try inspect(r, "dm-c1", "{{.State.Running}}"), "true")
        let started2 = try inspect(r, "dm-c1", "{{.State.StartedAt}}")
        args["restart"] = true
        XCTAssertTrue(try r.run(DockerContainerModule.self, args).changed)
        XCTAssertNotEqual(try inspect(r, "dm-c1", "{{.State.StartedAt}}"), started2)
        args["restart"] = nil

        // paused: pause and unpause without recreating.
        args["paused"] = true
        XCTAssertTrue(try r.run(DockerContainerModule.self, args).changed)
        XCTAssertEqual(try inspect(r, "dm-c1", "{{.State.Paused}}"), "true")
        XCTAssertFalse(try r.run(DockerContainerModule.self, args).changed)
        args["paused"] = false
        XCTAssertTrue(try r.run(DockerContainerModule.self, args).changed)
        XCTAssertEqual(try inspect(r, "dm-c1", "{{.State.Paused}}"), "false")
        args["paused"] = nil

        // Command and entrypoint changes recreate; the same command again does not.
        // The image's own CMD, given explicitly, is no change.
        args["command"] = "serve /etc/docker/registry/config.yml"
        XCTAssertFalse(try r.run(DockerContainerModule.self, args).changed)
        args["entrypoint"] = ["/bin/registry", "serve"]
        args["command"] = ["/etc/docker/registry/config.yml"]
        XCTAssertTrue(try r.run(DockerContainerModule.self, args).changed)
        XCTAssertFalse(try r.run(DockerContainerModule.self, args).changed)
        XCTAssertEqual(try inspect(r, "dm-c1", "{{json .Config.Entrypoint}} {{json .Config.Cmd}} {{.State.Running}}"),
                       "[\"/bin/registry\",\"serve\"] [\"/etc/docker/registry/config.yml\"] true")

        // comparisons: ignore and allow_more_present relax the env check; strict (the default) does not.
        var relaxed = args
        relaxed["env"] = ["DM_FLAG": "three"]
        relaxed["comparisons"] = ["env": "ignore"]
        XCTAssertFalse(try r.run(DockerContainerModule.self, relaxed).changed)
        relaxed["env"] = ["DM_FLAG": "two"]
        relaxed["comparisons"] = ["env": "allow_more_present"]
        XCTAssertFalse(try r.run(DockerContainerModule.self, relaxed).changed)
        relaxed["comparisons"] = ["*": "strict"]
        XCTAssertTrue(try r.run(DockerContainerModule.self, relaxed, check: true).changed, "REGISTRY_LOG_LEVEL is extra under strict")
        relaxed["comparisons"] = ["*": "ignore"]
        relaxed["published_ports"] = ["127.0.0.1:15001:5000"]
        XCTAssertFalse(try r.run(DockerContainerModule.self, relaxed).changed)

        // Info and removal.
        let ci = try r.run(DockerContainerInfoModule.self, ["name": "dm-c1"])
        XCTAssertEqual(ci["exists"], true)
        XCTAssertEqual(ci["container"]?["Name"], "/dm-c1")
        XCTAssertTrue(try r.run(DockerContainerModule.self, ["name": "dm-c1", "state": "absent"]).changed)
        XCTAssertNotEqual(try r.exitCode("docker inspect dm-c1 >/dev/null 2>&1"), 0)
        XCTAssertFalse(try r.run(DockerContainerModule.self, ["name": "dm-c1", "state": "absent"]).changed)
        XCTAssertEqual(try r.run(DockerContainerInfoModule.self, ["name": "dm-c1"])["exists"], false)

        // A missing image with pull: never fails with a clear message.
        let fail = try r.run(DockerContainerModule.self, ["name": "dm-c2", "image": "nothere:1", "pull": "never"], expectFailure: true)
        XCTAssertTrue(fail["msg"]?.pythonStr.contains("nothere:1") ?? false)
    }

    func testVolumeAndNetwork() throws {
        let c = try DMHosts.connect(0)
        defer { c.close() }
        let r = Runner(connection: c)
        try HostDocker.ensure(r)
        try r.sh("docker volume rm -f dm-vol >/dev/null 2>&1; docker network rm dm-net >/dev/null 2>&1; true")
        XCTAssertTrue(try r.run(DockerVolumeModule.self, ["name": "dm-vol", "labels": ["a": "b"]]).changed)
        XCTAssertFalse(try r.run(DockerVolumeModule.self, ["name": "dm-vol", "labels": ["a": "b"]]).changed)
        XCTAssertEqual(try r.sh("docker volume inspect -f '{{.Labels.a}}' dm-vol"), "b\n")
        XCTAssertTrue(try r.run(DockerVolumeModule.self, ["name": "dm-vol", "state": "absent"]).changed)
        XCTAssertFalse(try r.run(DockerVolumeModule.self, ["name": "dm-vol", "state": "absent"]).changed)

        let net: OrderedDictionary<String, Value> = ["name": "dm-net", "ipam_config": [["subnet": "172.29.7.0/24", "gateway": "172.29.7.1"]]]
        XCTAssertTrue(try r.run(DockerNetworkModule.self, net).changed)
        XCTAssertFalse(try r.run(DockerNetworkModule.self, net).changed)
        XCTAssertEqual(try r.sh("docker network inspect -f '{{(index .IPAM.Config 0).Subnet}}' dm-net"), "172.29.7.0/24\n")
        var net2 = net
        net2["ipam_config"] = [["subnet": "172.29.8.0/24"]]
        XCTAssertTrue(try r.run(DockerNetworkModule.self, net2).changed)
        XCTAssertEqual(try r.sh("docker network inspect -f '{{(index .IPAM.Config 0).Subnet}}' dm-net"), "172.29.8.0/24\n")

        // A container on that network, with an alias; a second network is connected without recreating.
        try loadRegistryImage(r)
        try r.sh("docker rm -f dm-c3 >/dev/null 2>&1; docker network rm dm-net2 >/dev/null 2>&1; true")
        try r.run(DockerNetworkModule.self, ["name": "dm-net2"])
        var cargs: OrderedDictionary<String, Value> = ["name": "dm-c3", "image": "registry:2",
                                                        "networks": [["name": "dm-net", "aliases": ["reg"]]],
                                                        "mounts": [["type": "bind", "source": "/tmp", "target": "/hosttmp", "read_only": true],
                                                                   ["type": "tmpfs", "target": "/scratch", "tmpfs_size": "16m"]],
                                                        "tmpfs": ["/run/x:size=1m"], "user": "0:0", "working_dir": "/tmp",
                                                        "etc_hosts": ["example.test": "127.0.0.2"], "init": true,
                                                        "security_opts": ["no-new-privileges"], "pids_limit": 200, "groups": ["29"],
                                                        "devices": ["/dev/null:/dev/dm-null:rw"], "oom_score_adj": 100, "dns_opts": ["ndots:2"]]
        XCTAssertTrue(try r.run(DockerContainerModule.self, cargs).changed)
        XCTAssertFalse(try r.run(DockerContainerModule.self, cargs).changed)
        XCTAssertTrue(try r.sh("docker inspect -f '{{json .NetworkSettings.Networks}}' dm-c3").contains("\"reg\""))
        // (plus the anonymous volume the image declares)
        // The engine lists mounts in no fixed order.
        let mounts = try inspect(r, "dm-c3", "{{range .Mounts}}{{.Type}}:{{.Destination}}:{{.RW}} {{end}}")
        XCTAssertTrue(mounts.contains("bind:/hosttmp:false") && mounts.contains("tmpfs:/scratch:true"), mounts)
        XCTAssertEqual(try inspect(r, "dm-c3", "{{json .HostConfig.ExtraHosts}} {{.HostConfig.Init}} {{.Config.WorkingDir}}"), "[\"example.test:127.0.0.2\"] true /tmp")
        let id = try inspect(r, "dm-c3", "{{.Id}}")
        cargs["networks"] = [["name": "dm-net", "aliases": ["reg"]], ["name": "dm-net2"]]
        XCTAssertTrue(try r.run(DockerContainerModule.self, cargs).changed)
        XCTAssertEqual(try inspect(r, "dm-c3", "{{.Id}}"), id)
        XCTAssertEqual(try inspect(r, "dm-c3", "{{len .NetworkSettings.Networks}}"), "2")
        XCTAssertFalse(try r.run(DockerContainerModule.self, cargs).changed)
        // The network holds a container: removing it needs force.
        XCTAssertTrue(try r.run(DockerNetworkModule.self, ["name": "dm-net2", "state": "absent"], expectFailure: true).failed)
        XCTAssertTrue(try r.run(DockerNetworkModule.self, ["name": "dm-net2", "state": "absent", "force": true]).changed)
        try r.run(DockerContainerModule.self, ["name": "dm-c3", "state": "absent"])
        XCTAssertTrue(try r.run(DockerNetworkModule.self, ["name": "dm-net", "state": "absent"]).changed)
        XCTAssertFalse(try r.run(DockerNetworkModule.self, ["name": "dm-net", "state": "absent"]).changed)

        // docker_prune removes stopped containers and unused networks.
        try r.sh("docker rm -f dm-stopped >/dev/null 2>&1; docker create --name dm-stopped registry:2 >/dev/null && docker network create dm-unused >/dev/null")
        let pruned = try r.run(DockerPruneModule.self, ["containers": true, "networks": true])
        XCTAssertTrue(pruned.changed)
        XCTAssertEqual(pruned["networks"]?.listValue?.contains("dm-unused"), true)
        XCTAssertNotEqual(try r.exitCode("docker inspect dm-stopped >/dev/null 2>&1"), 0)
        XCTAssertFalse(try r.run(DockerPruneModule.self, ["containers": true, "networks": true]).changed)
        // Unused volumes (also the anonymous ones removed containers leave with keep_volumes); API 1.41 prunes named ones too.
        try r.sh("docker volume create dm-unused-vol >/dev/null")
        let volumes = try r.run(DockerPruneModule.self, ["volumes": true])
        XCTAssertEqual(volumes["volumes"]?.listValue?.contains("dm-unused-vol"), true)

        // One-shot containers: detach false returns the output; a failing command fails the task.
        let once = try r.run(DockerContainerModule.self, ["name": "dm-once", "image": "registry:2", "entrypoint": ["/bin/registry"],
                                                          "command": ["--version"], "detach": false, "cleanup": true])
        XCTAssertTrue(once["container"]?["Output"]?.pythonStr.contains("2.8") ?? false, once["container"]?["Output"]?.pythonStr ?? "no output")
        XCTAssertEqual(once["status"], 0)
        XCTAssertNotEqual(try r.exitCode("docker inspect dm-once >/dev/null 2>&1"), 0, "cleanup removes it")
        let bad = try r.run(DockerContainerModule.self, ["name": "dm-once", "image": "registry:2", "entrypoint": ["/bin/registry"],
                                                         "command": ["serve", "/nonexistent.yml"], "detach": false, "cleanup": true], expectFailure: true)
        XCTAssertTrue(bad.failed)
        XCTAssertNotEqual(bad["status"], 0)
    }
}
