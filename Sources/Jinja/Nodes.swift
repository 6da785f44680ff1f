/// The syntax tree. Every node carries its source line so runtime errors can point at it.

/// A class rather than a struct so that matching a call node does not copy four arrays.
final class CallArgs {
    var positional: [Expr] = []
    var keyword: [(String, Expr)] = []
    var star: Expr?
    var doubleStar: Expr?
    var isEmpty: Bool { positional.isEmpty && keyword.isEmpty && star == nil && doubleStar == nil }
}

/// A filter named in a template, with the function the environment had under that name when the
/// template was compiled: rendering then does not hash the name at every call. `generation` records
/// the environment's table version; after a change the name is looked up again. (Concrete classes,
/// not one generic one: a closure stored generically is re-wrapped, allocating, at every call.)
final class FilterRef {
    let name: String
    let function: FilterFunction?
    let generation: Int
    init(name: String, function: FilterFunction?, generation: Int) {
        self.name = name
        self.function = function
        self.generation = generation
    }
}

/// A test named in a template; see `FilterRef`.
final class TestRef {
    let name: String
    let function: TestFunction?
    let generation: Int
    init(name: String, function: TestFunction?, generation: Int) {
        self.name = name
        self.function = function
        self.generation = generation
    }
}

enum BinaryOp: String {
    case add = "+", sub = "-", mul = "*", div = "/", floorDiv = "//", mod = "%", pow = "**"
}

enum CompareOp: String {
    case eq = "==", ne = "!=", lt = "<", le = "<=", gt = ">", ge = ">=", `in` = "in", notIn = "not in"
}

indirect enum Expr {
    case literal(Value)
    case name(String, line: Int)
    case list([Expr])
    case tuple([Expr])
    case dict([(Expr, Expr)])
    case getattr(Expr, String, line: Int)
    case getitem(Expr, Expr, line: Int)
    /// Only valid as a subscript: obj[start:stop:step].
    case slice(Expr?, Expr?, Expr?)
    case negate(Expr, line: Int)
    case plus(Expr, line: Int)
    case not(Expr)
    case and(Expr, Expr)
    case or(Expr, Expr)
    case binary(BinaryOp, Expr, Expr, line: Int)
    /// `~` string concatenation of all operands.
    case concat([Expr], line: Int)
    case compare(Expr, [(CompareOp, Expr)], line: Int)
    /// `a if cond else b`; without else the result is undefined.
    case conditional(test: Expr, then: Expr, otherwise: Expr?, line: Int)
    case call(Expr, CallArgs, line: Int)
    /// `input|name(args)`; input is nil inside `{% filter %}` blocks (the body is the input).
    case filter(Expr?, FilterRef, CallArgs, line: Int)
    case test(Expr, TestRef, CallArgs, negated: Bool, line: Int)
}

/// Assignment targets for set/for/with.
indirect enum Target {
    case name(String)
    case tuple([Target])
    /// `ns.attr` (namespace attribute assignment).
    case attribute(String, String)
}

struct MacroParam {
    var name: String
    var defaultValue: Expr?
}

final class MacroDef {
    let name: String
    let params: [MacroParam]
    let body: [Stmt]
    /// Whether the body mentions varargs/kwargs/caller, which decides which extra arguments are accepted.
    let usesVarargs: Bool, usesKwargs: Bool, usesCaller: Bool
    init(name: String, params: [MacroParam], body: [Stmt], usesVarargs: Bool, usesKwargs: Bool, usesCaller: Bool) {
        self.name = name
        self.params = params
        self.body = body
        self.usesVarargs = usesVarargs
        self.usesKwargs = usesKwargs
        self.usesCaller = usesCaller
    }
}

final class BlockDef {
    let name: String
    let body: [Stmt]
    let scoped: Bool
    let required: Bool
    init(name: String, body: [Stmt], scoped: Bool, required: Bool) {
        self.name = name
        self.body = body
        self.scoped = scoped
        self.required = required
    }
}

final class ForLoop {
    let target: Target
    let iterable: Expr
    let filter: Expr?
    let body: [Stmt]
    let otherwise: [Stmt]
    let recursive: Bool
    let line: Int
    init(target: Target, iterable: Expr, filter: Expr?, body: [Stmt], otherwise: [Stmt], recursive: Bool, line: Int) {
        self.target = target
        self.iterable = iterable
        self.filter = filter
        self.body = body
        self.otherwise = otherwise
        self.recursive = recursive
        self.line = line
    }
}

indirect enum Stmt {
    case output(String)
    case print(Expr)
    case ifStmt([(Expr, [Stmt])], otherwise: [Stmt])
    case forLoop(ForLoop)
    case set(Target, Expr, line: Int)
    /// `{% set x %}...{% endset %}` with optional filter chain applied to the captured body.
    case setBlock(Target, filter: Expr?, body: [Stmt], line: Int)
    case macro(MacroDef)
    /// `{% call(params) callee(args) %}body{% endcall %}`; the body is the `caller` macro.
    case callBlock(Expr, caller: MacroDef, line: Int)
    case filterBlock(Expr, body: [Stmt])
    case include(Expr, ignoreMissing: Bool, withContext: Bool, line: Int)
    case importAs(Expr, alias: String, withContext: Bool, line: Int)
    case fromImport(Expr, names: [(String, String)], withContext: Bool, line: Int)
    case extends(Expr, line: Int)
    case block(BlockDef)
    case with([(Target, Expr)], body: [Stmt])
    case doExpr(Expr)
    case breakLoop, continueLoop
}

/// Collects variable names read in a statement list (used to detect varargs/kwargs/caller in macros).
enum NameScan {
    static func names(in body: [Stmt]) -> Set<String> {
        var out = Set<String>()
        for s in body { scan(s, &out) }
        return out
    }

    private static func scan(_ s: Stmt, _ out: inout Set<String>) {
        switch s {
        case .output: break
        case .print(let e), .doExpr(let e), .extends(let e, _): scan(e, &out)
        case .ifStmt(let branches, let otherwise):
            for (c, b) in branches { scan(c, &out); b.forEach { scan($0, &out) } }
            otherwise.forEach { scan($0, &out) }
        case .forLoop(let f):
            scan(f.iterable, &out)
            if let c = f.filter { scan(c, &out) }
            (f.body + f.otherwise).forEach { scan($0, &out) }
        case .set(_, let e, _): scan(e, &out)
        case .setBlock(_, let f, let body, _):
            if let f = f { scan(f, &out) }
            body.forEach { scan($0, &out) }
        case .macro(let m):
            // Like Jinja, names used by nested macros and call blocks count for the outer macro too.
            for p in m.params { if let d = p.defaultValue { scan(d, &out) } }
            m.body.forEach { scan($0, &out) }
        case .callBlock(let e, let caller, _):
            scan(e, &out)
            caller.body.forEach { scan($0, &out) }
        case .filterBlock(let e, let body):
            scan(e, &out)
            body.forEach { scan($0, &out) }
        case .include(let e, _, _, _), .importAs(let e, _, _, _), .fromImport(let e, _, _, _): scan(e, &out)
        case .block: break  // Jinja does not look into blocks here
        case .with(let pairs, let body):
            pairs.forEach { scan($0.1, &out) }
            body.forEach { scan($0, &out) }
        case .breakLoop, .continueLoop: break
        }
    }

    private static func scan(_ e: Expr, _ out: inout Set<String>) {
        switch e {
        case .literal: break
        case .name(let n, _): out.insert(n)
        case .list(let xs), .tuple(let xs), .concat(let xs, _): xs.forEach { scan($0, &out) }
        case .dict(let pairs): pairs.forEach { scan($0.0, &out); scan($0.1, &out) }
        case .getattr(let o, _, _), .negate(let o, _), .plus(let o, _), .not(let o): scan(o, &out)
        case .getitem(let o, let k, _): scan(o, &out); scan(k, &out)
        case .slice(let a, let b, let c): [a, b, c].forEach { if let x = $0 { scan(x, &out) } }
        case .and(let a, let b), .or(let a, let b), .binary(_, let a, let b, _): scan(a, &out); scan(b, &out)
        case .compare(let a, let ops, _): scan(a, &out); ops.forEach { scan($0.1, &out) }
        case .conditional(let t, let a, let b, _):
            scan(t, &out); scan(a, &out)
            if let b = b { scan(b, &out) }
        case .call(let f, let args, _): scan(f, &out); scan(args, &out)
        case .filter(let i, _, let args, _):
            if let i = i { scan(i, &out) }
            scan(args, &out)
        case .test(let i, _, let args, _, _): scan(i, &out); scan(args, &out)
        }
    }

    private static func scan(_ a: CallArgs, _ out: inout Set<String>) {
        a.positional.forEach { scan($0, &out) }
        a.keyword.forEach { scan($0.1, &out) }
        if let s = a.star { scan(s, &out) }
        if let s = a.doubleStar { scan(s, &out) }
    }
}
