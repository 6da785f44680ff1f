import Foundation
import Jinja

/// Ansible's tests (version, match, search, failed, changed...).
public enum AnsibleTests {
    public static func install(into env: Environment) {
        installVersion(into: env)
        installRegex(into: env)
        installCollections(into: env)
        installFiles(into: env)
        installResults(into: env)
        env.addTest("truthy") { input, args, _ in
            args.bool(0, "convert_bool", default: false) ? DataFilters.toBool(input).truthy : input.truthy
        }
        env.addTest("falsy") { input, args, _ in
            !(args.bool(0, "convert_bool", default: false) ? DataFilters.toBool(input).truthy : input.truthy)
        }
        env.addTest("nan") { input, _, _ in
            if case .double(let d) = input { return d.isNaN }
            return false
        }
        env.addTest("vault_encrypted") { input, _, _ in
            if case .string(let s) = input { return s.hasPrefix("$ANSIBLE_VAULT;") }
            return false
        }
        env.addTest("vaulted_file") { input, _, _ in
            guard let data = FileManager.default.contents(atPath: input.text) else { return false }
            return data.starts(with: Array("$ANSIBLE_VAULT;".utf8))
        }
    }

    static func versionTest(_ input: Value, _ args: Arguments) throws -> Bool {
        let left = input.text
        guard !left.isEmpty, !input.isNone else { throw args.fail("Input version value cannot be empty") }
        let right = try args.required(0, "version").text
        guard !right.isEmpty else { throw args.fail("Version parameter to compare against cannot be empty") }
        let op = try args.string(1, "operator", default: "eq") ?? "eq"
        guard let check = VersionCompare.operators[op] else {
            throw args.fail("Invalid operator type (\(op)). Must be one of <, <=, >, >=, ==, !=, =, <>, lt, le, gt, ge, eq, ne")
        }
        let strict = args.value(2, "strict")
        let typeArg = try args.string(3, "version_type")
        if let s = strict, s.truthy, typeArg != nil { throw args.fail("strict and version_type are mutually exclusive") }
        let type = typeArg ?? ((strict?.truthy ?? false) ? "strict" : "loose")
        return check(try VersionCompare.compare(left, right, type: type, plugin: args.plugin))
    }

    static func installVersion(into env: Environment) {
        env.addTest("version") { input, args, _ in try versionTest(input, args) }
        env.addTest("version_compare") { input, args, _ in try versionTest(input, args) }
        env.addFilter("version_compare") { input, args, _ in .bool(try versionTest(input, args)) }
    }

    static func installRegex(into env: Environment) {
        func run(_ input: Value, _ args: Arguments, matchType: String) throws -> Bool {
            guard case .string(let s) = input else { return false }
            let re = try PythonRegex(try args.string(0, "pattern", default: "") ?? "",
                                     ignoreCase: args.bool(1, "ignorecase", default: false),
                                     multiline: args.bool(2, "multiline", default: false), plugin: args.plugin)
            switch matchType {
            case "match": return re.first(s, anchored: true) != nil
            case "search": return re.first(s) != nil
            case "fullmatch":
                guard let m = re.first(s, anchored: true), let r = m.range else { return false }
                return r.upperBound == s.endIndex
            default: throw args.fail("Invalid match_type '\(matchType)': must be match, search or fullmatch")
            }
        }
        env.addTest("match") { input, args, _ in try run(input, args, matchType: "match") }
        env.addTest("search") { input, args, _ in try run(input, args, matchType: "search") }
        env.addTest("regex") { input, args, _ in
            try run(input, args, matchType: try args.string(3, "match_type", default: "search") ?? "search")
        }
    }

    static func installCollections(into env: Environment) {
        env.addTest("contains") { input, args, _ in try args.required(0, "value").containedIn(input) }
        env.addTest("subset") { input, args, _ in
            let big = try args.required(0, "b").iterated("subset")
            return try input.iterated("subset").allSatisfy { big.contains($0) }
        }
        env.addTest("superset") { input, args, _ in
            let small = try args.required(0, "b").iterated("superset")
            let big = try input.iterated("superset")
            return small.allSatisfy { big.contains($0) }
        }
        env.addTest("any") { input, _, _ in try input.iterated("any").contains { $0.truthy } }
        env.addTest("all") { input, _, _ in try input.iterated("all").allSatisfy { $0.truthy } }
    }

    static func installFiles(into env: Environment) {
        func info(_ path: String) -> stat? {
            var st = stat()
            return stat(path, &st) == 0 ? st : nil
        }
        env.addTest("exists") { input, _, _ in
            let p = PathFilters.expandUser(input.text)
            var st = stat()
            return stat(p, &st) == 0 || lstat(p, &st) == 0
        }
        env.addTest("file") { input, _, _ in info(input.text).map { $0.st_mode & S_IFMT == S_IFREG } ?? false }
        env.addTest("directory") { input, _, _ in info(input.text).map { $0.st_mode & S_IFMT == S_IFDIR } ?? false }
        env.addTest("link") { input, _, _ in
            var st = stat()
            return lstat(input.text, &st) == 0 && st.st_mode & S_IFMT == S_IFLNK
        }
        env.addTest("link_exists") { input, _, _ in
            var st = stat()
            return lstat(input.text, &st) == 0
        }
        env.addTest("abs") { input, _, _ in input.text.hasPrefix("/") }
        env.addTest("same_file") { input, args, _ in
            guard let a = info(input.text), let b = info(try args.required(0, "path2").text) else { return false }
            return a.st_dev == b.st_dev && a.st_ino == b.st_ino
        }
        env.addTest("mount") { input, _, _ in
            let p = PathFilters.realPath(input.text)
            guard let here = info(p) else { return false }
            if p == "/" { return true }
            guard let parent = info(PathFilters.dirname(p).isEmpty ? "/" : PathFilters.dirname(p)) else { return false }
            return here.st_dev != parent.st_dev || here.st_ino == parent.st_ino
        }
    }

    /// Task result tests: the input must be a registered result (a dict).
    static func installResults(into env: Environment) {
        func result(_ v: Value, _ name: String) throws -> Jinja.Value {
            guard case .dict = v else { throw pluginError(name, "The '\(pluginName(name))' test expects a dictionary, got \(v.typeName)") }
            return v
        }
        func flag(_ r: Value, _ key: String, _ def: Bool = false) -> Bool {
            r[key].map { $0.truthy } ?? def
        }
        let failed: (Value, String) throws -> Bool = { v, n in flag(try result(v, n), "failed") }
        let changed: (Value, String) throws -> Bool = { v, n in
            let r = try result(v, n)
            if r["changed"] != nil { return flag(r, "changed") }
            if let items = r["results"]?.listValue { return items.contains { $0["changed"]?.truthy ?? false } }
            return false
        }
        let skipped: (Value, String) throws -> Bool = { v, n in flag(try result(v, n), "skipped") }
        let unreachable: (Value, String) throws -> Bool = { v, n in flag(try result(v, n), "unreachable") }
        for name in ["failed", "failure"] { env.addTest(name) { v, a, _ in try failed(v, a.plugin) } }
        for name in ["succeeded", "success", "successful"] { env.addTest(name) { v, a, _ in try !failed(v, a.plugin) } }
        for name in ["changed", "change"] { env.addTest(name) { v, a, _ in try changed(v, a.plugin) } }
        for name in ["skipped", "skip"] { env.addTest(name) { v, a, _ in try skipped(v, a.plugin) } }
        env.addTest("unreachable") { v, a, _ in try unreachable(v, a.plugin) }
        env.addTest("reachable") { v, a, _ in try !unreachable(v, a.plugin) }
        env.addTest("finished") { v, a, _ in
            let r = try result(v, a.plugin)
            guard let f = r["finished"] else { return true }
            return f.safeInt == 1 || f == .bool(true)
        }
        env.addTest("started") { v, a, _ in
            let r = try result(v, a.plugin)
            guard let s = r["started"] else { return true }
            return s.safeInt == 1 || s == .bool(true)
        }
    }
}
