import Foundation

/// How to reach and log in to one SSH host. Values left nil come from the ssh config file
/// (`Host` blocks matching `host`), then from libssh's defaults (port 22, the local user name).
public struct SSHOptions: Equatable {
    /// Address or ssh-config alias (`ansible_host`). A config `HostName` for it replaces it.
    public var host: String
    /// `ansible_port`; nil: config `Port`, else 22.
    public var port: Int?
    /// `ansible_user`; nil: config `User`, else the local user name.
    public var user: String?
    /// `ansible_password`: used for password and keyboard-interactive authentication.
    public var password: String?
    /// Private key files tried first, in order (`ansible_ssh_private_key_file`).
    public var privateKeyFiles: [String]
    /// Passphrase for encrypted key files, if any.
    public var privateKeyPassphrase: String?
    /// Try the keys of an ssh-agent (`agentSocket`, else `$SSH_AUTH_SOCK`).
    public var useAgent: Bool
    /// Agent socket path; nil uses `$SSH_AUTH_SOCK`.
    public var agentSocket: String?
    /// Seconds allowed for TCP connect and key exchange.
    public var connectTimeout: Int
    /// Check the host key against `knownHostsFile`; an unknown or changed key makes the host unreachable.
    public var hostKeyChecking: Bool
    /// With `hostKeyChecking`, add keys of hosts not yet in `knownHostsFile` (OpenSSH's accept-new)
    /// instead of refusing them. A changed key is always refused.
    public var acceptNewHostKeys: Bool
    /// nil: ~/.ssh/known_hosts.
    public var knownHostsFile: String?
    /// nil: ~/.ssh/config. Read for HostName, Port, User, IdentityFile and ProxyJump (and what else
    /// libssh understands); a missing file is ignored. /etc/ssh/ssh_config is not read.
    public var sshConfigFile: String?
    /// `[user@]host[:port]` of a jump host (`-J`); run through the OpenSSH client `ssh -W`, which must be
    /// installed. It authenticates with `privateKeyFiles`, the agent and its own config.
    public var proxyJump: String?

    public init(host: String, port: Int? = nil, user: String? = nil, password: String? = nil,
                privateKeyFiles: [String] = [], privateKeyPassphrase: String? = nil,
                useAgent: Bool = true, agentSocket: String? = nil, connectTimeout: Int = 10,
                hostKeyChecking: Bool = true, acceptNewHostKeys: Bool = false,
                knownHostsFile: String? = nil, sshConfigFile: String? = nil, proxyJump: String? = nil) {
        self.host = host
        self.port = port
        self.user = user
        self.password = password
        self.privateKeyFiles = privateKeyFiles
        self.privateKeyPassphrase = privateKeyPassphrase
        self.useAgent = useAgent
        self.agentSocket = agentSocket
        self.connectTimeout = connectTimeout
        self.hostKeyChecking = hostKeyChecking
        self.acceptNewHostKeys = acceptNewHostKeys
        self.knownHostsFile = knownHostsFile
        self.sshConfigFile = sshConfigFile
        self.proxyJump = proxyJump
    }

    static func expandTilde(_ path: String) -> String {
        guard path.hasPrefix("~/") else { return path }
        let home = ProcessInfo.processInfo.environment["HOME"] ?? NSHomeDirectory()
        return home + path.dropFirst(1)
    }
}
