import XCTest
import Jinja
@testable import Templating

final class SerializationTests: TemplatingTestCase {
    let data = json(#"{"b": [1, 2.5, "x"], "a": {"n": null, "t": true}, "u": "é"}"#)

    func testToJSON() {
        XCTAssertEqual(render("{{ d | to_json }}", ["d": data]), #"{"b": [1, 2.5, "x"], "a": {"n": null, "t": true}, "u": "\u00e9"}"#)
        XCTAssertEqual(render("{{ d | to_json(sort_keys=True, ensure_ascii=False) }}", ["d": data]),
                       #"{"a": {"n": null, "t": true}, "b": [1, 2.5, "x"], "u": "é"}"#)
        XCTAssertEqual(render("{{ [] | to_json }}{{ {} | to_json }}"), "[]{}")
    }

    func testToNiceJSON() {
        XCTAssertEqual(render("{{ d | to_nice_json }}", ["d": data]), """
        {
            "a": {
                "n": null,
                "t": true
            },
            "b": [
                1,
                2.5,
                "x"
            ],
            "u": "\\u00e9"
        }
        """)
        XCTAssertEqual(render("{{ {'a': [1]} | to_nice_json(indent=2) }}"), "{\n  \"a\": [\n    1\n  ]\n}")
    }

    func testToJSONOptions() {
        XCTAssertEqual(render("{{ d | to_json(separators=[';', '=']) }}", ["d": data]), #"{"b"=[1;2.5;"x"];"a"={"n"=null;"t"=true};"u"="\u00e9"}"#)
        XCTAssertEqual(render("{{ ['nan' | float, 'inf' | float, -('inf' | float)] | to_json }}"), "[NaN, Infinity, -Infinity]")
        // to_nice_json always uses Python's indented separators.
        XCTAssertEqual(render("{{ [1, 2] | to_nice_json(indent=-1) }}"), "[1,2]")
        assertFails("[nosuch] | to_json", containing: "to_json")
    }

    func testFromJSON() {
        XCTAssertEqual(eval(#"'{"a": [1, 2.0, "s", null, true]}' | from_json"#), json(#"{"a": [1, 2.0, "s", null, true]}"#))
        XCTAssertEqual(eval(#"('{"z": 1, "a": 2}' | from_json).keys() | list"#), json(#"["z", "a"]"#))
        assertFails("'{bad' | from_json", containing: "from_json")
        // Ansible shows Python's json.loads message (recorded from ansible-core 2.19).
        let label = "The filter plugin 'ansible.builtin.from_json' failed: "
        assertFails("'{bad' | from_json", containing: label + "Expecting property name enclosed in double quotes: line 1 column 2 (char 1)")
        assertFails(#"'["é", x]' | from_json"#, containing: label + "Expecting value: line 1 column 7 (char 6)")
        assertFails(#"'"abc' | from_json"#, containing: label + "Unterminated string starting at: line 1 column 1 (char 0)")
        assertFails("'1 2' | from_json", containing: label + "Extra data: line 1 column 3 (char 2)")
        XCTAssertEqual(eval(#"'[NaN, -Infinity, 1e2, "\\ud83d\\ude00"]' | from_json | to_json"#), .string(#"[NaN, -Infinity, 100.0, "\ud83d\ude00"]"#))
    }

    func testToYAML() {
        XCTAssertEqual(render("{{ d | to_yaml }}", ["d": data]), "a: {n: null, t: true}\nb: [1, 2.5, x]\nu: é\n")
        // Ansible dumps with libyaml, which ends a lone plain scalar without "...".
        XCTAssertEqual(render("{{ 'abc' | to_yaml }}"), "abc\n")
        XCTAssertEqual(render("{{ ['yes', '1', '', 'a: b', '- x', 'ok'] | to_yaml }}"), "['yes', '1', '', 'a: b', '- x', ok]\n")
    }

    func testToNiceYAML() {
        XCTAssertEqual(render("{{ d | to_nice_yaml }}", ["d": data]), """
        a:
            n: null
            t: true
        b:
        - 1
        - 2.5
        - x
        u: é

        """)
        XCTAssertEqual(render("{{ [{'name': 'a', 'v': [1]}] | to_nice_yaml }}"), "-   name: a\n    v:\n    - 1\n")
        XCTAssertEqual(render("{{ {'s': 'line1\\nline2'} | to_nice_yaml }}"), "s: 'line1\n\n    line2'\n")
        XCTAssertEqual(render("{{ {'t': 'tab\\there'} | to_nice_yaml }}"), "t: \"tab\\there\"\n")
        XCTAssertEqual(render("{{ {'e': {}, 'l': []} | to_nice_yaml(indent=2) }}"), "e: {}\nl: []\n")
    }

    func testFromYAML() {
        XCTAssertEqual(eval("'a: 1\\nb: [yes, x]' | from_yaml"), json(#"{"a": 1, "b": [true, "x"]}"#))
        XCTAssertEqual(eval("'a: 1\\n---\\nb: 2\\n' | from_yaml_all"), json(#"[{"a": 1}, {"b": 2}]"#))
        assertFails("'a: [1' | from_yaml", containing: "from_yaml")
    }
}
