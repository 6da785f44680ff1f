import Foundation
import Jinja
import Modules
import Templating

/// Turns `loop:` and `with_<lookup>:` values into the list of items, as Ansible does.
enum LoopItems {
    static func resolve(kind: String, value: Value, scope: VarScope, runner: PlaybookRunner, action: String) throws -> [Value] {
        let templated = try runner.templar.template(value, scope)
        if kind == "loop" {
            switch templated {
            case .list(let l), .tuple(let l): return l
            case .none: return []
            default:
                throw TemplateError(kind: .type, message: "Invalid data passed to 'loop', it requires a list, got this instead: \(templated.pythonStr). Hint: If you passed a list/dict of just one element, try adding wantlist=True to your lookup invocation or use q/query instead of lookup.")
            }
        }
        // A mapping is not a list of terms (Ansible's list lookup refuses it; other lookups take it whole).
        if kind == "list", case .dict = templated {
            throw ModuleError("with_list expects a list")
        }
        return try Lookups.run(kind, terms: Lookups.loopTerms(templated), kwargs: [:], env: runner.templar.env,
                               context: runner.templatingContext, taskAction: action)
    }
}
