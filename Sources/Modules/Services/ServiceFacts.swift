import Foundation
import Jinja
import OrderedCollections
import Transport

/// `service_facts`: the host's services as `ansible_facts.services`.
public enum ServiceFactsModule: Module {
    public static let name = "service_facts"
    public static let documentation = """
    # service_facts
    Returns `ansible_facts.services`: one entry per service, keyed by name, each
    `{name, state, status, source}` like Ansible.

    - systemd units (`source: systemd`): loaded units from `systemctl list-units` have state
      `running` or `stopped`; other unit files get `systemctl is-active`'s answer (`unknown` for
      templates). `status` is the unit-file state (`enabled`, `disabled`, `static`, `masked`...),
      or the load state (`not-found`) when there is no unit file.
    - SysV scripts in /etc/init.d (`source: sysv`) from `service --status-all`: `running`,
      `stopped` or `unknown`, without `status`.

    One round trip. Takes no options; never changes anything.
    """
    public static let spec = ArgumentSpec([])

    static let script = """
    if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
      echo '==units'; systemctl list-units --no-pager --type service --all --plain --no-legend 2>/dev/null
      sp_t=$(mktemp)
      # list-unit-files is slow (seconds on some hosts): run it once.
      systemctl list-unit-files --no-pager --type service --no-legend 2>/dev/null > "$sp_t.files"
      echo '==files'; cat "$sp_t.files"
      awk '{print $1}' "$sp_t.files" | grep -v '@\\.service$' > "$sp_t"
      echo '==active'; if [ -s "$sp_t" ]; then systemctl is-active $(cat "$sp_t") 2>/dev/null | paste -d' ' "$sp_t" -; fi
      rm -f "$sp_t" "$sp_t.files"
    fi
    if command -v service >/dev/null 2>&1; then echo '==sysv'; service --status-all 2>&1; fi
    """

    public static func run(_ args: Arguments, _ context: ModuleContext) throws -> ModuleResult {
        let r = try context.run(script)
        let out = SysSections(r.stdoutText)
        var services = OrderedDictionary<String, Value>()
        var fileState: [String: String] = [:]
        var fileOrder: [String] = []
        for line in out.lines("files") {
            let f = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            guard f.count >= 2 else { continue }
            fileState[f[0]] = f[1]
            fileOrder.append(f[0])
        }
        var active: [String: String] = [:]
        for line in out.lines("active") {
            let f = line.split(separator: " ", maxSplits: 1).map(String.init)
            if f.count == 2 { active[f[0]] = sysTrim(f[1]) }
        }
        var entries: [(String, OrderedDictionary<String, Value>)] = []
        for line in out.lines("units") {
            let f = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            guard f.count >= 4, f[0].hasSuffix(".service") else { continue }
            let unit = f[0], load = f[1], sub = f[3]
            entries.append((unit, ["name": .string(unit), "state": .string(sub == "running" ? "running" : "stopped"),
                                   "status": .string(fileState[unit] ?? load), "source": "systemd"]))
        }
        let listed = Set(entries.map(\.0))
        for unit in fileOrder where !listed.contains(unit) {
            let state = unit.hasSuffix("@.service") ? "unknown" : (active[unit] ?? "unknown")
            entries.append((unit, ["name": .string(unit), "state": .string(state), "status": .string(fileState[unit] ?? "unknown"), "source": "systemd"]))
        }
        for line in out.lines("sysv") {
            // " [ + ]  ssh"
            let t = sysTrim(line)
            guard t.hasPrefix("["), let close = t.firstIndex(of: "]") else { continue }
            let mark = sysTrim(String(t[t.index(after: t.startIndex)..<close]))
            let name = sysTrim(String(t[t.index(after: close)...]))
            guard !name.isEmpty else { continue }
            let state = mark == "+" ? "running" : (mark == "-" ? "stopped" : "unknown")
            entries.append((name, ["name": .string(name), "state": .string(state), "source": "sysv"]))
        }
        for (k, v) in entries.sorted(by: { $0.0 < $1.0 }) { services[k] = .dict(v) }
        return ModuleResult(changed: false, ["ansible_facts": .dict(["services": .dict(services)])])
    }
}
