import DataLoader
import Foundation

/// Turns inventory sources (files, directories, `h1,h2,` host lists) into inventory data, choosing the
/// parser per file the way Ansible's default plugin chain does: a host list when the source does not
/// exist and has a comma; otherwise YAML for files without extension or with .yml/.yaml/.json, INI
/// for anything but .toml, the first that succeeds winning.
struct SourceLoader {
    let data: InventoryData

    /// Directory entries Ansible skips: hidden files, vars folders, backups and non-inventory extensions.
    static let ignoredNames: Set<String> = ["host_vars", "group_vars", "vars_plugins"]
    static let ignoredExtensions = [".pyc", ".pyo", ".swp", ".bak", "~", ".rpm", ".md", ".txt", ".rst", ".orig", ".cfg", ".retry"]

    static func isIgnored(_ name: String) -> Bool {
        name.hasPrefix(".") || ignoredNames.contains(name) || ignoredExtensions.contains { name.hasSuffix($0) }
    }

    /// Parses one source; false when nothing could be parsed (a warning says why).
    func load(_ source: String) throws -> Bool {
        var isDir: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: source, isDirectory: &isDir)
        if !exists && source.contains(",") {
            try loadHostList(source)
            return true
        }
        guard exists else {
            data.warn("Unable to parse \(source) as an inventory source")
            return false
        }
        if isDir.boolValue {
            var parsed = false
            let names = (try? FileManager.default.contentsOfDirectory(atPath: source)) ?? []
            for name in names.sorted(by: { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }) where !Self.isIgnored(name) {
                if try load((source as NSString).appendingPathComponent(name)) { parsed = true }
            }
            if !parsed { data.warn("Unable to parse \(source) as an inventory source") }
            return parsed
        }
        guard FileManager.default.isReadableFile(atPath: source) else {
            data.warn("Unable to parse \(source) as an inventory source")
            return false
        }
        data.currentSource = (source, (source as NSString).deletingLastPathComponent)
        defer { data.currentSource = nil }
        try loadFile(source)
        return true
    }

    private func loadFile(_ path: String) throws {
        let ext = (path as NSString).pathExtension.lowercased()
        if ext == "toml" {
            throw SourceError("TOML inventories are not supported; use INI or YAML", at: SourceMark(file: path, line: 1, column: 1))
        }
        let text = try YAMLLoader.read(path)
        if text.hasPrefix("#!") && FileManager.default.isExecutableFile(atPath: path) {
            // Ansible would run it (script plugin); running inventory scripts is not supported here.
            throw SourceError("executable inventory scripts are not supported; use an INI or YAML inventory", at: SourceMark(file: path, line: 1, column: 1))
        }
        // YAML first (for files that may be YAML), then INI, as Ansible's plugin order has it. When both
        // fail, the YAML error is the useful one if the file was meant as YAML: it has a YAML extension
        // or parsed as a mapping.
        var yamlError: SourceError?
        var meantAsYAML = !ext.isEmpty
        if ["yml", "yaml", "json"].contains(ext) || (ext.isEmpty && Self.mayBeYAMLMapping(text)) {
            do {
                let root = try loadSingleYAMLDocument(text, file: path)
                meantAsYAML = meantAsYAML || root?.entries != nil
                let entries = try YAMLInventoryParser.check(root, file: path)
                try YAMLInventoryParser(data: data, file: path).parse(entries)
                return
            } catch let failure as YAMLInventoryParser.NotInventory {
                yamlError = failure.error
                meantAsYAML = meantAsYAML || failure.looksLikeYAMLInventory
            } catch let error as SourceError {
                yamlError = error
            }
        }
        do {
            try INIParser(data: data, file: path).parse(text: text)
        } catch let iniError as SourceError {
            if let yamlError, meantAsYAML { throw yamlError }
            throw iniError
        }
    }

    /// False when the first significant line shows the text cannot be a YAML mapping (an INI section
    /// header or a line without a colon), which spares large INI files a YAML parse.
    static func mayBeYAMLMapping(_ text: String) -> Bool {
        var answer = false
        Text.forEachLine(text) { line in
            let t = line.stripped
            if t.isEmpty || t.hasPrefix("#") { return true }
            answer = !(t.hasPrefix("[") || t.hasPrefix(";"))
                && (t.contains(":") || t.hasPrefix("{") || t.hasPrefix("?") || t.hasPrefix("---") || t.hasPrefix("%"))
            return false
        }
        return answer
    }

    /// `host1,host2:22,` adds hosts to `ungrouped`; ranges are not expanded here.
    private func loadHostList(_ list: String) throws {
        data.currentSource = (list, nil)
        defer { data.currentSource = nil }
        for part in list.split(separator: ",") {
            let text = part.stripped
            guard !text.isEmpty else { continue }
            let (host, port) = HostAddress.parse(text, allowRanges: false) ?? (text, nil)
            if data.hosts[host] == nil {
                do {
                    try data.addHost(host, group: "ungrouped", port: port)
                } catch let error as InventoryFailure {
                    throw SourceError("Invalid host list '\(list)': \(error)", at: nil)
                }
            }
        }
    }

    /// Ansible's unfrackpath without following symlinks: `~` and `$VARS` expanded, made absolute and
    /// normalized.
    static func absolutePath(_ path: String, cwd: String = FileManager.default.currentDirectoryPath) -> String {
        var p = expandVariables(path)
        if p == "~" || p.hasPrefix("~/") {
            p = NSHomeDirectory() + p.dropFirst()
        }
        if !p.hasPrefix("/") { p = cwd + "/" + p }
        var parts: [Substring] = []
        for component in p.split(separator: "/") {
            switch component {
            case ".": continue
            case "..": if !parts.isEmpty { parts.removeLast() }
            default: parts.append(component)
            }
        }
        return "/" + parts.joined(separator: "/")
    }

    /// `$NAME` and `${NAME}` replaced from the environment; unknown ones are left alone, as in Python.
    static func expandVariables(_ s: String) -> String {
        guard s.contains("$") else { return s }
        let env = ProcessInfo.processInfo.environment
        var out = ""
        var chars = Substring(s)
        while let dollar = chars.firstIndex(of: "$") {
            out += chars[..<dollar]
            var rest = chars[chars.index(after: dollar)...]
            var name = ""
            var braced = false
            if rest.first == "{", let close = rest.firstIndex(of: "}") {
                name = String(rest[rest.index(after: rest.startIndex)..<close])
                braced = true
                rest = rest[rest.index(after: close)...]
            } else {
                let n = rest.prefix { $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) }
                name = String(n)
                rest = rest.dropFirst(n.count)
            }
            if !name.isEmpty, let value = env[name] {
                out += value
            } else {
                out += "$" + (braced ? "{\(name)}" : name)
            }
            chars = rest
        }
        return out + chars
    }
}
