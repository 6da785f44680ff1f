import Foundation
import Modules
import Transport

extension ConnectionPool {
    /// SSH settings from Ansible's connection variables, the command line and the config.
    func sshOptions(host: String, lookup: (String) throws -> String?) throws -> SSHOptions {
        var o = SSHOptions(host: try lookup("ansible_host") ?? lookup("ansible_ssh_host") ?? host)
        o.port = try (lookup("ansible_port") ?? lookup("ansible_ssh_port")).flatMap { Int($0) }
        o.user = try lookup("ansible_user") ?? lookup("ansible_ssh_user") ?? options.remoteUser
        o.password = try lookup("ansible_password") ?? lookup("ansible_ssh_pass") ?? options.connectionPassword
        if let key = try lookup("ansible_ssh_private_key_file") ?? lookup("ansible_private_key_file") ?? options.privateKey {
            o.privateKeyFiles = [(key as NSString).expandingTildeInPath]
        }
        o.connectTimeout = try lookup("ansible_ssh_timeout").flatMap { Int($0) } ?? options.timeout
        o.hostKeyChecking = try lookup("ansible_host_key_checking").flatMap { Arguments.boolean(.string($0)) }
            ?? lookup("ansible_ssh_host_key_checking").flatMap { Arguments.boolean(.string($0)) }
            ?? options.hostKeyChecking
        let common = try [lookup("ansible_ssh_common_args") ?? options.sshCommonArgs, lookup("ansible_ssh_extra_args") ?? options.sshExtraArgs]
            .compactMap { $0 }.joined(separator: " ")
        applyCommonArgs(common, to: &o)
        return o
    }

    /// The subset of OpenSSH arguments that matters to us: -J / ProxyJump, StrictHostKeyChecking,
    /// UserKnownHostsFile, -F, -i, -p.
    func applyCommonArgs(_ args: String, to o: inout SSHOptions) {
        let words = args.split(separator: " ").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "'\"")) }
        var i = 0
        while i < words.count {
            let w = words[i]
            let next = i + 1 < words.count ? words[i + 1] : nil
            func setting(_ kv: String) {
                let parts = kv.split(separator: "=", maxSplits: 1).map(String.init)
                guard parts.count == 2 else { return }
                switch parts[0].lowercased() {
                case "stricthostkeychecking":
                    switch parts[1].lowercased() {
                    case "no", "off": o.hostKeyChecking = false
                    case "accept-new": o.acceptNewHostKeys = true
                    default: o.hostKeyChecking = true
                    }
                case "userknownhostsfile": o.knownHostsFile = parts[1]
                case "proxyjump": o.proxyJump = parts[1]
                default: break
                }
            }
            switch w {
            case "-o": if let n = next { setting(n); i += 1 }
            case "-J": if let n = next { o.proxyJump = n; i += 1 }
            case "-F": if let n = next { o.sshConfigFile = n; i += 1 }
            case "-i": if let n = next { o.privateKeyFiles.append((n as NSString).expandingTildeInPath); i += 1 }
            case "-p": if let n = next, let p = Int(n) { o.port = p; i += 1 }
            default: if w.hasPrefix("-o") { setting(String(w.dropFirst(2))) }
            }
            i += 1
        }
    }
}
