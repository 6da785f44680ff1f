import Foundation
import XCTest

/// -k, -K and become_method su answered on a real pseudo-terminal against a real SSH test host
/// (Tests/hosts/start.sh; SWIFTPLAY_TEST_HOSTS names its inventory). Passwords never show.
final class TerminalHostTests: XCTestCase {
    func inventory(_ ws: Workspace, _ h: TestHost, user: String, withKey: Bool, file: String = "inv.ini") throws {
        try h.writeInventory(to: ws, user: user, withKey: withKey, file: file)
    }

    let whoami = """
    - hosts: target
      gather_facts: false
      tasks:
        - command: id -un
          register: who
        - copy: content="{{ who.stdout }}" dest={{ playbook_dir }}/who
          delegate_to: localhost
          connection: local
    """

    /// -k: kbdonly may only log in with keyboard-interactive, so only the typed password gets in.
    func testAskPassLogsInWithThePassword() throws {
        let h = try TestHost.first()
        let ws = try Workspace()
        try inventory(ws, h, user: "kbdonly", withKey: false)
        try ws.write("play.yml", whoami)
        let r = try ws.swiftplayOnTerminal(["-i", "inv.ini", "-k", "play.yml"], answers: [("SSH password: ", h.password + "\n")])
        XCTAssertEqual(r.status, 0, r.transcript)
        XCTAssertEqual(ws.read("who"), "kbdonly")
        XCTAssertFalse(r.transcript.contains(h.password), r.transcript)

        // A wrong password: the host is unreachable, and the password is not shown either.
        let wrong = "wrong-" + h.password
        let bad = try ws.swiftplayOnTerminal(["-i", "inv.ini", "-k", "play.yml"], answers: [("SSH password: ", wrong + "\n")])
        XCTAssertEqual(bad.status, 4, bad.transcript)
        XCTAssertTrue(bad.transcript.contains("UNREACHABLE!"), bad.transcript)
        XCTAssertFalse(bad.transcript.contains(wrong), bad.transcript)
    }

    /// -K answers sudo for tester (whose sudo asks for a password); -k -K with an empty become
    /// answer uses the SSH password, as ansible-playbook does.
    func testAskBecomePassAnswersSudo() throws {
        let h = try TestHost.first()
        let ws = try Workspace()
        try inventory(ws, h, user: "tester", withKey: true)
        try ws.write("play.yml", whoami)
        let r = try ws.swiftplayOnTerminal(["-i", "inv.ini", "-b", "-K", "play.yml"], answers: [("BECOME password: ", h.password + "\n")])
        XCTAssertEqual(r.status, 0, r.transcript)
        XCTAssertEqual(ws.read("who"), "root")
        XCTAssertFalse(r.transcript.contains(h.password), r.transcript)

        try inventory(ws, h, user: "tester", withKey: false)
        try FileManager.default.removeItem(atPath: ws.path + "/who")
        let both = try ws.swiftplayOnTerminal(["-i", "inv.ini", "-k", "-b", "-K", "play.yml"],
                                              answers: [("SSH password: ", h.password + "\n"),
                                                        ("BECOME password[defaults to SSH password]: ", "\n")])
        XCTAssertEqual(both.status, 0, both.transcript)
        XCTAssertEqual(ws.read("who"), "root")
        XCTAssertFalse(both.transcript.contains(h.password), both.transcript)

        // A wrong become password fails the task (not the connection) without showing it.
        let wrong = "wrong-" + h.password
        try inventory(ws, h, user: "tester", withKey: true)
        let bad = try ws.swiftplayOnTerminal(["-i", "inv.ini", "-b", "-K", "play.yml"], answers: [("BECOME password: ", wrong + "\n")])
        XCTAssertEqual(bad.status, 2, bad.transcript)
        XCTAssertTrue(bad.transcript.contains("fatal: [target]: FAILED! => {\"msg\": \"Incorrect sudo password\"}"), bad.transcript)
        XCTAssertFalse(bad.transcript.contains(wrong), bad.transcript)
    }

    /// become_method su with a password: root's password is set for the test (then locked again),
    /// tester logs in with the key and becomes root through su, answered from -K.
    func testSuWithAskBecomePass() throws {
        let h = try TestHost.first()
        let ws = try Workspace()
        let rootPassword = "Su-" + UUID().uuidString.prefix(12)
        try inventory(ws, h, user: "root", withKey: true, file: "root.ini")
        try ws.write("setpw.yml", """
        - hosts: target
          gather_facts: false
          tasks:
            - shell: echo "root:{{ pw }}" | chpasswd
              no_log: true
        """)
        try ws.write("lock.yml", "- hosts: target\n  gather_facts: false\n  tasks:\n    - command: usermod -p '*' root\n")
        let set = try ws.swiftplay(["-i", "root.ini", "-e", "pw=\(rootPassword)", "setpw.yml"])
        XCTAssertEqual(set.status, 0, set.output)
        defer {
            let lock = try? ws.swiftplay(["-i", "root.ini", "lock.yml"])
            XCTAssertEqual(lock?.status, 0, lock?.output ?? "")
        }

        try inventory(ws, h, user: "tester", withKey: true)
        try ws.write("play.yml", """
        - hosts: target
          gather_facts: false
          become: true
          become_method: su
          tasks:
            - command: id -un
              register: who
            - copy: content="{{ who.stdout }}" dest={{ playbook_dir }}/who
              delegate_to: localhost
              connection: local
              become: false
        """)
        let r = try ws.swiftplayOnTerminal(["-i", "inv.ini", "-K", "play.yml"], answers: [("BECOME password: ", rootPassword + "\n")])
        XCTAssertEqual(r.status, 0, r.transcript)
        XCTAssertEqual(ws.read("who"), "root")
        XCTAssertFalse(r.transcript.contains(rootPassword), r.transcript)

        let wrong = "wrong-" + rootPassword
        let bad = try ws.swiftplayOnTerminal(["-i", "inv.ini", "-K", "play.yml"], answers: [("BECOME password: ", wrong + "\n")])
        XCTAssertEqual(bad.status, 2, bad.transcript)
        XCTAssertTrue(bad.transcript.contains("fatal: [target]: FAILED! => {\"msg\": \"Incorrect su password\"}"), bad.transcript)
        XCTAssertFalse(bad.transcript.contains(wrong), bad.transcript)
    }

    /// --connection-password-file and --become-password-file: the same logins as -k and -K, from
    /// files (a plain file, and an executable that prints the password); never shown.
    func testPasswordFilesLogInAndAnswerSudo() throws {
        let h = try TestHost.first()
        let ws = try Workspace()
        try ws.write("play.yml", whoami)
        try ws.write("conn-pass", h.password + "\n")
        try ws.write("become-pass.sh", "#!/bin/sh\necho '\(h.password)'\n")
        try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: ws.path + "/become-pass.sh")

        try inventory(ws, h, user: "kbdonly", withKey: false)
        let login = try ws.swiftplayWithoutTerminal(["-i", "inv.ini", "--connection-password-file", "conn-pass", "play.yml"])
        XCTAssertEqual(login.status, 0, login.output)
        XCTAssertEqual(ws.read("who"), "kbdonly")

        try inventory(ws, h, user: "tester", withKey: true)
        let sudo = try ws.swiftplayWithoutTerminal(["-i", "inv.ini", "-b", "--become-password-file", "become-pass.sh", "play.yml"])
        XCTAssertEqual(sudo.status, 0, sudo.output)
        XCTAssertEqual(ws.read("who"), "root")
        XCTAssertFalse((login.output + sudo.output).contains(h.password))

        let missing = try ws.swiftplayWithoutTerminal(["-i", "inv.ini", "-b", "--become-password-file", "nope", "play.yml"])
        XCTAssertNotEqual(missing.status, 0)
        XCTAssertTrue(missing.output.contains("The become password file nope was not found"), missing.output)
    }

    /// --ssh-common-args stands in for ansible_ssh_common_args: here its -p gives the port the
    /// inventory leaves out.
    func testSSHCommonArgsFromTheCommandLine() throws {
        let h = try TestHost.first()
        let ws = try Workspace()
        try ws.write("play.yml", whoami)
        try ws.write("inv.ini", "target ansible_host=\(h.address) ansible_user=root ansible_host_key_checking=false ansible_ssh_private_key_file=\(h.key)\n")
        let r = try ws.swiftplayWithoutTerminal(["-i", "inv.ini", "--ssh-common-args", "-p \(h.port)", "play.yml"])
        XCTAssertEqual(r.status, 0, r.output)
        XCTAssertEqual(ws.read("who"), "root")
    }
}
