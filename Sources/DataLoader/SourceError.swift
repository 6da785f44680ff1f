import Foundation

/// A position in a source file, 1-based, for error messages.
public struct SourceMark: Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int
    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }
    public var description: String { "\(file):\(line):\(column)" }
}

/// An error in a user's file: names file, line and column, says what was expected and shows the line.
public struct SourceError: Error, CustomStringConvertible {
    public var message: String
    public var mark: SourceMark?

    public init(_ message: String, at mark: SourceMark?) {
        self.message = message
        self.mark = mark
    }

    public var description: String {
        guard let mark else { return message }
        return "\(mark): \(message)" + excerpt(mark)
    }

    /// The error as the command line reports it: the message first (as ansible-playbook prints it,
    /// so "ERROR! <message>" reads the same), then where, as file:line:column.
    public var report: String {
        guard let mark else { return message }
        return "\(message)\n\nThe error appears to be in \(mark)" + excerpt(mark)
    }

    private func excerpt(_ mark: SourceMark) -> String {
        guard let line = SourceError.line(mark.line, of: mark.file) else { return "" }
        return "\n\n    \(line)\n    \(String(repeating: " ", count: max(0, mark.column - 1)))^ here"
    }

    /// The offending source line, when the file can be read.
    static func line(_ number: Int, of file: String) -> String? {
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { return nil }
        var current = 1
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if current == number { return String(line) }
            current += 1
        }
        return nil
    }
}
