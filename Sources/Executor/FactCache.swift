import Foundation
import Jinja
import Playbook

/// Where facts are cached, as Ansible's fact_caching settings say: `memory` (the default) keeps them
/// for the run only; `jsonfile` keeps one JSON file per host between runs.
public struct FactCacheSettings {
    /// fact_caching / ANSIBLE_CACHE_PLUGIN.
    public var plugin = "memory"
    /// fact_caching_connection / ANSIBLE_CACHE_PLUGIN_CONNECTION: the jsonfile directory.
    public var connection: String?
    /// fact_caching_prefix / ANSIBLE_CACHE_PLUGIN_PREFIX: file name prefix before the host name (none by default).
    public var prefix = ""
    /// fact_caching_timeout / ANSIBLE_CACHE_PLUGIN_TIMEOUT: seconds a cached entry stays valid; 0 = forever.
    public var timeout = 86400
    public init() {}
}

/// The jsonfile fact cache: `<connection>/<prefix><host>` holds the host's facts as JSON. Facts
/// gathered by setup and set with `set_fact: cacheable=true` are written here as they are set.
final class FactCache {
    let directory: String
    let prefix: String
    let timeout: Int
    /// Reports a cache file that could not be read or written (a warning; the run goes on).
    var warn: (String) -> Void = { _ in }

    /// nil for the memory cache: facts already live in the host states for the whole run.
    static func make(_ settings: FactCacheSettings) throws -> FactCache? {
        let plugin = settings.plugin.hasPrefix("ansible.builtin.") ? String(settings.plugin.dropFirst(16)) : settings.plugin
        switch plugin {
        case "memory", "": return nil
        case "jsonfile":
            guard let dir = settings.connection, !dir.isEmpty else {
                throw ConfigError(message: "error, 'jsonfile' cache plugin requires the 'fact_caching_connection' config option to be set (to a writeable directory path)")
            }
            let path = (dir as NSString).expandingTildeInPath
            do {
                try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            } catch {
                throw ConfigError(message: "error in 'jsonfile' cache, configured path (\(path)) does not have necessary permissions (rwx), disabling plugin")
            }
            return FactCache(directory: path, prefix: settings.prefix, timeout: settings.timeout)
        default:
            throw ConfigError(message: "Unable to load the facts cache plugin (\(settings.plugin)).")
        }
    }

    init(directory: String, prefix: String, timeout: Int) {
        self.directory = directory
        self.prefix = prefix
        self.timeout = timeout
    }

    func path(_ host: String) -> String { directory + "/" + prefix + host }

    /// The host's cached facts, or nil when there are none or they expired.
    func load(_ host: String) -> Vars? {
        let file = path(host)
        guard let attrs = try? FileManager.default.attributesOfItem(atPath: file) else { return nil }
        if timeout > 0, let modified = attrs[.modificationDate] as? Date,
           modified.addingTimeInterval(TimeInterval(timeout)) < Date() {
            return nil
        }
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
            warn("error in 'jsonfile' cache plugin while trying to read \(file)")
            return nil
        }
        guard case .dict(let facts)? = try? parseJSON(text) else {
            warn("error in 'jsonfile' cache plugin while trying to read \(file): not a JSON mapping")
            return nil
        }
        return facts
    }

    func save(_ host: String, _ facts: Vars) {
        let file = path(host)
        do {
            let text = try valueToJSON(.dict(facts), indent: 4, sortKeys: true)
            try text.write(toFile: file, atomically: true, encoding: .utf8)
        } catch {
            warn("error in 'jsonfile' cache plugin while trying to write to '\(file)' : \(error)")
        }
    }

    func remove(_ host: String) {
        try? FileManager.default.removeItem(atPath: path(host))
    }
}
