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

    /// The error as the command line reports it, worded as ansible-playbook's (scripts grep for it):
    /// the message, where it is (file, line, column), and the offending line after the one before it.
    public var report: String {
        guard let mark else { return message }
        var out = "\(message)\n\nThe error appears to be in '\(mark.file)': line \(mark.line), column \(mark.column), but may\n"
            + "be elsewhere in the file depending on the exact syntax problem."
        guard let line = SourceError.line(mark.line, of: mark.file) else { return out }
        out += "\n\nThe offending line appears to be:\n\n"
        if mark.line > 1, let previous = SourceError.line(mark.line - 1, of: mark.file) { out += previous + "\n" }
        out += line + "\n" + String(repeating: " ", count: max(0, mark.column - 1)) + "^ here"
        return out
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
