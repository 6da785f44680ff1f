import Foundation

/// A password kept in a file (--vault-password-file, --become-password-file...): the file's content
/// without surrounding whitespace (as Python's strip()), or, when the file is executable, the
/// standard output of running it without trailing line ends.
public enum PasswordFile {
    /// `what` names the password in errors ("vault password", "become password").
    public static func read(_ path: String, what: String, scriptArguments: [String] = []) throws -> [UInt8] {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir), !isDir.boolValue else {
            throw VaultError("The \(what) file \(path) was not found")
        }
        if FileManager.default.isExecutableFile(atPath: path) { return try run(path, what: what, arguments: scriptArguments) }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw VaultError("Could not read \(what) file \(path)")
        }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { throw VaultError("Invalid \(what) was provided from file (\(path))") }
        return Array(text.utf8)
    }

    /// The password as text; `~` in the path is expanded.
    public static func text(_ path: String, what: String) throws -> String {
        String(decoding: try read((path as NSString).expandingTildeInPath, what: what, scriptArguments: []) as [UInt8], as: UTF8.self)
    }

    private static func run(_ path: String, what: String, arguments: [String]) throws -> [UInt8] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        do { try process.run() } catch {
            throw VaultError("Problem running \(what) script \(path) (\(error.localizedDescription)). If this is not a script, remove the executable bit from the file.")
        }
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let capitalized = what.prefix(1).uppercased() + what.dropFirst()
        guard process.terminationStatus == 0 else {
            throw VaultError("\(capitalized) script \(path) returned non-zero (\(process.terminationStatus)): \(String(decoding: stderr, as: UTF8.self))")
        }
        var bytes = Array(stdout)
        while let last = bytes.last, last == 10 || last == 13 { bytes.removeLast() }
        guard !bytes.isEmpty else { throw VaultError("Invalid \(what) was provided from script (\(path))") }
        return bytes
    }
}
