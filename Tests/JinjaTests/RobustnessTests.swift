import XCTest
import Jinja

/// Random token soup must only ever produce TemplateErrors or output, never a crash or hang.
final class RobustnessTests: XCTestCase {
    /// Small deterministic generator so failures are reproducible.
    struct SplitMix {
        var state: UInt64
        mutating func next(_ n: Int) -> Int {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Int((z ^ (z >> 31)) % UInt64(n))
        }
    }

    static let pieces = [
        "{{", "}}", "{%", "%}", "{#", "#}", "-", "+", " ", "\n", "if ", "elif ", "else", "endif", "for ", " in ", "endfor",
        "x", "y", "1", "0", "2.5", "'s'", "\"q\"", "(", ")", "[", "]", "{", "}", "|", "upper", "default", "join", ".", ",",
        ":", "=", "set ", "macro ", "endmacro", "call ", "endcall", "caller()", "loop", "loop.index", "range(3)", "*", "**",
        "/", "//", "%", "~", " is ", " not ", "defined", "raw", "endraw", "block ", "endblock", "extends ", "include ",
        "import ", " as ", "from ", "with ", "endwith", "namespace()", "ns.a", "filter ", "endfilter", "recursive", "loop(x)",
        "break", "continue", "do ", "'{{'", "\\", "\u{e9}", "-%}", "{%-", "-}}", "{{-", "d.k", "l[1:]", "none", "true",
    ]

    func testRandomInputNeverCrashes() {
        var rng = SplitMix(state: 20_261_124)
        let vars: [String: Value] = ["x": .list([.int(1), .string("a")]), "y": .int(3), "d": .dict(["k": .string("v")]),
                                     "l": .list([.int(1), .int(2)]), "ns": .none]
        var outcomes = (ok: 0, errors: 0)
        for i in 0..<3000 {
            var src = ""
            for _ in 0..<(1 + rng.next(25)) { src += Self.pieces[rng.next(Self.pieces.count)] }
            var opts = EnvironmentOptions()
            opts.trimBlocks = i % 2 == 0
            opts.lstripBlocks = i % 3 == 0
            opts.undefined = [.lenient, .strict, .chainable][i % 3]
            let env = Environment(options: opts)
            env.loader = { name in ("{{ x }}{% block b %}{% endblock %}", name) }
            do {
                _ = try env.template(src).render(vars)
                outcomes.ok += 1
            } catch is TemplateError {
                outcomes.errors += 1
            } catch {
                XCTFail("non-template error for \(src.debugDescription): \(error)")
            }
        }
        XCTAssertEqual(outcomes.ok + outcomes.errors, 3000)
        XCTAssertGreaterThan(outcomes.ok, 100, "generator should produce some valid templates")
    }
}
