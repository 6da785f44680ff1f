import Foundation
import Jinja
import OrderedCollections
import XCTest
@testable import Modules

/// Remote commands per module run: a changing run, an unchanged second run, and a check-mode run.
final class RoundTripTests: ModuleTestCase {
    func testRoundTrips() throws {
        try write("f", "x", mode: 0o600)
        try write("text", "a=1\n")
        try write("ini", "[s]\na = 1\n")
        try Data("tpl {{ x }}\n".utf8).write(to: URL(fileURLWithPath: controllerDir + "/templates/t.j2"))
        try FileManager.default.createDirectory(atPath: controllerDir + "/files/tree/sub", withIntermediateDirectories: true)
        try Data("1".utf8).write(to: URL(fileURLWithPath: controllerDir + "/files/tree/one"))
        try Data("2".utf8).write(to: URL(fileURLWithPath: controllerDir + "/files/tree/sub/two"))
        XCTAssertEqual(try connection.inner.run("cd \(controllerDir)/files && tar -czf t.tgz tree && mkdir \(path("unpack"))", stdin: nil, become: nil).exitCode, 0)

        typealias Case = (name: String, run: (Bool) -> ModuleResult, expected: [Int])
        let cases: [Case] = [
            ("file attributes", { self.run(FileModule.self, ["path": .string(self.path("f")), "mode": "0644", "owner": "nobody"], check: $0) }, [2, 1, 1]),
            ("file directory", { self.run(FileModule.self, ["path": .string(self.path("d/e")), "state": "directory"], check: $0) }, [2, 1, 1]),
            ("copy content", { self.run(CopyModule.self, ["content": "c", "dest": .string(self.path("c"))], check: $0) }, [2, 1, 1]),
            ("copy tree", { self.run(CopyModule.self, ["src": "tree", "dest": .string(self.dir)], check: $0) }, [2, 1, 1]),
            ("template", { self.run(TemplateModule.self, ["src": "t.j2", "dest": .string(self.path("t"))], check: $0) }, [2, 1, 1]),
            ("lineinfile", { self.run(LineInFileModule.self, ["path": .string(self.path("text")), "line": "b=2"], check: $0) }, [2, 1, 1]),
            ("blockinfile", { self.run(BlockInFileModule.self, ["path": .string(self.path("text")), "block": "x"], check: $0) }, [2, 1, 1]),
            ("replace", { self.run(ReplaceModule.self, ["path": .string(self.path("text")), "regexp": "^a=1$", "replace": "a=2"], check: $0) }, [2, 1, 1]),
            ("ini_file", { self.run(IniFileModule.self, ["path": .string(self.path("ini")), "section": "s", "option": "a", "value": "2"], check: $0) }, [2, 1, 1]),
            ("stat", { self.run(StatModule.self, ["path": .string(self.path("f"))], check: $0) }, [1, 1, 1]),
            ("slurp", { self.run(SlurpModule.self, ["src": .string(self.path("f"))], check: $0) }, [1, 1, 1]),
            ("find", { self.run(FindModule.self, ["paths": .string(self.dir), "contains": "a="], check: $0) }, [2, 2, 2]),
            ("fetch", { self.run(FetchModule.self, ["src": .string(self.path("f")), "dest": .string(self.controllerDir + "/fetched")], check: $0) }, [1, 1, 1]),
            ("unarchive", { self.run(UnarchiveModule.self, ["src": "t.tgz", "dest": .string(self.path("unpack"))], check: $0) }, [2, 1, 1]),
            ("archive", { self.run(ArchiveModule.self, ["path": .string(self.path("tree")), "dest": .string(self.path("tree.tgz"))], check: $0) }, [2, 2, 2]),
            ("tempfile", { self.run(TempFileModule.self, ["path": .string(self.dir)], check: $0) }, [1, 1, 0]),
        ]
        var report: [String] = []
        for c in cases {
            var counts: [Int] = []
            for (i, check) in [false, false, true].enumerated() {
                let before = connection.commands.count
                let r = c.run(check)
                XCTAssertFalse(r.failed, "\(c.name): \(r["msg"]?.pythonStr ?? "")")
                if i == 1 && c.name != "tempfile" { XCTAssertFalse(r.changed, "\(c.name) second run changed") }
                counts.append(connection.commands.count - before)
            }
            report.append("\(c.name): changing=\(counts[0]) unchanged=\(counts[1]) check=\(counts[2])")
            XCTAssertEqual(counts, c.expected, c.name)
        }
        print("command count remote commands per run:\n  " + report.joined(separator: "\n  "))
    }
}
