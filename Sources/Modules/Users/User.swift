import Foundation
import Jinja
import OrderedCollections
import Transport

/// `user`: local accounts with useradd/usermod/userdel.
public enum UserModule: Module {
    public static let name = "user"
    public static let documentation = """
    # user
    Creates, changes or removes a local user account (`useradd`, `usermod`, `userdel`).

    - `name` (required, alias `user`), `state` (`present`/`absent`).
    - `uid`, `non_unique`, `group` (primary group), `groups` (list) with `append` (add to the
      listed groups only; without it the user ends up in exactly those groups), `comment`,
      `shell`, `home`, `move_home` (move the contents when `home` changes), `create_home`
      (alias `createhome`, default yes), `skeleton`, `system`, `expires` (epoch seconds; -1 to
      clear).
    - `password`: an already hashed password (crypt format). It is sent to `chpasswd -e` on
      standard input, never on a command line, and never returned or logged (the result says
      `NOT_LOGGING_PASSWORD`). `update_password`: `always` (default; change when the hash
      differs) or `on_create`. `password_lock` locks/unlocks the password.
    - `remove` (delete home and mail spool) and `force` with `state=absent`.
    - `generate_ssh_key` with `ssh_key_type` (rsa), `ssh_key_bits`, `ssh_key_file`
      (.ssh/id_rsa, relative to home), `ssh_key_comment`, `ssh_key_passphrase`: creates a key
      pair when the file does not exist.

    One round trip reads the account (`getent passwd`, groups, shadow hash when a password is
    given), one more makes the changes and reads the account back. Check mode reports what would
    change. Returns `name`, `state`, `uid`, `group` (gid), `groups`, `home`, `shell`, `comment`,
    plus `create_home`/`system` on creation and `append`/`move_home` on changes, as Ansible does.
    """
    public static let spec = ArgumentSpec([
        .init("name", required: true, aliases: ["user"]),
        .init("state", default: "present", choices: ["absent", "present"]),
        .init("uid", .int),
        .init("non_unique", .bool, default: false),
        .init("group"),
        .init("groups", .list, elements: .str),
        .init("append", .bool, default: false),
        .init("comment"),
        .init("shell"),
        .init("home", .path),
        .init("move_home", .bool, default: false),
        .init("create_home", .bool, default: true, aliases: ["createhome"]),
        .init("skeleton"),
        .init("system", .bool, default: false),
        .init("password", noLog: true),
        .init("update_password", default: "always", choices: ["always", "on_create"]),
        .init("password_lock", .bool),
        .init("expires", .float),
        .init("remove", .bool, default: false),
        .init("force", .bool, default: false),
        .init("local", .bool, default: false),
        .init("hidden", .bool),
        .init("login_class"),
        .init("seuser"),
        .init("umask"),
        .init("uid_min", .int),
        .init("uid_max", .int),
        .init("password_expire_max", .int),
        .init("password_expire_min", .int),
        .init("password_expire_warn", .int),
        .init("generate_ssh_key", .bool, default: false),
        .init("ssh_key_bits", .int, default: 0),
        .init("ssh_key_type", default: "rsa"),
        .init("ssh_key_file", .path),
        .init("ssh_key_comment"),
        .init("ssh_key_passphrase", noLog: true),
        .init("ssh_key_rounds", .int),
    ])

    struct Account {
        var uid: Int
        var gid: Int
        var comment: String
        var home: String
        var shell: String
        init?(_ line: String) {
            let f = line.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            guard f.count >= 7, let uid = Int(f[2]), let gid = Int(f[3]) else { return nil }
            self.uid = uid; self.gid = gid; comment = f[4]; home = f[5]; shell = f[6]
        }
    }

    public static func run(_ args: Arguments, _ context: ModuleContext) throws -> ModuleResult {
        let name = args.string("name") ?? ""
        let n = shellQuote(name)
        let state = args.string("state") ?? "present"
        let password = args.string("password")

        // Round trip 1: the account, its groups, the requested primary group, the shadow hash.
        var read = """
        \(SysScript.section("passwd")); getent passwd \(n)
        \(SysScript.section("groups")); id -Gn \(n) 2>/dev/null
        \(SysScript.section("primary")); getent group "$(id -g \(n) 2>/dev/null)" 2>/dev/null | cut -d: -f1

        """
        if let g = args.string("group") {
            read += "\(SysScript.section("wantgroup")); getent group \(shellQuote(g)) | cut -d: -f1,3\n"
        }
        if password != nil || args.has("password_lock") {
            read += "\(SysScript.section("shadow")); getent shadow \(n) | cut -d: -f2\n"
        }
        // Password ageing and expiry (days): min, max, warn, expire — never the hash.
        read += "\(SysScript.section("aging")); getent shadow \(n) | cut -d: -f4,5,6,8\n"
        let r = try context.run(read)
        let out = SysSections(r.stdoutText)
        let account = out.first("passwd").flatMap(Account.init)
        var result = ModuleResult(changed: false, ["name": .string(name), "state": .string(state)])

        if state == "absent" {
            result["force"] = .bool(args.bool("force"))
            result["remove"] = .bool(args.bool("remove"))
            guard account != nil else { return result }
            result.changed = true
            if context.checkMode { return result }
            let r2 = try context.run("userdel\(args.bool("force") ? " -f" : "")\(args.bool("remove") ? " -r" : "") \(n)")
            // userdel -r exits 12 when the mail spool or home is missing: the user is gone anyway.
            if r2.exitCode != 0 && !(args.bool("remove") && r2.exitCode == 12) {
                return sysCommandFailure("userdel", r2, ["name": .string(name)])
            }
            return result
        }

        // The primary group: a name or a gid; it must exist.
        var wantGid: Int?
        if let g = args.string("group") {
            let parts = (out.first("wantgroup") ?? "").split(separator: ":").map(String.init)
            if parts.count == 2, let gid = Int(parts[1]) { wantGid = gid }
            else { return .failed("Group \(g) does not exist") }
        }
        let wantGroups: [String]? = args.has("groups") ? args.strings("groups").map(sysTrim).filter { !$0.isEmpty } : nil

        var command = ""
        var setPassword = false
        let shadowHash = out.first("shadow") ?? ""
        let aging = (out.first("aging") ?? "").split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        func agingField(_ i: Int) -> Int? { i < aging.count ? Int(aging[i]) : nil }
        if let account {
            var opts: [String] = []
            if let uid = args.int("uid"), uid != account.uid { opts += ["-u", String(uid)]; if args.bool("non_unique") { opts.append("-o") } }
            if let wantGid, wantGid != account.gid { opts += ["-g", String(wantGid)] }
            if let wantGroups {
                let primary = out.first("primary") ?? ""
                let current = Set((out.first("groups") ?? "").split(separator: " ").map(String.init)).subtracting([primary])
                let want = Set(wantGroups).subtracting([args.string("group") ?? primary])
                if args.bool("append") {
                    if !want.isSubset(of: current) { opts += ["-a", "-G", shellQuote(wantGroups.joined(separator: ","))] }
                } else if want != current {
                    opts += ["-G", shellQuote(wantGroups.joined(separator: ","))]
                }
            }
            if let c = args.string("comment"), c != account.comment { opts += ["-c", shellQuote(c)] }
            if let h = args.string("home"), h != account.home { opts += ["-d", shellQuote(h)]; if args.bool("move_home") { opts.append("-m") } }
            if let s = args.string("shell"), s != account.shell { opts += ["-s", shellQuote(s)] }
            if let e = args["expires"]?.doubleValue {
                let wantDays: Int? = e < 0 ? nil : Int(e / 86400)
                if wantDays != agingField(3) { opts += ["-e", shellQuote(expiryDate(e))] }
            }
            if !opts.isEmpty { command += "usermod \(opts.joined(separator: " ")) \(n) </dev/null || exit $?\n" }
            if let password, args.string("update_password") == "always", password != shadowHash { setPassword = true }
            result["append"] = .bool(args.bool("append"))
            result["move_home"] = .bool(args.bool("move_home"))
        } else {
            var opts: [String] = []
            if let uid = args.int("uid") { opts += ["-u", String(uid)]; if args.bool("non_unique") { opts.append("-o") } }
            if let wantGid { opts += ["-g", String(wantGid)] }
            if let wantGroups, !wantGroups.isEmpty { opts += ["-G", shellQuote(wantGroups.joined(separator: ","))] }
            if let c = args.string("comment") { opts += ["-c", shellQuote(c)] }
            if let h = args.string("home") { opts += ["-d", shellQuote(h)] }
            if let s = args.string("shell") { opts += ["-s", shellQuote(s)] }
            if args.bool("system") { opts.append("-r") }
            if args.bool("create_home") {
                opts.append("-m")
                if let sk = args.string("skeleton") { opts += ["-k", shellQuote(sk)] }
            } else {
                opts.append("-M")
            }
            if let e = args["expires"]?.doubleValue { opts += ["-e", shellQuote(expiryDate(e))] }
            if let v = args.int("uid_min") { opts += ["-K", "UID_MIN=\(v)"] }
            if let v = args.int("uid_max") { opts += ["-K", "UID_MAX=\(v)"] }
            if let u = args.string("umask") { opts += ["-K", shellQuote("UMASK=\(u)")] }
            command += "useradd \(opts.joined(separator: " ")) \(n) </dev/null || exit $?\n"
            setPassword = password != nil
            result["create_home"] = .bool(args.bool("create_home"))
            result["system"] = .bool(args.bool("system"))
        }
        if setPassword { command += "chpasswd -e || exit $?\n" }
        if args.has("password_lock") {
            let locked = shadowHash.hasPrefix("!")
            if account == nil ? args.bool("password_lock") : args.bool("password_lock") != locked {
                command += "usermod \(args.bool("password_lock") ? "-L" : "-U") \(n) </dev/null || exit $?\n"
            }
        }
        var ageOpts: [String] = []
        if let v = args.int("password_expire_max"), v != agingField(1) || account == nil { ageOpts += ["-M", String(v)] }
        if let v = args.int("password_expire_min"), v != agingField(0) || account == nil { ageOpts += ["-m", String(v)] }
        if let v = args.int("password_expire_warn"), v != agingField(2) || account == nil { ageOpts += ["-W", String(v)] }
        if !ageOpts.isEmpty {
            command += "chage \(ageOpts.joined(separator: " ")) \(n) </dev/null || exit $?\n"
        }
        if password != nil { result["password"] = "NOT_LOGGING_PASSWORD" }
        if let g = wantGroups { result["groups"] = .string(g.joined(separator: ",")) }

        // ssh key generation
        var keyFile: String?
        if args.bool("generate_ssh_key") {
            let type = args.string("ssh_key_type") ?? "rsa"
            let rel = args.string("ssh_key_file") ?? ".ssh/id_\(type)"
            keyFile = rel
            command += sshKeyScript(name: name, relPath: rel, type: type, bits: args.int("ssh_key_bits") ?? 0,
                                    comment: args.string("ssh_key_comment") ?? "ansible-generated on $(hostname)",
                                    checkMode: context.checkMode)
        }

        let changesAccount = command.contains("useradd ") || command.contains("usermod ") || command.contains("chpasswd") || command.contains("chage ")
        if context.checkMode {
            result.changed = changesAccount || (keyFile != nil && account == nil)
            fill(&result, account, wantGid: wantGid, args: args)
            if let keyFile, account != nil {
                // Only the key check remains: one cheap read.
                let probe = sshKeyScript(name: name, relPath: keyFile, type: "", bits: 0, comment: "", checkMode: true)
                let r2 = try context.run(probe)
                if SysSections(r2.stdoutText).first("keygen") == "would" { result.changed = true }
            }
            return result
        }
        if command.isEmpty && keyFile == nil {
            fill(&result, account, wantGid: wantGid, args: args)
            return result
        }
        command += "\(SysScript.section("after")); getent passwd \(n)\n"
        let stdin = setPassword ? Data("\(name):\(password ?? "")\n".utf8) : nil
        var env = context.environment
        if let p = args.string("ssh_key_passphrase") { env["SP_KEY_PASSPHRASE"] = p }
        let r2 = try context.connection.run(command, stdin: stdin, become: context.become, environment: env)
        if r2.exitCode != 0 {
            // stderr of useradd/usermod/chpasswd never contains the hash (it came on stdin).
            return sysCommandFailure(account == nil ? "useradd" : "usermod", r2, ["name": .string(name)])
        }
        let o2 = SysSections(r2.stdoutText)
        result.changed = changesAccount || o2.first("keygen") == "generated"
        fill(&result, o2.first("after").flatMap(Account.init) ?? account, wantGid: wantGid, args: args)
        if let keyFile {
            let home = result["home"]?.pythonStr ?? ""
            result["ssh_key_file"] = .string(keyFile.hasPrefix("/") ? keyFile : "\(home)/\(keyFile)")
            result["ssh_public_key"] = .string(o2.first("pubkey") ?? "")
            result["ssh_fingerprint"] = .string(o2.first("fingerprint") ?? "")
        }
        return result
    }

    static func fill(_ result: inout ModuleResult, _ account: Account?, wantGid: Int?, args: Arguments) {
        if let a = account {
            result["uid"] = .int(a.uid)
            result["group"] = .int(a.gid)
            result["home"] = .string(a.home)
            result["shell"] = .string(a.shell)
            result["comment"] = .string(a.comment)
        } else {
            if let uid = args.int("uid") { result["uid"] = .int(uid) }
            if let g = wantGid { result["group"] = .int(g) }
            if let h = args.string("home") { result["home"] = .string(h) }
            if let s = args.string("shell") { result["shell"] = .string(s) }
            if let c = args.string("comment") { result["comment"] = .string(c) }
        }
    }

    /// useradd/usermod -e takes YYYY-MM-DD; a negative value clears the expiry.
    static func expiryDate(_ epoch: Double) -> String {
        if epoch < 0 { return "" }
        let f = DateFormatter()
        f.dateFormat = "yyyy-MM-dd"
        f.timeZone = TimeZone(identifier: "UTC")
        return f.string(from: Date(timeIntervalSince1970: epoch))
    }

    /// Creates the key pair as root then hands it to the user; prints ==keygen generated|exists|would.
    static func sshKeyScript(name: String, relPath: String, type: String, bits: Int, comment: String, checkMode: Bool) -> String {
        let n = shellQuote(name)
        var s = "h=$(getent passwd \(n) | cut -d: -f6)\n"
        s += relPath.hasPrefix("/") ? "f=\(shellQuote(relPath))\n" : "f=\"$h\"/\(shellQuote(relPath))\n"
        if checkMode {
            s += "if [ -e \"$f\" ]; then echo '==keygen'; echo exists; else echo '==keygen'; echo would; fi\n"
            return s
        }
        let b = bits > 0 ? " -b \(bits)" : ""
        s += """
        if [ -e "$f" ]; then echo '==keygen'; echo exists; else
          d=$(dirname "$f"); mkdir -p "$d" && chmod 0700 "$d" && chown \(n): "$d" || exit 1
          ssh-keygen -q -t \(shellQuote(type))\(b) -C "\(comment.replacingOccurrences(of: "\"", with: ""))" -N "${SP_KEY_PASSPHRASE:-}" -f "$f" </dev/null >/dev/null || exit 1
          chown \(n): "$f" "$f.pub"; echo '==keygen'; echo generated
        fi
        echo '==pubkey'; cat "$f.pub" 2>/dev/null
        echo '==fingerprint'; ssh-keygen -l -f "$f.pub" 2>/dev/null

        """
        return s
    }
}
