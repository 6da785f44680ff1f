import Foundation
import Jinja
import OrderedCollections
import Transport

/// Puts one file's content at a destination on the host, as copy (src/content/remote_src) and
/// template do: compare checksums, write atomically when different, then fix owner/group/mode.
/// One round trip reads the destination (and a remote source), one changes it.
struct SingleFileCopy {
    enum Source {
        case data(Data)
        case remote(String)
        /// Data made from what `extraRead` printed in the read round trip (assemble's fragments).
        case computed((RemoteFile.Output) throws -> Data)
    }
    /// Shell lines run first in the read round trip; their output must be untagged, one-line records.
    var extraRead = ""
    var dest: String
    /// The file name used when `dest` is a directory (nil for `content`, which cannot go to a directory).
    var basename: String?
    var source: Source
    /// Shown as `src` in the result and as the diff's after_header.
    var displaySource: String?
    var attributes: FileAttributes
    var force = true
    var backup = false
    var validate: String?
    var follow = false
    var expectedChecksum: String?
    /// Mode of directories created by a remote directory copy.
    var directoryMode: FileMode?
    /// `mode: preserve` with a host source: the source's mode.
    var preserveRemoteMode = false
    /// A host directory source's symlinks are copied as what they point to (`local_follow: yes`).
    var followRemoteLinks = false

    func run(_ context: ModuleContext) throws -> ModuleResult {
        let dirHint = dest.hasSuffix("/")
        if dirHint && basename == nil { throw ModuleError("can not use content with a dir as dest") }
        let destPath = dirHint ? String(dest.dropLast()) : dest
        let inside = basename.map { (destPath as NSString).appendingPathComponent($0) }

        // Read: remote source, the file inside dest (when dest is a directory), dest itself (last, with content for the diff).
        var script = extraRead + attributes.lookupScript
        var paths: [String] = []
        if case .remote(let src) = source {
            script += RemoteFile.probe(src, follow: true, checksum: "sha1")
            paths.append(src)
        }
        if let inside {
            script += RemoteFile.probe(inside, follow: follow, checksum: "sha1", realPath: follow)
            paths.append(inside)
        }
        script += RemoteFile.probe(destPath, follow: follow, checksum: "sha1", content: context.diffMode, realPath: follow)
        paths.append(destPath)
        // The content for the diff may be binary.
        let read = RemoteFile.parse(try RemoteFile.run(script, context, binary: context.diffMode, what: "reading \(destPath)").stdout, paths: paths)
        var attributes = attributes
        let ids = try attributes.resolve(read)
        guard var destState = read.states.last else { throw ModuleError("could not read \(destPath)") }

        let sourceChecksum: String
        var data: Data?
        switch source {
        case .data(let d):
            data = d
            sourceChecksum = SHA1.hex(d)
        case .computed(let make):
            let d = try make(read)
            data = d
            sourceChecksum = SHA1.hex(d)
        case .remote(let src):
            guard let s = read.states.first, let info = s.followed else { throw ModuleError("Source \(src) not found") }
            if info.kind == .directory {
                // A host directory: compared and copied as a tree (one more round trip).
                var tree = RemoteDirectoryCopy(src: src, dest: dest, attributes: attributes, directoryMode: directoryMode)
                tree.force = force
                tree.followLinks = followRemoteLinks
                return try tree.run(context)
            }
            guard info.kind == .file else { throw ModuleError("Cannot copy invalid source '\(src)': not a file") }
            guard let sum = s.checksum else { throw ModuleError("Source \(src) not readable") }
            sourceChecksum = sum
            if preserveRemoteMode { attributes.mode = .numeric(info.mode) }
        }
        if let expected = expectedChecksum, expected != sourceChecksum {
            throw ModuleError("Copied file does not match the expected checksum. Transfer failed.", ["checksum": .string(sourceChecksum), "expected_checksum": .string(expected)])
        }

        // Where the file goes: into dest when it is (or is named as) a directory.
        var finalPath = destPath
        if dirHint || destState.followed?.kind == .directory {
            guard let inside, let insideState = read.states.first(where: { $0.path == inside }) else {
                throw ModuleError("can not use content with a dir as dest")
            }
            finalPath = inside
            destState = insideState
            if context.diffMode, destState.exists {
                destState = try RemoteFile.read(inside, context, follow: follow, checksum: "sha1", content: true, realPath: follow).0
            }
        } else if !destState.parentIsDirectory {
            throw ModuleError("Destination directory \((destPath as NSString).deletingLastPathComponent) does not exist",
                              ["checksum": .string(sourceChecksum)])
        }
        let current = follow ? destState.followed : destState.info
        if current?.kind == .directory { throw ModuleError("Destination \(finalPath) is a directory") }

        var result = ModuleResult(changed: false)
        if current != nil && !force {
            result["msg"] = "file already exists"
            result["dest"] = .string(finalPath)
            if let displaySource { result["src"] = .string(displaySource) }
            return result
        }
        let plan = try WritePlan(current: current, umask: destState.umask, attributes: attributes, ids: ids)
        let contentChanges = current == nil || destState.checksum != sourceChecksum
        var after = destState
        var backupFile: String?
        var md5: String?
        if contentChanges {
            result.changed = true
            if !context.checkMode {
                var write = AtomicWrite(dest: follow ? destState.realPath ?? finalPath : finalPath, data: data ?? Data(), mode: plan.mode,
                                        uid: plan.uid, gid: plan.gid, requireOwnership: plan.requireOwnership,
                                        validate: validate, backup: backup)
                if case .remote(let src) = source { write.remoteSource = src }
                write.createDirectory = dirHint && !destState.parentIsDirectory
                write.md5 = true
                write.replacing(current, umask: destState.umask)
                (after, backupFile, md5) = try write.run(context)
            }
        } else if !plan.changes.isEmpty {
            result.changed = true
            if !context.checkMode {
                let target = follow ? destState.realPath ?? finalPath : finalPath
                let r = try RemoteFile.run(plan.changes.commands(target) + RemoteFile.probe(target, checksum: "sha1"), context, what: "changing \(finalPath)")
                after = RemoteFile.parse(r.stdout, paths: [target]).states.first ?? destState
            }
        }

        result["dest"] = .string(finalPath)
        if let displaySource { result["src"] = .string(displaySource) }
        result["checksum"] = .string(sourceChecksum)
        if let info = follow ? after.followed : after.info, !(context.checkMode && result.changed) {
            for (k, v) in FileResult.attributes(info, path: finalPath, pathKey: "dest", state: "file") { result[k] = v }
        } else {
            result["state"] = "file"
            if let data { result["size"] = .int(data.count) }
            result["mode"] = .string(FileMode.octal(plan.mode))
        }
        if let backupFile { result["backup_file"] = .string(backupFile) }
        if let md5 { result["md5sum"] = .string(md5) }
        // Like Ansible's: no diff for a host source; the before header only for an existing file;
        // the after header is the source file, or dest for inline content.
        if context.diffMode && contentChanges, let data {
            result.addDiff(before: FileResult.diffText(destState.content), after: FileResult.diffText(data),
                           beforeHeader: current == nil ? nil : finalPath, afterHeader: displaySource ?? finalPath)
        }
        return result
    }
}
