import XCTest
import Jinja
@testable import Templating

final class DataFilterTests: TemplatingTestCase {
    func testBoolAndTernary() {
        XCTAssertEqual(eval("['yes', 'On', '1', 'TRUE', 'no', 'off', '0', 'x', 1, 0, true] | map('bool') | list"),
                       json("[true, true, true, true, false, false, false, false, true, false, true]"))
        XCTAssertEqual(eval("none | bool"), .bool(false))
        XCTAssertEqual(render("{{ x | ternary('a', 'b') }}{{ '' | ternary('a', 'b') }}", ["x": true]), "ab")
        XCTAssertEqual(eval("none | ternary('a', 'b', 'n')"), .string("n"))
        XCTAssertEqual(eval("none | ternary('a', 'b')"), .string("b"))
    }

    func testCombine() {
        let vars: [String: Value] = ["a": json(#"{"x": 1, "n": {"p": 1, "l": [1, 2]}}"#), "b": json(#"{"y": 2, "n": {"q": 2, "l": [2, 3]}}"#)]
        XCTAssertEqual(eval("a | combine(b)", vars), json(#"{"x": 1, "n": {"q": 2, "l": [2, 3]}, "y": 2}"#))
        XCTAssertEqual(eval("a | combine(b, recursive=True)", vars), json(#"{"x": 1, "n": {"p": 1, "l": [2, 3], "q": 2}, "y": 2}"#))
        let modes: [(String, String)] = [("replace", "[2, 3]"), ("keep", "[1, 2]"), ("append", "[1, 2, 2, 3]"),
                                         ("prepend", "[2, 3, 1, 2]"), ("append_rp", "[1, 2, 3]"), ("prepend_rp", "[2, 3, 1]")]
        for (mode, expected) in modes {
            XCTAssertEqual(eval("(a | combine(b, recursive=True, list_merge='\(mode)')).n.l", vars), json(expected), mode)
        }
        XCTAssertEqual(eval("[{'a': 1}, {'b': 2}, {'a': 3}] | combine"), json(#"{"a": 3, "b": 2}"#))
        XCTAssertEqual(eval("{'a': 1} | combine({'b': 2}, [{'c': 3}, {'a': 0}])"), json(#"{"a": 0, "b": 2, "c": 3}"#))
        assertFails("{'a': 1} | combine({}, list_merge='bogus')", containing: "list_merge")
        assertFails("{'a': 1} | combine([1])", containing: "combine")
        assertFails("{'a': 1} | combine(nope)", containing: "nope")
    }

    func testDictItems() {
        XCTAssertEqual(eval("{'a': 1, 'b': 2} | dict2items"), json(#"[{"key": "a", "value": 1}, {"key": "b", "value": 2}]"#))
        XCTAssertEqual(eval("{'a': 1} | dict2items('k', 'v')"), json(#"[{"k": "a", "v": 1}]"#))
        XCTAssertEqual(eval("{'a': 1, 'b': 2} | dict2items | items2dict"), json(#"{"a": 1, "b": 2}"#))
        XCTAssertEqual(eval("[{'n': 'x', 'v': 1}] | items2dict(key_name='n', value_name='v')"), json(#"{"x": 1}"#))
        assertFails("[1] | dict2items", containing: "dict2items requires a dictionary")
        assertFails("[{'key': 'a'}] | items2dict", containing: "items2dict")
    }

    final class Hosts: ValueObject {
        var typeName: String { "HostVars" }
        var keys: [String]? { ["web1", "db1"] }
        func attribute(_ name: String) -> Value? { keys?.contains(name) == true ? .dict(["id": .string(name)]) : nil }
    }

    func testMappingObjects() {
        let vars: [String: Value] = ["hostvars": .object(Hosts())]
        XCTAssertEqual(eval("hostvars | dict2items | map(attribute='key') | list", vars), json(#"["web1", "db1"]"#))
        XCTAssertEqual(eval("hostvars | to_json", vars), .string(#"{"web1": {"id": "web1"}, "db1": {"id": "db1"}}"#))
    }

    func testZipFlatten() {
        XCTAssertEqual(eval("[1, 2, 3] | zip('ab') | map('list') | list"), json(#"[[1, "a"], [2, "b"]]"#))
        XCTAssertEqual(eval("[1] | zip_longest([2, 3], fillvalue=0) | map('list') | list"), json("[[1, 2], [0, 3]]"))
        XCTAssertEqual(eval("[1, [2, [3, [4]]], none, 'None', 5] | flatten"), json("[1, 2, 3, 4, 5]"))
        XCTAssertEqual(eval("[1, [2, [3]]] | flatten(1)"), json("[1, 2, [3]]"))
        XCTAssertEqual(eval("[1, [none]] | flatten(skip_nulls=False)"), json("[1, null]"))
    }

    func testSets() {
        XCTAssertEqual(eval("['a', 'A', 'b', 'a'] | unique"), json(#"["a", "b"]"#))
        XCTAssertEqual(eval("['a', 'A', 'b', 'a'] | unique(case_sensitive=True)"), json(#"["a", "A", "b"]"#))
        XCTAssertEqual(eval("[{'n': 1, 'x': 'a'}, {'n': 1, 'x': 'b'}] | unique(attribute='n')"), json(#"[{"n": 1, "x": "a"}]"#))
        XCTAssertEqual(eval("[1, 2, 3] | union([3, 4])"), json("[1, 2, 3, 4]"))
        XCTAssertEqual(eval("[1, 2, 3] | intersect([3, 2, 9])"), json("[2, 3]"))
        XCTAssertEqual(eval("[1, 2, 3] | difference([2])"), json("[1, 3]"))
        XCTAssertEqual(eval("[1, 2, 3] | symmetric_difference([3, 4])"), json("[1, 2, 4]"))
        XCTAssertEqual(eval("[{'a': 1}, {'a': 1}] | union([{'b': 2}])"), json(#"[{"a": 1}, {"b": 2}]"#))
    }

    func testSubelementsExtract() {
        let users = json(#"[{"name": "a", "groups": ["g1", "g2"]}, {"name": "b", "groups": []}, {"name": "c"}]"#)
        XCTAssertEqual(eval("users | subelements('groups', skip_missing=True) | map('last') | list", ["users": users]), json(#"["g1", "g2"]"#))
        XCTAssertEqual(eval("(users | subelements('groups', True))[0][0].name", ["users": users]), .string("a"))
        assertFails("users | subelements('groups')", ["users": users], containing: "could not find 'groups'")
        assertFails("users | subelements(1)", ["users": users], containing: "subelements must be a list or a string")
        XCTAssertEqual(eval("['x', 'y'] | map('extract', {'x': 1, 'y': 2}) | list"), json("[1, 2]"))
        XCTAssertEqual(eval("'k' | extract({'k': {'n': [5, 6]}}, ['n', 1])"), .int(6))
        XCTAssertEqual(eval("'zz' | extract({'k': 1}) is undefined"), .bool(true))
    }

    func testMiscData() {
        XCTAssertEqual(eval("[1, 'a', 2.5, [], {}, none, true] | map('type_debug') | list"),
                       json(#"["int", "str", "float", "list", "dict", "NoneType", "bool"]"#))
        XCTAssertEqual(eval("'a b  c' | split"), json(#"["a", "b", "c"]"#))
        XCTAssertEqual(eval("'a,b,,c' | split(',')"), json(#"["a", "b", "", "c"]"#))
        XCTAssertEqual(eval("x | mandatory", ["x": .int(1)]), .int(1))
        assertFails("nope | mandatory", containing: "Mandatory variable 'nope' not defined.")
        assertFails("nope | mandatory('set nope please')", containing: "set nope please")
    }

    func testRandomShuffle() {
        let a = eval("100 | random(seed='abc')"), b = eval("100 | random(seed='abc')")
        XCTAssertEqual(a, b)
        XCTAssertTrue((0..<100).contains(a?.intValue ?? -1))
        XCTAssertEqual(eval("[10, 20] | map('random', start=5, step=5) | list")?.listValue?.count, 2)
        for _ in 0..<20 {
            let v = eval("20 | random(10, 5)")?.intValue ?? -1
            XCTAssertTrue([10, 15].contains(v), "\(v)")
        }
        XCTAssertTrue(["a", "b"].contains(eval("['a', 'b'] | random")?.stringValue ?? ""))
        XCTAssertEqual(eval("[1, 2, 3, 4, 5] | shuffle(seed=7)"), eval("[1, 2, 3, 4, 5] | shuffle(seed=7)"))
        XCTAssertEqual(eval("[1, 2, 3, 4, 5] | shuffle | sort"), json("[1, 2, 3, 4, 5]"))
        assertFails("{} | random", containing: "random")
        assertFails("none | random", containing: "random can only be used on sequences and integers")
    }

    func testMath() {
        XCTAssertEqual(eval("[8 | log(2), 100 | log(10), 2 | pow(10), 27 | root(3), 16 | root]"), json("[3.0, 2.0, 1024.0, 3.0, 4.0]"))
        XCTAssertEqual(eval("[1, 2] | product(['a']) | map('list') | list"), json(#"[[1, "a"], [2, "a"]]"#))
        XCTAssertEqual(eval("[1, 2, 3] | combinations(2) | map('list') | list"), json("[[1, 2], [1, 3], [2, 3]]"))
        XCTAssertEqual(eval("[1, 2] | permutations | map('list') | list"), json("[[1, 2], [2, 1]]"))
        assertFails("'x' | log", containing: "log() can only be used on numbers")
    }
}

/// Failures read like ansible-core 2.19's: which kind of plugin, its name, then the reason.
final class ErrorWordingTests: TemplatingTestCase {
    func testWording() {
        assertFails("[1] | dict2items", containing: "The filter plugin 'ansible.builtin.dict2items' failed: dict2items requires a dictionary")
        assertFails("'x' is failed", containing: "The test plugin 'ansible.builtin.failed' failed: The 'failed' test expects a dictionary")
        assertFails("lookup('file', 'nope.txt')", containing: "The lookup plugin 'file' failed: could not locate file in lookup: nope.txt")
        assertFails("{} | json_query('[')", containing: "The filter plugin 'community.general.json_query' failed:")
    }
}

/// Hostile inputs must produce errors, never traps.
final class RobustnessTests: TemplatingTestCase {
    func testExtremeInputsFailCleanly() {
        assertFails("'100000 YB' | human_to_bytes", containing: "too large")
        assertFails("'%Y' | strftime(1e300)", containing: "Invalid value for epoch value")
        assertFails("9223372036854775807 | random(-9223372036854775807)", containing: "range too large")
        assertFails("query('sequence', 'start=9223372036854775800 count=9223372036854775807')", containing: "too long")
        XCTAssertEqual(eval("query('sequence', 'start=9223372036854775806 end=9223372036854775807')")?.listValue?.count, 2)
        assertFails("'x' | comment(prefix_count='many')", containing: "integers")
        // Python's json.loads messages, as ansible-core shows them.
        assertFails("'{\"a\": [1, }' | from_json", containing: "from_json' failed: Expecting value: line 1 column 11 (char 10)")
        assertFails("'\\\\ud800' | from_json", containing: "from_json' failed: Expecting value: line 1 column 1 (char 0)")
        assertFails("{'a': nope} | to_json", containing: "undefined")
        assertFails("[] | random", containing: "empty sequence")
        assertFails("10 | random(1e30)", containing: "must be an integer")
        XCTAssertEqual(eval("r is finished", ["r": json(#"{"finished": 1e300}"#)]), .bool(false))
        XCTAssertEqual(eval("'x' | to_nice_json(indent=-3)"), .string("\"x\""))
    }
}

/// The executor's templar runs Jinja with strict undefined: Ansible filters that exist to handle
/// undefined values must still receive them.
final class StrictUndefinedTests: TemplatingTestCase {
    override func makeEnv() -> Environment {
        var options = EnvironmentOptions()
        options.undefined = .strict
        let e = Environment(options: options)
        AnsibleExtensions.install(into: e, context: context)
        return e
    }

    func testMandatoryAndLookupsUnderStrictUndefined() {
        assertFails("nope | mandatory('please set nope')", containing: "please set nope")
        assertFails("nope | mandatory", containing: "Mandatory variable 'nope' not defined.")
        XCTAssertEqual(eval("query('items', [1, 2])"), json("[1, 2]"))
        XCTAssertEqual(eval("{'a': 1} | combine({'b': 2}) | to_json"), .string(#"{"a": 1, "b": 2}"#))
    }
}
