import Foundation
import Jinja
import Playbook

extension PlayRunner {
    /// Marks the handlers a changed task notifies on `host`. A notification names one handler (the
    /// last one defined with that name, also as "role : name") and every handler listening to it.
    func notify(_ names: [String], host: String, task: Task) throws {
        let s = runner.state(host)
        var notifications: [String] = []
        for raw in names {
            // A template may give one name or a list of them.
            guard Templar.hasDelimiters(raw) else { notifications.append(raw); continue }
            let v = try runner.templar.render(raw, scope(host: host, task: task))
            notifications += v.listValue?.map(\.pythonStr) ?? [v.pythonStr]
        }
        for name in notifications {
            let found = handlers(notifiedBy: name)
            if found.isEmpty {
                let message = "The requested handler '\(name)' was not found in either the main handlers list nor in the listening handlers list"
                if options.errorOnMissingHandler { throw ExecutionError(message, task: task, host: host) }
                callback.warning(message)
            }
            for h in found { s.notify(ObjectIdentifier(h)) }
        }
    }

    func handlers(notifiedBy notification: String) -> [Task] {
        var out: [Task] = []
        // Handlers are searched as Ansible loads them: the last handler section (play or role)
        // first, and the first handler of a section with a matching name wins.
        var sections: [[Task]] = []
        for h in handlers {
            if let last = sections.last?.last, last.role === h.role { sections[sections.count - 1].append(h) } else { sections.append([h]) }
        }
        let searchOrder = sections.reversed().flatMap { $0 }
        for h in searchOrder {
            guard let name = handlerName(h) else { continue }
            if roleQualified(name, h).contains(notification) {
                out.append(h)
                break
            }
        }
        // Listeners, one per handler name.
        var seen = Set<String>()
        for h in searchOrder where h.listen.contains(where: { roleQualified($0, h).contains(notification) }) {
            if let name = h.name {
                guard seen.insert(name).inserted else { continue }
            }
            if !out.contains(where: { $0 === h }) { out.append(h) }
        }
        return out
    }

    /// A handler name or listen topic as notifications may give it: plain, or prefixed by the
    /// handler's role ("role : name", with the role's full or, for a collection role, short name).
    func roleQualified(_ name: String, _ h: Task) -> Set<String> {
        guard let role = h.role else { return [name] }
        return [name, "\(role.name) : \(name)", "\(role.name.split(separator: ".").last ?? "") : \(name)"]
    }

    /// A handler's name, templated once with play variables (host variables are not available to
    /// handler names); nil for an unnamed handler or one whose name does not template.
    func handlerName(_ h: Task) -> String? {
        let id = ObjectIdentifier(h)
        lock.lock()
        let cached = handlerNames[id]
        lock.unlock()
        if let cached { return cached }
        var name = h.name
        if let raw = h.name, Templar.hasDelimiters(raw) {
            do {
                name = try runner.templar.render(raw, scope(host: nil, task: h)).pythonStr
            } catch {
                name = nil
                if h.listen.isEmpty {
                    callback.warning("Handler '\(raw)' is unusable because it has no listen topics and the name could not be templated (host-specific variables are not supported in handler names). The error: \(error)")
                }
            }
        }
        lock.lock()
        handlerNames[id] = .some(name)
        lock.unlock()
        return name
    }
}
