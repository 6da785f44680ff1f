import OrderedCollections

/// Rendered text, collected as UTF-8 bytes: templates append many small pieces, and appending
/// to a byte array costs less than appending to a String. Only whole Strings are appended, so
/// the bytes are always valid UTF-8.
struct Output {
    private var bytes: [UInt8] = []

    static func += (out: inout Output, s: String) {
        // A String's bytes are normally contiguous: then they append as one copy.
        if s.utf8.withContiguousStorageIfAvailable({ out.bytes.append(contentsOf: $0) }) == nil {
            out.bytes.append(contentsOf: s.utf8)
        }
    }

    var text: String { String(decoding: bytes, as: UTF8.self) }
}

/// Control flow out of a statement list (loop controls).
enum Flow { case normal, breakLoop, continueLoop }

/// State of one template inheritance chain being rendered: its top-level frame and the block
/// override stacks (most derived first).
final class RenderState {
    let root: Scope
    var blocks: [String: [BlockDef]] = [:]
    var parent: CompiledTemplate?
    init(root: Scope) { self.root = root }
}

/// Tree-walking evaluator. One instance per render call.
final class Runtime {
    let env: Environment
    var depth = 0
    var templateName: String?
    /// Frames that hold macros or `self` (which refer back to them); cleared after rendering to
    /// break reference cycles.
    private var scopesToClear: [Scope] = []

    init(env: Environment) { self.env = env }

    // MARK: entry points

    func renderTemplate(_ code: CompiledTemplate, scope: Scope, out: inout Output) throws {
        defer { breakCycles() }
        try renderRoot(code, RenderState(root: scope), &out)
    }

    func evalTop(_ e: Expr, scope: Scope) throws -> Value {
        defer { breakCycles() }
        return try eval(e, scope)
    }

    private func breakCycles() {
        for s in scopesToClear { s.vars.removeAll() }
        scopesToClear.removeAll()
    }

    func renderRoot(_ code: CompiledTemplate, _ st: RenderState, _ out: inout Output) throws {
        let savedName = templateName
        templateName = code.name
        defer { templateName = savedName }
        for (name, b) in code.blocks { st.blocks[name, default: []].append(b) }
        if st.root.vars["self"] == nil {
            scopesToClear.append(st.root)
            st.root.vars["self"] = .object(BlockReference { name in
                guard st.blocks[name] != nil else { return nil }
                var o = Output()
                try self.renderBlock(name, index: 0, scope: st.root, st, &o)
                return .string(o.text)
            })
        }
        // After `extends`, the child's own output is dropped; only its blocks matter.
        var discard = Output()
        for stmt in code.body {
            if st.parent == nil {
                _ = try exec(stmt, st.root, st, &out)
            } else {
                _ = try exec(stmt, st.root, st, &discard)
            }
        }
        if let parent = st.parent {
            st.parent = nil
            try enter()
            defer { depth -= 1 }
            try renderRoot(parent, st, &out)
        }
    }

    private func enter() throws {
        depth += 1
        if depth > env.maxRecursionDepth {
            depth -= 1
            throw TemplateError(kind: .runtime, message: "maximum recursion depth exceeded", templateName: templateName)
        }
    }

    // MARK: errors

    func fail(_ kind: TemplateError.Kind, _ msg: String, line: Int?) -> TemplateError {
        TemplateError(kind: kind, message: msg, templateName: templateName ?? "<template>", line: line)
    }

    /// Adds position information to errors raised below an expression node.
    @inline(__always)
    func located<T>(_ line: Int, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch var e as TemplateError {
            if e.line == nil {
                e.line = line
                if e.templateName == nil { e.templateName = templateName ?? "<template>" }
            }
            throw e
        }
    }

    // MARK: statements

    func exec(_ body: [Stmt], _ s: Scope, _ st: RenderState, _ out: inout Output) throws -> Flow {
        for stmt in body {
            let f = try exec(stmt, s, st, &out)
            if f != .normal { return f }
        }
        return .normal
    }

    func exec(_ stmt: Stmt, _ s: Scope, _ st: RenderState, _ out: inout Output) throws -> Flow {
        switch stmt {
        case .output(let text):
            out += text
        case .print(let e):
            let v = try eval(e, s)
            out += try env.str(v)
        case .ifStmt(let branches, let otherwise):
            for (cond, body) in branches where try env.truth(eval(cond, s)) {
                return try exec(body, s, st, &out)
            }
            return try exec(otherwise, s, st, &out)
        case .forLoop(let f):
            let iterable = try eval(f.iterable, s)
            try located(f.line) { try runFor(f, iterable, depth0: 0, s, st, &out) }
        case .set(let target, let e, let line):
            let v = try eval(e, s)
            try located(line) { try assign(target, v, s) }
        case .setBlock(let target, let filter, let body, let line):
            var captured = Output()
            _ = try exec(body, s, st, &captured)
            var v = Value.string(captured.text)
            if let f = filter { v = try applyFilterChain(f, input: v, s) }
            try located(line) { try assign(target, v, s) }
        case .macro(let def):
            s.vars[def.name] = makeMacro(def, s, st)
            scopesToClear.append(s)
        case .callBlock(let callExpr, let callerDef, let line):
            let caller = makeMacro(callerDef, s, st, lenientArgs: true)
            guard case .call(let callee, let args, _) = callExpr else { break }
            let f = try eval(callee, s)
            var (pos, kw) = try evalArgs(args, s)
            kw["caller"] = caller
            let result = try located(line) { try callValue(f, pos, kw) }
            out += try env.str(result)
        case .filterBlock(let filter, let body):
            var captured = Output()
            _ = try exec(body, s, st, &captured)
            out += try env.str(applyFilterChain(filter, input: .string(captured.text), s))
        case .include(let e, let ignoreMissing, let withContext, let line):
            try located(line) { try include(e, ignoreMissing: ignoreMissing, withContext: withContext, s, &out) }
        case .importAs(let e, let alias, let withContext, let line):
            let module = try located(line) { try importModule(e, withContext: withContext, s) }
            s.vars[alias] = .object(module)
        case .fromImport(let e, let names, let withContext, let line):
            let module = try located(line) { try importModule(e, withContext: withContext, s) }
            for (name, alias) in names {
                s.vars[alias] = module.exports[name] ?? .undefined(Undefined(
                    name: name, hint: "the template \(Value.reprString(module.name)) (imported on line \(line)) does not export the requested name \(Value.reprString(name))"))
            }
        case .extends(let e, let line):
            if st.parent != nil { throw fail(.runtime, "extended multiple times", line: line) }
            let nameV = try eval(e, s)
            st.parent = try located(line) { try loadTemplate(nameV) }
        case .block(let b):
            if st.parent == nil { try renderBlock(b.name, index: 0, scope: s, st, &out, placement: b) }
        case .with(let pairs, let body):
            let inner = Scope(parent: s)
            for (t, e) in pairs { try assign(t, try eval(e, s), inner) }
            return try exec(body, inner, st, &out)
        case .doExpr(let e):
            _ = try eval(e, s)
        case .breakLoop: return .breakLoop
        case .continueLoop: return .continueLoop
        }
        return .normal
    }

    private func runFor(_ f: ForLoop, _ iterable: Value, depth0: Int, _ s: Scope, _ st: RenderState, _ out: inout Output) throws {
        var items = try env.iterate(iterable)
        if let cond = f.filter {
            // Expressions cannot capture a frame, so one scratch frame serves every item.
            let tmp = Scope(parent: s)
            items = try items.filter { item in
                tmp.vars.removeAll(keepingCapacity: true)
                try assign(f.target, item, tmp)
                return try env.truth(eval(cond, tmp))
            }
        }
        if items.isEmpty {
            _ = try exec(f.otherwise, s, st, &out)
            return
        }
        let loop = LoopInfo(items: items, depth0: depth0)
        if f.recursive {
            loop.recurse = { v in
                try self.enter()
                defer { self.depth -= 1 }
                var o = Output()
                try self.runFor(f, v, depth0: depth0 + 1, s, st, &o)
                return .string(o.text)
            }
        }
        let loopValue = Value.object(loop)
        // As in Jinja, `else` also runs when no iteration ran to its end (break/continue).
        var completed = false
        // One frame is recycled across iterations unless something captured it.
        var inner = Scope(parent: s)
        // Room for the loop variables and `loop` without regrowing.
        inner.vars.reserveCapacity(4)
        for (i, item) in items.enumerated() {
            loop.index0 = i
            if inner.captured {
                inner = Scope(parent: s)
                inner.vars.reserveCapacity(4)
            } else if i > 0 {
                inner.vars.removeAll(keepingCapacity: true)
            }
            try assign(f.target, item, inner)
            inner.vars.set("loop", loopValue)
            let flow = try exec(f.body, inner, st, &out)
            if flow == .breakLoop { break }
            if flow == .normal { completed = true }
        }
        if !completed { _ = try exec(f.otherwise, s, st, &out) }
    }

    func renderBlock(_ name: String, index: Int, scope: Scope, _ st: RenderState, _ out: inout Output, placement: BlockDef? = nil) throws {
        guard let stack = st.blocks[name], index < stack.count else { return }
        let def = stack[index]
        if def.required {
            throw fail(.runtime, "Required block '\(name)' not found", line: nil)
        }
        let scoped = placement?.scoped ?? def.scoped
        let inner = Scope(parent: scoped ? scope : st.root)
        inner.vars["super"] = .callable(Callable(name: "super") { _, _ in
            guard index + 1 < stack.count else {
                throw TemplateError(kind: .undefined, message: "there is no parent block called '\(name)'.")
            }
            var o = Output()
            try self.renderBlock(name, index: index + 1, scope: scope, st, &o)
            return .string(o.text)
        })
        _ = try exec(def.body, inner, st, &out)
    }

    // MARK: include / import

    func loadTemplate(_ nameV: Value) throws -> CompiledTemplate {
        // A list of names means "the first one that exists".
        if let names = nameV.listValue {
            for n in names {
                if let t = try? env.load(try env.str(n)) { return t }
            }
            let shown = names.map { (try? env.str($0)) ?? "" }.joined(separator: ", ")
            throw TemplateError(kind: .runtime, message: "TemplatesNotFound: none of the templates given were found: \(shown)")
        }
        if case .undefined(let u) = nameV { throw TemplateError(kind: .undefined, message: u.description) }
        return try env.load(try env.str(nameV))
    }

    private func include(_ e: Expr, ignoreMissing: Bool, withContext: Bool, _ s: Scope, _ out: inout Output) throws {
        let nameV = try eval(e, s)
        let code: CompiledTemplate
        do {
            code = try loadTemplate(nameV)
        } catch let err as TemplateError where err.kind != .syntax && ignoreMissing {
            return
        }
        try enter()
        defer { depth -= 1 }
        if withContext { s.markCaptured() }
        let root = withContext ? Scope(parent: s) : Scope(source: nil)
        try renderRoot(code, RenderState(root: root), &out)
    }

    private func importModule(_ e: Expr, withContext: Bool, _ s: Scope) throws -> TemplateModule {
        let nameV = try eval(e, s)
        let code = try loadTemplate(nameV)
        try enter()
        defer { depth -= 1 }
        if withContext { s.markCaptured() }
        let root = withContext ? Scope(parent: s) : Scope(source: nil)
        var output = Output()
        try renderRoot(code, RenderState(root: root), &output)
        var exports: [String: Value] = [:]
        for (k, v) in root.vars where !k.hasPrefix("_") && k != "self" { exports[k] = v }
        return TemplateModule(name: code.name ?? nameV.pythonStr, exports: exports, output: output.text)
    }

    // MARK: macros

    func makeMacro(_ def: MacroDef, _ defScope: Scope, _ st: RenderState, lenientArgs: Bool = false) -> Value {
        defScope.markCaptured()
        let c = Callable(name: def.name) { args, kwargs in
            try self.callMacro(def, defScope, st, args, kwargs, lenientArgs: lenientArgs)
        }
        c.attributes = ["name": .string(def.name), "arguments": .tuple(def.params.map { .string($0.name) }),
                        "catch_kwargs": .bool(def.usesKwargs), "catch_varargs": .bool(def.usesVarargs),
                        "caller": .bool(def.usesCaller)]
        return .callable(c)
    }

    private func callMacro(_ def: MacroDef, _ defScope: Scope, _ st: RenderState, _ args: [Value], _ kwargs: Kwargs, lenientArgs: Bool) throws -> Value {
        try enter()
        defer { depth -= 1 }
        let s = Scope(parent: defScope)
        var kw = kwargs
        let params = def.params
        s.vars.reserveCapacity(params.count + 3)
        if args.count > params.count && !def.usesVarargs && !lenientArgs {
            throw TemplateError.type("macro '\(def.name)' takes not more than \(params.count) argument(s)")
        }
        for (i, p) in params.enumerated() {
            if i < args.count {
                if kw[p.name] != nil { throw TemplateError.type("macro '\(def.name)' got multiple values for argument '\(p.name)'") }
                s.vars.set(p.name, args[i])
            } else if let v = kw.removeValue(forKey: p.name) {
                s.vars[p.name] = v
            } else if let d = p.defaultValue {
                s.vars[p.name] = try eval(d, s)
            } else {
                s.vars[p.name] = .undefined(Undefined(name: p.name, hint: "parameter \(Value.reprString(p.name)) was not provided"))
            }
        }
        if def.usesVarargs { s.vars["varargs"] = .tuple(args.count > params.count ? Array(args[params.count...]) : []) }
        if let caller = kw.removeValue(forKey: "caller") {
            if !def.usesCaller && !lenientArgs { throw TemplateError.type("macro '\(def.name)' takes no keyword argument 'caller'") }
            s.vars["caller"] = caller
        } else if def.usesCaller {
            s.vars["caller"] = .undefined(Undefined(name: "caller", hint: "No caller defined"))
        }
        if def.usesKwargs {
            s.vars["kwargs"] = .dict(kw)
        } else if let extra = kw.keys.first, !lenientArgs {
            throw TemplateError.type("macro '\(def.name)' takes no keyword argument '\(extra)'")
        }
        var out = Output()
        _ = try exec(def.body, s, st, &out)
        return .string(out.text)
    }

    // MARK: assignment

    func assign(_ target: Target, _ value: Value, _ s: Scope) throws {
        switch target {
        case .name(let n):
            s.vars.set(n, value)
        case .tuple(let targets):
            let items = try env.iterate(value)
            if items.count != targets.count {
                if items.count > targets.count {
                    throw TemplateError.runtime("too many values to unpack (expected \(targets.count))")
                }
                throw TemplateError.runtime("not enough values to unpack (expected \(targets.count), got \(items.count))")
            }
            for (t, v) in zip(targets, items) { try assign(t, v, s) }
        case .attribute(let obj, let attr):
            guard let v = try s.lookup(obj), case .object(let o) = v, let ns = o as? Namespace else {
                throw TemplateError.runtime("cannot assign attribute on non-namespace object")
            }
            ns.attrs[attr] = value
        }
    }

    /// Stores a mutated list/dict back where the receiver expression came from, so that
    /// `{% set _ = x.append(1) %}` is visible through `x`.
    private func assignBack(_ e: Expr, _ newValue: Value, _ s: Scope) throws {
        switch e {
        case .name(let n, _):
            s.owner(of: n).vars[n] = newValue
        case .getattr(let base, let attr, _):
            let b = try eval(base, s)
            if case .object(let o) = b, let ns = o as? Namespace {
                ns.attrs[attr] = newValue
            } else if case .dict(var d) = b, d[attr] != nil {
                d[attr] = newValue
                try assignBack(base, .dict(d), s)
            }
        case .getitem(let base, let keyE, _):
            let b = try eval(base, s)
            let key = try eval(keyE, s)
            switch (b, key) {
            case (.dict(var d), .string(let k)):
                d[k] = newValue
                try assignBack(base, .dict(d), s)
            case (.list(var l), .int(var i)):
                if i < 0 { i += l.count }
                guard i >= 0 && i < l.count else { return }
                l[i] = newValue
                try assignBack(base, .list(l), s)
            case (.object(let o), .string(let k)):
                if let ns = o as? Namespace { ns.attrs[k] = newValue }
            default: break
            }
        default: break
        }
    }

    // MARK: expressions

    func eval(_ e: Expr, _ s: Scope) throws -> Value {
        switch e {
        case .literal(let v):
            return v
        case .name(let n, _):
            if let v = try s.lookup(n) { return v }
            if let g = env.globals[n] { return g }
            return .undefined(Undefined(name: n))
        case .list(let items):
            return .list(try items.map { try eval($0, s) })
        case .tuple(let items):
            return .tuple(try items.map { try eval($0, s) })
        case .dict(let pairs):
            var d = OrderedDictionary<String, Value>()
            for (k, v) in pairs {
                let key = try eval(k, s)
                d[key.stringValue ?? key.pythonRepr] = try eval(v, s)
            }
            return .dict(d)
        case .getattr(let o, let name, let line):
            let obj = try eval(o, s)
            return try located(line) { try env.getattr(obj, name) }
        case .getitem(let o, let k, let line):
            let obj = try eval(o, s)
            if case .slice(let a, let b, let c) = k {
                let start = try a.map { try eval($0, s) }
                let stop = try b.map { try eval($0, s) }
                let step = try c.map { try eval($0, s) }
                return try located(line) { try env.slice(obj, start, stop, step) }
            }
            let key = try eval(k, s)
            return try located(line) { try env.getitem(obj, key) }
        case .slice:
            throw fail(.syntax, "slice outside of a subscript", line: nil)
        case .negate(let o, let line):
            let v = try eval(o, s)
            return try located(line) { try env.negate(v) }
        case .plus(let o, let line):
            let v = try eval(o, s)
            return try located(line) { try env.unaryPlus(v) }
        case .not(let o):
            return .bool(try !env.truth(eval(o, s)))
        case .and(let a, let b):
            let l = try eval(a, s)
            return try env.truth(l) ? try eval(b, s) : l
        case .or(let a, let b):
            let l = try eval(a, s)
            return try env.truth(l) ? l : try eval(b, s)
        case .binary(let op, let a, let b, let line):
            let l = try eval(a, s)
            let r = try eval(b, s)
            return try located(line) { try env.binary(op, l, r) }
        case .concat(let parts, let line):
            var out = ""
            for p in parts {
                let v = try eval(p, s)
                out += try located(line) { try env.str(v) }
            }
            return .string(out)
        case .compare(let first, let ops, let line):
            var left = try eval(first, s)
            for (op, re) in ops {
                let right = try eval(re, s)
                let ok = try located(line) { try env.compare(op, left, right) }
                if !ok { return .bool(false) }
                left = right
            }
            return .bool(true)
        case .conditional(let test, let then, let otherwise, let line):
            if try env.truth(eval(test, s)) { return try eval(then, s) }
            if let o = otherwise { return try eval(o, s) }
            var u = Undefined(name: "", hint: "the inline if-expression on line \(line) evaluated to false and no else section was defined.")
            u.alwaysLenient = true
            return .undefined(u)
        case .call(let callee, let args, let line):
            return try located(line) { try evalCall(callee, args, s) }
        case .filter(let input, let name, let args, let line):
            let v = try input.map { try eval($0, s) } ?? .none
            return try located(line) { try callFilter(name, v, args, s) }
        case .test(let input, let ref, let args, let negated, let line):
            let v = try eval(input, s)
            return try located(line) {
                let t = ref.generation == env.tableGeneration ? ref.function : env.tests[ref.name]
                guard let t = t else { throw TemplateError(kind: .syntax, message: "No test named '\(ref.name)'.") }
                let (pos, kw) = try evalArgs(args, s)
                return .bool(try t(v, pos, kw, env) != negated)
            }
        }
    }

    private func callFilter(_ ref: FilterRef, _ input: Value, _ args: CallArgs, _ s: Scope) throws -> Value {
        let f = ref.generation == env.tableGeneration ? ref.function : env.filters[ref.name]
        guard let f = f else { throw TemplateError(kind: .syntax, message: "No filter named '\(ref.name)'.") }
        let (pos, kw) = try evalArgs(args, s)
        return try f(input, pos, kw, env)
    }

    /// Applies a parsed filter chain whose innermost input is the given value (filter blocks, `set` blocks).
    private func applyFilterChain(_ e: Expr, input: Value, _ s: Scope) throws -> Value {
        guard case .filter(let inner, let name, let args, let line) = e else { return try eval(e, s) }
        let v = try inner.map { try applyFilterChain($0, input: input, s) } ?? input
        return try located(line) { try callFilter(name, v, args, s) }
    }

    func evalArgs(_ args: CallArgs, _ s: Scope) throws -> ([Value], Kwargs) {
        if args.isEmpty { return ([], [:]) }
        var pos = try args.positional.map { try eval($0, s) }
        if let star = args.star { pos += try env.iterate(eval(star, s)) }
        var kw = Kwargs()
        for (k, v) in args.keyword { kw[k] = try eval(v, s) }
        if let ds = args.doubleStar {
            let d = try eval(ds, s)
            guard case .dict(let dict) = d else { throw TemplateError.type("argument after ** must be a mapping, not \(d.typeName)") }
            for (k, v) in dict { kw[k] = v }
        }
        return (pos, kw)
    }

    private func evalCall(_ callee: Expr, _ args: CallArgs, _ s: Scope) throws -> Value {
        if case .getattr(let recvExpr, let method, _) = callee, ListDictMethods.mutating.contains(method) {
            var recv = try eval(recvExpr, s)
            switch recv {
            case .list, .dict:
                let (pos, kw) = try evalArgs(args, s)
                let result = try ListDictMethods.mutate(&recv, method, pos, kw, env)
                try assignBack(recvExpr, recv, s)
                return result
            default: break
            }
        }
        let f = try eval(callee, s)
        let (pos, kw) = try evalArgs(args, s)
        return try callValue(f, pos, kw)
    }

    func callValue(_ f: Value, _ args: [Value], _ kwargs: Kwargs) throws -> Value {
        switch f {
        case .callable(let c):
            return try c.call(args, kwargs)
        case .object(let o):
            if let loop = o as? LoopInfo, let recurse = loop.recurse {
                guard args.count == 1 else { throw TemplateError.type("loop() takes exactly one argument") }
                return try recurse(args[0])
            }
            throw TemplateError.type("'\(o.typeName)' object is not callable")
        case .undefined(let u):
            throw TemplateError(kind: .undefined, message: u.description)
        default:
            throw TemplateError.type("'\(f.typeName)' object is not callable")
        }
    }
}
