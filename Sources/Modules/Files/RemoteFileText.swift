import Foundation
import Jinja
import OrderedCollections
import Transport

/// The read-modify-write cycle of the text editing modules (lineinfile, blockinfile, replace,
/// ini_file): one round trip reads the file (through symlinks) with its attributes, the module
/// computes the new text in Swift, one round trip writes it atomically with backup/validate.
struct TextFileEdit {
    var path: String
    var attributes: FileAttributes
    var backup = false
    var validate: String?
    /// Key of the backup path in the result ("backup" for lineinfile, "backup_file" elsewhere).
    var backupKey = "backup_file"
    /// The diff headers: "PATH (content)" as lineinfile, blockinfile and ini_file show, or the bare path (replace).
    var diffHeader: String { contentHeader ? "\(path) (content)" : path }
    var contentHeader = true

    struct Loaded {
        var state: PathState
        var ids: (uid: Int?, gid: Int?)
        /// The text, nil when the file does not exist.
        var text: String?
        /// UTF-8, or Latin-1 for files that are not valid UTF-8 (byte-preserving, so lines the
        /// module does not touch are written back exactly).
        var encoding: String.Encoding = .utf8
    }

    /// Reads the file. `directoryMessage` is the error for a directory at `path`. In a chain of a loop's
    /// edits, the text the items before left.
    func read(_ context: ModuleContext, directoryMessage: String) throws -> Loaded {
        guard let chain = context.textEditChain else { return try readFile(context, directoryMessage: directoryMessage) }
        if let current = chain.current { return current }
        let loaded = try readFile(context, directoryMessage: directoryMessage)
        chain.original = loaded
        chain.current = loaded
        return loaded
    }

    private func readFile(_ context: ModuleContext, directoryMessage: String) throws -> Loaded {
        let (state, out) = try RemoteFile.read(path, context, follow: true, content: true, realPath: true,
                                                owner: attributes.owner, group: attributes.group)
        let ids = try attributes.resolve(out)
        if state.followed?.kind == .directory { throw ModuleError(directoryMessage, ["rc": 256]) }
        if state.exists, state.followed != nil, state.content == nil {
            throw ModuleError("Could not read \(path): permission denied")
        }
        guard state.followed != nil else { return Loaded(state: state, ids: ids, text: nil) }
        let data = state.content ?? Data()
        if let text = String(data: data, encoding: .utf8) { return Loaded(state: state, ids: ids, text: text) }
        return Loaded(state: state, ids: ids, text: String(data: data, encoding: .isoLatin1), encoding: .isoLatin1)
    }

    /// Writes `newText` when it differs from the loaded text (or the file is missing), then applies
    /// owner/group/mode; fills changed, msg, diff and the backup path.
    func finish(_ loaded: Loaded, newText: String, msg: String, _ context: ModuleContext) throws -> ModuleResult {
        let current = loaded.state.followed
        let plan = try WritePlan(current: current, umask: loaded.state.umask, attributes: attributes, ids: loaded.ids)
        let contentChanges = loaded.text != newText
        var result = ModuleResult(changed: contentChanges)
        var message = msg
        let target = loaded.state.realPath ?? path
        if let chain = context.textEditChain {
            // The chain writes once after the loop's last item.
            chain.record(newText: newText, contentChanges: contentChanges, plan: plan, context)
            if !contentChanges && !plan.changes.isEmpty { result.changed = true }
        } else if contentChanges && !context.checkMode {
            if let backupFile = try write(newText, over: loaded, plan: plan, context) { result[backupKey] = .string(backupFile) }
        } else if !contentChanges && !plan.changes.isEmpty {
            result.changed = true
            if !context.checkMode {
                try RemoteFile.run(plan.changes.commands(target), context, what: "changing attributes of \(path)")
            }
        }
        // A new file is made with the default mode first, then given its own, as Ansible reports it.
        var attributeChanges = plan.changes
        let createdMode = 0o666 & ~loaded.state.umask
        if current == nil, attributes.mode != nil, plan.mode != createdMode { attributeChanges.mode = (createdMode, plan.mode) }
        if !attributeChanges.isEmpty {
            message = message.isEmpty ? "ownership, perms or SE linux context changed" : message + " and ownership, perms or SE linux context changed"
        }
        result["msg"] = .string(message)
        if context.diffMode && contentChanges {
            result.addDiff(before: loaded.text ?? "", after: newText, beforeHeader: diffHeader, afterHeader: diffHeader)
        }
        if context.diffMode && !attributeChanges.isEmpty {
            var before: OrderedDictionary<String, Value> = [:], after: OrderedDictionary<String, Value> = [:]
            attributeChanges.addDiff(before: &before, after: &after)
            let header = "\(path) (file attributes)"
            var diffs = result["diff"]?.listValue ?? []
            diffs.append(.dict(["before": .dict(before), "after": .dict(after), "before_header": .string(header), "after_header": .string(header)]))
            result["diff"] = .list(diffs)
        }
        return result
    }

    /// Writes `text` atomically over the file as `loaded` found it (through a link, to its target), with
    /// the plan's mode and owners; returns the backup file, if one was made.
    func write(_ text: String, over loaded: Loaded, plan: WritePlan, _ context: ModuleContext) throws -> String? {
        guard let data = text.data(using: loaded.encoding) else {
            throw ModuleError("\(path) is not UTF-8 and the new text cannot be written in its encoding (Latin-1)")
        }
        var write = AtomicWrite(dest: loaded.state.realPath ?? path, data: data, mode: plan.mode, uid: plan.uid, gid: plan.gid,
                                requireOwnership: plan.requireOwnership, validate: validate, backup: backup)
        write.createDirectory = !loaded.state.parentIsDirectory
        write.replacing(loaded.state.followed, umask: loaded.state.umask)
        write.probeAfter = false
        write.checksum = nil
        return try write.run(context).backup
    }

    /// Lines with their endings, as Python's readlines() splits a file.
    static func lines(_ text: String) -> [String] {
        var out: [String] = []
        var current = ""
        for ch in text {
            current.append(ch)
            // "\r\n" is one Character in Swift, so this catches both endings.
            if ch == "\n" || ch == "\r\n" { out.append(current); current = "" }
        }
        if !current.isEmpty { out.append(current) }
        return out
    }

    /// A line without its ending.
    static func strip(_ line: String) -> String {
        var s = line
        while let last = s.last, last == "\n" || last == "\r" || last == "\r\n" { s.removeLast() }
        return s
    }
}
