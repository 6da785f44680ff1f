import Jinja

/// Ansible's filters (to_json, combine, regex_replace, password_hash...), grouped by theme in
/// the Filters*.swift files.
public enum AnsibleFilters {
    public static func install(into env: Environment) {
        SerializationFilters.install(into: env)
        DataFilters.install(into: env)
        CollectionFilters.install(into: env)
        RegexFilters.install(into: env)
        HashFilters.install(into: env)
        PathFilters.install(into: env)
        TextFilters.install(into: env)
        TimeFilters.install(into: env)
        MiscFilters.install(into: env)
    }
}
