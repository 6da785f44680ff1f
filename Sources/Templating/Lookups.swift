import Foundation
import Jinja

/// Lookup plugins: `lookup('file', ...)`, `query(...)`, and the `with_X` loops.
public enum Lookups {
    typealias Plugin = (_ terms: [Value], _ args: Arguments, _ env: Environment, _ context: TemplatingContext) throws -> [Value]

    static let plugins: [String: Plugin] = {
        var p: [String: Plugin] = [:]
        DataLookups.register(into: &p)
        FileLookups.register(into: &p)
        CommandLookups.register(into: &p)
        PasswordLookup.register(into: &p)
        return p
    }()

    public static var names: [String] { plugins.keys.sorted() }

    public static func install(into env: Environment, context: TemplatingContext) {
        env.globals["lookup"] = .callable(Callable(name: "lookup") { [weak env] args, kwargs in
            guard let env else { return .none }
            return try call(args, kwargs, wantList: kwargs["wantlist"]?.truthy ?? false, env: env, context: context)
        })
        let query = Value.callable(Callable(name: "query") { [weak env] args, kwargs in
            guard let env else { return .list([]) }
            return try call(args, kwargs, wantList: true, env: env, context: context)
        })
        env.globals["query"] = query
        env.globals["q"] = query
    }

    /// Runs one lookup plugin for a `with_<name>` loop and returns the items the loop iterates.
    /// `terms` are the loop's terms already templated and listified (`loopTerms`). `taskAction`
    /// (the task's module name) picks where `with_first_found` looks, as in Ansible: a template
    /// task searches templates/, include_vars vars/, anything else files/.
    public static func run(_ name: String, terms: [Value], kwargs: Kwargs, env: Environment, context: TemplatingContext,
                           taskAction: String? = nil) throws -> [Value] {
        let action = taskAction ?? ""
        let subdir = action.contains("template") ? "templates" : action.contains("var") ? "vars" : "files"
        return try runPlugin(name, terms: terms, kwargs: kwargs, env: env, context: context, loopSubdir: subdir)
    }

    static func runPlugin(_ name: String, terms: [Value], kwargs: Kwargs, env: Environment, context: TemplatingContext,
                          loopSubdir: String?) throws -> [Value] {
        guard let plugin = plugins[name] else {
            throw pluginError("lookup('\(name)')", "lookup plugin '\(name)' not found")
        }
        var args = Arguments("lookup('\(name)')", [], kwargs)
        args.loopSubdir = loopSubdir
        return try plugin(terms, args, env, context)
    }

    /// How Ansible turns a `with_X` value into lookup terms: lists as they are, anything else wrapped.
    public static func loopTerms(_ value: Value) -> [Value] {
        switch value {
        case .list(let l), .tuple(let l): return l
        default: return [value]
        }
    }

    static func call(_ args: [Value], _ kwargs: Kwargs, wantList: Bool, env: Environment, context: TemplatingContext) throws -> Value {
        guard let name = args.first?.stringValue else {
            throw pluginError("lookup", "the first argument must be the name of a lookup plugin")
        }
        var options = kwargs
        options.removeValue(forKey: "wantlist")
        let errors = options.removeValue(forKey: "errors")?.text ?? "strict"
        guard ["strict", "warn", "ignore"].contains(errors) else {
            throw pluginError("lookup('\(name)')", "'errors' must be one of strict, warn, ignore, got '\(errors)'")
        }
        let result: [Value]
        do {
            result = try runPlugin(name, terms: Array(args.dropFirst()), kwargs: options, env: env, context: context, loopSubdir: nil)
        } catch {
            if errors == "strict" { throw error }
            return wantList ? .list([]) : .none
        }
        if wantList { return .list(result) }
        // lookup(): strings are joined with commas; otherwise a single item stands alone.
        if result.allSatisfy({ $0.stringValue != nil }) { return .string(result.map(\.text).joined(separator: ",")) }
        return result.count == 1 ? result[0] : .list(result)
    }

    /// Finds `name` the way Ansible's file lookups do: absolute paths as they are; otherwise
    /// each search path's `subdir` folder, then the search path itself.
    static func findFile(_ name: String, subdir: String?, context: TemplatingContext) -> String? {
        let fm = FileManager.default
        if name.hasPrefix("/") { return fm.fileExists(atPath: name) ? name : nil }
        for base in context.searchPaths() {
            let candidates = (subdir.map { [base + "/" + $0 + "/" + name] } ?? []) + [base + "/" + name]
            for candidate in candidates where fm.fileExists(atPath: candidate) {
                return PathFilters.normPath(candidate)
            }
        }
        return nil
    }
}

