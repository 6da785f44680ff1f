import DataLoader
import Foundation

extension PlaybookLoader {
    /// Plays from YAML (or JSON) text rather than a file: the ad-hoc command's one-task play.
    /// `file` names the text in errors; task files and roles are looked up next to it.
    public func loadPlays(text: String, file: String) throws -> [Play] {
        guard let root = try YAMLLoader.load(text: text, file: file), let items = root.items else {
            throw SourceError("a playbook must be a list of plays", at: nil)
        }
        let dir = (file as NSString).deletingLastPathComponent
        return try items.map { try parsePlay($0, dir: dir, inherited: Inherited(), when: []) }
    }
}
