/// A chain of variable frames. The root frame may be backed by the caller's `VariableSource`;
/// names not found anywhere fall through to the environment's globals.
final class Scope {
    var vars: [String: Value] = [:]
    let parent: Scope?
    /// Only on the root frame: the caller's variables.
    let source: VariableSource?

    init(parent: Scope) {
        self.parent = parent
        self.source = nil
    }

    init(source: VariableSource?) {
        self.parent = nil
        self.source = source
    }

    func lookup(_ name: String) throws -> Value? {
        var s: Scope? = self
        while let cur = s {
            if let v = cur.vars[name] { return v }
            if cur.parent == nil, let src = cur.source { return try src.lookup(name) }
            s = cur.parent
        }
        return nil
    }

    /// The frame that currently defines `name`, or the root frame when only the source has it.
    func owner(of name: String) -> Scope {
        var s: Scope = self
        while true {
            if s.vars[name] != nil { return s }
            guard let p = s.parent else { return s }
            s = p
        }
    }

    /// Every visible variable, innermost winning (for `with context` and `namespace`-less exports).
    func flattened() -> [String: Value] {
        var chain: [Scope] = []
        var s: Scope? = self
        while let cur = s { chain.append(cur); s = cur.parent }
        var out: [String: Value] = [:]
        for frame in chain.reversed() { out.merge(frame.vars) { _, new in new } }
        return out
    }

    var root: Scope {
        var s = self
        while let p = s.parent { s = p }
        return s
    }
}
