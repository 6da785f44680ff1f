import Foundation
import XCTest

/// Vaulted data in playbooks, inventories and controller files, and `swiftplay vault`, through the
/// real binary.
final class VaultEngineTests: XCTestCase {
    static let password = "vault-pw-Q7x"

    /// Encrypts `name` in place with `swiftplay vault encrypt` (the password file `pw`).
    func encrypt(_ ws: Workspace, _ name: String, id: String = "pw") throws {
        let r = try ws.swiftplay(["vault", "encrypt", "--vault-id", id, name])
        XCTAssertEqual(r.status, 0, r.output)
        XCTAssertTrue(ws.read(name)?.hasPrefix("$ANSIBLE_VAULT;") ?? false, ws.read(name) ?? "")
    }

    /// `NAME: !vault |` text from `swiftplay vault encrypt_string`.
    func encryptString(_ ws: Workspace, _ value: String, name: String, id: String = "pw") throws -> String {
        let r = try ws.swiftplay(["vault", "encrypt_string", "--vault-id", id, value, "--name", name])
        XCTAssertEqual(r.status, 0, r.output)
        return r.stdout
    }

    func indent(_ text: String, _ n: Int) -> String {
        text.split(separator: "\n").map { String(repeating: " ", count: n) + $0 }.joined(separator: "\n") + "\n"
    }

    /// A project that needs the vault everywhere: a vaulted vars file, a vaulted group_vars file,
    /// an inline value in the playbook and one in an INI inventory's group_vars YAML, a vaulted copy src.
    func project(id: String = "pw") throws -> Workspace {
        let ws = try Workspace()
        try ws.write("pw", Self.password + "\n")
        try ws.write("out/.keep", "")
        try ws.write("inv/hosts.ini", "[web]\nlocalhost ansible_connection=local\n")
        try ws.write("inv/group_vars/all.yml", "from_group_file: gf-value\n")
        try encrypt(ws, "inv/group_vars/all.yml", id: id)
        try ws.write("inv/group_vars/web.yml", "plain_var: plain\n" + (try encryptString(ws, "inline-inventory-value", name: "from_inventory_inline", id: id)))
        try ws.write("secrets.yml", "from_vars_file: vf-value\nnested: {k: [1, 2]}\n")
        try encrypt(ws, "secrets.yml", id: id)
        try ws.write("files/secret.txt", "copied secret content\n")
        try encrypt(ws, "files/secret.txt", id: id)
        let inline = try encryptString(ws, "{{ not templated }}", name: "from_play_inline", id: id)
        try ws.write("play.yml", """
        - hosts: web
          gather_facts: false
          vars_files: [secrets.yml]
          vars:
        \(indent(inline, 4))  tasks:
            - copy: {src: secret.txt, dest: "{{ playbook_dir }}/out/copied.txt"}
            - copy: {src: secret.txt, dest: "{{ playbook_dir }}/out/raw.txt", decrypt: false}
            - copy:
                dest: "{{ playbook_dir }}/out/vars.txt"
                content: "{{ from_vars_file }} {{ nested.k[1] }} {{ from_group_file }} {{ from_inventory_inline }} {{ from_play_inline }} {{ lookup('file', 'files/secret.txt') }}"

        """)
        return ws
    }

    func assertProjectRan(_ ws: Workspace, _ r: Run, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(r.status, 0, r.output, file: file, line: line)
        XCTAssertEqual(ws.read("out/copied.txt"), "copied secret content\n", file: file, line: line)
        XCTAssertTrue(ws.read("out/raw.txt")?.hasPrefix("$ANSIBLE_VAULT;") ?? false, file: file, line: line)
        XCTAssertEqual(ws.read("out/vars.txt"), "vf-value 2 gf-value inline-inventory-value {{ not templated }} copied secret content",
                       file: file, line: line)
        XCTAssertFalse(r.output.contains(Self.password), r.output, file: file, line: line)
        XCTAssertFalse(r.output.contains("copied secret content"), r.output, file: file, line: line)
        XCTAssertFalse(r.output.contains("inline-inventory-value"), r.output, file: file, line: line)
    }

    func testPasswordFile() throws {
        let ws = try project()
        assertProjectRan(ws, try ws.swiftplay(["-i", "inv/hosts.ini", "play.yml", "--vault-password-file", "pw", "-v"]))
    }

    func testPasswordFileFromEnvironment() throws {
        let ws = try project()
        assertProjectRan(ws, try ws.swiftplay(["-i", "inv/hosts.ini", "play.yml"], environment: ["ANSIBLE_VAULT_PASSWORD_FILE": ws.path + "/pw"]))
    }

    func testPasswordFileFromConfig() throws {
        let ws = try project()
        try ws.write("ansible.cfg", "[defaults]\nvault_password_file = pw\n")
        assertProjectRan(ws, try ws.swiftplay(["-i", "inv/hosts.ini", "play.yml"], environment: ["ANSIBLE_CONFIG": ws.path + "/ansible.cfg"]))
    }

    func testExecutablePasswordScript() throws {
        let ws = try project()
        let script = try ws.write("get-pw.sh", "#!/bin/sh\nprintf '%s\\n' '\(Self.password)'\n")
        chmod(script, 0o755)
        assertProjectRan(ws, try ws.swiftplay(["-i", "inv/hosts.ini", "play.yml", "--vault-password-file", "get-pw.sh"]))
        // A script that fails is an error that names it.
        try ws.write("get-pw.sh", "#!/bin/sh\necho nope >&2\nexit 3\n")
        chmod(script, 0o755)
        let bad = try ws.swiftplay(["-i", "inv/hosts.ini", "play.yml", "--vault-password-file", "get-pw.sh"])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("get-pw.sh returned non-zero (3)"), bad.output)
    }

    func testLabelledVaultId() throws {
        let ws = try project(id: "prod@pw")
        XCTAssertTrue(ws.read("secrets.yml")?.hasPrefix("$ANSIBLE_VAULT;1.2;AES256;prod\n") ?? false)
        assertProjectRan(ws, try ws.swiftplay(["-i", "inv/hosts.ini", "play.yml", "--vault-id", "prod@pw"]))
    }

    func testSecondOfTwoIdsFits() throws {
        let ws = try project()
        try ws.write("wrong", "not-the-password\n")
        assertProjectRan(ws, try ws.swiftplay(["-i", "inv/hosts.ini", "play.yml", "--vault-id", "dev@wrong", "--vault-id", "prod@pw"]))
        assertProjectRan(ws, try ws.swiftplay(["-i", "inv/hosts.ini", "play.yml"],
                                              environment: ["ANSIBLE_VAULT_IDENTITY_LIST": "dev@wrong,prod@pw"]))
    }

    func testAskVaultPassOnTerminal() throws {
        let ws = try project()
        let r = try ws.swiftplayOnTerminal(["-i", "inv/hosts.ini", "play.yml", "-J"], answers: [("Vault password: ", Self.password + "\n")])
        XCTAssertEqual(r.status, 0, r.transcript)
        XCTAssertEqual(r.unanswered, 0, r.transcript)
        XCTAssertFalse(r.transcript.contains(Self.password), "no echo: \(r.transcript)")
        XCTAssertEqual(ws.read("out/copied.txt"), "copied secret content\n")
    }

    func testMissingSecretIsAClearError() throws {
        let ws = try project()
        let none = try ws.swiftplay(["-i", "inv/hosts.ini", "play.yml"])
        XCTAssertNotEqual(none.status, 0)
        XCTAssertTrue(none.stderr.contains("Attempting to decrypt but no vault secrets found"), none.output)
        XCTAssertTrue(none.stderr.contains(ws.path + "/secrets.yml"), none.output)
        XCTAssertFalse(none.output.contains("Stack") || none.output.contains("Fatal error"), none.output)

        try ws.write("wrong", "not-the-password\n")
        let wrong = try ws.swiftplay(["-i", "inv/hosts.ini", "play.yml", "--vault-password-file", "wrong"])
        XCTAssertNotEqual(wrong.status, 0)
        XCTAssertTrue(wrong.stderr.contains("Decryption failed (no vault secrets were found that could decrypt) on "), wrong.output)
        XCTAssertTrue(wrong.stderr.contains(ws.path + "/secrets.yml"), wrong.output)

        let missingFile = try ws.swiftplay(["-i", "inv/hosts.ini", "play.yml", "--vault-password-file", "nosuchfile"])
        XCTAssertNotEqual(missingFile.status, 0)
        XCTAssertTrue(missingFile.stderr.contains("nosuchfile was not found"), missingFile.output)
    }

    func testUnusedInlineValueNeedsNoSecretAndAUsedOneFailsTheTask() throws {
        let ws = try Workspace()
        try ws.write("pw", Self.password)
        let inline = try encryptString(ws, "s3cret", name: "token")
        let r = try ws.play("""
        - hosts: localhost
          gather_facts: false
          vars:
        \(indent(inline, 4))  tasks:
            - debug: msg=first
            - debug: var=token

        """)
        XCTAssertEqual(r.status, 2, r.output)
        XCTAssertEqual(r.recap("localhost")["ok"], 1, r.output)
        XCTAssertTrue(r.stdout.contains("Attempting to decrypt but no vault secrets found"), r.output)
        XCTAssertTrue(r.stdout.contains("play.yml:4:"), "names where the value is: \(r.output)")
        let ok = try ws.swiftplay(["-i", "localhost,", "-c", "local", "play.yml", "--vault-password-file", "pw"])
        XCTAssertEqual(ok.status, 0, ok.output)
        XCTAssertTrue(ok.stdout.contains("\"token\": \"s3cret\""), ok.output)
    }

    func testVaultedInventoryAndYAMLInventoryInline() throws {
        let ws = try Workspace()
        try ws.write("pw", Self.password)
        let inline = try encryptString(ws, "yaml-inline", name: "secret_var")
        try ws.write("hosts.yml", "all:\n  hosts:\n    localhost:\n      ansible_connection: local\n" + indent(inline, 6))
        try ws.write("vaulted.ini", "[g]\nlocalhost ansible_connection=local whole=vaulted-ini\n")
        try encrypt(ws, "vaulted.ini")
        try ws.write("play.yml", "- hosts: all\n  gather_facts: false\n  tasks:\n    - debug: msg='{{ secret_var }}'\n")
        let r = try ws.swiftplay(["-i", "hosts.yml", "play.yml", "--vault-password-file", "pw"])
        XCTAssertEqual(r.status, 0, r.output)
        XCTAssertTrue(r.stdout.contains("\"msg\": \"yaml-inline\""), r.output)
        let list = try ws.swiftplay(["inventory", "-i", "vaulted.ini", "--host", "localhost", "--vault-password-file", "pw"])
        XCTAssertEqual(list.status, 0, list.output)
        XCTAssertTrue(list.stdout.contains("vaulted-ini"), list.output)
        let adhoc = try ws.swiftplay(["adhoc", "-i", "hosts.yml", "all", "-m", "debug", "-a", "var=secret_var", "--vault-password-file", "pw"])
        XCTAssertEqual(adhoc.status, 0, adhoc.output)
        XCTAssertTrue(adhoc.stdout.contains("yaml-inline"), adhoc.output)
    }

    func testIncludeVarsAndRoleVarsAndTemplate() throws {
        let ws = try Workspace()
        try ws.write("pw", Self.password)
        try ws.write("extra.yml", "included: inc-value\n")
        try encrypt(ws, "extra.yml")
        try ws.write("roles/r/defaults/main.yml", "role_default: rd-value\n")
        try encrypt(ws, "roles/r/defaults/main.yml")
        try ws.write("roles/r/templates/t.j2", "{{ role_default }}/{{ included }}\n")
        try encrypt(ws, "roles/r/templates/t.j2")
        try ws.write("roles/r/tasks/main.yml", "- include_vars: '{{ playbook_dir }}/extra.yml'\n- template: {src: t.j2, dest: '{{ playbook_dir }}/out.txt'}\n")
        let r = try ws.play("- hosts: localhost\n  gather_facts: false\n  roles: [r]\n", ["--vault-password-file", "pw"])
        XCTAssertEqual(r.status, 0, r.output)
        XCTAssertEqual(ws.read("out.txt"), "rd-value/inc-value\n")
    }

    func testVaultCommandsEndToEnd() throws {
        let ws = try Workspace()
        try ws.write("pw", "first\n")
        try ws.write("pw2", "second\n")
        try ws.write("data.yml", "greeting: hello vault\n")
        let enc = try ws.swiftplay(["vault", "encrypt", "--vault-password-file", "pw", "data.yml"])
        XCTAssertEqual(enc.status, 0, enc.output)
        let path = ws.path + "/data.yml"
        let mode = (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue
        XCTAssertEqual(mode, 0o600)
        XCTAssertTrue(ws.read("data.yml")?.hasPrefix("$ANSIBLE_VAULT;1.1;AES256\n") ?? false)
        XCTAssertFalse(ws.read("data.yml")?.contains("hello") ?? true)

        let again = try ws.swiftplay(["vault", "encrypt", "--vault-password-file", "pw", "data.yml"])
        XCTAssertEqual(again.status, 1)
        XCTAssertTrue(again.stderr.contains("ERROR! input is already encrypted"), again.output)

        let view = try ws.swiftplay(["vault", "view", "--vault-password-file", "pw", "data.yml"])
        XCTAssertEqual(view.status, 0, view.output)
        XCTAssertEqual(view.stdout, "greeting: hello vault\n")

        let rekey = try ws.swiftplay(["vault", "rekey", "--vault-password-file", "pw", "--new-vault-password-file", "pw2", "data.yml"])
        XCTAssertEqual(rekey.status, 0, rekey.output)
        let old = try ws.swiftplay(["vault", "view", "--vault-password-file", "pw", "data.yml"])
        XCTAssertEqual(old.status, 1)
        XCTAssertTrue(old.stderr.contains("ERROR! Decryption failed (no vault secrets were found that could decrypt) on data.yml for data.yml"), old.output)

        let toStdout = try ws.swiftplay(["vault", "decrypt", "--vault-password-file", "pw2", "--output", "-", "data.yml"])
        XCTAssertEqual(toStdout.stdout, "greeting: hello vault\n")
        let dec = try ws.swiftplay(["vault", "decrypt", "--vault-password-file", "pw2", "data.yml"])
        XCTAssertEqual(dec.status, 0, dec.output)
        XCTAssertEqual(ws.read("data.yml"), "greeting: hello vault\n")
        let notVaulted = try ws.swiftplay(["vault", "decrypt", "--vault-password-file", "pw2", "data.yml"])
        XCTAssertEqual(notVaulted.status, 1)
        XCTAssertTrue(notVaulted.stderr.contains("input is not vault encrypted data"), notVaulted.output)

        // --output writes a new file; several inputs with --output is a usage error.
        let out = try ws.swiftplay(["vault", "encrypt", "--vault-id", "ops@pw", "--output", "copy.yml", "data.yml"])
        XCTAssertEqual(out.status, 0, out.output)
        XCTAssertTrue(ws.read("copy.yml")?.hasPrefix("$ANSIBLE_VAULT;1.2;AES256;ops\n") ?? false)
        XCTAssertEqual(ws.read("data.yml"), "greeting: hello vault\n")
        XCTAssertEqual(try ws.swiftplay(["vault", "encrypt", "--vault-password-file", "pw", "--output", "x", "a", "b"]).status, 5)

        // Two ids: the one to encrypt with must be chosen.
        let two = try ws.swiftplay(["vault", "encrypt_string", "--vault-id", "a@pw", "--vault-id", "b@pw2", "x"])
        XCTAssertEqual(two.status, 1)
        XCTAssertTrue(two.stderr.contains("Specify the vault-id to encrypt with --encrypt-vault-id"), two.output)
        let chosen = try ws.swiftplay(["vault", "encrypt_string", "--vault-id", "a@pw", "--vault-id", "b@pw2", "--encrypt-vault-id", "b", "x"])
        XCTAssertTrue(chosen.stdout.hasPrefix("!vault |\n          $ANSIBLE_VAULT;1.2;AES256;b\n"), chosen.output)
    }

    func testEncryptStringPastedIntoAPlaybook() throws {
        let ws = try Workspace()
        try ws.write("pw", "pw")
        let s = try ws.swiftplay(["vault", "encrypt_string", "--vault-password-file", "pw", "it works: yes", "--name", "msg_text"])
        XCTAssertEqual(s.status, 0, s.output)
        XCTAssertTrue(s.stdout.hasPrefix("msg_text: !vault |\n          $ANSIBLE_VAULT;1.1;AES256\n          "), s.stdout)
        let fromStdin = try ws.swiftplay(["vault", "encrypt_string", "--vault-password-file", "pw", "--stdin-name", "other"])
        XCTAssertEqual(fromStdin.status, 1, "stdin is empty: \(fromStdin.output)")
        let r = try ws.play("- hosts: localhost\n  gather_facts: false\n  vars:\n" + indent(s.stdout, 4)
                            + "  tasks:\n    - debug: var=msg_text\n", ["--vault-password-file", "pw"])
        XCTAssertEqual(r.status, 0, r.output)
        XCTAssertTrue(r.stdout.contains("\"msg_text\": \"it works: yes\""), r.output)
    }

    func testOracleMadeFilesRun() throws {
        guard let vault = ["~/.cache/swiftplay/ansible-venv/bin/ansible-vault"].map({ ($0 as NSString).expandingTildeInPath })
            .first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw XCTSkip("ansible-vault is not installed at ~/.cache/swiftplay/ansible-venv/bin")
        }
        let ws = try Workspace()
        try ws.write("pw", "oracle-pw\n")
        try ws.write("v.yml", "oracle_var: from ansible-vault\n")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: vault)
        p.arguments = ["encrypt", "--vault-id", "lab@pw", "v.yml"]
        p.currentDirectoryURL = ws.dir
        _ = try Workspace.capture(p)
        XCTAssertEqual(p.terminationStatus, 0)
        let r = try ws.play("- hosts: localhost\n  gather_facts: false\n  vars_files: [v.yml]\n  tasks:\n    - debug: var=oracle_var\n",
                            ["--vault-id", "lab@pw"])
        XCTAssertEqual(r.status, 0, r.output)
        XCTAssertTrue(r.stdout.contains("\"oracle_var\": \"from ansible-vault\""), r.output)
    }

    func testCreateAndEditWithEditor() throws {
        let ws = try Workspace()
        try ws.write("pw", "edit-pw")
        let editor = try ws.write("editor.sh", "#!/bin/sh\nprintf 'line added\\n' >> \"$1\"\n")
        chmod(editor, 0o755)
        let env = ["EDITOR": editor]
        let create = try ws.swiftplay(["vault", "create", "--vault-id", "ed@pw", "new.yml"], environment: env)
        XCTAssertEqual(create.status, 0, create.output)
        XCTAssertTrue(ws.read("new.yml")?.hasPrefix("$ANSIBLE_VAULT;1.2;AES256;ed\n") ?? false, ws.read("new.yml") ?? "")
        let exists = try ws.swiftplay(["vault", "create", "--vault-id", "ed@pw", "new.yml"], environment: env)
        XCTAssertEqual(exists.status, 1)
        XCTAssertTrue(exists.stderr.contains("new.yml exists, please use 'edit' instead"), exists.output)
        let edit = try ws.swiftplay(["vault", "edit", "--vault-password-file", "pw", "new.yml"], environment: env)
        XCTAssertEqual(edit.status, 0, edit.output)
        // Still under the file's label.
        XCTAssertTrue(ws.read("new.yml")?.hasPrefix("$ANSIBLE_VAULT;1.2;AES256;ed\n") ?? false)
        XCTAssertEqual(try ws.swiftplay(["vault", "view", "--vault-password-file", "pw", "new.yml"]).stdout, "line added\nline added\n")
    }

    func testGroupVarsDirectoryAndExtraVarsFile() throws {
        let ws = try Workspace()
        try ws.write("pw", Self.password)
        try ws.write("inv/hosts.ini", "[web]\nlocalhost ansible_connection=local\n")
        try ws.write("inv/group_vars/web/plain.yml", "shown: plain\n")
        try ws.write("inv/group_vars/web/vault.yml", "vault_db_password: from-dir\n")
        try encrypt(ws, "inv/group_vars/web/vault.yml")
        try ws.write("extra.yml", "extra_secret: from-extra\n")
        try encrypt(ws, "extra.yml")
        try ws.write("play.yml", "- hosts: web\n  gather_facts: false\n  tasks:\n    - debug: msg='{{ shown }} {{ vault_db_password }} {{ extra_secret }}'\n")
        let r = try ws.swiftplay(["-i", "inv/hosts.ini", "play.yml", "-e", "@extra.yml", "--vault-password-file", "pw"])
        XCTAssertEqual(r.status, 0, r.output)
        XCTAssertTrue(r.stdout.contains("\"msg\": \"plain from-dir from-extra\""), r.output)
    }

    func testInventoryShowsInlineValuesVaulted() throws {
        let ws = try Workspace()
        try ws.write("pw", Self.password)
        let inline = try encryptString(ws, "never-shown", name: "secret_var")
        try ws.write("hosts.yml", "all:\n  hosts:\n    h1:\n" + indent(inline, 6))
        let r = try ws.swiftplay(["inventory", "-i", "hosts.yml", "--list", "--vault-password-file", "pw"])
        XCTAssertEqual(r.status, 0, r.output)
        XCTAssertTrue(r.stdout.contains("\"__ansible_vault\": \"$ANSIBLE_VAULT;1.1;AES256\\n"), r.stdout)
        XCTAssertFalse(r.stdout.contains("never-shown"))
        let y = try ws.swiftplay(["inventory", "-i", "hosts.yml", "--host", "h1", "-y"])
        XCTAssertTrue(y.stdout.hasPrefix("secret_var: !vault |\n  $ANSIBLE_VAULT;1.1;AES256\n  "), y.stdout)
    }

    func testVaultCommandsAskOnTheTerminal() throws {
        let ws = try Workspace()
        try ws.write("data.txt", "typed\n")
        let enc = try ws.swiftplayOnTerminal(["vault", "encrypt", "data.txt"],
                                             answers: [("New Vault password: ", "tty-pw\n"), ("Confirm New Vault password: ", "tty-pw\n")])
        XCTAssertEqual(enc.status, 0, enc.transcript)
        XCTAssertEqual(enc.unanswered, 0, enc.transcript)
        XCTAssertTrue(enc.transcript.contains("Encryption successful"), enc.transcript)
        XCTAssertFalse(enc.transcript.contains("tty-pw"), enc.transcript)
        // The pty has no size, so no pager (less) could tell the text fits: cat shows it.
        let view = try ws.swiftplayOnTerminal(["vault", "view", "data.txt"], answers: [("Vault password: ", "tty-pw\n")],
                                              environment: ["PAGER": "cat"])
        XCTAssertEqual(view.status, 0, view.transcript)
        XCTAssertTrue(view.transcript.hasSuffix("typed\n"), view.transcript)
        let mismatch = try ws.swiftplayOnTerminal(["vault", "encrypt_string", "x"],
                                                  answers: [("New Vault password: ", "a\n"), ("Confirm New Vault password: ", "b\n")])
        XCTAssertEqual(mismatch.status, 1, mismatch.transcript)
        XCTAssertTrue(mismatch.transcript.contains("ERROR! Passwords do not match"), mismatch.transcript)
    }

    /// VAULT_ENCRYPT_SALT (environment or vault_encrypt_salt in the config): the same text and password
    /// encrypt the same, and still decrypt.
    func testFixedSalt() throws {
        let ws = try Workspace()
        try ws.write("pw", Self.password + "\n")
        let env = ["ANSIBLE_VAULT_ENCRYPT_SALT": "pinned"]
        let a = try ws.swiftplay(["vault", "encrypt_string", "--vault-id", "pw", "value", "--name", "v"], environment: env)
        let b = try ws.swiftplay(["vault", "encrypt_string", "--vault-id", "pw", "value", "--name", "v"], environment: env)
        XCTAssertEqual(a.status, 0, a.output)
        XCTAssertEqual(a.stdout, b.stdout)
        try ws.write("ansible.cfg", "[defaults]\nvault_encrypt_salt = pinned\n")
        XCTAssertEqual(try ws.swiftplay(["vault", "encrypt_string", "--vault-id", "pw", "value", "--name", "v"]).stdout, a.stdout)
        try FileManager.default.removeItem(atPath: ws.path + "/ansible.cfg")
        XCTAssertNotEqual(try ws.swiftplay(["vault", "encrypt_string", "--vault-id", "pw", "value", "--name", "v"]).stdout, a.stdout,
                          "without a salt it is random")
        try ws.write("play.yml", "- hosts: localhost\n  gather_facts: false\n  vars:\n" + indent(a.stdout, 4)
                     + "  tasks:\n    - assert: {that: v == 'value'}\n")
        let r = try ws.swiftplay(["-i", "localhost,", "-c", "local", "--vault-id", "pw", "play.yml"])
        XCTAssertEqual(r.status, 0, r.output)
    }
}
