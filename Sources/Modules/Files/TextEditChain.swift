import Foundation
import Jinja
import Transport

/// A loop's edits of one text file (lineinfile, blockinfile, replace, ini_file items on the same path),
/// applied in item order in memory and written once: each item reads what the items before it left,
/// as it would read the file after their writes, and gets the result it would get alone. The file is
/// read in one round trip and written in one, instead of two per item.
final class TextEditChain {
    /// The file as read, and as the items so far left it.
    var original: TextFileEdit.Loaded?
    var current: TextFileEdit.Loaded?
    /// Attribute changes the first item made without changing the content (chmod/chown when nothing is written).
    var attributeChanges = AttributeChanges()
    /// Items whose content change the final write carries (they fail with it).
    var writers: [Int] = []
    var item = 0

    /// Runs the items (same path, same attributes, no backup or validate: what is written each time
    /// would show) with `run`, then writes the result; nil when the items do not qualify.
    static func run(_ items: [Arguments], _ context: ModuleContext,
                    _ run: (Arguments, ModuleContext) throws -> ModuleResult) -> [Result<ModuleResult, Error>]? {
        let fixed = ["path", "encoding"] + FileAttributes.options.map(\.name)
        guard items.count > 1, let path = items[0].string("path"), path.hasPrefix("/"), !path.contains("$"),
              items.allSatisfy({ args in
                  !args.bool("backup") && args.string("validate") == nil
                      && fixed.allSatisfy { args.string($0) == items[0].string($0) }
              }) else { return nil }
        let chain = TextEditChain()
        let chained = context.replacing(connection: context.connection)
        chained.textEditChain = chain
        var results: [Result<ModuleResult, Error>] = []
        for (i, args) in items.enumerated() {
            chain.item = i
            results.append(Result { try run(args, chained) })
        }
        do {
            try chain.write(path: path, attributes: try FileAttributes(items[0]), context)
        } catch {
            for i in chain.writers { results[i] = .failure(error) }
        }
        return results
    }

    /// The state an item's edit leaves, for the next item (not in check mode, where nothing is written).
    func record(newText: String, contentChanges: Bool, plan: WritePlan, _ context: ModuleContext) {
        guard !context.checkMode, var next = current else { return }
        if contentChanges {
            next.text = newText
            writers.append(item)
        } else if attributeChanges.isEmpty {
            attributeChanges = plan.changes
        }
        // The file now has the plan's mode and owners (a new file: created by the write).
        let old = next.state.followed
        let info = FileInfo(kind: .file, mode: plan.mode, uid: plan.uid ?? old?.uid ?? -1, gid: plan.gid ?? old?.gid ?? -1,
                            size: old?.size ?? 0, atime: old?.atime ?? 0, mtime: old?.mtime ?? 0, ctime: old?.ctime ?? 0,
                            inode: old?.inode ?? 0, nlink: old?.nlink ?? 1, dev: old?.dev ?? 0,
                            owner: old?.owner ?? "", group: old?.group ?? "")
        if next.state.info?.kind == .link { next.state.target = info } else { next.state.info = info }
        current = next
    }

    /// Writes the final text once (as the first writing item would have, with its attributes), or
    /// applies the attribute changes when no item changed the content.
    private func write(path: String, attributes: FileAttributes, _ context: ModuleContext) throws {
        guard let original, let current else { return }
        if let text = current.text, text != original.text {
            let plan = try WritePlan(current: original.state.followed, umask: original.state.umask, attributes: attributes, ids: original.ids)
            _ = try TextFileEdit(path: path, attributes: attributes).write(text, over: original, plan: plan, context)
        } else if !attributeChanges.isEmpty {
            try RemoteFile.run(attributeChanges.commands(original.state.realPath ?? path), context, what: "changing attributes of \(path)")
        }
    }
}

/// The text editing modules: a loop's edits of one file are combined (TextEditChain), edits of
/// different files run side by side (LoopBatch).
public protocol TextEditModule: LoopCombinable, LoopBatchable {}

public extension TextEditModule {
    static func runCombined(_ items: [Arguments], _ context: ModuleContext) -> [Result<ModuleResult, Error>]? {
        TextEditChain.run(items, context, run)
    }

    static func independent(_ items: [Arguments]) -> Bool {
        RemotePathText.independent(items.map { $0.string("path") })
    }
}
