import Foundation
import Transport

extension ConnectionPool {
    func makeSSH(host: String, lookup: (String) throws -> String?) throws -> Connection {
        throw TransportError.unreachable(host: host, message: "the SSH transport is not available in this build")
    }
}
