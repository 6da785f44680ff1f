import Jinja

/// Ansible's filters (to_json, combine, regex_replace, password_hash...).
public enum AnsibleFilters {
    public static func install(into env: Environment) {}
}
