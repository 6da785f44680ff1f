import DataLoader
import Foundation
import Jinja

/// Reads Ansible's INI inventory format into `InventoryData`.
///
/// Lines before any section are hosts of `ungrouped`. `[g]` lists hosts (with `k=v` vars typed as
/// Python literals), `[g:vars]` sets group variables (also Python literals, the whole rest of the line
/// being the value), `[g:children]` lists child groups, which may be declared further down.
struct INIParser {
    let data: InventoryData
    let file: String

    private struct Pending {
        var line: Int
        var isVars: Bool
        var parents: [String]
    }

    /// Groups referenced before their declaration, in order of first reference.
    private struct PendingList {
        var order: [String] = []
        var byName: [String: Pending] = [:]
        subscript(name: String) -> Pending? {
            get { byName[name] }
            set {
                if newValue != nil && byName[name] == nil { order.append(name) }
                if newValue == nil { order.removeAll { $0 == name } }
                byName[name] = newValue
            }
        }
    }

    private enum State: String {
        case hosts, vars, children
    }

    func parse(text: String) throws {
        var group = "ungrouped"
        var state = State.hosts
        var pending = PendingList()

        for (index, rawLine) in Text.lines(of: text).enumerated() {
            let lineNumber = index + 1
            let line = rawLine.stripped
            guard let first = line.first, first != "#", first != ";" else { continue }
            // Errors point at the offending word when it can be found, else at the line's start.
            func fail(_ message: String, at token: String? = nil) -> SourceError {
                let start = token.flatMap { rawLine.range(of: $0)?.lowerBound } ?? rawLine.firstIndex { !$0.isWhitespace } ?? rawLine.startIndex
                let column = rawLine.distance(from: rawLine.startIndex, to: start) + 1
                return SourceError(message, at: SourceMark(file: file, line: lineNumber, column: column))
            }

            do {
                if let (name, tag) = Self.sectionHeader(line) {
                    guard let newState = State(rawValue: tag ?? "hosts") else {
                        throw fail("Section [\(name):\(tag ?? "")] has unknown type: \(tag ?? ""); expected hosts, children or vars")
                    }
                    group = name
                    state = newState
                    if data.groups[name] == nil {
                        // [g:vars] alone does not declare g: note it, and complain at the end if g never comes.
                        if state == .vars && pending[name] == nil {
                            pending[name] = Pending(line: lineNumber, isVars: true, parents: [])
                        }
                        data.addGroup(name)
                    }
                    if let p = pending[name], state != .vars {
                        if p.isVars {
                            pending[name] = nil
                        } else {
                            try addPendingChildren(of: name, &pending)
                        }
                    }
                    continue
                }
                if line.hasPrefix("[") && line.hasSuffix("]") {
                    throw fail("Invalid section entry: '\(line)'. Please make sure that there are no spaces in the section entry, and that there are no other invalid characters")
                }
                switch state {
                case .hosts:
                    try parseHostLine(line, group: group, fail: fail)
                case .vars:
                    guard let eq = line.firstIndex(of: "=") else { throw fail("Expected key=value, got: \(line)") }
                    let key = line[..<eq].stripped
                    let value = line[line.index(after: eq)...].stripped
                    try data.setVariable(group, key, Self.typedValue(value))
                case .children:
                    guard let child = Self.groupName(line) else { throw fail("Expected group name, got: \(line)") }
                    if data.groups[child] == nil {
                        if pending[child] != nil {
                            pending[child]?.parents.append(group)
                        } else {
                            pending[child] = Pending(line: lineNumber, isVars: false, parents: [group])
                        }
                    } else {
                        try data.addChild(group: group, child: child)
                    }
                }
            } catch let error as InventoryFailure {
                throw fail(error.description)
            } catch let error as HostAddress.Invalid {
                throw fail(error.description)
            }
        }

        // Any reference still pending was never declared; report the first, as Ansible does.
        if let name = pending.order.first, let p = pending[name] {
            let mark = SourceMark(file: file, line: p.line, column: 1)
            if p.isVars {
                throw SourceError("Section [\(name):vars] not valid for undefined group '\(name)'.", at: mark)
            }
            throw SourceError("Section [\(p.parents.last ?? ""):children] includes undefined group '\(name)'.", at: mark)
        }
    }

    private func addPendingChildren(of group: String, _ pending: inout PendingList) throws {
        guard let p = pending[group] else { return }
        for parent in p.parents {
            try data.addChild(group: parent, child: group)
            if let pp = pending[parent], !pp.isVars {
                try addPendingChildren(of: parent, &pending)
            }
        }
        pending[group] = nil
    }

    /// `host[range][:port] k=v ...`
    private func parseHostLine(_ line: String, group: String, fail: (String, String?) -> SourceError) throws {
        let words: [String]
        do {
            words = try ShellWords.split(line)
        } catch let error as ShellWords.SplitError {
            throw fail("Error parsing host definition '\(line)': \(error)", nil)
        }
        guard let pattern = words.first else { throw fail("Expected a host definition, got: \(line)", nil) }
        let (names, port) = try Self.expandHostPattern(pattern)
        if port == nil && pattern.hasSuffix(":") {
            throw fail("Invalid host pattern '\(pattern)' supplied, ending in ':' is not allowed, this character is reserved to provide a port.", pattern)
        }
        if pattern.first == "-" && names.contains(where: { $0.stripped == "---" }) {
            throw fail("Invalid host pattern '\(pattern)' supplied, '---' is normally a sign this is a YAML file.", pattern)
        }
        var vars: [(String, Value)] = []
        for word in words.dropFirst() {
            guard let eq = word.firstIndex(of: "=") else {
                throw fail("Expected key=value host variable assignment, got: \(word)", word)
            }
            let key = String(word[..<eq])
            let value = Self.typedValue(String(word[word.index(after: eq)...]))
            if let i = vars.firstIndex(where: { $0.0 == key }) { vars[i].1 = value } else { vars.append((key, value)) }
        }
        for name in names {
            try data.addHost(name, group: group, port: port)
            try data.setHostVariables(name, vars)
        }
    }

    /// A host pattern's names and port: `web[1:3]:22` gives web1..web3 and 22. Text that is no valid
    /// address is kept whole, as Ansible does.
    static func expandHostPattern(_ pattern: String) throws -> ([String], Int?) {
        let (host, port) = HostAddress.parse(pattern, allowRanges: true) ?? (pattern, nil)
        let names = host.has("[") ? try HostAddress.expand(host) : [host]
        return (names, port)
    }

    /// A Python literal's value, or the text itself.
    static func typedValue(_ text: String) -> Value {
        PythonLiteral.evaluate(text) ?? .string(text)
    }

    /// `[name]` or `[name:tag]`, optionally followed by spaces and a `#` comment.
    static func sectionHeader(_ line: String) -> (String, String?)? {
        guard line.hasPrefix("[") else { return nil }
        var rest = line.dropFirst()
        let nameEnd = rest.firstIndex { $0 == ":" || $0 == "]" || $0.isWhitespace } ?? rest.endIndex
        let name = String(rest[..<nameEnd])
        guard !name.isEmpty else { return nil }
        rest = rest[nameEnd...]
        var tag: String? = nil
        if rest.first == ":" {
            let t = rest.dropFirst().prefix { $0 == "_" || $0.isLetter || $0.isNumber }
            guard !t.isEmpty else { return nil }
            tag = String(t)
            rest = rest.dropFirst(1 + t.count)
        }
        guard rest.first == "]" else { return nil }
        let trailing = rest.dropFirst().drop { $0.isWhitespace }
        guard trailing.isEmpty || trailing.first == "#" else { return nil }
        return (name, tag)
    }

    /// A child group line: a name, optionally followed by spaces and a `#` comment.
    static func groupName(_ line: String) -> String? {
        let end = line.firstIndex { $0 == ":" || $0 == "]" || $0.isWhitespace } ?? line.endIndex
        let name = String(line[..<end])
        let trailing = line[end...].drop { $0.isWhitespace }
        guard !name.isEmpty, trailing.isEmpty || trailing.first == "#" else { return nil }
        return name
    }
}
