import Foundation
import Jinja
import OrderedCollections

/// JSON text <-> `Value`, keeping object key order (Docker's inspect output reads best in its own order).
/// Used by the Docker modules to talk to the Engine API and by docker_login for config.json.
enum DockerJSON {
    static func parse(_ data: Data) throws -> Value { try parseJSON(String(decoding: data, as: UTF8.self)) }

    static func parse(_ text: String) throws -> Value { try parseJSON(text) }

    /// Newline-separated JSON documents (the Engine's progress streams for pull, push, load).
    static func parseStream(_ data: Data) -> [Value] {
        String(decoding: data, as: UTF8.self).split(whereSeparator: { $0 == "\n" || $0 == "\r\n" }).compactMap {
            let line = $0.trimmingCharacters(in: .whitespaces)
            return line.isEmpty ? nil : try? parse(line)
        }
    }

    /// Compact JSON for request bodies; values JSON cannot hold become null.
    static func serialize(_ v: Value) -> String {
        (try? valueToJSON(nullingUnsupported(v), ensureASCII: false)) ?? "null"
    }

    private static func nullingUnsupported(_ v: Value) -> Value {
        switch v {
        case .undefined, .callable, .object: return .none
        case .double(let d) where !d.isFinite: return .none
        case .list(let l), .tuple(let l): return .list(l.map(nullingUnsupported))
        case .dict(let d): return .dict(d.mapValues(nullingUnsupported))
        default: return v
        }
    }
}
