import Foundation
import Jinja
import OrderedCollections
import Transport

/// Reads and writes the files of the crypto and auth modules on the host: one round trip to read a
/// file with its mode and owner, `Connection.put` (atomic) to write, one command to fix attributes.
struct HostFile {
    var path: String
    var exists: Bool
    var data: Data
    var mode: String
    var owner: String
    var group: String

    /// Options shared by modules that write a file (as Ansible's file common arguments).
    static let options: [ArgumentSpec.Option] = [
        .init("mode", .raw, help: "Octal mode like 0600 (quoted or not) or a symbolic mode."),
        .init("owner"), .init("group"),
        .init("attributes", aliases: ["attr"]), .init("seuser"), .init("serole"), .init("setype"), .init("selevel"),
        .init("unsafe_writes", .bool, default: false), .init("backup", .bool, default: false),
    ]

    /// Reads `path` on the host. A missing file gives `exists == false`; other errors throw.
    static func load(_ path: String, _ context: ModuleContext) throws -> HostFile {
        let p = shellQuote(path)
        let r = try context.run("if [ -e \(p) ]; then stat -c '%a %U %G' -- \(p) && cat -- \(p); else echo MISSING; fi")
        guard r.exitCode == 0 else {
            throw ModuleError("Cannot read \(path): \(r.stderrText.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        guard let nl = r.stdout.firstIndex(of: 0x0a) else { throw ModuleError("Cannot read \(path): no answer") }
        let head = String(decoding: r.stdout[r.stdout.startIndex..<nl], as: UTF8.self)
        if head == "MISSING" { return HostFile(path: path, exists: false, data: Data(), mode: "", owner: "", group: "") }
        let f = head.split(separator: " ").map(String.init)
        guard f.count == 3 else { throw ModuleError("Cannot read \(path): unexpected stat output \(head)") }
        return HostFile(path: path, exists: true, data: Data(r.stdout[r.stdout.index(after: nl)...]),
                        mode: f[0], owner: f[1], group: f[2])
    }

    /// The task's `mode` as an octal string ("0600"), a symbolic string, or nil.
    static func mode(_ args: Arguments) -> String? {
        guard let v = args["mode"] else { return nil }
        switch v {
        case .int(let i): return "0" + String(i, radix: 8)
        default:
            let s = v.pythonStr.trimmingCharacters(in: .whitespaces)
            if !s.isEmpty, s.allSatisfy({ ("0"..."7").contains($0) }) { return s.count < 4 ? String(repeating: "0", count: 4 - s.count) + s : s }
            return s.isEmpty ? nil : s
        }
    }

    static func isOctal(_ s: String) -> Bool { !s.isEmpty && s.allSatisfy { ("0"..."7").contains($0) } }

    /// Writes `data` atomically. A new file gets the task's octal `mode`, else `defaultMode`; a replaced
    /// file keeps its mode, owner and group unless the task sets them.
    static func write(_ data: Data, to path: String, args: Arguments, previous: HostFile, defaultMode: String?, _ context: ModuleContext) throws {
        let requested = mode(args)
        let octal = requested.flatMap { isOctal($0) ? $0 : nil } ?? (previous.exists ? nil : defaultMode)
        do {
            try context.connection.put(data, to: path, mode: octal, become: context.become)
        } catch let e as TransportError {
            throw ModuleError("Cannot write \(path): \(e)")
        }
        _ = try applyAttributes(path, args: args, current: nil, checkMode: false, context,
                                fallbackOwner: previous.exists ? previous.owner : nil, fallbackGroup: previous.exists ? previous.group : nil)
    }

    /// Makes owner, group and mode match the task; returns whether something changed (or would).
    /// `fallbackOwner`/`fallbackGroup` apply when the task gives none (to keep a replaced file's owner).
    static func applyAttributes(_ path: String, args: Arguments, current: HostFile?, checkMode: Bool, _ context: ModuleContext,
                                fallbackOwner: String? = nil, fallbackGroup: String? = nil) throws -> Bool {
        let wantMode = mode(args)
        let owner = args.string("owner") ?? fallbackOwner, group = args.string("group") ?? fallbackGroup
        if wantMode == nil && owner == nil && group == nil { return false }
        var info = current
        if info == nil || !(info?.exists ?? false) {
            let r = try context.run("stat -c '%a %U %G' -- \(shellQuote(path))")
            let f = r.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: " ").map(String.init)
            if r.exitCode == 0, f.count == 3 { info = HostFile(path: path, exists: true, data: Data(), mode: f[0], owner: f[1], group: f[2]) }
        }
        guard let have = info, have.exists else { return false }
        var commands: [String] = []
        if let m = wantMode {
            if isOctal(m) {
                if Int(m, radix: 8) != Int(have.mode, radix: 8) { commands.append("chmod \(m) -- \(shellQuote(path))") }
            } else {
                // Symbolic: apply, then compare the mode before and after.
                commands.append("chmod \(shellQuote(m)) -- \(shellQuote(path))")
            }
        }
        if let owner, owner != have.owner { commands.append("chown \(shellQuote(owner)) -- \(shellQuote(path))") }
        if let group, group != have.group { commands.append("chgrp \(shellQuote(group)) -- \(shellQuote(path))") }
        if commands.isEmpty { return false }
        if checkMode { return true }
        let r = try context.run(commands.joined(separator: " && ") + " && stat -c '%a %U %G' -- \(shellQuote(path))")
        if r.exitCode != 0 { throw ModuleError("Cannot set attributes of \(path): \(r.stderrText.trimmingCharacters(in: .whitespacesAndNewlines))") }
        return r.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines) != "\(have.mode) \(have.owner) \(have.group)"
    }

    /// Removes a file; returns whether it existed.
    static func remove(_ path: String, checkMode: Bool, _ context: ModuleContext) throws -> Bool {
        let p = shellQuote(path)
        let r = try context.run(checkMode ? "[ -e \(p) ] && echo yes || echo no" : "if [ -e \(p) ]; then rm -f -- \(p) && echo yes; else echo no; fi")
        if r.exitCode != 0 { throw ModuleError("Cannot remove \(path): \(r.stderrText.trimmingCharacters(in: .whitespacesAndNewlines))") }
        return r.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines) == "yes"
    }

    /// Copies the file to `path.<timestamp>~` before it is replaced (`backup: true`); returns the backup path.
    static func backup(_ path: String, _ context: ModuleContext) throws -> String? {
        let f = DateFormatter()
        f.dateFormat = "yyyy-MM-dd@HH:mm:ss"
        let dest = "\(path).\(f.string(from: Date()))~"
        let r = try context.run("[ -e \(shellQuote(path)) ] && cp -p -- \(shellQuote(path)) \(shellQuote(dest)) && echo ok")
        return r.stdoutText.contains("ok") ? dest : nil
    }
}
