import DataLoader
import Foundation
import Jinja
import OrderedCollections
import Vault

/// Lookups that read controller files: file, template, fileglob, first_found, ini.
enum FileLookups {
    static func register(into p: inout [String: Lookups.Plugin]) {
        p["file"] = { terms, args, _, context in
            let lstrip = args.keywords["lstrip"]?.truthy ?? false
            let rstrip = args.keywords["rstrip"]?.truthy ?? true
            return try terms.map { term in
                guard let path = Lookups.findFile(term.text, subdir: "files", context: context) else {
                    throw args.fail("could not locate file in lookup: \(term.text)")
                }
                var text = try read(path, args)
                if lstrip { text = String(text.drop(while: { $0.isWhitespace })) }
                if rstrip { text = CommandLookups.rstrip(text) }
                return .string(text)
            }
        }
        p["template"] = { terms, args, _, context in
            guard let render = context.renderTemplate else { throw args.fail("template rendering is not available in this context") }
            var extra = Kwargs()
            if let tv = args.keywords["template_vars"] {
                guard case .dict(let d) = tv else { throw args.fail("template_vars must be a dict, got \(tv.typeName)") }
                extra = d
            }
            return try terms.map { term in
                guard let path = Lookups.findFile(term.text, subdir: "templates", context: context) else {
                    throw args.fail("the template file \(term.text) could not be found for the lookup")
                }
                return .string(try render(try read(path, args), path, extra))
            }
        }
        p["fileglob"] = { terms, _, _, context in
            var out: [Value] = []
            for term in terms {
                let pattern = term.text
                let name = PathFilters.basename(pattern)
                var dirs: [String] = []
                if name != pattern {
                    if let d = Lookups.findFile(PathFilters.dirname(pattern), subdir: "files", context: context) { dirs = [d] }
                } else {
                    for base in context.searchPaths() { dirs += [base + "/files", base] }
                }
                for dir in dirs {
                    let found = glob(PathFilters.join([dir, name])).filter { isRegularFile($0) }
                    if !found.isEmpty {
                        out += found.map { .string($0) }
                        break
                    }
                }
            }
            return out
        }
        p["first_found"] = { terms, args, _, context in try firstFound(terms, args, context) }
        p["ini"] = { terms, args, _, context in try IniLookup.run(terms, args, context) }
    }

    /// A controller file's text, decrypted when it is vaulted (file, template and other lookups).
    static func read(_ path: String, _ args: Arguments) throws -> String {
        let contents: Data?
        do { contents = try VaultedData.contents(atPath: path) } catch let e as VaultError { throw args.fail(e.description) }
        guard let data = contents else {
            throw args.fail("could not read file: \(path)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw args.fail("file is not valid UTF-8 text: \(path)")
        }
        return text
    }

    static func isRegularFile(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && st.st_mode & S_IFMT == S_IFREG
    }

    /// Shell-style glob, sorted so results do not depend on directory order.
    static func glob(_ pattern: String) -> [String] {
        var g = glob_t()
        defer { globfree(&g) }
        guard Glibc.glob(pattern, 0, nil, &g) == 0 else { return [] }
        return (0..<Int(g.gl_pathc)).compactMap { g.gl_pathv[$0].map { String(cString: $0) } }.sorted()
    }

    static func split(_ v: Value, on separators: String) -> [String] {
        switch v {
        case .string(let s): return s.split(whereSeparator: { separators.contains($0) }).map(String.init)
        case .list(let l), .tuple(let l): return l.flatMap { split($0, on: separators) }
        default: return []
        }
    }

    static func firstFound(_ terms: [Value], _ args: Arguments, _ context: TemplatingContext) throws -> [Value] {
        var files: [String] = []
        var paths: [String] = []
        var skip = args.keywords["skip"]?.truthy ?? false
        for term in terms {
            switch term {
            case .dict(let d):
                files += split(d["files"] ?? .list([]), on: ",;")
                paths += split(d["paths"] ?? .list([]), on: ",:;")
                if let s = d["skip"] { skip = s.truthy }
            case .list(let l):
                files += l.map(\.text)
            default:
                files.append(term.text)
            }
        }
        if let f = args.keywords["files"] { files += split(f, on: ",;") }
        if let p = args.keywords["paths"] { paths += split(p, on: ",:;") }
        for file in files {
            let candidates = paths.isEmpty ? [file] : paths.map { PathFilters.join([$0, file]) }
            for candidate in candidates {
                // lookup('first_found') searches the search paths themselves; with_first_found
                // also looks in the task's folder (files/, templates/ or vars/).
                if let found = Lookups.findFile(candidate, subdir: args.loopSubdir, context: context) {
                    return [.string(found)]
                }
            }
        }
        if skip { return [] }
        throw args.fail("No file was found when using first_found.")
    }
}

/// `lookup('ini', 'key section=s file=f.ini default=d re=false')`: a value from an INI file
/// (keys are case-insensitive, as Python's configparser treats them).
enum IniLookup {
    static func run(_ terms: [Value], _ args: Arguments, _ context: TemplatingContext) throws -> [Value] {
        var out: [Value] = []
        for term in terms {
            var options: [String: String] = ["section": "global", "file": "ansible.ini", "default": "", "re": "false", "type": "ini"]
            for (k, v) in args.keywords { options[k] = v.text }
            var words = term.text.split(separator: " ").map(String.init)
            guard !words.isEmpty else { throw args.fail("missing key in term") }
            let key = words.removeFirst()
            for w in words {
                guard let eq = w.firstIndex(of: "=") else { throw args.fail("unrecognized term '\(w)'") }
                options[String(w[..<eq])] = String(w[w.index(after: eq)...])
            }
            let file = options["file"] ?? "ansible.ini"
            guard let path = Lookups.findFile(file, subdir: "files", context: context) else {
                throw args.fail("could not locate file in lookup: \(file)")
            }
            let text = try FileLookups.read(path, args)
            let properties = options["type"] == "properties"
            let section = properties ? "java_properties" : (options["section"] ?? "global")
            let table = parse(text, properties: properties)
            guard let values = table[section] else { throw args.fail("section '\(section)' not found in \(file)") }
            if DataFilters.toBool(.string(options["re"] ?? "false")).truthy {
                let re = try PythonRegex(key, plugin: args.plugin)
                out += values.filter { re.first($0.key, anchored: true) != nil }.map { .string($0.value) }
            } else if let v = values[properties ? key : key.lowercased()] {
                out.append(.string(v))
            } else {
                out.append(.string(options["default"] ?? ""))
            }
        }
        return out
    }

    /// Sections to their entries, in file order (regex lookups return matches in that order).
    static func parse(_ text: String, properties: Bool) -> [String: OrderedDictionary<String, String>] {
        var table: [String: OrderedDictionary<String, String>] = [:]
        var section = properties ? "java_properties" : ""
        for raw in text.split(whereSeparator: \.isNewline) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") || (properties && line.hasPrefix("!")) { continue }
            if !properties, line.hasPrefix("["), line.hasSuffix("]") {
                section = String(line.dropFirst().dropLast())
                table[section, default: [:]] = table[section] ?? [:]
                continue
            }
            guard let sep = line.firstIndex(where: { $0 == "=" || $0 == ":" }) else { continue }
            let k = line[..<sep].trimmingCharacters(in: .whitespaces)
            let v = line[line.index(after: sep)...].trimmingCharacters(in: .whitespaces)
            table[section, default: [:]][properties ? k : k.lowercased()] = v
        }
        return table
    }
}
