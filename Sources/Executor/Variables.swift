import Foundation
import Jinja
import OrderedCollections
import Playbook

/// The variables a task sees on one host: Ansible's precedence layers, lowest first, plus magic
/// variables. Values are templated lazily when read, so `a: "{{ b }}"` follows later changes to b.
final class VarScope: VariableSource {
    private let layers: [Vars]
    private let magic: [String: Value]
    private let templar: Templar
    private var cache: [String: Value] = [:]
    private var resolving: Set<String> = []
    /// Variables holding unsafe data (a with_* loop's item, as Ansible marks lookup results): what is
    /// templated from them is unsafe too (see `touchedUnsafe`).
    private let unsafeNames: Set<String>
    /// Set when a lookup read one of `unsafeNames`.
    var touchedUnsafe = false

    init(layers: [Vars], magic: [String: Value], templar: Templar, unsafeNames: Set<String> = []) {
        self.layers = layers
        self.magic = magic
        self.templar = templar
        self.unsafeNames = unsafeNames
    }

    func raw(_ name: String) -> Value? {
        for layer in layers.reversed() { if let v = layer[name] { return v } }
        return magic[name]
    }

    func lookup(_ name: String) throws -> Value? {
        if unsafeNames.contains(name) { touchedUnsafe = true }
        if let v = cache[name] { return v }
        guard let v = raw(name) else { return nil }
        guard Templar.needsTemplating(v) else { return v }
        guard resolving.insert(name).inserted else {
            throw TemplateError(kind: .runtime, message: "recursive loop detected in template string: variable '\(name)' refers to itself")
        }
        defer { resolving.remove(name) }
        let out = try templar.template(v, self)
        cache[name] = out
        return out
    }

    /// Every visible variable name (for `vars` and hostvars iteration).
    var names: [String] {
        var seen = Set<String>()
        var out: [String] = []
        for layer in layers { for k in layer.keys where seen.insert(k).inserted { out.append(k) } }
        for k in magic.keys.sorted() where seen.insert(k).inserted { out.append(k) }
        return out
    }

    /// A scope with more variables on top (loop items, registered results).
    func adding(_ extra: Vars, unsafe: Set<String> = []) -> VarScope {
        VarScope(layers: layers + [extra], magic: magic, templar: templar, unsafeNames: unsafeNames.union(unsafe))
    }
}

/// `hostvars`: every host's variables, computed on demand.
final class HostVars: ValueObject {
    let typeName = "HostVars"
    let hosts: () -> [String]
    let scopeFor: (String) -> VarScope?

    init(hosts: @escaping () -> [String], scopeFor: @escaping (String) -> VarScope?) {
        self.hosts = hosts
        self.scopeFor = scopeFor
    }

    func attribute(_ name: String) -> Value? {
        guard let scope = scopeFor(name) else { return nil }
        return .object(HostVarsEntry(scope: scope))
    }

    var keys: [String]? { hosts() }
}

/// One host's entry in hostvars: attribute access reads (and templates) that host's variable.
final class HostVarsEntry: ValueObject {
    let typeName = "HostVarsVars"
    let scope: VarScope
    init(scope: VarScope) { self.scope = scope }
    /// Like Ansible's hostvars, a value whose template uses a variable this host does not have is
    /// returned as written.
    func attribute(_ name: String) -> Value? {
        do { return try scope.lookup(name) } catch let e as TemplateError where e.kind == .undefined { return scope.raw(name) } catch { return nil }
    }
    var keys: [String]? { scope.names }
    var stringValue: String {
        var d = OrderedDictionary<String, Value>()
        for k in scope.names where k != "hostvars" { d[k] = attribute(k) ?? .none }
        return Value.dict(d).pythonRepr
    }
}
