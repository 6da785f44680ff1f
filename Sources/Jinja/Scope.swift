/// Variables of one frame. Most frames hold a handful of names, where a linear scan beats
/// hashing; a hash index is added once a frame grows.
struct VarTable: Sequence {
    private var entries: [(name: String, value: Value)] = []
    private var index: [String: Int]?
    private static let indexThreshold = 12

    private func position(_ name: String) -> Int? {
        if let ix = index { return ix[name] }
        for i in entries.indices where entries[i].name == name { return i }
        return nil
    }

    subscript(name: String) -> Value? {
        get { position(name).map { entries[$0].value } }
        set {
            if let i = position(name) {
                if let v = newValue {
                    entries[i].value = v
                } else {
                    entries.remove(at: i)
                    index = nil
                    if entries.count > VarTable.indexThreshold { rebuildIndex() }
                }
            } else if let v = newValue {
                set(name, v)
            }
        }
    }

    /// Binds `name`: the hot path of assignment, without an Optional to wrap and unwrap.
    mutating func set(_ name: String, _ value: Value) {
        if let i = position(name) {
            entries[i].value = value
            return
        }
        entries.append((name, value))
        if index != nil {
            index?[name] = entries.count - 1
        } else if entries.count > VarTable.indexThreshold {
            rebuildIndex()
        }
    }

    private mutating func rebuildIndex() {
        var ix: [String: Int] = [:]
        for (i, e) in entries.enumerated() { ix[e.name] = i }
        index = ix
    }

    var isEmpty: Bool { entries.isEmpty }

    /// Avoids regrowing the table while a frame of known size (a macro call's) is filled.
    mutating func reserveCapacity(_ n: Int) { entries.reserveCapacity(n) }

    mutating func removeAll(keepingCapacity: Bool = false) {
        if keepingCapacity {
            // Loops clear their frame every iteration; Array.removeAll(keepingCapacity:) goes
            // through the generic replaceSubrange, several times slower for a few entries.
            while !entries.isEmpty { entries.removeLast() }
        } else {
            entries.removeAll()
        }
        index = nil
    }

    func makeIterator() -> IndexingIterator<[(name: String, value: Value)]> { entries.makeIterator() }
}

/// A chain of variable frames. The root frame may be backed by the caller's `VariableSource`;
/// names not found anywhere fall through to the environment's globals.
final class Scope {
    var vars = VarTable()
    let parent: Scope?
    /// Only on the root frame: the caller's variables.
    let source: VariableSource?
    /// Set once a closure (macro, caller, nested template) may outlive the current use of this
    /// frame; loops then stop recycling it between iterations.
    private(set) var captured = false

    /// Marks this frame and its ancestors as referenced by a long-lived closure.
    func markCaptured() {
        var s: Scope? = self
        while let cur = s, !cur.captured {
            cur.captured = true
            s = cur.parent
        }
    }

    init(parent: Scope) {
        self.parent = parent
        self.source = nil
    }

    init(source: VariableSource?) {
        self.parent = nil
        self.source = source
    }

    func lookup(_ name: String) throws -> Value? {
        if let v = vars[name] { return v }
        // Recursion through the immutable `parent` borrows each frame; a loop variable would
        // retain and release every frame on the way.
        if let p = parent { return try p.lookup(name) }
        return try source?.lookup(name)
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
}
