import Foundation
import Jinja
import OrderedCollections
import Vault
import Yams

/// Reads YAML the way Ansible (PyYAML, YAML 1.1) types it: `yes`/`on` are booleans, `0644` is octal,
/// `1e3` without a dot stays a string. Keeps mapping order and source positions.
public enum YAMLLoader {
    /// Loads the first document of a file; nil for an empty file.
    public static func load(file: String) throws -> YAMLNode? {
        try loadAll(text: read(file), file: file).first
    }

    public static func load(text: String, file: String) throws -> YAMLNode? {
        try loadAll(text: text, file: file).first
    }

    public static func loadAll(text: String, file: String) throws -> [YAMLNode] {
        do {
            var docs: [YAMLNode] = []
            var sequence = try Yams.compose_all(yaml: text, .basic)
            while let node = sequence.next() {
                docs.append(try convert(node, file: file))
            }
            if let error = sequence.error { throw error }
            return docs
        } catch let error as YamlError {
            throw sourceError(error, file: file)
        }
    }

    public static func read(_ file: String) throws -> String {
        // Device files such as /dev/null are read through a file handle; vaulted files are decrypted.
        let contents: Data?
        do { contents = try VaultedData.contents(atPath: file) } catch let e as VaultError { throw SourceError(e.description, at: nil) }
        guard let data = contents else {
            throw SourceError("could not read file '\(file)'", at: nil)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw SourceError("'\(file)' is not valid UTF-8 text", at: SourceMark(file: file, line: 1, column: 1))
        }
        return text
    }

    private static func mark(_ m: Mark?, _ file: String) -> SourceMark {
        SourceMark(file: file, line: m?.line ?? 1, column: m?.column ?? 1)
    }

    private static func convert(_ node: Node, file: String) throws -> YAMLNode {
        switch node {
        case .scalar(let s):
            if s.tag.description == "!vault" {
                return .scalar(.string(VaultedData.inline(s.string, at: mark(s.mark, file))), mark(s.mark, file))
            }
            return .scalar(scalarValue(s), mark(s.mark, file))
        case .sequence(let seq):
            return .sequence(try seq.map { try convert($0, file: file) }, mark(seq.mark, file))
        case .mapping(let map):
            var entries: [YAMLEntry] = []
            for (k, v) in map {
                let keyMark = mark(k.mark, file)
                let value = try convert(v, file: file)
                if case .scalar(let ks) = k, ks.string == "<<", ks.style == .plain {
                    // Merge keys: later explicit keys win, merged ones fill the gaps.
                    let merged = (value.items ?? [value]).flatMap { $0.entries ?? [] }
                    for e in merged where !entries.contains(where: { $0.key == e.key }) { entries.append(e) }
                    continue
                }
                let typedKey: Value
                switch k {
                case .scalar(let ks): typedKey = scalarValue(ks)
                default: throw SourceError("mapping keys must be scalars", at: keyMark)
                }
                let key = typedKey.pythonStr
                if let i = entries.firstIndex(where: { $0.key == key }) {
                    entries[i] = YAMLEntry(key: key, keyMark: keyMark, value: value, typedKey: typedKey)  // last one wins, as PyYAML
                } else {
                    entries.append(YAMLEntry(key: key, keyMark: keyMark, value: value, typedKey: typedKey))
                }
            }
            return .mapping(entries, mark(map.mark, file))
        }
    }

    private static func scalarValue(_ s: Node.Scalar) -> Value {
        let name = s.tag.description
        switch name {
        case Tag.Name.int.rawValue: return parseInt(s.string).map(Value.int) ?? .string(s.string)
        case Tag.Name.float.rawValue: return parseFloat(s.string).map(Value.double) ?? .string(s.string)
        case Tag.Name.bool.rawValue: return parseBool(s.string).map(Value.bool) ?? .string(s.string)
        case Tag.Name.null.rawValue: return .none
        case "!unsafe": return .string(UnsafeText.wrap(s.string))
        default: break
        }
        guard s.style == .plain else { return .string(s.string) }
        return resolvePlain(s.string)
    }

    /// YAML 1.1 implicit typing of a plain scalar, as PyYAML does it.
    public static func resolvePlain(_ text: String) -> Value {
        switch text {
        case "", "~", "null", "Null", "NULL": return .none
        default: break
        }
        if let b = parseBool(text) { return .bool(b) }
        if let i = parseInt(text) { return .int(i) }
        if let d = parseFloat(text) { return .double(d) }
        return .string(text)
    }

    static func parseBool(_ t: String) -> Bool? {
        switch t {
        case "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON": return true
        case "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF": return false
        default: return nil
        }
    }

    static func parseInt(_ raw: String) -> Int? {
        var t = raw.replacingOccurrences(of: "_", with: "")
        guard !t.isEmpty, t != raw || !raw.hasPrefix("_") else { return nil }
        var sign = 1
        if t.hasPrefix("-") { sign = -1; t.removeFirst() } else if t.hasPrefix("+") { t.removeFirst() }
        guard let first = t.first, first.isASCII, first.isNumber else { return nil }
        let value: Int?
        if t.hasPrefix("0x") { value = Int(t.dropFirst(2), radix: 16) }
        else if t.hasPrefix("0b") { value = Int(t.dropFirst(2), radix: 2) }
        else if t.count > 1 && t.hasPrefix("0") { value = Int(t.dropFirst(), radix: 8) }
        else if t.contains(":"), t.range(of: #"^[1-9][0-9]*(:[0-5]?[0-9])+$"#, options: .regularExpression) != nil {
            // YAML 1.1 base 60: 1:30 is 90.
            value = t.split(separator: ":").reduce(0) { $0 * 60 + (Int($1) ?? 0) }
        }
        else if t.allSatisfy({ $0.isASCII && $0.isNumber }) { value = Int(t) }
        else { value = nil }
        return value.map { $0 * sign }
    }

    static func parseFloat(_ raw: String) -> Double? {
        let t = raw.replacingOccurrences(of: "_", with: "")
        switch t.lowercased() {
        case ".inf", "+.inf": return .infinity
        case "-.inf": return -.infinity
        case ".nan": return .nan
        default: break
        }
        // PyYAML needs a '.' in a float: "1e3" is a string.
        guard t.contains("."), t.range(of: #"^[-+]?([0-9][0-9]*)?\.[0-9]*([eE][-+][0-9]+)?$"#, options: .regularExpression) != nil,
              t.contains(where: { $0.isNumber }) else { return nil }
        return Double(t)
    }

    private static func sourceError(_ error: YamlError, file: String) -> SourceError {
        switch error {
        case .scanner(let context, let problem, let m, _), .parser(let context, let problem, let m, _), .composer(let context, let problem, let m, _):
            var msg = "YAML syntax error: \(problem)"
            if let context { msg += " (\(context.text) at line \(context.mark.line), column \(context.mark.column))" }
            return SourceError(msg, at: SourceMark(file: file, line: m.line, column: m.column))
        case .reader(let problem, _, _, _):
            return SourceError("YAML read error: \(problem)", at: SourceMark(file: file, line: 1, column: 1))
        default:
            return SourceError("YAML error: \(error)", at: SourceMark(file: file, line: 1, column: 1))
        }
    }
}
