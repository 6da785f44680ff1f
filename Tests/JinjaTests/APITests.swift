import Foundation
import XCTest
import Jinja

/// The public API the executor relies on, and error reporting.
final class APITests: XCTestCase {
    func render(_ src: String, _ vars: [String: Value] = [:], options: EnvironmentOptions = .init()) throws -> String {
        try Environment(options: options).template(src).render(vars)
    }

    func syntaxError(_ src: String, name: String? = nil) -> TemplateError? {
        do {
            _ = try Environment().template(src, name: name)
            return nil
        } catch let e as TemplateError {
            return e
        } catch {
            return nil
        }
    }

    // MARK: syntax errors

    func testSyntaxErrorNamesTemplateLineAndColumn() throws {
        let e = try XCTUnwrap(syntaxError("line one\n{{ 1 x }}", name: "roles/web/templates/site.j2"))
        XCTAssertEqual(e.kind, .syntax)
        XCTAssertEqual(e.templateName, "roles/web/templates/site.j2")
        XCTAssertEqual(e.line, 2)
        XCTAssertEqual(e.column, 6)
        XCTAssertEqual(e.message, "expected token 'end of print statement', got 'x'")
        XCTAssertEqual(e.description, "template error in 'roles/web/templates/site.j2': expected token 'end of print statement', got 'x' (line 2, column 6)")
    }

    func testSyntaxErrorWithoutNameUsesPlaceholder() throws {
        let e = try XCTUnwrap(syntaxError("{{ 1 x }}"))
        XCTAssertEqual(e.templateName, "<template>")
        XCTAssertEqual(e.description, "template error while templating string: expected token 'end of print statement', got 'x' (line 1, column 6)")
    }

    func testUnclosedBlockSaysWhatWasExpected() throws {
        let e = try XCTUnwrap(syntaxError("{% for x in y %}\nbody\n"))
        XCTAssertEqual(e.kind, .syntax)
        XCTAssertTrue(e.message.contains("'endfor' or 'else'"), e.message)
        XCTAssertTrue(e.message.contains("innermost block that needs to be closed is 'for'"), e.message)
    }

    func testUnknownTagAndBadCharacter() throws {
        XCTAssertEqual(syntaxError("{% frob %}")?.message, "Encountered unknown tag 'frob'.")
        let e = try XCTUnwrap(syntaxError("ab\n  {{ 1 $ 2 }}"))
        XCTAssertEqual(e.line, 2)
        XCTAssertEqual(e.column, 8)
        XCTAssertTrue(e.message.contains("unexpected char '$'"), e.message)
    }

    func testUnterminatedStringAndComment() throws {
        XCTAssertEqual(syntaxError("{{ 'abc }}")?.message, "unexpected end of string")
        XCTAssertEqual(syntaxError("x {# open")?.message, "Missing end of comment tag")
        XCTAssertEqual(syntaxError("{% raw %} never closed")?.message, "Missing end of raw directive")
    }

    // MARK: runtime errors

    func testUndefinedErrorMessages() throws {
        var opts = EnvironmentOptions()
        opts.undefined = .strict
        XCTAssertThrowsError(try render("{{ foo }}", options: opts)) { err in
            let e = err as? TemplateError
            XCTAssertEqual(e?.kind, .undefined)
            XCTAssertEqual(e?.description, "'foo' is undefined")
        }
        XCTAssertThrowsError(try render("{{ d.bar }}", ["d": .dict(["a": .int(1)])], options: opts)) { err in
            XCTAssertEqual((err as? TemplateError)?.description, "'dict object' has no attribute 'bar'")
        }
        XCTAssertEqual(try render("{{ foo.bar.baz is defined }}", options: opts), "False")
    }

    func testRuntimeErrorsCarryLine() throws {
        XCTAssertThrowsError(try Environment().template("a\nb {{ 1 / 0 }}", name: "t.j2").render([:])) { err in
            let e = err as? TemplateError
            XCTAssertEqual(e?.kind, .runtime)
            XCTAssertEqual(e?.line, 2)
            XCTAssertEqual(e?.templateName, "t.j2")
        }
        XCTAssertThrowsError(try render("{{ 'a' + 1 }}")) { err in
            XCTAssertEqual((err as? TemplateError)?.kind, .type)
        }
    }

    func testRecursionIsBounded() throws {
        XCTAssertThrowsError(try render("{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}")) { err in
            XCTAssertEqual((err as? TemplateError)?.message, "maximum recursion depth exceeded")
        }
        let env = Environment()
        env.loader = { name in ("{% include 'self.j2' %}", name) }
        XCTAssertThrowsError(try env.template("{% include 'self.j2' %}").render([:]))
    }

    func testDeepNestingIsAnErrorNotACrash() throws {
        let deep = "{{ " + String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000) + " }}"
        XCTAssertEqual(syntaxError(deep)?.kind, .syntax)
        let tags = String(repeating: "{% if true %}", count: 5000)
        XCTAssertEqual(syntaxError(tags)?.kind, .syntax)
    }

    func testAbsurdSizesAreErrorsNotCrashes() throws {
        for src in ["{{ 'x'|center(10**12) }}", "{{ 'ab' * 10**12 }}", "{{ [1] * 10**15 }}", "{{ '%*d' % (10**12, 1) }}",
                    "{{ '{:>1000000000000}'.format(1) }}", "{{ 'a\nb'|indent(10**12) }}", "{{ [1]|batch(10**12, 0)|list }}",
                    "{{ range(-9223372036854775807, 9223372036854775807)|length }}", "{{ {'a': 1}|tojson(indent=10**12) }}",
                    "{{ '1'.zfill(10**12) }}", "{{ '%.1000000000000d' % 1 }}"] {
            XCTAssertThrowsError(try render(src), src) { err in
                XCTAssertNotNil(err as? TemplateError, src)
            }
        }
        XCTAssertLessThan(try render("{{ lipsum(1, false, 10**12, 10**12)|wordcount }}").count, 8)
    }

    // MARK: API surface

    func testSingleExpressionKeepsNativeTypes() throws {
        let env = Environment()
        let t = try env.template("{{ [1, 2] }}")
        let e = try XCTUnwrap(t.singleExpression)
        XCTAssertEqual(try e.evaluate(DictVariables([:])), .list([.int(1), .int(2)]))
        XCTAssertNil(try env.template(" {{ x }}").singleExpression)
        XCTAssertNil(try env.template("{{ x }}\n").singleExpression)
        XCTAssertNil(try env.template("{{ x }}{{ y }}").singleExpression)
        XCTAssertNil(try env.template("{{ x }} and {{ y }}").singleExpression)
        XCTAssertNotNil(try env.template("{{ x | default({}) }}").singleExpression)
    }

    func testIsPlainText() throws {
        let env = Environment()
        XCTAssertTrue(try env.template("just text, { not a tag }").isPlainText)
        XCTAssertFalse(try env.template("a {{ b }}").isPlainText)
        XCTAssertFalse(try env.template("a {% if x %}{% endif %}").isPlainText)
        XCTAssertFalse(try env.template("a {# c #}").isPlainText)
    }

    func testExpressionEvaluation() throws {
        let env = Environment()
        let vars = DictVariables(["groups": .list([.string("web")]), "n": .int(3)])
        XCTAssertEqual(try env.expression("'web' in groups and n > 2").evaluate(vars), .bool(true))
        XCTAssertEqual(try env.expression("n / 2").evaluate(vars), .double(1.5))
        XCTAssertThrowsError(try env.expression("n +"))
    }

    func testLazyVariableSource() throws {
        final class Counting: VariableSource {
            var asked: [String] = []
            func lookup(_ name: String) throws -> Value? {
                asked.append(name)
                return name == "x" ? .int(5) : nil
            }
        }
        let src = Counting()
        XCTAssertEqual(try Environment().template("{{ x }}{{ y is defined }}").render(src), "5False")
        XCTAssertEqual(src.asked, ["x", "y"])
    }

    func testFiltersRegisteredLaterAreUsedByMapAndSelect() throws {
        let env = Environment()
        env.filters["shout"] = { v, args, _, env in .string(try env.str(v).uppercased() + (args.first?.pythonStr ?? "")) }
        env.tests["short"] = { v, _, _, _ in (v.stringValue?.count ?? 0) < 3 }
        let out = try env.template("{{ ['ab', 'cde']|map('shout', '!')|join(' ') }} {{ ['ab', 'cde']|select('short')|list }}").render([:])
        XCTAssertEqual(out, "AB! CDE! ['ab']")
        XCTAssertEqual(try env.callFilter("shout", .string("x")), .string("X"))
        XCTAssertTrue(try env.callTest("short", .string("x")))
        XCTAssertThrowsError(try env.callFilter("nope", .none))
    }

    func testTemplateCacheAndLoader() throws {
        let env = Environment()
        var loads = 0
        env.loader = { name in
            loads += 1
            guard name == "inc.j2" else { throw TemplateError(kind: .runtime, message: "not found: \(name)") }
            return ("[{{ v }}]", name)
        }
        let t = try env.template("{% for v in [1, 2] %}{% include 'inc.j2' %}{% endfor %}", name: "main")
        XCTAssertEqual(try t.render([:]), "[1][2]")
        XCTAssertEqual(loads, 1)
    }

    func testChangingOptionsIsNotDefeatedByTheCache() throws {
        let env = Environment()
        let src = "{% if true %}\nx{% endif %}"
        XCTAssertEqual(try env.template(src).render([:]), "\nx")
        env.options.trimBlocks = true
        XCTAssertEqual(try env.template(src).render([:]), "x")
    }

    func testLoaderErrorsAreTemplateErrors() throws {
        struct Missing: Error {}
        let env = Environment()
        env.loader = { _ in throw Missing() }
        XCTAssertEqual(try env.template("a{% include 'x.j2' ignore missing %}b").render([:]), "ab")
        XCTAssertThrowsError(try env.template("{% include 'x.j2' %}").render([:])) { err in
            XCTAssertEqual((err as? TemplateError)?.kind, .runtime)
            XCTAssertTrue((err as? TemplateError)?.message.hasPrefix("TemplateNotFound: x.j2") ?? false)
        }
        env.loader = { name in ("{% if %}", name) }
        XCTAssertThrowsError(try env.template("{% include 'bad.j2' ignore missing %}").render([:])) { err in
            XCTAssertEqual((err as? TemplateError)?.kind, .syntax)
            XCTAssertEqual((err as? TemplateError)?.templateName, "bad.j2")
        }
    }

    func testListMutationThroughSetVariable() throws {
        XCTAssertEqual(try render("{% set x = [] %}{% set _ = x.append(1) %}{{ x }}"), "[1]")
        XCTAssertEqual(try render("{% set d = {} %}{% set _ = d.update({'k': 1}) %}{{ d.k }}"), "1")
    }

    func testConcurrentRendersShareOneEnvironment() throws {
        let env = Environment()
        env.loader = { name in ("{% macro m(x) %}<{{ x }}>{% endmacro %}", name) }
        var results = [String](repeating: "", count: 16)
        let lock = NSLock()
        DispatchQueue.concurrentPerform(iterations: 16) { i in
            let out = (try? env.template("{% import 'm' as lib %}{% for j in range(\(i)) %}{{ lib.m(j) }}{% endfor %}").render([:])) ?? "error"
            lock.withLock { results[i] = out }
        }
        for i in 0..<16 {
            XCTAssertEqual(results[i], (0..<i).map { "<\($0)>" }.joined())
        }
    }

    /// Worker threads have smaller stacks than the main thread: the recursion and nesting limits
    /// must trip before the stack runs out there too.
    func testLimitsHoldOnWorkerThreads() throws {
        var errors = [String](repeating: "", count: 2)
        let lock = NSLock()
        DispatchQueue.concurrentPerform(iterations: 2) { i in
            let env = Environment()
            let src = i == 0 ? "{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}"
                             : "{{ " + String(repeating: "(", count: 99) + "1" + String(repeating: ")", count: 99) + " }}"
            let result: String
            do {
                result = try env.template(src).render([:])
            } catch {
                result = "\(error)"
            }
            lock.withLock { errors[i] = result }
        }
        XCTAssertTrue(errors[0].contains("maximum recursion depth exceeded"), errors[0])
        XCTAssertEqual(errors[1], "1")
    }

    // MARK: JSON

    func testValueToJSONMatchesPythonFormatting() throws {
        let v: Value = .dict(["b": .list([.int(1), .double(2.5), .none]), "a": .string("é\"\n")])
        XCTAssertEqual(try valueToJSON(v), #"{"b": [1, 2.5, null], "a": "\u00e9\"\n"}"#)
        XCTAssertEqual(try valueToJSON(v, sortKeys: true), #"{"a": "\u00e9\"\n", "b": [1, 2.5, null]}"#)
        XCTAssertEqual(try valueToJSON(.list([.int(1), .dict(["x": .bool(true)])]), indent: 2), "[\n  1,\n  {\n    \"x\": true\n  }\n]")
        XCTAssertEqual(try valueToJSON(.string("😀")), #""\ud83d\ude00""#)
        XCTAssertEqual(try valueToJSON(.double(1.0)), "1.0")
        XCTAssertThrowsError(try valueToJSON(.undefined(Undefined(name: "x"))))
    }

    func testJSONOptionsSeparatorsAndFallback() throws {
        let v: Value = .dict(["a": .list([.int(1), .dict(["b": .none])])])
        XCTAssertEqual(try valueToJSON(v, JSONOptions(separators: (",", ":"))), #"{"a":[1,{"b":null}]}"#)
        XCTAssertEqual(try valueToJSON(v, JSONOptions(indent: 1, separators: (";", "="))), "{\n \"a\"=[\n  1;\n  {\n   \"b\"=null\n  }\n ]\n}")
        XCTAssertEqual(try valueToJSON(.list([.double(.nan), .double(-.infinity), .string("\u{7f}é")]), JSONOptions(ensureASCII: false)),
                       "[NaN, -Infinity, \"\u{7f}é\"]")
        // The fallback gives undefined values, functions and objects a form, or throws.
        let fallback = JSONOptions { _ in .string("?") }
        XCTAssertEqual(try valueToJSON(.list([.undefined(Undefined(name: "x"))]), fallback), #"["?"]"#)
        XCTAssertThrowsError(try valueToJSON(.list([.undefined(Undefined(name: "x"))]))) { error in
            XCTAssertEqual((error as? TemplateError)?.message, "Object of type Undefined is not JSON serializable")
        }
    }

    func testParseJSONKeepsOrderAndNumberKinds() throws {
        let v = try parseJSON(#"{"z": 1, "a": [1.0, 2, 3e2, -0], "s": "\u00e9\ud83d\ude00", "n": null, "t": true}"#)
        XCTAssertEqual(v.dictValue?.keys.elements, ["z", "a", "s", "n", "t"])
        XCTAssertEqual(v["a"], .list([.double(1.0), .int(2), .double(300), .int(0)]))
        XCTAssertEqual(v["s"], .string("é😀"))
        XCTAssertEqual(v["n"], Value.none)
        XCTAssertThrowsError(try parseJSON("{\"a\": }"))
        XCTAssertThrowsError(try parseJSON("[1, 2"))
        XCTAssertThrowsError(try parseJSON("1 2"))
        XCTAssertThrowsError(try parseJSON(String(repeating: "[", count: 10_000)))
    }

    /// Python's `json.loads` errors, word for word and at the same character (recorded from
    /// Python 3.11), since Ansible's `from_json` shows them to users.
    func testParseJSONErrorsMatchPython() {
        let cases: [(String, String)] = [
            ("{bad", "Expecting property name enclosed in double quotes: line 1 column 2 (char 1)"),
            ("[\"é\", x]", "Expecting value: line 1 column 7 (char 6)"),
            ("\"abc", "Unterminated string starting at: line 1 column 1 (char 0)"),
            ("\"a\tb\"", "Invalid control character at: line 1 column 3 (char 2)"),
            ("\"\\x\"", "Invalid \\escape: line 1 column 2 (char 1)"),
            ("\"\\u12\"", "Invalid \\uXXXX escape: line 1 column 3 (char 2)"),
            ("\"\\u+123\"", "Invalid \\uXXXX escape: line 1 column 3 (char 2)"),
            ("\"ab\\", "Unterminated string starting at: line 1 column 1 (char 0)"),
            ("01", "Extra data: line 1 column 2 (char 1)"),
            ("-01", "Extra data: line 1 column 3 (char 2)"),
            ("-", "Expecting value: line 1 column 1 (char 0)"),
            ("[1 2]", "Expecting ',' delimiter: line 1 column 4 (char 3)"),
            ("{\"a\" 1}", "Expecting ':' delimiter: line 1 column 6 (char 5)"),
            ("{\"a\":1 \"b\"}", "Expecting ',' delimiter: line 1 column 8 (char 7)"),
            ("", "Expecting value: line 1 column 1 (char 0)"),
            ("  ", "Expecting value: line 1 column 3 (char 2)"),
            ("1 2", "Extra data: line 1 column 3 (char 2)"),
            ("[", "Expecting value: line 1 column 2 (char 1)"),
            ("\n\n  x", "Expecting value: line 3 column 3 (char 4)"),
            ("[1,]", "Expecting value: line 1 column 4 (char 3)"),
            ("1.", "Extra data: line 1 column 2 (char 1)"),
            (".5", "Expecting value: line 1 column 1 (char 0)"),
            ("+1", "Expecting value: line 1 column 1 (char 0)"),
            ("nul", "Expecting value: line 1 column 1 (char 0)"),
            ("\"\\ud800\\u12\"", "Invalid \\uXXXX escape: line 1 column 9 (char 8)"),
            ("{\"a\":1", "Expecting ',' delimiter: line 1 column 7 (char 6)"),
            ("{\"é😀\": [1, tru]}", "Expecting value: line 1 column 12 (char 11)")
        ]
        for (text, message) in cases {
            XCTAssertThrowsError(try parseJSON(text), text) { error in
                XCTAssertEqual((error as? TemplateError)?.message, message, text)
            }
        }
        // Python's number grammar: no leading zeros, and both sides of '.' need digits.
        XCTAssertEqual(try parseJSON("[0, -0.5, 1E+2, 10]"), .list([.int(0), .double(-0.5), .double(100), .int(10)]))
    }
}
