import Foundation
import Jinja

/// Lookups that run a shell command on the controller: pipe, lines.
enum CommandLookups {
    static func register(into p: inout [String: Lookups.Plugin]) {
        p["pipe"] = { terms, args, _, _ in
            try terms.map { term in
                let (status, out) = try shell(term.text, args)
                guard status == 0 else { throw args.fail("lookup_plugin.pipe(\(term.text)) returned \(status)") }
                return .string(rstrip(out))
            }
        }
        p["lines"] = { terms, args, _, _ in
            var lines: [Value] = []
            for term in terms {
                let (status, out) = try shell(term.text, args)
                guard status == 0 else { throw args.fail("lookup_plugin.lines(\(term.text)) returned \(status)") }
                lines += out.split(separator: "\n", omittingEmptySubsequences: false).map { .string(String($0)) }
                if out.hasSuffix("\n") { lines.removeLast() }
            }
            return lines
        }
    }

    static func rstrip(_ s: String) -> String {
        String(s.reversed().drop(while: { $0.isWhitespace }).reversed())
    }

    /// Runs `/bin/sh -c command`; returns the exit status and standard output.
    static func shell(_ command: String, _ args: Arguments) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw args.fail("could not run /bin/sh: \(error.localizedDescription)")
        }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
