import Crypto
import Foundation

/// SHA-1 of controller-side data as lowercase hex, to compare with `sha1sum` on the host without
/// transferring the host's file. Checksums, not security.
public enum SHA1 {
    public static func hex(_ data: Data) -> String {
        Insecure.SHA1.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }
}
