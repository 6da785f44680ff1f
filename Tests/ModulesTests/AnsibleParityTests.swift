import Foundation
import Jinja
import OrderedCollections
import XCTest
@testable import Modules

/// Cases run through ansible-core 2.x (`ansible localhost -m MODULE -a ...`) on the same input; the
/// expected changed flag, msg and resulting file text are what Ansible produced.
final class AnsibleParityTests: ModuleTestCase {
    struct Case {
        var input: String
        var module: String
        var args: OrderedDictionary<String, Value>
        var changed: Bool
        var msg: String
        var output: String
    }

    let cases: [Case] = [
        Case(input: "a\nb\nc\n", module: "lineinfile", args: ["line": "x", "insertafter": "^a"], changed: true, msg: "line added", output: "a\nx\nb\nc\n"),
        Case(input: "a\nb\na\n", module: "lineinfile", args: ["line": "x", "insertbefore": "^a"], changed: true, msg: "line added", output: "a\nb\nx\na\n"),
        Case(input: "a\nb\na\n", module: "lineinfile", args: ["line": "x", "insertbefore": "^a", "firstmatch": true], changed: true, msg: "line added", output: "x\na\nb\na\n"),
        Case(input: "k=1\nk=2\n", module: "lineinfile", args: ["regexp": "^k=", "line": "k=9"], changed: true, msg: "line replaced", output: "k=1\nk=9\n"),
        Case(input: "k=1\nk=2\n", module: "lineinfile", args: ["regexp": "^k=", "line": "k=9", "firstmatch": true], changed: true, msg: "line replaced", output: "k=9\nk=2\n"),
        Case(input: "a\nb", module: "lineinfile", args: ["line": "b"], changed: true, msg: "line replaced", output: "a\nb\n"),
        Case(input: "", module: "lineinfile", args: ["line": "x", "insertbefore": "BOF"], changed: true, msg: "line added", output: "x\n"),
        Case(input: "xy\n", module: "lineinfile", args: ["regexp": "^(\\w)y$", "line": "\\1\\1", "backrefs": true], changed: true, msg: "line replaced", output: "xx\n"),
        Case(input: "a\nb\na\n", module: "lineinfile", args: ["line": "a", "state": "absent"], changed: true, msg: "2 line(s) removed", output: "b\n"),
        Case(input: "a\nb\n", module: "lineinfile", args: ["line": "z", "insertafter": "nomatch"], changed: true, msg: "line added", output: "a\nb\nz\n"),
        Case(input: "a\nb\n", module: "lineinfile", args: ["regexp": "^nomatch", "line": "z", "insertafter": "^a"], changed: true, msg: "line added", output: "a\nz\nb\n"),
        Case(input: "a\r\nb\r\n", module: "lineinfile", args: ["line": "b"], changed: true, msg: "line replaced", output: "a\r\nb\n"),
        Case(input: "k=1\n", module: "lineinfile", args: ["regexp": "^k=1$", "line": "k=2"], changed: true, msg: "line replaced", output: "k=2\n"),
        Case(input: "k=1\nz\n", module: "lineinfile", args: ["regexp": "^k=", "line": "k=1", "insertafter": "EOF"], changed: false, msg: "", output: "k=1\nz\n"),
        Case(input: "a\nb\n", module: "lineinfile", args: ["regexp": "^b", "line": "B", "insertbefore": "^a"], changed: true, msg: "line replaced", output: "a\nB\n"),
        Case(input: "a\n# BEGIN ANSIBLE MANAGED BLOCK\nold\n# END ANSIBLE MANAGED BLOCK\nb\n", module: "blockinfile", args: ["block": "new", "insertbefore": "BOF"],
             changed: true, msg: "Block inserted", output: "a\n# BEGIN ANSIBLE MANAGED BLOCK\nnew\n# END ANSIBLE MANAGED BLOCK\nb\n"),
        Case(input: "a\nb\n", module: "blockinfile", args: ["block": "X", "insertbefore": "^b"], changed: true, msg: "Block inserted",
             output: "a\n# BEGIN ANSIBLE MANAGED BLOCK\nX\n# END ANSIBLE MANAGED BLOCK\nb\n"),
        Case(input: "a\nb\n", module: "blockinfile", args: ["block": ""], changed: false, msg: "", output: "a\nb\n"),
        Case(input: "a\nb\n", module: "blockinfile", args: ["block": "X", "insertafter": "^a", "marker": "//{mark}"], changed: true, msg: "Block inserted", output: "a\n//BEGIN\nX\n//END\nb\n"),
        Case(input: "a\n\n", module: "blockinfile", args: ["block": "X", "prepend_newline": true, "append_newline": true], changed: true, msg: "Block inserted",
             output: "a\n\n# BEGIN ANSIBLE MANAGED BLOCK\nX\n# END ANSIBLE MANAGED BLOCK\n"),
        Case(input: "x\n# END ANSIBLE MANAGED BLOCK\nmid\n# BEGIN ANSIBLE MANAGED BLOCK\ny\n", module: "blockinfile", args: ["block": "new"], changed: true, msg: "Block inserted",
             output: "x\n# BEGIN ANSIBLE MANAGED BLOCK\nnew\n# END ANSIBLE MANAGED BLOCK\ny\n"),
        Case(input: "one\n", module: "blockinfile", args: ["block": "X", "state": "absent"], changed: false, msg: "", output: "one\n"),
        Case(input: "foo bar foo\n", module: "replace", args: ["regexp": "foo", "replace": "baz"], changed: true, msg: "2 replacements made", output: "baz bar baz\n"),
        Case(input: "line1\nline2\n", module: "replace", args: ["regexp": "^line(\\d)$", "replace": "L\\g<1>"], changed: true, msg: "2 replacements made", output: "L1\nL2\n"),
        Case(input: "x\n[s]\nx\n[t]\nx\n", module: "replace", args: ["regexp": "x", "replace": "y", "after": "\\[s\\]", "before": "\\[t\\]"], changed: true,
             msg: "1 replacements made", output: "x\n[s]\ny\n[t]\nx\n"),
        Case(input: "a\nb\n", module: "replace", args: ["regexp": "^", "replace": "#"], changed: true, msg: "3 replacements made", output: "#a\n#b\n#"),
        Case(input: "ab\nab\n", module: "replace", args: ["regexp": "(?P<x>a)(b)", "replace": "\\g<2>\\g<x>"], changed: true, msg: "2 replacements made", output: "ba\nba\n"),
        Case(input: "a-b\n", module: "replace", args: ["regexp": "-", "replace": "\\n"], changed: true, msg: "1 replacements made", output: "a\nb\n"),
    ]

    func testMatchesAnsible() throws {
        for (i, c) in cases.enumerated() {
            let name = "case\(i)"
            try write(name, c.input)
            var args = c.args
            args["path"] = .string(path(name))
            let r: ModuleResult
            switch c.module {
            case "lineinfile": r = run(LineInFileModule.self, args)
            case "blockinfile": r = run(BlockInFileModule.self, args)
            default: r = run(ReplaceModule.self, args)
            }
            XCTAssertFalse(r.failed, "\(i) \(c.module) \(c.args): \(r["msg"]?.pythonStr ?? "")")
            XCTAssertEqual(r.changed, c.changed, "\(i) \(c.module) \(c.args)")
            XCTAssertEqual(r["msg"]?.pythonStr, c.msg, "\(i) \(c.module) \(c.args)")
            XCTAssertEqual(read(name), c.output, "\(i) \(c.module) \(c.args)")
        }
    }
}
