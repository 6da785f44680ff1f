/// A command-line error: "ERROR! message" and exit code 5 for bad options (Ansible's
/// AnsibleOptionsError), or another code such as 1 for a general error.
struct UsageError: Error, CustomStringConvertible {
    let description: String
    let code: Int32
    init(_ message: String, code: Int32 = 5) {
        description = message
        self.code = code
    }
}
