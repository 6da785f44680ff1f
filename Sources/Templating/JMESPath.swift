import Foundation
import Jinja
import OrderedCollections

/// JMESPath for the `json_query` filter: fields, sub-expressions, indexes and slices,
/// projections (`[*]`, `*`, `[]`), filters (`[?a=='x']`), pipes, multi-selects, literals,
/// `||`/`&&`/`!`, comparisons, and the common built-in functions.
enum JMESPath {
    static func search(_ expression: String, _ data: Value) throws -> Value {
        var parser = Parser(tokens: try Lexer.tokens(expression), source: expression)
        let ast = try parser.parseAll()
        return try Interpreter().eval(ast, data)
    }

    static func fail(_ message: String) -> TemplateError { pluginError("json_query", message) }

    // MARK: tokens

    enum Token: Equatable {
        case dot, star, flatten, filter, lbracket, rbracket, lbrace, rbrace, lparen, rparen, comma, colon
        case pipe, or, and, not, ampersand, current
        case compare(String)
        case number(Int)
        case identifier(String, quoted: Bool)
        case literal(Value)
        case eof

        var bindingPower: Int {
            switch self {
            case .pipe: return 1
            case .or: return 2
            case .and: return 3
            case .compare: return 5
            case .flatten: return 9
            case .star: return 20
            case .filter: return 21
            case .dot: return 40
            case .not: return 45
            case .lbrace: return 50
            case .lbracket: return 55
            case .lparen: return 60
            default: return 0
            }
        }
    }

    enum Lexer {
        static func tokens(_ s: String) throws -> [Token] {
            let c = Array(s.unicodeScalars)
            var i = 0
            var out: [Token] = []
            func peek(_ o: Int = 1) -> Unicode.Scalar? { i + o < c.count ? c[i + o] : nil }
            while i < c.count {
                let ch = c[i]
                switch ch {
                case " ", "\t", "\n", "\r": i += 1
                case ".": out.append(.dot); i += 1
                case "*": out.append(.star); i += 1
                case "]": out.append(.rbracket); i += 1
                case "{": out.append(.lbrace); i += 1
                case "}": out.append(.rbrace); i += 1
                case "(": out.append(.lparen); i += 1
                case ")": out.append(.rparen); i += 1
                case ",": out.append(.comma); i += 1
                case ":": out.append(.colon); i += 1
                case "@": out.append(.current); i += 1
                case "[":
                    if peek() == "]" { out.append(.flatten); i += 2 } else if peek() == "?" { out.append(.filter); i += 2 } else { out.append(.lbracket); i += 1 }
                case "|":
                    if peek() == "|" { out.append(.or); i += 2 } else { out.append(.pipe); i += 1 }
                case "&":
                    if peek() == "&" { out.append(.and); i += 2 } else { out.append(.ampersand); i += 1 }
                case "!":
                    if peek() == "=" { out.append(.compare("!=")); i += 2 } else { out.append(.not); i += 1 }
                case "=":
                    guard peek() == "=" else { throw fail("unexpected '=' at \(i) in '\(s)' (use == to compare)") }
                    out.append(.compare("==")); i += 2
                case "<", ">":
                    if peek() == "=" { out.append(.compare(String(ch) + "=")); i += 2 } else { out.append(.compare(String(ch))); i += 1 }
                case "\"":
                    let (text, next) = try delimited(c, from: i, close: "\"", source: s)
                    guard case .string(let name) = try parseJSON("\"" + text + "\"", plugin: "json_query") else { throw fail("bad quoted identifier in '\(s)'") }
                    out.append(.identifier(name, quoted: true))
                    i = next
                case "'":
                    let (text, next) = try delimited(c, from: i, close: "'", source: s)
                    out.append(.literal(.string(text.replacingOccurrences(of: "\\'", with: "'"))))
                    i = next
                case "`":
                    let (text, next) = try delimited(c, from: i, close: "`", source: s)
                    let body = text.replacingOccurrences(of: "\\`", with: "`")
                    // Legacy JMESPath allowed unquoted strings in literals.
                    out.append(.literal((try? parseJSON(body)) ?? .string(body.trimmingCharacters(in: .whitespaces))))
                    i = next
                default:
                    if ch == "-" || ("0"..."9").contains(ch) {
                        var j = i + 1
                        while j < c.count, ("0"..."9").contains(c[j]) { j += 1 }
                        guard let n = Int(String(String.UnicodeScalarView(c[i..<j]))) else { throw fail("bad number at \(i) in '\(s)'") }
                        out.append(.number(n))
                        i = j
                    } else if ch.properties.isAlphabetic || ch == "_" {
                        var j = i + 1
                        while j < c.count, c[j].properties.isAlphabetic || c[j] == "_" || ("0"..."9").contains(c[j]) { j += 1 }
                        out.append(.identifier(String(String.UnicodeScalarView(c[i..<j])), quoted: false))
                        i = j
                    } else {
                        throw fail("unexpected character '\(ch)' at \(i) in '\(s)'")
                    }
                }
            }
            out.append(.eof)
            return out
        }

        /// Text between delimiters with backslash escapes left for the caller.
        static func delimited(_ c: [Unicode.Scalar], from start: Int, close: Unicode.Scalar, source: String) throws -> (String, Int) {
            var j = start + 1
            var text = String.UnicodeScalarView()
            while j < c.count, c[j] != close {
                if c[j] == "\\", j + 1 < c.count { text.append(c[j]); j += 1 }
                text.append(c[j])
                j += 1
            }
            guard j < c.count else { throw fail("unterminated \(close) in '\(source)'") }
            return (String(text), j + 1)
        }
    }

    // MARK: syntax tree

    indirect enum Node {
        case identity
        case field(String)
        case literal(Value)
        case subexpression(Node, Node)
        case index(Node, Int)
        case slice(Node, Int?, Int?, Int?)
        case projection(Node, Node)
        case valueProjection(Node, Node)
        case filterProjection(Node, Node, Node)
        case flatten(Node)
        case pipe(Node, Node)
        case or(Node, Node)
        case and(Node, Node)
        case not(Node)
        case compare(String, Node, Node)
        case multiList([Node])
        case multiHash([(String, Node)])
        case function(String, [Node])
        case expref(Node)
    }

    struct Parser {
        let tokens: [Token]
        let source: String
        var pos = 0

        init(tokens: [Token], source: String) {
            self.tokens = tokens
            self.source = source
        }

        var current: Token { tokens[min(pos, tokens.count - 1)] }
        func lookahead(_ n: Int) -> Token { tokens[min(pos + n, tokens.count - 1)] }
        mutating func advance() { pos += 1 }

        func error(_ what: String) -> TemplateError { fail("\(what) in expression '\(source)'") }

        mutating func expect(_ t: Token) throws {
            guard current == t else { throw error("expected \(t), found \(current)") }
            advance()
        }

        mutating func parseAll() throws -> Node {
            let n = try expression(0)
            guard current == .eof else { throw error("unexpected \(current)") }
            return n
        }

        mutating func expression(_ bp: Int) throws -> Node {
            let t = current
            advance()
            var left = try nud(t)
            while bp < current.bindingPower {
                let t = current
                advance()
                left = try led(t, left)
            }
            return left
        }

        mutating func nud(_ t: Token) throws -> Node {
            switch t {
            case .literal(let v): return .literal(v)
            case .identifier(let name, let quoted):
                if quoted, current == .lparen { throw error("quoted identifier cannot be a function name") }
                return .field(name)
            case .star: return .valueProjection(.identity, try projectionRHS(Token.star.bindingPower))
            case .filter: return try led(.filter, .identity)
            case .lbrace: return try multiHash()
            case .flatten: return .projection(.flatten(.identity), try projectionRHS(Token.flatten.bindingPower))
            case .lbracket:
                if case .number = current { return try indexOrSlice(.identity) }
                if current == .colon { return try indexOrSlice(.identity) }
                if current == .star, lookahead(1) == .rbracket {
                    advance(); advance()
                    return .projection(.identity, try projectionRHS(Token.star.bindingPower))
                }
                return try multiList()
            case .current: return .identity
            case .ampersand: return .expref(try expression(0))
            case .not: return .not(try expression(Token.not.bindingPower))
            case .lparen:
                let inner = try expression(0)
                try expect(.rparen)
                return inner
            default: throw error("unexpected \(t)")
            }
        }

        mutating func led(_ t: Token, _ left: Node) throws -> Node {
            switch t {
            case .dot:
                if current == .star {
                    advance()
                    return .valueProjection(left, try projectionRHS(Token.dot.bindingPower))
                }
                return .subexpression(left, try dotRHS(Token.dot.bindingPower))
            case .pipe: return .pipe(left, try expression(Token.pipe.bindingPower))
            case .or: return .or(left, try expression(Token.or.bindingPower))
            case .and: return .and(left, try expression(Token.and.bindingPower))
            case .compare(let op): return .compare(op, left, try expression(t.bindingPower))
            case .flatten: return .projection(.flatten(left), try projectionRHS(Token.flatten.bindingPower))
            case .filter:
                let condition = try expression(0)
                try expect(.rbracket)
                let right: Node = current == .flatten ? .identity : try projectionRHS(Token.filter.bindingPower)
                return .filterProjection(left, right, condition)
            case .lbracket:
                if case .number = current { return try indexOrSlice(left) }
                if current == .colon { return try indexOrSlice(left) }
                try expect(.star)
                try expect(.rbracket)
                return .projection(left, try projectionRHS(Token.star.bindingPower))
            case .lparen:
                guard case .field(let name) = left else { throw error("invalid function call") }
                var args: [Node] = []
                while current != .rparen {
                    args.append(try expression(0))
                    if current == .comma { advance() } else if current != .rparen { throw error("expected ',' or ')'") }
                }
                advance()
                return .function(name, args)
            default: throw error("unexpected \(t)")
            }
        }

        mutating func indexOrSlice(_ left: Node) throws -> Node {
            var parts: [Int?] = [nil, nil, nil]
            var part = 0
            var sawColon = false
            while current != .rbracket {
                switch current {
                case .number(let n): parts[part] = n; advance()
                case .colon:
                    sawColon = true
                    part += 1
                    guard part < 3 else { throw error("too many colons in slice") }
                    advance()
                default: throw error("unexpected \(current) in index")
                }
            }
            advance()
            if !sawColon, let i = parts[0] { return .index(left, i) }
            if parts[2] == 0 { throw error("slice step cannot be 0") }
            return .projection(.slice(left, parts[0], parts[1], parts[2]), try projectionRHS(Token.star.bindingPower))
        }

        mutating func projectionRHS(_ bp: Int) throws -> Node {
            if current.bindingPower < 10 { return .identity }
            switch current {
            case .lbracket, .filter: return try expression(bp)
            case .dot:
                advance()
                return try dotRHS(bp)
            default: throw error("unexpected \(current) after projection")
            }
        }

        mutating func dotRHS(_ bp: Int) throws -> Node {
            switch current {
            case .identifier, .star: return try expression(bp)
            case .lbracket:
                advance()
                return try multiList()
            case .lbrace:
                advance()
                return try multiHash()
            default: throw error("unexpected \(current) after '.'")
            }
        }

        mutating func multiList() throws -> Node {
            var items: [Node] = []
            repeat {
                if current == .comma { advance() }
                items.append(try expression(0))
            } while current == .comma
            try expect(.rbracket)
            return .multiList(items)
        }

        mutating func multiHash() throws -> Node {
            var pairs: [(String, Node)] = []
            repeat {
                if current == .comma { advance() }
                guard case .identifier(let key, _) = current else { throw error("expected a key in multi-select hash") }
                advance()
                try expect(.colon)
                pairs.append((key, try expression(0)))
            } while current == .comma
            try expect(.rbrace)
            return .multiHash(pairs)
        }
    }
}
