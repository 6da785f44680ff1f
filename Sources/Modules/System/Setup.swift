import Foundation
import Jinja
import OrderedCollections

/// `setup` (gather_facts): reads the host's facts in a single round trip with POSIX tools.
public enum SetupModule: Module {
    public static let name = "setup"
    public static var aliases: [String] { ["ansible.builtin.setup", "ansible.legacy.setup", "gather_facts", "ansible.builtin.gather_facts"] }
    public static let documentation = """
    # setup
    Gathers facts about the host with one shell command: OS family and distribution, package and
    service manager, hostname and FQDN, architecture, default IPv4 route, memory, CPUs, the
    environment, the remote user and LSB data. Names follow Ansible's (`ansible_os_family`...).
    `gather_subset` is accepted; every subset is cheap, so all facts are always returned.
    """
    public static let spec = ArgumentSpec([
        .init("gather_subset", .list, default: ["all"]),
        .init("gather_timeout", .int, default: 10),
        .init("filter", .list),
        .init("fact_path"),
    ])

    /// Each section starts with a "==name" line; missing tools just leave a section empty.
    static let script = """
    echo ==os-release; cat /etc/os-release 2>/dev/null
    echo ==lsb-release; cat /etc/lsb-release 2>/dev/null
    echo ==redhat-release; cat /etc/redhat-release 2>/dev/null
    echo ==debian_version; cat /etc/debian_version 2>/dev/null
    echo ==uname; uname -s; uname -r; uname -m; uname -n; uname -v
    echo ==fqdn; hostname -f 2>/dev/null || uname -n
    echo ==meminfo; cat /proc/meminfo 2>/dev/null
    echo ==nproc; nproc 2>/dev/null || getconf _NPROCESSORS_ONLN 2>/dev/null
    echo ==cpuinfo; grep -c '^processor' /proc/cpuinfo 2>/dev/null
    echo ==init; cat /proc/1/comm 2>/dev/null; [ -d /run/systemd/system ] && echo systemd-running; [ -x /sbin/openrc ] && echo openrc; [ -d /etc/init.d ] && echo initd
    echo ==pkg; for p in apt-get dnf yum zypper apk pacman; do command -v $p 2>/dev/null; done
    echo ==route; ip -4 route show default 2>/dev/null | head -n1
    echo ==addr; ip -4 -o addr show 2>/dev/null
    echo ==id; id -un; id -u; id -g; id -gn
    echo ==home; printf '%s\\n' "$HOME" "$SHELL"
    echo ==python; py=$(command -v python3 2>/dev/null || command -v python 2>/dev/null) && echo "$py" && "$py" -c "import sys; sys.stdout.write(' '.join(map(str, sys.version_info)) + '\\n')" 2>/dev/null
    echo ==date; date '+%Y-%m-%d %H:%M:%S %s %Z %z %A %B %j %u %H %M %S %d %m %Y'
    echo ==virt; cat /proc/1/cgroup 2>/dev/null | head -n3; [ -f /.dockerenv ] && echo dockerenv
    echo ==env; env
    """

    public static func run(_ args: Arguments, _ context: ModuleContext) throws -> ModuleResult {
        let r = try context.run(script)
        if r.exitCode != 0 && r.stdout.isEmpty { return .failed("fact gathering failed: \(r.stderrText)") }
        var facts = FactParser(output: r.stdoutText).facts()
        if let filters = args["filter"]?.listValue, !filters.isEmpty {
            let patterns = filters.map(\.pythonStr)
            facts = facts.filter { k, _ in patterns.contains { fnmatch($0, k, 0) == 0 } }
        }
        facts["gather_subset"] = args["gather_subset"] ?? ["all"]
        facts["module_setup"] = true
        // Facts are never printed, whatever the verbosity (ansible's verbose override).
        return ModuleResult(changed: false, ["ansible_facts": .dict(facts), "_swiftplay_verbose_override": true])
    }
}
