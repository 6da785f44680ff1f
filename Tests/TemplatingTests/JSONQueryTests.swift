import XCTest
import Jinja
@testable import Templating

final class JSONQueryTests: TemplatingTestCase {
    let data: [String: Value] = ["d": json(#"""
    {"people": [{"name": "ann", "age": 31, "tags": ["a", "b"]}, {"name": "bob", "age": 25, "tags": []}],
     "map": {"x": {"v": 1}, "y": {"v": 2}}, "nested": [[1, 2], [3, [4]]]}
    """#)]

    func q(_ query: String) -> Value? {
        var vars = data
        vars["q"] = .string(query)
        return eval("d | json_query(q)", vars)
    }

    func testQueries() {
        XCTAssertEqual(q("people[*].name"), json(#"["ann", "bob"]"#))
        XCTAssertEqual(q("people[?age > `30`].name"), json(#"["ann"]"#))
        XCTAssertEqual(q("people[?name=='bob'].age | [0]"), .int(25))
        XCTAssertEqual(q("people[?contains(tags, 'b')].name"), json(#"["ann"]"#))
        XCTAssertEqual(q("map.*.v"), json("[1, 2]"))
        XCTAssertEqual(q("nested[]"), json("[1, 2, 3, [4]]"))
        XCTAssertEqual(q("people[*].{n: name, a: age}"), json(#"[{"n": "ann", "a": 31}, {"n": "bob", "a": 25}]"#))
        XCTAssertEqual(q("length(people)"), .int(2))
        XCTAssertEqual(q("sort_by(people, &age)[*].name"), json(#"["bob", "ann"]"#))
        XCTAssertEqual(q("people[0].missing"), Value.none)
        XCTAssertEqual(q("people[::-1].name"), json(#"["bob", "ann"]"#))
        XCTAssertEqual(render("{{ d | json_query('people[0].name') }}", data), "ann")
    }

    func testErrors() {
        var vars = data
        vars["q"] = .string("people[?age >")
        assertFails("d | json_query(q)", vars, containing: "json_query")
        vars["q"] = .string("nosuch(people)")
        assertFails("d | json_query(q)", vars, containing: "unknown function: nosuch()")
        vars["q"] = .string("sort(people)")
        assertFails("d | json_query(q)", vars, containing: "sorting requires all numbers or all strings")
    }
}
