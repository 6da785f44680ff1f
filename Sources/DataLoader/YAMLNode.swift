import Foundation
import Jinja
import OrderedCollections

/// A YAML document as a tree that remembers where each node came from, so that the playbook and
/// inventory readers can report errors at the offending key.
public indirect enum YAMLNode {
    case scalar(Value, SourceMark)
    case sequence([YAMLNode], SourceMark)
    case mapping([YAMLEntry], SourceMark)

    public var mark: SourceMark {
        switch self {
        case .scalar(_, let m), .sequence(_, let m), .mapping(_, let m): return m
        }
    }

    /// The plain data, as Ansible sees it after loading.
    public var value: Value {
        switch self {
        case .scalar(let v, _): return v
        case .sequence(let items, _): return .list(items.map(\.value))
        case .mapping(let entries, _):
            var d = OrderedDictionary<String, Value>()
            for e in entries { d[e.key] = e.value.value }
            return .dict(d)
        }
    }

    public var entries: [YAMLEntry]? {
        if case .mapping(let e, _) = self { return e }
        return nil
    }

    public var items: [YAMLNode]? {
        if case .sequence(let i, _) = self { return i }
        return nil
    }

    public subscript(key: String) -> YAMLNode? {
        entries?.first { $0.key == key }?.value
    }

    /// What kind of node this is, for "expected a mapping, got a list" messages.
    public var kindName: String {
        switch self {
        case .scalar(let v, _): return v.isNone ? "null" : "a \(v.typeName == "str" ? "string" : v.typeName)"
        case .sequence: return "a list"
        case .mapping: return "a mapping"
        }
    }
}

public struct YAMLEntry {
    public var key: String
    public var keyMark: SourceMark
    public var value: YAMLNode
    /// The key as YAML typed it (`1234:` is an int), when it came from a document.
    public var typedKey: Value?
    public init(key: String, keyMark: SourceMark, value: YAMLNode, typedKey: Value? = nil) {
        self.key = key
        self.keyMark = keyMark
        self.value = value
        self.typedKey = typedKey
    }
}
