import Jinja

/// Ansible's tests (version, match, search, failed, changed...).
public enum AnsibleTests {
    public static func install(into env: Environment) {}
}
