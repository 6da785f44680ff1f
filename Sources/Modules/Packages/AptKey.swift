import Foundation
import Jinja
import OrderedCollections
import Transport

/// `apt_key`: an OpenPGP key trusted by APT, kept in keyring files. Keys are read and written by
/// the controller (OpenPGPKeyring.swift), so it works without apt-key and gpg on the host
/// (Debian 12 has no gpg by default; apt-key is gone in Debian 13).
public enum AptKeyModule: Module {
    public static let name = "apt_key"
    public static let documentation = """
    # apt_key
    Adds or removes an OpenPGP key that APT trusts, with ansible.builtin.apt_key's options.

    - `id`: key ID (8 or 16 hex digits) or fingerprint, with or without `0x`. Without it, the ID
      of the first key in `data`/`file`/`url` is used. Required with `keyserver`.
    - `data` (an armored or binary key), `file` (a key file on the host), `url` (downloaded on the
      host with curl or wget; `validate_certs`), `keyserver` (HKP lookup of `id`: `hkp://host`,
      `hkps://host`, `http(s)://host` or a bare host name, which means hkp): where a missing key comes from.
    - `keyring`: the keyring file to check and change. Without it, presence is checked in
      /etc/apt/trusted.gpg and /etc/apt/trusted.gpg.d/*.gpg|*.asc (what apt trusts), and a new key
      is written to /etc/apt/trusted.gpg.d/KEYID.gpg (its own file, not the legacy trusted.gpg).
      A keyring named `*.asc` is written ASCII-armored, any other binary (what apt reads).
    - `state`: `present` (default) or `absent` (the key, found by its ID or a subkey's, is removed
      from every keyring checked; a keyring left empty is deleted).

    One round trip reads the keyrings (and `file`); a download and a write follow when needed.
    Check mode reports without writing; diff mode shows the keys of each changed keyring.
    Returns `id`, `key_id`, `short_id`, `fp` (the 16-digit ID compared), `before`, and `after` on change.
    """
    public static let spec = ArgumentSpec([
        .init("id"),
        .init("url"),
        .init("data"),
        .init("file", .path),
        .init("keyring", .path),
        .init("validate_certs", .bool, default: true),
        .init("keyserver"),
        .init("state", default: "present", choices: ["absent", "present"]),
    ], mutuallyExclusive: [["data", "file", "keyserver", "url"]])

    static let trustedFiles = "/etc/apt/trusted.gpg /etc/apt/trusted.gpg.d/*.gpg /etc/apt/trusted.gpg.d/*.asc"

    public static func run(_ args: Arguments, _ context: ModuleContext) throws -> ModuleResult {
        let state = args.string("state") ?? "present"
        let keyring = args.string("keyring")
        let keyserver = args.string("keyserver")
        let url = args.string("url")
        let file = args.string("file")
        var result = ModuleResult(changed: false)
        if args.string("id") == nil && keyserver != nil { return .failed("Missing key_id, required with keyserver.") }

        // Read: the keyrings to check, and the key file.
        var script = "emit() { [ -f \"$2\" ] || return 0; printf '%s %s %s\\n' \"$1\" \"$(wc -c < \"$2\")\" \"$2\"; cat \"$2\"; }\n"
        script += "for f in \(keyring.map(shellQuote) ?? trustedFiles); do emit K \"$f\"; done\n"
        if let file { script += "emit S \(shellQuote(file))\n" }
        let read = try context.run(script + "true")
        guard read.exitCode == 0 else { return .failed("Unable to read the keyrings: \(read.stderrText)") }
        let sections = parseSections(read.stdout)

        var keyrings: [(path: String, keys: [OpenPGPKey])] = []
        for s in sections where s.kind == "K" {
            do {
                keyrings.append((s.path, try OpenPGPKeyring.keys(s.data)))
            } catch {
                // apt itself cannot use a keyring it cannot parse; only the named one is an error.
                if keyring != nil { return .failed("Unable to read keyring \(s.path): \(error)") }
            }
        }

        // The key material, when the ID must come from it or the key must be added.
        var material: [OpenPGPKey]?
        func loadMaterial() throws -> [OpenPGPKey] {
            if let material { return material }
            let raw: Data
            let what: String
            if let data = args.string("data") {
                raw = Data(data.utf8); what = "inline data"
            } else if let file {
                guard let s = sections.first(where: { $0.kind == "S" }) else { throw ModuleError("Unable to extract key from '\(file)': no such file") }
                raw = s.data; what = file
            } else if let url {
                raw = try download(url, validateCerts: args.bool("validate_certs"), context); what = "inline data"  // as Ansible names downloaded data
            } else {
                throw ModuleError("No key to add: give data, file, url or keyserver")
            }
            do {
                let keys = try OpenPGPKeyring.keys(raw)
                guard !keys.isEmpty else { throw OpenPGPKeyring.ParseError(description: "no public key found") }
                material = keys
                return keys
            } catch let e as OpenPGPKeyring.ParseError {
                throw ModuleError("Unable to extract key from '\(what)': \(e.description)")
            }
        }

        var given = args.string("id")
        if given == nil {
            if args.string("data") == nil && file == nil && url == nil { return .failed("key is required to remove a key") }
            given = try loadMaterial()[0].primaryLongID
        }
        result["id"] = .string(given ?? "")
        guard let ids = parseKeyID(given ?? "") else { return .failed("Invalid key_id", result.values) }
        result["short_id"] = .string(ids.short)
        result["fp"] = .string(ids.fp)
        result["key_id"] = .string(ids.full)
        let shortFormat = ids.full.count == 8

        func listed(_ rings: [(path: String, keys: [OpenPGPKey])]) -> [String] {
            let all = rings.flatMap { $0.keys.flatMap(\.longIDs) }
            return shortFormat ? all.map { String($0.suffix(8)) } : all
        }
        func matches(_ key: OpenPGPKey) -> Bool {
            key.longIDs.contains { shortFormat ? $0.hasSuffix(ids.short) : $0 == ids.fp }
        }
        let before = listed(keyrings)
        result["before"] = .list(before.map { .string($0) })
        let wanted = shortFormat ? ids.short : ids.fp

        var changedRings: [(path: String, old: [OpenPGPKey], new: [OpenPGPKey])] = []
        if state == "present" {
            if before.contains(wanted) { return result }
            let keys: [OpenPGPKey]
            if context.checkMode && (keyserver != nil || (url != nil && material == nil)) {
                keys = []  // a check run does not download
            } else if let keyserver {
                keys = try fetchFromKeyserver(keyserver, id: ids.full, validateCerts: args.bool("validate_certs"), context)
            } else {
                keys = try loadMaterial()
            }
            if !keys.isEmpty && !keys.contains(where: matches) {
                return .failed("apt-key did not return an error, but failed to add the key (check that the id is correct and *not* a subkey)", result.values)
            }
            let target = keyring ?? "/etc/apt/trusted.gpg.d/\(keys.first(where: matches)?.primaryLongID ?? ids.fp).gpg"
            let old = keyrings.first(where: { $0.path == target })?.keys ?? []
            let added = keys.filter { k in !old.contains { $0.fingerprints[0] == k.fingerprints[0] } }
            changedRings.append((target, old, old + added))
        } else {
            if !before.contains(ids.fp) { return result }
            for ring in keyrings where ring.keys.contains(where: matches) {
                changedRings.append((ring.path, ring.keys, ring.keys.filter { !matches($0) }))
            }
        }

        result.changed = true
        if context.diffMode {
            for c in changedRings { result.addDiff(before: describe(c.old), after: describe(c.new), beforeHeader: c.path, afterHeader: c.path) }
        }
        if context.checkMode { return result }
        var writes = ""
        var stdin = Data()
        for c in changedRings {
            if c.new.isEmpty {
                writes += "rm -f -- \(shellQuote(c.path)) || exit 1\n"
                continue
            }
            let binary = c.new.reduce(Data()) { $0 + $1.packets }
            let data = c.path.hasSuffix(".asc") ? Data(OpenPGPKeyring.armor(binary).utf8) : binary
            // Each file's bytes are the next `size` bytes of stdin; written beside the target, then renamed.
            let dir = (c.path as NSString).deletingLastPathComponent
            let tmp = shellQuote(c.path + ".swiftplay-tmp")
            writes += "mkdir -p -- \(shellQuote(dir)) && head -c \(data.count) > \(tmp) && chmod 0644 \(tmp) && mv -f -- \(tmp) \(shellQuote(c.path)) || exit 1\n"
            stdin += data
        }
        let w = try context.run("umask 022\n" + writes, stdin: stdin.isEmpty ? nil : stdin)
        guard w.exitCode == 0 else { return .failed("Unable to write the keyring: \(w.stderrText)", result.values) }
        var after = keyrings
        for c in changedRings {
            after.removeAll { $0.path == c.path }
            if !c.new.isEmpty { after.append((c.path, c.new)) }
        }
        result["after"] = .list(listed(after).map { .string($0) })
        return result
    }

    /// (short, fp, full) like Ansible: the last 8 and last 16 hex digits, and the whole ID.
    static func parseKeyID(_ raw: String) -> (short: String, fp: String, full: String)? {
        var id = raw.uppercased()
        if id.hasPrefix("0X") { id.removeFirst(2) }
        guard !id.isEmpty, id.allSatisfy(\.isHexDigit), id.count == 8 || id.count >= 16 else { return nil }
        return (String(id.suffix(8)), id.count > 16 ? String(id.suffix(16)) : id, id)
    }

    /// One line per key for diffs: its ID and first user ID, then its subkeys' IDs.
    static func describe(_ keys: [OpenPGPKey]) -> String {
        keys.map { k in
            (["pub \(k.primaryLongID) \(k.userIDs.first ?? "")"] + k.longIDs.dropFirst().map { "sub \($0)" }).joined(separator: "\n") + "\n"
        }.joined()
    }

    struct Section { var kind: String; var path: String; var data: Data }

    /// "KIND SIZE PATH\n" followed by SIZE bytes, repeated.
    static func parseSections(_ out: Data) -> [Section] {
        var sections: [Section] = []
        var i = out.startIndex
        while i < out.endIndex, let nl = out[i...].firstIndex(of: UInt8(ascii: "\n")) {
            let header = String(decoding: out[i..<nl], as: UTF8.self).split(separator: " ", maxSplits: 2).map(String.init)
            guard header.count == 3, let size = Int(header[1]), nl + 1 + size <= out.endIndex else { break }
            sections.append(Section(kind: header[0], path: header[2], data: out[(nl + 1)..<(nl + 1 + size)]))
            i = nl + 1 + size
        }
        return sections
    }

    /// Downloads on the host (the host's network and proxies, as Ansible's module does).
    static func download(_ url: String, validateCerts: Bool, _ context: ModuleContext) throws -> Data {
        let k = validateCerts ? "" : " -k"
        let w = validateCerts ? "" : " --no-check-certificate"
        let r = try context.run("""
            if command -v curl >/dev/null 2>&1; then curl -fsSL\(k) \(shellQuote(url))
            elif command -v wget >/dev/null 2>&1; then wget -q\(w) -O - \(shellQuote(url))
            else echo 'neither curl nor wget is installed on the host' >&2; exit 127; fi
            """)
        guard r.exitCode == 0 else {
            throw ModuleError("Failed to download key at \(url): \(r.stderrText.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        return r.stdout
    }

    /// An HKP lookup (`/pks/lookup?op=get`) of the key on the keyserver.
    static func fetchFromKeyserver(_ server: String, id: String, validateCerts: Bool, _ context: ModuleContext) throws -> [OpenPGPKey] {
        var base = server
        if !base.contains("://") { base = "hkp://" + base }
        if base.hasPrefix("hkps://") { base = "https://" + base.dropFirst(7) }
        if base.hasPrefix("hkp://") {
            let host = String(base.dropFirst(6))
            base = "http://" + host + (host.contains(":") ? "" : ":11371")
        }
        while base.hasSuffix("/") { base.removeLast() }
        let url = "\(base)/pks/lookup?op=get&options=mr&search=0x\(id)"
        let data: Data
        do {
            data = try download(url, validateCerts: validateCerts, context)
        } catch let e as ModuleError {
            throw ModuleError("Error fetching key \(id) from keyserver: \(server) (\(e.message))")
        }
        do {
            return try OpenPGPKeyring.keys(data)
        } catch {
            throw ModuleError("Key \(id) not found on keyserver \(server)")
        }
    }
}
