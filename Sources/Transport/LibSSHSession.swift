import Foundation
import CLibSSH
#if canImport(Glibc)
import Glibc
#endif

/// ssh_init once per process, before any session (swift_once makes this thread-safe).
private let libsshInitialised: Bool = ssh_init() == 0

/// One authenticated libssh session and its channels: `shell` runs the session's `/bin/sh`, others are
/// opened for become shells. Not thread-safe: used by one thread at a time (separate sessions may run
/// on separate threads).
final class LibSSHSession {
    private var session: ssh_session?
    /// Channels are freed by ssh_free with the session: they are invalidated first (see close()).
    private var channels: [LibSSHChannel] = []
    private(set) var shell: LibSSHChannel?
    /// The name used in messages: the inventory host name.
    let label: String
    /// Where we actually connected, for messages ("root@127.0.0.1:2201").
    private(set) var endpoint = ""
    /// The address and port connected to, for OpenSSH-worded connect errors.
    private var address = "", port: UInt32 = 22
    /// The user we log in as (after ssh config resolution).
    private(set) var loginUser = ""
    /// Seconds a connection step may take (the connect timeout).
    private var timeout = 10

    init(options o: SSHOptions, label: String) throws {
        self.label = label
        guard libsshInitialised else { throw unreachable("libssh failed to initialise") }
        guard let s = ssh_new() else { throw unreachable("libssh could not allocate a session") }
        session = s
        do {
            try configure(s, o)
            try connect(s, o)
            try checkHostKey(s, o)
            try authenticate(s, o)
            do {
                shell = try openChannel(command: "/bin/sh")
            } catch let e as StreamClosed {
                throw unreachable(e.reason)
            }
        } catch {
            close()
            throw error
        }
    }

    deinit { close() }

    func close() {
        for c in channels { c.invalidate() }
        channels = []
        shell = nil
        if let s = session {
            ssh_disconnect(s)
            ssh_free(s)
            session = nil
        }
    }

    private func unreachable(_ message: String) -> TransportError {
        .unreachable(host: label, message: message)
    }

    func lastError(_ s: ssh_session) -> String {
        ssh_get_error(UnsafeMutableRawPointer(s)).map { String(cString: $0) } ?? "unknown libssh error"
    }

    // MARK: - Connect

    private func set(_ s: ssh_session, _ option: ssh_options_e, _ value: String) throws {
        let rc = value.withCString { ssh_options_set(s, option, $0) }
        if rc != SSH_OK { throw unreachable("invalid ssh option value '\(value)': \(lastError(s))") }
    }

    private func set(_ s: ssh_session, _ option: ssh_options_e, int value: Int32) {
        var v = value
        _ = ssh_options_set(s, option, &v)
    }

    private func configure(_ s: ssh_session, _ o: SSHOptions) throws {
        try set(s, SSH_OPTIONS_HOST, o.host)
        if let p = o.port { set(s, SSH_OPTIONS_PORT, int: Int32(clamping: p)) }
        if let u = o.user { try set(s, SSH_OPTIONS_USER, u) }
        // Config values only fill what the options above left unset (libssh semantics, like ssh -o).
        let config = SSHOptions.expandTilde(o.sshConfigFile ?? "~/.ssh/config")
        if FileManager.default.fileExists(atPath: config) {
            if config.withCString({ ssh_options_parse_config(s, $0) }) != SSH_OK {
                throw unreachable("cannot parse ssh config \(config): \(lastError(s))")
            }
        }
        var processDefaultConfig = false   // do not let ssh_connect read ~/.ssh/config or /etc/ssh/ssh_config again
        _ = ssh_options_set(s, SSH_OPTIONS_PROCESS_CONFIG, &processDefaultConfig)
        timeout = max(1, o.connectTimeout)
        var timeout = CLong(self.timeout)
        _ = ssh_options_set(s, SSH_OPTIONS_TIMEOUT, &timeout)
        set(s, SSH_OPTIONS_NODELAY, int: 1)
        // Not SSH_OPTIONS_STRICTHOSTKEYCHECK=0: it makes ssh_session_is_known_server answer OK for any key.
        try set(s, SSH_OPTIONS_KNOWNHOSTS, SSHOptions.expandTilde(o.knownHostsFile ?? "~/.ssh/known_hosts"))
        if !o.useAgent {
            try set(s, SSH_OPTIONS_IDENTITY_AGENT, "/nonexistent/swiftplay-no-agent")
        } else if let sock = o.agentSocket {
            try set(s, SSH_OPTIONS_IDENTITY_AGENT, sock)
        }
        if let jump = o.proxyJump {
            try set(s, SSH_OPTIONS_PROXYCOMMAND, proxyCommand(jump: jump, o))
        }
        var host: UnsafeMutablePointer<CChar>?
        var user: UnsafeMutablePointer<CChar>?
        var port: UInt32 = 22
        _ = ssh_options_get(s, SSH_OPTIONS_HOST, &host)
        _ = ssh_options_get(s, SSH_OPTIONS_USER, &user)
        _ = ssh_options_get_port(s, &port)
        loginUser = user.map { String(cString: $0) } ?? ""
        address = host.map { String(cString: $0) } ?? o.host
        self.port = port
        endpoint = "\(user.map { String(cString: $0) } ?? "?")@\(host.map { String(cString: $0) } ?? o.host):\(port)"
        ssh_string_free_char(host)
        ssh_string_free_char(user)
    }

    /// `ssh -W` through the jump host with the same keys and host key policy as the target.
    private func proxyCommand(jump: String, _ o: SSHOptions) -> String {
        var spec = jump
        var args = ["ssh", "-W", "[%h]:%p", "-o", "BatchMode=yes"]
        if let colon = spec.lastIndex(of: ":"), !spec.contains("]"), Int(spec[spec.index(after: colon)...]) != nil {
            args += ["-p", String(spec[spec.index(after: colon)...])]
            spec = String(spec[..<colon])
        }
        for key in o.privateKeyFiles { args += ["-i", SSHOptions.expandTilde(key)] }
        args += ["-o", "UserKnownHostsFile=" + SSHOptions.expandTilde(o.knownHostsFile ?? "~/.ssh/known_hosts")]
        args += ["-o", "StrictHostKeyChecking=" + (o.hostKeyChecking ? (o.acceptNewHostKeys ? "accept-new" : "yes") : "no")]
        if let c = o.sshConfigFile {
            let path = SSHOptions.expandTilde(c)
            args += ["-F", FileManager.default.fileExists(atPath: path) ? path : "/dev/null"]
        }
        args.append(spec)
        return args.map(shellQuote).joined(separator: " ").replacingOccurrences(of: "'[%h]:%p'", with: "[%h]:%p")
    }

    private func connect(_ s: ssh_session, _ o: SSHOptions) throws {
        if ssh_connect(s) != SSH_OK {
            // Worded as OpenSSH's error, which is what ansible-playbook shows.
            throw unreachable("ssh: connect to host \(address) port \(port): \(lastError(s))")
        }
        // Detect a peer that vanished without closing (host killed, network gone) within minutes.
        let fd = ssh_get_fd(s)
        if fd >= 0 {
            var on: Int32 = 1, idle: Int32 = 30, interval: Int32 = 10, count: Int32 = 3
            setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, socklen_t(MemoryLayout<Int32>.size))
            setsockopt(fd, Int32(IPPROTO_TCP), TCP_KEEPIDLE, &idle, socklen_t(MemoryLayout<Int32>.size))
            setsockopt(fd, Int32(IPPROTO_TCP), TCP_KEEPINTVL, &interval, socklen_t(MemoryLayout<Int32>.size))
            setsockopt(fd, Int32(IPPROTO_TCP), TCP_KEEPCNT, &count, socklen_t(MemoryLayout<Int32>.size))
        }
    }

    private func fingerprint(_ s: ssh_session) -> String {
        var key: ssh_key?
        guard ssh_get_server_publickey(s, &key) == SSH_OK, let key else { return "unknown key" }
        defer { ssh_key_free(key) }
        var hash: UnsafeMutablePointer<UInt8>?
        var len = 0
        guard ssh_get_publickey_hash(key, SSH_PUBLICKEY_HASH_SHA256, &hash, &len) == 0, let hash else { return "unknown key" }
        defer { var h: UnsafeMutablePointer<UInt8>? = hash; ssh_clean_pubkey_hash(&h) }
        guard let fp = ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash, len) else { return "unknown key" }
        defer { ssh_string_free_char(fp) }
        let type = ssh_key_type_to_char(ssh_key_type(key)).map { String(cString: $0) } ?? "key"
        return "\(type) \(String(cString: fp))"
    }

    private func checkHostKey(_ s: ssh_session, _ o: SSHOptions) throws {
        guard o.hostKeyChecking else { return }
        let file = SSHOptions.expandTilde(o.knownHostsFile ?? "~/.ssh/known_hosts")
        let state = ssh_session_is_known_server(s)
        switch state {
        case SSH_KNOWN_HOSTS_OK:
            return
        case SSH_KNOWN_HOSTS_CHANGED:
            throw unreachable("host key verification failed: the host key of \(endpoint) has CHANGED (now \(fingerprint(s))); it does not match \(file). Possible man-in-the-middle attack, or the host was reinstalled: remove the old entry if you trust the new key")
        case SSH_KNOWN_HOSTS_OTHER:
            throw unreachable("host key verification failed: \(endpoint) offered a \(fingerprint(s)) but \(file) has a key of another type for it. Possible man-in-the-middle attack")
        case SSH_KNOWN_HOSTS_UNKNOWN, SSH_KNOWN_HOSTS_NOT_FOUND:
            if o.acceptNewHostKeys {
                if ssh_session_update_known_hosts(s) != SSH_OK {
                    throw unreachable("cannot add the host key of \(endpoint) to \(file): \(lastError(s))")
                }
                return
            }
            throw unreachable("host key verification failed: \(endpoint) is UNKNOWN, its key (\(fingerprint(s))) is not in \(file). Add it (e.g. ssh-keyscan) or disable host key checking")
        default:
            throw unreachable("host key verification failed for \(endpoint): cannot read \(file): \(lastError(s))")
        }
    }

    // MARK: - Authentication

    private func authenticate(_ s: ssh_session, _ o: SSHOptions) throws {
        let success = Int32(SSH_AUTH_SUCCESS.rawValue)
        var tried: [String] = []
        if ssh_userauth_none(s, nil) == success { return }
        let methods = ssh_userauth_list(s, nil)
        let hasPublicKey = methods & Int32(SSH_AUTH_METHOD_PUBLICKEY) != 0
        if hasPublicKey {
            for file in o.privateKeyFiles {
                let path = SSHOptions.expandTilde(file)
                var key: ssh_key?
                let rc = path.withCString { p in
                    ssh_pki_import_privkey_file(p, o.privateKeyPassphrase, nil, nil, &key)
                }
                guard rc == SSH_OK, let key else {
                    tried.append("key \(path) (cannot read it\(o.privateKeyPassphrase == nil ? "; encrypted keys need a passphrase" : ""))")
                    continue
                }
                let auth = ssh_userauth_publickey(s, nil, key)
                ssh_key_free(key)
                if auth == success { return }
                tried.append("key \(path)")
            }
            // Agent keys (if enabled) and IdentityFile entries from the ssh config / libssh defaults.
            if ssh_userauth_publickey_auto(s, nil, o.privateKeyPassphrase) == success { return }
            tried.append(o.useAgent ? "ssh-agent and default/config identities" : "default/config identities")
        }
        if let pw = o.password {
            if methods & Int32(SSH_AUTH_METHOD_PASSWORD) != 0 {
                if ssh_userauth_password(s, nil, pw) == success { return }
                tried.append("password")
            }
            if methods & Int32(SSH_AUTH_METHOD_INTERACTIVE) != 0 {
                if keyboardInteractive(s, password: pw) { return }
                tried.append("keyboard-interactive")
            }
        }
        let offered = describe(methods)
        throw unreachable("authentication failed for \(endpoint) (server accepts: \(offered); tried: \(tried.isEmpty ? "nothing usable" : tried.joined(separator: ", ")))")
    }

    /// Answers every hidden prompt with the password (the usual single "Password:" prompt).
    private func keyboardInteractive(_ s: ssh_session, password: String) -> Bool {
        var rc = ssh_userauth_kbdint(s, nil, nil)
        var rounds = 0
        while rc == Int32(SSH_AUTH_INFO.rawValue), rounds < 5 {
            rounds += 1
            let n = ssh_userauth_kbdint_getnprompts(s)
            for i in 0..<max(0, n) {
                var echo: CChar = 0
                _ = ssh_userauth_kbdint_getprompt(s, UInt32(i), &echo)
                _ = ssh_userauth_kbdint_setanswer(s, UInt32(i), echo == 0 ? password : "")
            }
            rc = ssh_userauth_kbdint(s, nil, nil)
        }
        return rc == Int32(SSH_AUTH_SUCCESS.rawValue)
    }

    private func describe(_ methods: Int32) -> String {
        var names: [String] = []
        if methods & Int32(SSH_AUTH_METHOD_PUBLICKEY) != 0 { names.append("publickey") }
        if methods & Int32(SSH_AUTH_METHOD_PASSWORD) != 0 { names.append("password") }
        if methods & Int32(SSH_AUTH_METHOD_INTERACTIVE) != 0 { names.append("keyboard-interactive") }
        if methods & Int32(SSH_AUTH_METHOD_GSSAPI_MIC) != 0 { names.append("gssapi") }
        return names.isEmpty ? "none known" : names.joined(separator: ", ")
    }

    // MARK: - Channels

    /// Opens a session channel running `command` (through the login shell, as ssh does).
    func openChannel(command: String) throws -> LibSSHChannel {
        guard let s = session else { throw StreamClosed(reason: "not connected") }
        guard let c = ssh_channel_new(s) else { throw StreamClosed(reason: "cannot create a channel: \(lastError(s))") }
        guard acknowledgingAtOnce(s, { ssh_channel_open_session(c) }) == SSH_OK,
              acknowledgingAtOnce(s, { ssh_channel_request_exec(c, command) }) == SSH_OK else {
            let why = lastError(s)
            ssh_channel_free(c)
            throw StreamClosed(reason: "cannot start a command on \(endpoint): \(why)")
        }
        let channel = LibSSHChannel(channel: c, owner: self)
        channels.append(channel)
        return channel
    }

    /// Runs a libssh request in non-blocking mode until its answer is in, answering every packet that
    /// arrives meanwhile with an SSH_MSG_IGNORE. Right after authentication sshd sends its host keys
    /// (hostkeys-00@openssh.com) and then the channel confirmation, which Nagle holds in sshd's socket
    /// until the first is acknowledged (sshd sets no TCP_NODELAY on non-interactive sessions). The
    /// acknowledgement comes from whatever holds the other end of sshd's TCP connection, here or a
    /// relay in between (docker-proxy, a jump host), which delays it up to 40 ms unless it has data
    /// to send: the ignore message is that data.
    private func acknowledgingAtOnce(_ s: ssh_session, _ call: () -> Int32) -> Int32 {
        ssh_set_blocking(s, 0)
        defer { ssh_set_blocking(s, 1) }
        let deadline = Date().addingTimeInterval(Double(max(1, timeout)))
        var rc = call()
        while rc == SSH_AGAIN && Date() < deadline {
            // Short sleeps: libssh may have read the answer off the socket while sending.
            var p = pollfd(fd: ssh_get_fd(s), events: Int16(POLLIN), revents: 0)
            let arrived = poll(&p, 1, 10) > 0
            rc = call()
            if rc == SSH_AGAIN && arrived {
                _ = ssh_send_ignore(s, "")
                rc = call()
            }
        }
        return rc
    }

    /// Forgets a channel closed by its user.
    func release(_ channel: LibSSHChannel) {
        channels.removeAll { $0 === channel }
    }

    /// Processes pending packets without blocking and tells whether the connection is still up,
    /// so a connection closed by the server while idle is noticed before the next command.
    var isAlive: Bool {
        guard let s = session else { return false }
        if let c = shell?.raw, ssh_channel_poll(c, 0) == SSH_ERROR { return false }
        return ssh_is_connected(s) != 0
    }

    var socket: Int32 { session.map { ssh_get_fd($0) } ?? -1 }
    var raw: ssh_session? { session }
}
