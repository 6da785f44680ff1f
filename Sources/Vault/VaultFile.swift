import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Files ansible-vault writes: never half-written (a temporary file in the same directory, synced
/// and renamed into place) and readable only by the owner (mode 0600), as ansible-vault leaves them.
public enum VaultFile {
    public static func write(_ data: Data, to path: String, mode: mode_t = 0o600) throws {
        let dir = (path as NSString).deletingLastPathComponent
        let template = (dir.isEmpty ? "." : dir) + "/.\((path as NSString).lastPathComponent).XXXXXX"
        var name = Array(template.utf8CString)
        let fd = mkstemp(&name)
        guard fd >= 0 else { throw VaultError("could not write \(path): \(String(cString: strerror(errno)))") }
        let tmp = String(cString: name)
        var ok = false
        defer {
            close(fd)
            if !ok { unlink(tmp) }
        }
        fchmod(fd, mode)
        var off = 0
        let bytes = Array(data)
        while off < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + off, bytes.count - off) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw VaultError("could not write \(path): \(String(cString: strerror(errno)))") }
            off += n
        }
        guard fsync(fd) == 0, rename(tmp, path) == 0 else {
            throw VaultError("could not write \(path): \(String(cString: strerror(errno)))")
        }
        ok = true
    }
}
