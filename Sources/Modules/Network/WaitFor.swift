import Foundation
import Jinja
import OrderedCollections
import Transport

/// `wait_for`: waits on the host for a port, a file, or a string in either.
public enum WaitForModule: Module {
    public static let name = "wait_for"
    public static let documentation = """
    # wait_for
    Waits, on the host, until a condition holds or `timeout` seconds pass (then fails).

    - `port` with `host` (default 127.0.0.1): `state=started` waits until a TCP connection
      succeeds, `stopped` until it fails, `drained` until the port has no established
      connections (`ss`). With `search_regex`, waits until the data read from the port matches.
    - `path`: `present`/`started` until the file exists (and matches `search_regex` when
      given), `absent`/`stopped` until it is gone.
    - Neither: just sleeps `timeout` seconds.
    - `delay` (seconds before the first check), `sleep` (between checks, default 1),
      `connect_timeout` (default 5), `msg` (error message on timeout), `exclude_hosts` and
      `active_connection_states` (for `drained`).

    The whole loop runs on the host in one shell command (ports through bash's /dev/tcp, which
    the Debian image has; `nc` otherwise). `search_regex` uses `grep -P` (Perl-compatible, like Python's
    `re`) on the host, `grep -E` where -P is missing; `match_groups`/`match_groupdict` are computed from the matching
    line. Not run in check mode (as in Ansible). Returns `elapsed`, `state`, `port`, `path`,
    `search_regex`, `match_groups`, `match_groupdict`.
    """
    public static let spec = ArgumentSpec([
        .init("host", default: "127.0.0.1"),
        .init("port", .int),
        .init("path", .path),
        .init("state", default: "started", choices: ["absent", "drained", "present", "started", "stopped"]),
        .init("search_regex"),
        .init("timeout", .int, default: 300),
        .init("delay", .int, default: 0),
        .init("sleep", .int, default: 1),
        .init("connect_timeout", .int, default: 5),
        .init("exclude_hosts", .list, elements: .str),
        .init("active_connection_states", .list, default: ["ESTABLISHED", "FIN_WAIT1", "FIN_WAIT2", "SYN_RECV", "SYN_SENT", "TIME_WAIT"], elements: .str),
        .init("msg"),
    ], mutuallyExclusive: [["port", "path"]])

    public static func run(_ args: Arguments, _ context: ModuleContext) throws -> ModuleResult {
        if context.checkMode { return sysSkippedInCheckMode(name) }
        let host = args.string("host") ?? "127.0.0.1"
        let port = args.int("port")
        let path = args.string("path")
        var state = args.string("state") ?? "started"
        let regex = args.string("search_regex")
        let timeout = max(0, args.int("timeout") ?? 300)
        let delay = max(0, args.int("delay") ?? 0)
        let sleep = max(1, args.int("sleep") ?? 1)
        let ct = max(1, args.int("connect_timeout") ?? 5)
        if path != nil && state == "drained" { return .failed("state=drained should only be used for checking a port in the wait_for module") }
        if port != nil && (state == "present" || state == "absent") {
            // Ansible treats present/absent as started/stopped for ports.
            state = state == "present" ? "started" : "stopped"
        }
        if regex != nil && (state == "stopped" || state == "absent") {
            return .failed("state=\(state) should not be used with search_regex")
        }

        // The check to repeat: exit 0 when the condition holds; prints the matching line for regexes.
        var check: String
        let re = regex.map(shellQuote) ?? "''"
        let h = shellQuote(host)
        if let port {
            let connect = "timeout \(ct) bash -c 'exec 3<>/dev/tcp/'\(h)'/\(port)' 2>/dev/null"
            let ncConnect = "nc -z -w \(ct) \(h) \(port) 2>/dev/null"
            let probe = "{ if command -v bash >/dev/null 2>&1; then \(connect); else \(ncConnect); fi; }"
            switch state {
            case "stopped":
                check = "! \(probe)"
            case "drained":
                let states = args.strings("active_connection_states").map { $0.lowercased().replacingOccurrences(of: "_", with: "-") }
                let excluded = args.strings("exclude_hosts")
                var filter = "ss -Htan state all '( sport = :\(port) )' 2>/dev/null"
                filter += " | awk '{print tolower($1), $5}'"
                filter += " | grep -E \(shellQuote("^(" + states.joined(separator: "|") + ") "))"
                for x in excluded { filter += " | grep -vF \(shellQuote(" " + x + ":"))" }
                check = "[ \"$(\(filter) | wc -l)\" -eq 0 ]"
            default:
                if regex != nil {
                    check = "sp_line=$(timeout \(ct) bash -c 'exec 3<>/dev/tcp/'\(h)'/\(port)'' && timeout 2 cat <&3' 2>/dev/null | $sp_grep -m1 -- \(re)) && printf '%s\\n' \"$sp_line\""
                } else {
                    check = probe
                }
            }
        } else if let path {
            let p = shellQuote(path)
            switch state {
            case "absent", "stopped":
                check = "[ ! -e \(p) ]"
            default:
                if regex != nil {
                    check = "[ -e \(p) ] && sp_line=$($sp_grep -m1 -- \(re) \(p) 2>/dev/null) && printf '%s\\n' \"$sp_line\""
                } else {
                    check = "[ -e \(p) ]"
                }
            }
        } else {
            check = "false"
        }
        // Perl-compatible expressions are closest to Python's; ERE where grep has no -P.
        let script = """
        if echo x | grep -qP 'x' 2>/dev/null; then sp_grep='grep -P'; else sp_grep='grep -E'; fi
        sp_start=$(date +%s)
        sleep \(delay)
        sp_end=$(( sp_start + \(timeout) ))
        while :; do
          if sp_out=$( \(check) ); then echo '==ok'; printf '%s\\n' "$sp_out"; break; fi
          if [ "$(date +%s)" -ge "$sp_end" ]; then echo '==timeout'; break; fi
          sleep \(sleep)
        done
        echo '==elapsed'; echo $(( $(date +%s) - sp_start ))
        """
        let r = try context.run(script)
        let out = SysSections(r.stdoutText)
        let elapsed = Int(out.first("elapsed") ?? "") ?? 0
        var result = ModuleResult(changed: false, ["elapsed": .int(elapsed), "state": .string(state)])
        if let port { result["port"] = .int(port) }
        if let path { result["path"] = .string(path) }
        if let regex { result["search_regex"] = .string(regex) }
        result["match_groups"] = .list([])
        result["match_groupdict"] = .dict([:])

        if port == nil && path == nil {
            return result   // plain sleep
        }
        if out.has("timeout") || !out.has("ok") {
            let what: String
            if let path {
                what = regex != nil ? "Timeout when waiting for search string \(regex ?? "") in \(path)" : "Timeout when waiting for file \(path)"
            } else {
                switch state {
                case "stopped": what = "Timeout when waiting for \(host):\(port ?? 0) to stop."
                case "drained": what = "Timeout when waiting for \(host):\(port ?? 0) to drain"
                default: what = regex != nil ? "Timeout when waiting for search string \(regex ?? "") in \(host):\(port ?? 0)" : "Timeout when waiting for \(host):\(port ?? 0)"
                }
            }
            var f = ModuleResult.failed(args.string("msg") ?? what, result.values)
            f["elapsed"] = .int(elapsed)
            return f
        }
        if let regex, let line = out.lines("ok").first {
            result["match_groups"] = .list(groups(regex, line).map { .string($0) })
            result["match_groupdict"] = .dict(namedGroups(regex, line))
        }
        return result
    }

    static func groups(_ pattern: String, _ line: String) -> [String] {
        guard let re = try? NSRegularExpression(pattern: pattern.replacingOccurrences(of: "(?P<", with: "(?<")),
              let m = re.firstMatch(in: line, range: NSRange(line.startIndex..., in: line)) else { return [] }
        var out: [String] = []
        if m.numberOfRanges > 1 {
            for i in 1..<m.numberOfRanges {
                if let r = Range(m.range(at: i), in: line) { out.append(String(line[r])) } else { out.append("") }
            }
        }
        return out
    }

    static func namedGroups(_ pattern: String, _ line: String) -> OrderedDictionary<String, Value> {
        // Python's (?P<name>...) and (?<name>...)
        let names = pattern.components(separatedBy: "(?P<").dropFirst().compactMap { $0.split(separator: ">").first.map(String.init) }
            + pattern.components(separatedBy: "(?<").dropFirst().compactMap { $0.split(separator: ">").first.map(String.init) }
        let converted = pattern.replacingOccurrences(of: "(?P<", with: "(?<")
        guard !names.isEmpty, let re = try? NSRegularExpression(pattern: converted),
              let m = re.firstMatch(in: line, range: NSRange(line.startIndex..., in: line)) else { return [:] }
        var out = OrderedDictionary<String, Value>()
        for n in names {
            if let r = Range(m.range(withName: n), in: line) { out[n] = .string(String(line[r])) }
        }
        return out
    }
}
