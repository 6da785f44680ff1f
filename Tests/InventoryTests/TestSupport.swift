import Foundation
import Inventory
import Jinja
import OrderedCollections
import XCTest

/// A fresh temporary directory holding the given files (path relative to the directory -> contents).
func makeTree(_ files: [String: String], file: StaticString = #filePath, line: UInt = #line) throws -> String {
    let root = NSTemporaryDirectory() + "inventory-tests-" + UUID().uuidString
    for (path, text) in files {
        let full = root + "/" + path
        try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: full, atomically: true, encoding: .utf8)
    }
    try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    return root
}

/// An inventory from one file's text, written under `name` in a temporary directory.
func inventory(_ text: String, name: String = "hosts") throws -> Inventory {
    let dir = try makeTree([name: text])
    return try Inventory(sources: [dir + "/" + name])
}

/// The error message a malformed inventory produces, or nil when it loads.
func loadError(_ text: String, name: String = "hosts") -> String? {
    do {
        _ = try inventory(text, name: name)
        return nil
    } catch {
        return "\(error)"
    }
}

extension Inventory {
    func vars(_ host: String, playbookDir: String? = nil) throws -> OrderedDictionary<String, Value> {
        var v = try variables(for: host, playbookDir: playbookDir)
        v.removeValue(forKey: "inventory_file")
        v.removeValue(forKey: "inventory_dir")
        return v
    }
}

/// Dict literal helper: `d(["a": .int(1)])` keeps the literal's order.
func d(_ pairs: KeyValuePairs<String, Value>) -> OrderedDictionary<String, Value> {
    var out = OrderedDictionary<String, Value>()
    for (k, v) in pairs { out[k] = v }
    return out
}
