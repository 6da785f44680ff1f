/// Recursive-descent parser. Operator precedence follows Jinja's grammar (which differs from
/// Python's in places, e.g. `-2**2` is 4 and `is` tests bind tighter than arithmetic).
struct Parser {
    private var tokens: [Token]
    private var pos = 0
    private let templateName: String
    /// Open block tags, innermost last, for "Unexpected end of template" messages.
    private var tagStack: [String] = []
    private var nesting = 0
    static let maxNesting = 100
    /// Top-level block definitions by name (for duplicate detection).
    private(set) var blockNames = Set<String>()

    /// Resolves filter and test names at compile time (nil: looked up when rendering).
    private let env: Environment?

    init(tokens: [Token], templateName: String?, env: Environment? = nil) {
        self.tokens = tokens
        self.templateName = templateName ?? "<template>"
        self.env = env
    }

    // MARK: token helpers

    private var current: Token { tokens[min(pos, tokens.count - 1)] }
    private func peek(_ n: Int = 1) -> Token { tokens[min(pos + n, tokens.count - 1)] }
    private mutating func next() -> Token {
        let t = current
        if pos < tokens.count - 1 { pos += 1 }
        return t
    }

    func error(_ msg: String, _ tok: Token? = nil) -> TemplateError {
        let t = tok ?? current
        return TemplateError(kind: .syntax, message: msg, templateName: templateName, line: t.line, column: t.column)
    }

    private func isOp(_ s: String) -> Bool { current.kind == .op && current.value == s }
    private func isName(_ s: String) -> Bool { current.kind == .name && current.value == s }

    private mutating func skipOp(_ s: String) -> Bool {
        if isOp(s) { pos += 1; return true }
        return false
    }
    private mutating func skipName(_ s: String) -> Bool {
        if isName(s) { pos += 1; return true }
        return false
    }

    private mutating func expectOp(_ s: String) throws {
        guard isOp(s) else { throw error("expected token '\(s)', got '\(current.describe)'") }
        pos += 1
    }

    private mutating func expectName() throws -> String {
        guard current.kind == .name else { throw error("expected token 'name', got '\(current.describe)'") }
        return next().value
    }

    private mutating func expectBlockEnd() throws {
        guard current.kind == .blockEnd else {
            throw error("expected token 'end of statement block', got '\(current.describe)'")
        }
        pos += 1
    }

    // MARK: templates

    mutating func parseTemplate() throws -> [Stmt] {
        let body = try parseBody(endTags: [])
        return body
    }

    mutating func parseStandaloneExpression() throws -> Expr {
        let e = try parseExpression()
        guard current.kind == .eof else { throw error("expected token 'end of template', got '\(current.describe)'") }
        return e
    }

    /// Parses statements until one of `endTags` opens a block tag; leaves the tag name as current token.
    /// `endTags` is in the order Jinja lists them in "looking for" messages.
    private mutating func parseBody(endTags: [String]) throws -> [Stmt] {
        var body: [Stmt] = []
        while true {
            let t = current
            switch t.kind {
            case .data:
                pos += 1
                body.append(.output(t.value))
            case .variableBegin:
                pos += 1
                let e = try parseTuple()
                guard current.kind == .variableEnd else {
                    throw error("expected token 'end of print statement', got '\(current.describe)'")
                }
                pos += 1
                body.append(.print(e))
            case .blockBegin:
                pos += 1
                if current.kind == .name, endTags.contains(current.value) { return body }
                body.append(try parseStatement())
            case .eof:
                if endTags.isEmpty { return body }
                let expected = endTags.map { "'\($0)'" }.joined(separator: " or ")
                var msg = "Unexpected end of template. Jinja was looking for the following tags: \(expected)."
                if let inner = tagStack.last { msg += " The innermost block that needs to be closed is '\(inner)'." }
                throw error(msg)
            default:
                throw error("unexpected '\(t.describe)'")
            }
        }
    }

    private mutating func parseStatement() throws -> Stmt {
        let tok = current
        guard tok.kind == .name else {
            if tok.kind == .blockEnd { throw error("tag name expected") }
            throw error("tag name expected, got '\(tok.describe)'")
        }
        switch tok.value {
        case "if": return try parseIf()
        case "for": return try parseFor()
        case "set": return try parseSet()
        case "macro": return try parseMacro()
        case "call": return try parseCallBlock()
        case "filter": return try parseFilterBlock()
        case "include": return try parseInclude()
        case "import": return try parseImport()
        case "from": return try parseFrom()
        case "extends":
            pos += 1
            let e = try parseExpression()
            try expectBlockEnd()
            return .extends(e, line: tok.line)
        case "block": return try parseBlock()
        case "with": return try parseWith()
        case "do":
            pos += 1
            let e = try parseTuple()
            try expectBlockEnd()
            return .doExpr(e)
        case "break", "continue":
            pos += 1
            guard tagStack.contains("for") else {
                // Jinja reports this from its compiler, as a runtime error.
                var e = error("'\(tok.value)' outside of a loop", tok)
                e.kind = .runtime
                throw e
            }
            try expectBlockEnd()
            return tok.value == "break" ? .breakLoop : .continueLoop
        default:
            if tagStack.isEmpty {
                throw error("Encountered unknown tag '\(tok.value)'.")
            }
            throw error("Encountered unknown tag '\(tok.value)'. Jinja was looking for the following tags: '\(endTagFor(tagStack.last ?? ""))'. The innermost block that needs to be closed is '\(tagStack.last ?? "")'.")
        }
    }

    private func endTagFor(_ tag: String) -> String { "end" + tag }

    /// Parses a body up to `end<tag>`, also accepting the intermediate tags given; returns the body
    /// and the name of the tag that ended it (the tag token is consumed, block end is not).
    private mutating func subBody(_ tag: String, tags: [String]? = nil) throws -> ([Stmt], String) {
        if tagStack.count > Parser.maxNesting { throw error("blocks nested too deeply") }
        tagStack.append(tag)
        defer { tagStack.removeLast() }
        let body = try parseBody(endTags: tags ?? ["end" + tag])
        let end = next().value
        return (body, end)
    }

    private mutating func parseIf() throws -> Stmt {
        pos += 1
        var branches: [(Expr, [Stmt])] = []
        var cond = try parseTuple(withCondexpr: true)
        try expectBlockEnd()
        while true {
            let (body, end) = try subBody("if", tags: ["elif", "else", "endif"])
            branches.append((cond, body))
            if end == "elif" {
                cond = try parseTuple(withCondexpr: true)
                try expectBlockEnd()
                continue
            }
            if end == "else" {
                try expectBlockEnd()
                let (otherwise, _) = try subBody("if")
                try expectBlockEnd()
                return .ifStmt(branches, otherwise: otherwise)
            }
            try expectBlockEnd()
            return .ifStmt(branches, otherwise: [])
        }
    }

    private mutating func parseFor() throws -> Stmt {
        let line = current.line
        pos += 1
        let target = try parseAssignTarget(allowNamespace: false)
        guard skipName("in") else { throw error("expected token 'in', got '\(current.describe)'") }
        let iter = try parseTuple(withCondexpr: false, extraEnd: ["recursive"])
        var filter: Expr?
        if skipName("if") { filter = try parseExpression() }
        let recursive = skipName("recursive")
        try expectBlockEnd()
        let (body, end) = try subBody("for", tags: ["endfor", "else"])
        var otherwise: [Stmt] = []
        if end == "else" {
            try expectBlockEnd()
            (otherwise, _) = try subBody("for")
        }
        try expectBlockEnd()
        return .forLoop(ForLoop(target: target, iterable: iter, filter: filter, body: body, otherwise: otherwise, recursive: recursive, line: line))
    }

    private mutating func parseSet() throws -> Stmt {
        let line = current.line
        pos += 1
        let target = try parseAssignTarget(allowNamespace: true)
        if skipOp("=") {
            let e = try parseTuple()
            try expectBlockEnd()
            return .set(target, e, line: line)
        }
        var filter: Expr?
        if isOp("|") { filter = try parseFilterChain(nil) }
        try expectBlockEnd()
        let (body, _) = try subBody("set")
        try expectBlockEnd()
        return .setBlock(target, filter: filter, body: body, line: line)
    }

    private mutating func parseAssignTarget(allowNamespace: Bool) throws -> Target {
        func single(_ p: inout Parser) throws -> Target {
            let tok = p.current
            guard tok.kind == .name else {
                throw p.error("expected token 'name', got '\(tok.describe)'")
            }
            p.pos += 1
            if allowNamespace, p.isOp("."), p.peek().kind == .name {
                p.pos += 1
                let attr = p.next().value
                return .attribute(tok.value, attr)
            }
            if ["true", "false", "none", "True", "False", "None"].contains(tok.value) {
                throw p.error("can't assign to '\(tok.value)'", tok)
            }
            return .name(tok.value)
        }
        if skipOp("(") {
            var items: [Target] = []
            while !isOp(")") {
                if current.kind == .op, current.value == "(" { items.append(try parseAssignTarget(allowNamespace: false)) } else { items.append(try single(&self)) }
                if !skipOp(",") { break }
            }
            try expectOp(")")
            return .tuple(items)
        }
        let first = try single(&self)
        guard isOp(",") else { return first }
        var items = [first]
        while skipOp(",") {
            if current.kind != .name { break }
            items.append(try single(&self))
        }
        return .tuple(items)
    }

    private mutating func parseParams() throws -> [MacroParam] {
        var params: [MacroParam] = []
        try expectOp("(")
        while !isOp(")") {
            if !params.isEmpty { try expectOp(",") }
            if isOp(")") { break }
            let name = try expectName()
            var def: Expr?
            if skipOp("=") { def = try parseExpression() } else if params.contains(where: { $0.defaultValue != nil }) {
                throw error("non-default argument follows default argument")
            }
            params.append(MacroParam(name: name, defaultValue: def))
        }
        try expectOp(")")
        return params
    }

    private mutating func parseMacro() throws -> Stmt {
        pos += 1
        let name = try expectName()
        let params = try parseParams()
        try expectBlockEnd()
        let (body, _) = try subBody("macro")
        try skipEndName()
        try expectBlockEnd()
        let used = NameScan.names(in: body)
        return .macro(MacroDef(name: name, params: params, body: body,
                               usesVarargs: used.contains("varargs"), usesKwargs: used.contains("kwargs"),
                               usesCaller: used.contains("caller")))
    }

    /// `{% endmacro name %}` / `{% endblock name %}` may repeat the name.
    private mutating func skipEndName() throws {
        if current.kind == .name { pos += 1 }
    }

    private mutating func parseCallBlock() throws -> Stmt {
        let line = current.line
        pos += 1
        var params: [MacroParam] = []
        if isOp("(") { params = try parseParams() }
        let callee = try parseExpression()
        guard case .call = callee else { throw error("expected call") }
        try expectBlockEnd()
        let (body, _) = try subBody("call")
        try expectBlockEnd()
        let used = NameScan.names(in: body)
        let caller = MacroDef(name: "caller", params: params, body: body, usesVarargs: used.contains("varargs"),
                              usesKwargs: used.contains("kwargs"), usesCaller: used.contains("caller"))
        return .callBlock(callee, caller: caller, line: line)
    }

    private mutating func parseFilterBlock() throws -> Stmt {
        pos += 1
        let f = try parseFilterChain(nil, requireFirst: true)
        try expectBlockEnd()
        let (body, _) = try subBody("filter")
        try expectBlockEnd()
        return .filterBlock(f, body: body)
    }

    private mutating func parseContextModifier(default def: Bool) throws -> Bool {
        if (isName("with") || isName("without")), peek().kind == .name, peek().value == "context" {
            let with = next().value == "with"
            pos += 1
            return with
        }
        return def
    }

    private mutating func parseInclude() throws -> Stmt {
        let line = current.line
        pos += 1
        let e = try parseExpression()
        var ignore = false
        if isName("ignore"), peek().kind == .name, peek().value == "missing" {
            pos += 2
            ignore = true
        }
        let ctx = try parseContextModifier(default: true)
        try expectBlockEnd()
        return .include(e, ignoreMissing: ignore, withContext: ctx, line: line)
    }

    private mutating func parseImport() throws -> Stmt {
        let line = current.line
        pos += 1
        let e = try parseExpression()
        guard skipName("as") else { throw error("expected token 'as', got '\(current.describe)'") }
        let alias = try expectName()
        let ctx = try parseContextModifier(default: false)
        try expectBlockEnd()
        return .importAs(e, alias: alias, withContext: ctx, line: line)
    }

    private mutating func parseFrom() throws -> Stmt {
        let line = current.line
        pos += 1
        let e = try parseExpression()
        guard skipName("import") else { throw error("expected token 'import', got '\(current.describe)'") }
        var names: [(String, String)] = []
        var ctx = false
        while true {
            if !names.isEmpty { guard skipOp(",") else { break } }
            if (isName("with") || isName("without")), peek().kind == .name, peek().value == "context" {
                ctx = try parseContextModifier(default: false)
                break
            }
            guard current.kind == .name else {
                if names.isEmpty { throw error("expected token 'name', got '\(current.describe)'") }
                break
            }
            let n = next().value
            if n.hasPrefix("_") { throw error("names starting with an underline can not be imported") }
            var alias = n
            if skipName("as") { alias = try expectName() }
            names.append((n, alias))
        }
        if (isName("with") || isName("without")), peek().kind == .name, peek().value == "context" {
            ctx = try parseContextModifier(default: false)
        }
        try expectBlockEnd()
        return .fromImport(e, names: names, withContext: ctx, line: line)
    }

    private mutating func parseBlock() throws -> Stmt {
        pos += 1
        let nameTok = current
        let name = try expectName()
        if blockNames.contains(name) { throw error("block '\(name)' defined twice", nameTok) }
        blockNames.insert(name)
        var scoped = false, required = false
        while current.kind == .name {
            if skipName("scoped") { scoped = true } else if skipName("required") { required = true } else { break }
        }
        try expectBlockEnd()
        let (body, _) = try subBody("block")
        if current.kind == .name {
            if current.value != name { throw error("mismatching name '\(current.value)' in endblock, expected '\(name)'") }
            pos += 1
        }
        try expectBlockEnd()
        return .block(BlockDef(name: name, body: body, scoped: scoped, required: required))
    }

    private mutating func parseWith() throws -> Stmt {
        pos += 1
        var pairs: [(Target, Expr)] = []
        while current.kind != .blockEnd {
            if !pairs.isEmpty { try expectOp(",") }
            let t = try parseAssignTarget(allowNamespace: false)
            try expectOp("=")
            pairs.append((t, try parseExpression()))
        }
        try expectBlockEnd()
        let (body, _) = try subBody("with")
        try expectBlockEnd()
        return .with(pairs, body: body)
    }

    // MARK: expressions

    mutating func parseExpression(withCondexpr: Bool = true) throws -> Expr {
        withCondexpr ? try parseCondexpr() : try parseOr()
    }

    /// A comma-separated tuple without parentheses, as allowed in print statements and `set`.
    private mutating func parseTuple(withCondexpr: Bool = true, extraEnd: Set<String> = [], explicitParens: Bool = false) throws -> Expr {
        var items: [Expr] = []
        var sawComma = false
        while true {
            if !items.isEmpty {
                guard skipOp(",") else { break }
                sawComma = true
            }
            if isTupleEnd(extraEnd) { break }
            items.append(try parseExpression(withCondexpr: withCondexpr))
        }
        if !sawComma {
            if let only = items.first { return only }
            if !explicitParens { throw error("Expected an expression, got '\(current.describe)'") }
        }
        return .tuple(items)
    }

    private func isTupleEnd(_ extra: Set<String>) -> Bool {
        switch current.kind {
        case .variableEnd, .blockEnd, .eof: return true
        case .op: return current.value == ")"
        case .name: return extra.contains(current.value)
        default: return false
        }
    }

    private mutating func parseCondexpr() throws -> Expr {
        var e = try parseOr()
        while isName("if") {
            let line = next().line
            let cond = try parseOr()
            var otherwise: Expr?
            if skipName("else") { otherwise = try parseCondexpr() }
            e = .conditional(test: cond, then: e, otherwise: otherwise, line: line)
        }
        return e
    }

    private mutating func parseOr() throws -> Expr {
        var left = try parseAnd()
        while skipName("or") { left = .or(left, try parseAnd()) }
        return left
    }

    private mutating func parseAnd() throws -> Expr {
        var left = try parseNot()
        while skipName("and") { left = .and(left, try parseNot()) }
        return left
    }

    private mutating func parseNot() throws -> Expr {
        if isName("not") {
            pos += 1
            return .not(try parseNot())
        }
        return try parseCompare()
    }

    private mutating func parseCompare() throws -> Expr {
        let line = current.line
        let first = try parseMath1()
        var ops: [(CompareOp, Expr)] = []
        while true {
            if current.kind == .op, let op = CompareOp(rawValue: current.value), op != .in, op != .notIn {
                pos += 1
                ops.append((op, try parseMath1()))
            } else if isName("in") {
                pos += 1
                ops.append((.in, try parseMath1()))
            } else if isName("not"), peek().kind == .name, peek().value == "in" {
                pos += 2
                ops.append((.notIn, try parseMath1()))
            } else {
                break
            }
        }
        return ops.isEmpty ? first : .compare(first, ops, line: line)
    }

    private mutating func parseMath1() throws -> Expr {
        var left = try parseConcat()
        while current.kind == .op, current.value == "+" || current.value == "-" {
            let t = next()
            left = .binary(t.value == "+" ? .add : .sub, left, try parseConcat(), line: t.line)
        }
        return left
    }

    private mutating func parseConcat() throws -> Expr {
        let line = current.line
        var items = [try parseMath2()]
        while skipOp("~") { items.append(try parseMath2()) }
        return items.count == 1 ? items[0] : .concat(items, line: line)
    }

    private mutating func parseMath2() throws -> Expr {
        var left = try parsePow()
        while current.kind == .op, let op = BinaryOp(rawValue: current.value), [.mul, .div, .floorDiv, .mod].contains(op) {
            let t = next()
            left = .binary(op, left, try parsePow(), line: t.line)
        }
        return left
    }

    private mutating func parsePow() throws -> Expr {
        var left = try parseUnary()
        while isOp("**") {
            let t = next()
            left = .binary(.pow, left, try parseUnary(), line: t.line)
        }
        return left
    }

    private mutating func parseUnary(withFilter: Bool = true) throws -> Expr {
        // Deeply nested input would otherwise exhaust the stack.
        nesting += 1
        defer { nesting -= 1 }
        if nesting > Parser.maxNesting { throw error("expression nested too deeply") }
        var node: Expr
        if isOp("-") {
            let t = next()
            node = .negate(try parseUnary(withFilter: false), line: t.line)
        } else if isOp("+") {
            let t = next()
            node = .plus(try parseUnary(withFilter: false), line: t.line)
        } else {
            node = try parsePrimary()
        }
        node = try parsePostfix(node)
        if withFilter { node = try parseFilterExpr(node) }
        return node
    }

    private mutating func parsePrimary() throws -> Expr {
        let t = current
        switch t.kind {
        case .name:
            pos += 1
            switch t.value {
            case "true", "True": return .literal(.bool(true))
            case "false", "False": return .literal(.bool(false))
            case "none", "None": return .literal(.none)
            default: return .name(t.value, line: t.line)
            }
        case .string:
            pos += 1
            var s = t.value
            while current.kind == .string { s += next().value }
            return .literal(.string(s))
        case .integer:
            pos += 1
            guard let i = Int(t.value) else { throw error("integer literal too large", t) }
            return .literal(.int(i))
        case .float:
            pos += 1
            return .literal(.double(Double(t.value) ?? .nan))
        case .op where t.value == "(":
            pos += 1
            let e = try parseTuple(explicitParens: true)
            try expectOp(")")
            return e
        case .op where t.value == "[":
            pos += 1
            var items: [Expr] = []
            while !isOp("]") {
                if !items.isEmpty { try expectOp(",") }
                if isOp("]") { break }
                items.append(try parseExpression())
            }
            try expectOp("]")
            return .list(items)
        case .op where t.value == "{":
            pos += 1
            var pairs: [(Expr, Expr)] = []
            while !isOp("}") {
                if !pairs.isEmpty { try expectOp(",") }
                if isOp("}") { break }
                let k = try parseExpression()
                try expectOp(":")
                pairs.append((k, try parseExpression()))
            }
            try expectOp("}")
            return .dict(pairs)
        default:
            throw error("unexpected '\(t.describe)'")
        }
    }

    private mutating func parsePostfix(_ start: Expr) throws -> Expr {
        var node = start
        while true {
            if isOp(".") || isOp("[") {
                node = try parseSubscript(node)
            } else if isOp("(") {
                node = try parseCall(node)
            } else {
                return node
            }
        }
    }

    private mutating func parseFilterExpr(_ start: Expr) throws -> Expr {
        var node = start
        while true {
            if isOp("|") {
                node = try parseFilterChain(node)
            } else if isName("is") {
                node = try parseTest(node)
            } else if isOp("(") {
                node = try parseCall(node)
            } else {
                return node
            }
        }
    }

    private mutating func parseSubscript(_ obj: Expr) throws -> Expr {
        let t = next()
        if t.value == "." {
            let attr = current
            if attr.kind == .name {
                pos += 1
                return .getattr(obj, attr.value, line: t.line)
            }
            if attr.kind == .integer, let i = Int(attr.value) {
                pos += 1
                return .getitem(obj, .literal(.int(i)), line: t.line)
            }
            throw error("expected name or number")
        }
        var args: [Expr] = []
        while !isOp("]") {
            if !args.isEmpty {
                try expectOp(",")
                if isOp("]") { break }
            }
            args.append(try parseSubscribed())
        }
        try expectOp("]")
        let key: Expr = args.count == 1 ? args[0] : .tuple(args)
        return .getitem(obj, key, line: t.line)
    }

    private mutating func parseSubscribed() throws -> Expr {
        var parts: [Expr?] = []
        if isOp(":") {
            pos += 1
            parts = [nil]
        } else {
            let e = try parseExpression()
            guard skipOp(":") else { return e }
            parts = [e]
        }
        // stop
        if isOp(":") || isOp("]") || isOp(",") { parts.append(nil) } else { parts.append(try parseExpression()) }
        if skipOp(":") {
            if isOp("]") || isOp(",") { parts.append(nil) } else { parts.append(try parseExpression()) }
        } else {
            parts.append(nil)
        }
        return .slice(parts[0], parts[1], parts[2])
    }

    private mutating func parseCallArgs() throws -> CallArgs {
        try expectOp("(")
        let args = CallArgs()
        var first = true
        while !isOp(")") {
            if !first {
                try expectOp(",")
                if isOp(")") { break }
            }
            first = false
            if skipOp("*") {
                args.star = try parseExpression()
            } else if skipOp("**") {
                args.doubleStar = try parseExpression()
            } else if current.kind == .name, peek().kind == .op, peek().value == "=" {
                let key = next().value
                pos += 1
                args.keyword.append((key, try parseExpression()))
            } else {
                if args.star != nil || args.doubleStar != nil || !args.keyword.isEmpty {
                    throw error("Invalid argument syntax")
                }
                args.positional.append(try parseExpression())
            }
        }
        try expectOp(")")
        return args
    }

    private mutating func parseCall(_ callee: Expr) throws -> Expr {
        let line = current.line
        return .call(callee, try parseCallArgs(), line: line)
    }

    private mutating func dottedName() throws -> String {
        var name = try expectName()
        while isOp("."), peek().kind == .name {
            pos += 1
            name += "." + next().value
        }
        return name
    }

    /// Parses `|f1(args)|f2...`; `input` nil means a filter block / filtered set.
    private mutating func parseFilterChain(_ input: Expr?, requireFirst: Bool = false) throws -> Expr {
        var node = input
        var first = requireFirst
        while isOp("|") || first {
            if !first { pos += 1 }
            first = false
            let line = current.line
            let name = try dottedName()
            let args = isOp("(") ? try parseCallArgs() : CallArgs()
            let ref = FilterRef(name: name, function: env?.filters[name], generation: env?.tableGeneration ?? -1)
            node = .filter(node, ref, args, line: line)
        }
        guard let result = node else { throw error("expected filter") }
        return result
    }

    private mutating func parseTest(_ input: Expr) throws -> Expr {
        let line = current.line
        pos += 1  // "is"
        let negated = skipName("not")
        let name = try dottedName()
        var args = CallArgs()
        if isOp("(") {
            args = try parseCallArgs()
        } else if [.name, .string, .integer, .float].contains(current.kind) || isOp("[") || isOp("{") {
            if !(current.kind == .name && ["else", "or", "and"].contains(current.value)) {
                if isName("is") { throw error("You cannot chain multiple tests with is") }
                var arg = try parsePrimary()
                arg = try parsePostfix(arg)
                args.positional = [arg]
            }
        }
        let ref = TestRef(name: name, function: env?.tests[name], generation: env?.tableGeneration ?? -1)
        return .test(input, ref, args, negated: negated, line: line)
    }
}
