import Foundation
import Modules
import Transport

/// Runs the calls of a loop whose items are independent (`LoopBatchable.independent`) side by side:
/// each round sends the next command of every unfinished call in one command line, so ten items cost
/// about the round trips of one. The module code runs unchanged: every round runs each call again
/// from its start against the answers it already got (a module decides only from what it read, so it
/// takes the same path) until it asks for a command not answered yet, which joins the next round.
/// Commands with stdin, and file transfers, run at once when first asked for and are replayed after.
enum LoopBatch {
    static func run(_ module: LoopBatchable.Type, calls: [(args: Arguments, context: ModuleContext)],
                    connection: Connection) -> [Result<ModuleResult, Error>] {
        var answers = Array(repeating: [ReplayConnection.Answer](), count: calls.count)
        var results = [Result<ModuleResult, Error>?](repeating: nil, count: calls.count)
        while true {
            var round: [(call: Int, request: ReplayConnection.Request)] = []
            for (i, call) in calls.enumerated() where results[i] == nil {
                let replay = ReplayConnection(inner: connection, answers: answers[i])
                let outcome = Result { try module.run(call.args, call.context.replacing(connection: replay)) }
                answers[i] = replay.answers
                // The outcome of a call that asked for an unanswered command is not its result, even if the
                // module carried on (a `try?` around the command).
                if let request = replay.request { round.append((i, request)) } else { results[i] = outcome }
            }
            if round.isEmpty { break }
            do {
                let outputs = try execute(round.map(\.request), on: connection)
                for (k, entry) in round.enumerated() { answers[entry.call].append(.command(outputs[k])) }
            } catch {
                for entry in round { results[entry.call] = .failure(error) }
            }
        }
        return results.map { $0 ?? .failure(ModuleError("the loop item did not finish")) }
    }

    /// Runs the commands one after another in one command line, each in its own subshell (its `exit`
    /// ends only itself), and splits the output again. Every command's stdout is framed as
    /// T<output>T<status>\n and stderr as T<errors>, T being random per round.
    static func execute(_ requests: [ReplayConnection.Request], on connection: Connection) throws -> [CommandResult] {
        guard let first = requests.first else { return [] }
        if requests.count == 1 {
            return [try connection.run(first.command, stdin: nil, become: first.become, environment: first.environment,
                                       textOutput: first.textOutput)]
        }
        let token = "__spl_" + randomHex(12) + "_"
        var script = ""
        for r in requests {
            script += "printf %s \(token); printf %s \(token) >&2; ( eval \(shellQuote(r.command)) ) </dev/null; printf '\(token)%d\\n' $?\n"
        }
        script += "printf %s \(token) >&2\n"
        let all = try connection.run(script, stdin: nil, become: first.become, environment: first.environment,
                                     textOutput: requests.allSatisfy(\.textOutput))
        let t = Data(token.utf8)
        var results: [CommandResult] = []
        var out = all.stdout[...]
        var errParts = all.stderr.split(separator: t, omittingEmptySubsequences: false)
        for _ in requests {
            guard out.starts(with: t), let end = out.dropFirst(t.count).firstRange(of: t),
                  let nl = out[end.upperBound...].firstIndex(of: UInt8(ascii: "\n")),
                  let rc = Int32(String(decoding: out[end.upperBound..<nl], as: UTF8.self)) else {
                throw ModuleError("the batched commands of the loop did not all complete (exit status \(all.exitCode)): \(all.stderrText)")
            }
            results.append(CommandResult(exitCode: rc, stdout: Data(out[(out.startIndex + t.count)..<end.lowerBound]), stderr: Data()))
            out = out[(nl + 1)...]
        }
        // stderr: an empty part before the first token, then one part per command, then nothing.
        errParts = Array(errParts.dropFirst())
        for i in results.indices where i < errParts.count { results[i].stderr = Data(errParts[i]) }
        return results
    }
}

/// A loop item's connection during a batch: answers from the log of earlier rounds, then records the
/// first command without an answer and stops the call (`Pending`).
final class ReplayConnection: Connection {
    enum Answer {
        case command(CommandResult)
        case put
        case get(Data)
    }
    struct Request {
        var command: String
        var become: Become?
        var environment: [String: String]
        var textOutput: Bool
    }
    struct Pending: Error {}
    struct Diverged: Error, CustomStringConvertible {
        var description: String { "the module asked for other operations when run again for the batched loop" }
    }

    let inner: Connection
    private(set) var answers: [Answer]
    private(set) var request: Request?
    private var position = 0

    init(inner: Connection, answers: [Answer]) {
        self.inner = inner
        self.answers = answers
    }

    var host: String { inner.host }

    /// The recorded answer at the current position, or the operation run now (and recorded).
    private func next(_ now: () throws -> Answer) throws -> Answer {
        if request != nil { throw Pending() }
        defer { position += 1 }
        if position < answers.count { return answers[position] }
        let a = try now()
        answers.append(a)
        return a
    }

    func run(_ command: String, stdin: Data?, become: Become?, environment: [String: String], textOutput: Bool) throws -> CommandResult {
        if request == nil, position == answers.count, stdin?.isEmpty ?? true {
            request = Request(command: command, become: become, environment: environment, textOutput: textOutput)
            throw Pending()
        }
        let answer = try next { .command(try inner.run(command, stdin: stdin, become: become, environment: environment, textOutput: textOutput)) }
        guard case .command(let r) = answer else { throw Diverged() }
        return r
    }

    func put(_ data: Data, to path: String, mode: String?, become: Become?) throws {
        guard case .put = try next({ try inner.put(data, to: path, mode: mode, become: become); return .put }) else { throw Diverged() }
    }

    func get(_ path: String, become: Become?) throws -> Data {
        guard case .get(let d) = try next({ .get(try inner.get(path, become: become)) }) else { throw Diverged() }
        return d
    }

    /// The loop's connection stays open for the tasks after it.
    func close() {}
}
