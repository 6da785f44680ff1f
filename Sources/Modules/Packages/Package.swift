import Foundation
import Jinja
import OrderedCollections
import Transport

/// `package`: the host's package manager, chosen from the `ansible_pkg_mgr` fact.
public enum PackageModule: Module {
    public static let name = "package"
    public static let documentation = """
    # package
    Installs or removes packages with the host's own manager: `apt` for `ansible_pkg_mgr=apt`,
    `dnf` for `dnf`, `dnf5` and `yum`. `use` names the backend explicitly; without the fact the
    host is probed for apt-get, dnf and yum (one extra round trip).

    - `name` (list), `state` (`present`, `absent`, `latest`, ...), `use` (default `auto`).
    - Every other option is passed to the backend, which validates it (e.g. `update_cache`,
      `install_recommends` for apt; `enablerepo` for dnf).

    Results, check and diff behaviour are the backend's.
    """
    public static let spec = ArgumentSpec([
        .init("name", .list, required: true, elements: .str),
        .init("state", required: true),
        .init("use", default: "auto"),
    ], acceptsAnyOption: true)

    public static func run(_ args: Arguments, _ context: ModuleContext) throws -> ModuleResult {
        var manager = args.string("use") ?? "auto"
        if manager == "auto" {
            manager = context.variable("ansible_pkg_mgr")?.pythonStr ?? "auto"
        }
        if manager == "auto" || manager == "unknown" {
            let r = try context.run("for p in apt-get dnf5 dnf yum; do command -v $p >/dev/null 2>&1 && { echo $p; break; }; done")
            manager = sysTrim(r.stdoutText) == "apt-get" ? "apt" : sysTrim(r.stdoutText)
        }
        let backend: Module.Type
        switch manager {
        case "apt": backend = AptModule.self
        case "dnf", "dnf5", "yum": backend = DnfModule.self
        case "": return .failed("Could not detect which package manager to use. Try gathering facts or setting the \"use\" option.")
        default: return .failed("Could not find a module for \(manager).")
        }
        var raw = args.values
        raw.removeValue(forKey: "use")
        let backendArgs = try backend.spec.validate(raw, module: backend.name)
        return try backend.run(backendArgs, context)
    }
}
