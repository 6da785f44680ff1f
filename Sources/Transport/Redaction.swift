import Foundation

// Passwords must not reach output or logs, including through `print(options)`, string
// interpolation, `dump` or a debugger: every description of these types masks them.

extension Become: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String {
        "Become(method: \(method), user: \(user), password: \(password == nil ? "nil" : "********"), flags: \(flags ?? "nil"))"
    }
    public var debugDescription: String { description }
    public var customMirror: Mirror {
        Mirror(self, children: ["method": method, "user": user, "password": password == nil ? "nil" : "********",
                                "flags": flags as Any], displayStyle: .struct)
    }
}

extension SSHOptions: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String {
        var parts = ["host: \(host)"]
        if let port { parts.append("port: \(port)") }
        if let user { parts.append("user: \(user)") }
        if password != nil { parts.append("password: ********") }
        if !privateKeyFiles.isEmpty { parts.append("privateKeyFiles: \(privateKeyFiles)") }
        if privateKeyPassphrase != nil { parts.append("privateKeyPassphrase: ********") }
        parts.append("useAgent: \(useAgent)")
        parts.append("hostKeyChecking: \(hostKeyChecking)")
        if let proxyJump { parts.append("proxyJump: \(proxyJump)") }
        return "SSHOptions(" + parts.joined(separator: ", ") + ")"
    }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(reflecting: description) }
}
