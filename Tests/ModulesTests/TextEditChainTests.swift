import Foundation
import Jinja
import OrderedCollections
import XCTest
@testable import Modules

/// A loop's edits of one file applied in memory and written once give each item the result it gets
/// run alone after the items before it, and the same file, in two round trips.
final class TextEditChainTests: ModuleTestCase {
    private func compare<M: TextEditModule>(_ module: M.Type, initial: String?, _ items: [OrderedDictionary<String, Value>],
                                            check: Bool = false, file: StaticString = #filePath, line: UInt = #line) throws {
        let target = path("f.conf")
        func reset() throws {
            try? FileManager.default.removeItem(atPath: target)
            if let initial { try write("f.conf", initial) }
        }
        let args = try items.map { try M.spec.validate($0.merging(["path": .string(target)]) { $1 }, module: M.name) }
        try reset()
        let alone = args.map { a in Result { try M.run(a, context(check: check, diff: true)) } }
        let aloneText = read("f.conf")
        try reset()
        let before = connection.commands.count
        guard let combined = M.runCombined(args, context(check: check, diff: true)) else { return XCTFail("not combined", file: file, line: line) }
        XCTAssertLessThanOrEqual(connection.commands.count - before, 2, "one read, one write", file: file, line: line)
        XCTAssertEqual(read("f.conf"), aloneText, file: file, line: line)
        for (i, (a, c)) in zip(alone, combined).enumerated() {
            switch (a, c) {
            case (.success(let x), .success(let y)): XCTAssertEqual(x.values, y.values, "item \(i)", file: file, line: line)
            case (.failure(let x), .failure(let y)): XCTAssertEqual("\(x)", "\(y)", "item \(i)", file: file, line: line)
            default: XCTFail("item \(i): \(a) alone, \(c) combined", file: file, line: line)
            }
        }
    }

    func testLineEditsMatchOneByOne() throws {
        let items: [OrderedDictionary<String, Value>] = [
            ["line": "a=1"], ["line": "b=2", "regexp": "^b="], ["line": "c=3", "insertbefore": "^a="],
            ["regexp": "^old", "state": "absent"], ["line": "b=2"],
        ]
        try compare(LineInFileModule.self, initial: "old=1\nb=0\n", items)
        try compare(LineInFileModule.self, initial: "old=1\nb=0\n", items, check: true)
        // No file: the first item fails, the second creates it with its mode, the rest edit it.
        try compare(LineInFileModule.self, initial: nil,
                    [["line": "a=1", "mode": "0600"], ["line": "a=1", "create": true, "mode": "0600"], ["line": "b=2", "mode": "0600"]])
    }

    func testBlockAndReplaceEditsMatchOneByOne() throws {
        try compare(BlockInFileModule.self, initial: "x\n", [["block": "one", "marker": "# {mark} 1"], ["block": "two", "marker": "# {mark} 2"],
                                                             ["block": "ONE", "marker": "# {mark} 1"]])
        try compare(ReplaceModule.self, initial: "a b a\n", [["regexp": "a", "replace": "c"], ["regexp": "c b", "replace": "d"], ["regexp": "zz", "replace": "y"]])
    }
}
