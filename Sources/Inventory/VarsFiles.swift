import DataLoader
import Foundation
import Jinja
import OrderedCollections

/// `group_vars/` and `host_vars/` next to an inventory or a playbook, read as Ansible's
/// host_group_vars plugin does: for entity X the first of `X` (file or directory), `X.yml`, `X.yaml`,
/// `X.json` that exists; a directory contributes all its files with no or a YAML/JSON extension,
/// recursively, in sorted order, skipping hidden and `~` files. Later files override earlier ones
/// key by key. Each lookup is parsed once and cached.
final class VarsFiles {
    private let lock = NSLock()
    private var cache: [String: [String: OrderedDictionary<String, Value>]] = [:]  // dir -> name -> vars
    private var dirExists: [String: Bool] = [:]
    private(set) var warnings: [String] = []

    static let extensions = ["", ".yml", ".yaml", ".json"]

    /// Vars of `name` from `<baseDir>/<kind>/`, kind being "group_vars" or "host_vars".
    func vars(baseDir: String, kind: String, name: String) throws -> OrderedDictionary<String, Value> {
        // Names that look like absolute paths (chroot hosts) are skipped, as in Ansible.
        guard !name.isEmpty, !name.hasPrefix("/") else { return [:] }
        let dir = baseDir.hasSuffix("/") ? baseDir + kind : baseDir + "/" + kind
        lock.lock()
        defer { lock.unlock() }
        if let cached = cache[dir]?[name] { return cached }
        guard isDirectory(dir) else { return [:] }
        var result = OrderedDictionary<String, Value>()
        for file in Self.findFiles(in: dir, name: name) {
            for (k, v) in try load(file) { result[k] = v }
        }
        cache[dir, default: [:]][name] = result
        return result
    }

    /// Whether `<baseDir>/<kind>` is a directory (a warning notes a file in its place).
    func hasFolder(baseDir: String, kind: String) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        return isDirectory(baseDir.hasSuffix("/") ? baseDir + kind : baseDir + "/" + kind)
    }

    private func isDirectory(_ dir: String) -> Bool {
        if let known = dirExists[dir] { return known }
        var isDir: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: dir, isDirectory: &isDir)
        if exists && !isDir.boolValue {
            warnings.append("Found \((dir as NSString).lastPathComponent) that is not a directory, skipping: \(dir)")
        }
        dirExists[dir] = exists && isDir.boolValue
        return exists && isDir.boolValue
    }

    static func findFiles(in dir: String, name: String) -> [String] {
        let base = (dir as NSString).appendingPathComponent(name)
        for ext in extensions {
            let path = base + ext
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else { continue }
            return isDir.boolValue ? filesInside(path) : [path]
        }
        return []
    }

    private static func filesInside(_ dir: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
        var found: [String] = []
        for name in names.sorted(by: { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }) {
            guard !name.hasPrefix("."), !name.hasSuffix("~") else { continue }
            let path = (dir as NSString).appendingPathComponent(name)
            let ext = (name as NSString).pathExtension
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else { continue }
            if isDir.boolValue {
                if ext.isEmpty { found.append(contentsOf: filesInside(path)) }
            } else if ext.isEmpty || extensions.contains("." + ext) {
                found.append(path)
            }
        }
        return found
    }

    /// A vars file must hold a mapping; empty (or otherwise false) documents are ignored.
    private func load(_ file: String) throws -> OrderedDictionary<String, Value> {
        let text = try YAMLLoader.read(file)
        if text.hasPrefix("$ANSIBLE_VAULT") {
            throw SourceError("vault-encrypted vars files are not supported", at: SourceMark(file: file, line: 1, column: 1))
        }
        guard let node = try loadSingleYAMLDocument(text, file: file) else { return [:] }
        if case .dict(let d) = node.value { return d }
        if !node.value.truthy { return [:] }
        throw SourceError("vars file must contain a mapping of variable names to values, got \(node.kindName)", at: node.mark)
    }
}
