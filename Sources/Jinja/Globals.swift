import OrderedCollections

/// Default global functions: range, dict, lipsum, cycler, joiner, namespace.
enum Globals {
    /// `range()` results are materialised, so they are capped to keep memory bounded.
    static let maxRangeItems = 1_000_000

    static func make() -> [String: Value] {
        var g: [String: Value] = [:]
        g["range"] = .callable(Callable(name: "range") { args, _ in .list(try range(args)) })
        g["dict"] = .callable(Callable(name: "dict") { args, kwargs in
            var d = OrderedDictionary<String, Value>()
            if let first = args.first {
                switch first {
                case .dict(let src): d = src
                case .list(let pairs), .tuple(let pairs):
                    for p in pairs {
                        guard let kv = p.listValue, kv.count == 2 else {
                            throw TemplateError.runtime("dictionary update sequence element has wrong length")
                        }
                        d[kv[0].stringValue ?? kv[0].pythonRepr] = kv[1]
                    }
                default: throw TemplateError.type("'\(first.typeName)' object is not iterable")
                }
            }
            for (k, v) in kwargs { d[k] = v }
            return .dict(d)
        })
        g["namespace"] = .callable(Callable(name: "namespace") { args, kwargs in
            var attrs = OrderedDictionary<String, Value>()
            if case .dict(let d)? = args.first { attrs = d }
            for (k, v) in kwargs { attrs[k] = v }
            return .object(Namespace(attrs))
        })
        g["cycler"] = .callable(Callable(name: "cycler") { args, _ in .object(Cycler(args)) })
        g["joiner"] = .callable(Callable(name: "joiner") { args, kwargs in
            let sep = args.first ?? kwargs["sep"] ?? .string(", ")
            var used = false
            return .callable(Callable(name: "joiner") { _, _ in
                if !used { used = true; return .string("") }
                return sep
            })
        })
        g["lipsum"] = .callable(Callable(name: "lipsum") { args, kwargs in
            let a = MethodArgs(args: args, kwargs: kwargs)
            return .string(lipsum(n: try a.int(0, "n") ?? 5, html: a.get(1, "html")?.truthy ?? true,
                                  min: try a.int(2, "min") ?? 20, max: try a.int(3, "max") ?? 100))
        })
        return g
    }

    static func range(_ args: [Value]) throws -> [Value] {
        let ints = try args.map { v -> Int in
            switch v {
            case .int(let i): return i
            case .bool(let b): return b ? 1 : 0
            default: throw TemplateError.type("'\(v.typeName)' object cannot be interpreted as an integer")
            }
        }
        var start = 0, stop = 0, step = 1
        switch ints.count {
        case 1: stop = ints[0]
        case 2: start = ints[0]; stop = ints[1]
        case 3: start = ints[0]; stop = ints[1]; step = ints[2]
        default: throw TemplateError.type("range expected at most 3 arguments, got \(ints.count)")
        }
        if step == 0 { throw TemplateError.runtime("range() arg 3 must not be zero") }
        // Computed in Double so extreme bounds cannot overflow; the cap below keeps it small anyway.
        let span = step > 0 ? Double(stop) - Double(start) : Double(start) - Double(stop)
        let count = span <= 0 ? 0 : Int(min((span / Double(step.magnitude)).rounded(.up), Double(maxRangeItems + 1)))
        if count > maxRangeItems { throw TemplateError.runtime("range too big, maximum size for range is \(maxRangeItems)") }
        return (0..<count).map { .int(start + $0 * step) }
    }

    private static let words = """
        lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore et dolore \
        magna aliqua enim ad minim veniam quis nostrud exercitation ullamco laboris nisi aliquip ex ea commodo \
        consequat duis aute irure in reprehenderit voluptate velit esse cillum eu fugiat nulla pariatur excepteur \
        sint occaecat cupidatat non proident sunt culpa qui officia deserunt mollit anim id est laborum
        """.split(separator: " ").map(String.init)

    /// Placeholder text: `n` paragraphs of `min`...`max` words with sentence punctuation.
    static func lipsum(n: Int, html: Bool, min lo: Int, max hi: Int) -> String {
        var paragraphs: [String] = []
        for _ in 0..<max(0, min(n, 1000)) {
            let low = min(max(1, lo), 10_000)
            let count = Int.random(in: low...max(low, min(hi, 10_000)))
            var out: [String] = []
            var startSentence = true
            for i in 0..<count {
                var w = words.randomElement() ?? "lorem"
                if startSentence { w = PyString.capitalize(w); startSentence = false }
                if i + 1 < count && Int.random(in: 0..<10) == 0 {
                    w += Bool.random() ? "," : "."
                    startSentence = w.hasSuffix(".")
                }
                out.append(w)
            }
            var p = out.joined(separator: " ")
            if p.hasSuffix(",") { p.removeLast() }
            if !p.hasSuffix(".") { p += "." }
            paragraphs.append(html ? "<p>\(PyString.escapeHTML(p))</p>" : p)
        }
        return paragraphs.joined(separator: html ? "\n" : "\n\n")
    }
}
