import Foundation

/// swiftplay.cfg / ansible.cfg (INI): defaults that the command line can override.
/// Looked up like Ansible: $SWIFTPLAY_CONFIG or $ANSIBLE_CONFIG, ./swiftplay.cfg, ./ansible.cfg, ~/.ansible.cfg.
public struct Config {
    public var path: String?
    public var sections: [String: [String: String]] = [:]

    public init() {}

    public static func load(directory: String = FileManager.default.currentDirectoryPath) throws -> Config {
        let env = ProcessInfo.processInfo.environment
        var candidates: [String] = []
        if let p = env["SWIFTPLAY_CONFIG"] ?? env["ANSIBLE_CONFIG"] { candidates.append(p) }
        candidates += [directory + "/swiftplay.cfg", directory + "/ansible.cfg", NSHomeDirectory() + "/.ansible.cfg"]
        for c in candidates where FileManager.default.fileExists(atPath: c) {
            return try parse(file: c)
        }
        return Config()
    }

    static func parse(file: String) throws -> Config {
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
            throw ConfigError(message: "could not read config file \(file)")
        }
        var c = Config()
        c.path = file
        var section = "defaults"
        for (n, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("[") {
                guard line.hasSuffix("]") else { throw ConfigError(message: "\(file):\(n + 1):1: expected a section header like [defaults]") }
                section = String(line.dropFirst().dropLast()).trimmingCharacters(in: .whitespaces)
                continue
            }
            guard let eq = line.firstIndex(where: { $0 == "=" || $0 == ":" }) else {
                throw ConfigError(message: "\(file):\(n + 1):1: expected 'key = value'")
            }
            let key = line[..<eq].trimmingCharacters(in: .whitespaces)
            var value = line[line.index(after: eq)...].trimmingCharacters(in: .whitespaces)
            if let hash = value.range(of: " #") ?? value.range(of: " ;") { value = value[..<hash.lowerBound].trimmingCharacters(in: .whitespaces) }
            c.sections[section, default: [:]][key] = value
        }
        return c
    }

    public func value(_ key: String, section: String = "defaults") -> String? {
        sections[section]?[key]
    }

    public func bool(_ key: String, section: String = "defaults") -> Bool? {
        guard let v = value(key, section: section)?.lowercased() else { return nil }
        return ["1", "true", "yes", "on"].contains(v) ? true : (["0", "false", "no", "off"].contains(v) ? false : nil)
    }

    /// A setting from its environment variable (ANSIBLE_X or SWIFTPLAY_X), else the config file, as Ansible looks it up.
    public func setting(_ key: String, env name: String, section: String = "defaults") -> String? {
        let env = ProcessInfo.processInfo.environment
        return env["SWIFTPLAY_" + name] ?? env["ANSIBLE_" + name] ?? value(key, section: section)
    }

    /// A boolean setting, read as Ansible reads booleans (yes/no, true/false, on/off, 1/0).
    public func flag(_ key: String, env name: String, section: String = "defaults") -> Bool? {
        setting(key, env: name, section: section).flatMap(Config.boolean)
    }

    public static func boolean(_ text: String) -> Bool? {
        let v = text.trimmingCharacters(in: .whitespaces).lowercased()
        return ["1", "true", "yes", "on", "y", "t"].contains(v) ? true : (["0", "false", "no", "off", "n", "f", ""].contains(v) ? false : nil)
    }

    /// Colon-separated paths, relative to the config file's directory.
    public func paths(_ key: String, section: String = "defaults") -> [String] {
        guard let v = value(key, section: section) else { return [] }
        let base = path.map { ($0 as NSString).deletingLastPathComponent } ?? FileManager.default.currentDirectoryPath
        return v.split(whereSeparator: { $0 == ":" || $0 == "," }).map { p in
            let s = (String(p) as NSString).expandingTildeInPath
            return s.hasPrefix("/") ? s : base + "/" + s
        }
    }

    /// Maps a relative path whose first component is an alias in [paths] (e.g. inventories ->
    /// Inventories), so the documented lower-case command lines work on case-sensitive systems.
    public func resolve(_ path: String) -> String {
        if FileManager.default.fileExists(atPath: path) || path.hasPrefix("/") { return path }
        let parts = path.split(separator: "/", maxSplits: 1).map(String.init)
        guard let first = parts.first, let mapped = value(first, section: "paths") else { return path }
        let base = self.path.map { ($0 as NSString).deletingLastPathComponent } ?? "."
        let target = (mapped.hasPrefix("/") ? mapped : base + "/" + mapped) + (parts.count > 1 ? "/" + parts[1] : "")
        return FileManager.default.fileExists(atPath: target) ? target : path
    }
}

public struct ConfigError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
