import ArgumentParser
import DataLoader
import Executor
import Foundation
import Jinja
import Vault

// ansible-playbook's exit codes: 0 ok, 1 error, 2 failed hosts, 4 unreachable or parse error,
// 5 bad options, 99 interrupted.
signal(SIGINT) { _ in
    FileHandle.standardError.write(Data("\n[ERROR]: User interrupted execution\n".utf8))
    exit(99)
}
setvbuf(stdout, nil, _IOLBF, 0)

do {
    var command = try Swiftplay.parseAsRoot()
    try command.run()
} catch let e as SourceError {
    FileHandle.standardError.write(Data("ERROR! \(e.report)\n".utf8))
    exit(4)
} catch let e as ExecutionError {
    FileHandle.standardError.write(Data("ERROR! \(e.description)\n".utf8))
    exit(1)
} catch let e as TemplateError {
    FileHandle.standardError.write(Data("ERROR! \(e.description)\n".utf8))
    exit(1)
} catch let e as VaultError {
    FileHandle.standardError.write(Data("ERROR! \(e.description)\n".utf8))
    exit(1)
} catch let e as UsageError {
    FileHandle.standardError.write(Data("ERROR! \(e.description)\n".utf8))
    exit(e.code)
} catch let e as ConfigError {
    FileHandle.standardError.write(Data("ERROR! \(e.description)\n".utf8))
    exit(5)
} catch {
    let code = Swiftplay.exitCode(for: error)
    if code == .success || code.rawValue == ExitCode.success.rawValue {
        Swiftplay.exit(withError: error)
    }
    if let e = error as? ExitCode { exit(e.rawValue) }
    // Argument errors: the parser's message and usage, then ansible-playbook's code 5.
    FileHandle.standardError.write(Data((Swiftplay.fullMessage(for: error) + "\n").utf8))
    exit(5)
}
