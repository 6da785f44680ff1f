import Foundation
import XCTest

/// Questions asked on the user's terminal (--step, vars_prompt), answered through a real
/// pseudo-terminal; and what happens without a terminal.
final class TerminalTests: XCTestCase {
    let stepPlaybook = """
    - hosts: localhost
      gather_facts: false
      tasks:
        - name: first
          file: path={{ playbook_dir }}/ran-first state=touch
          notify: h
        - name: second
          file: path={{ playbook_dir }}/ran-second state=touch
        - name: third
          file: path={{ playbook_dir }}/ran-third state=touch
        - meta: flush_handlers
        - name: fourth
          file: path={{ playbook_dir }}/ran-fourth state=touch
      handlers:
        - name: h
          file: path={{ playbook_dir }}/ran-handler state=touch
    """

    func ran(_ ws: Workspace) -> [String] {
        ["first", "second", "third", "handler", "fourth"].filter { FileManager.default.fileExists(atPath: ws.path + "/ran-" + $0) }
    }

    /// pause asks once for the whole batch of hosts, on the terminal; echo: false hides the answer.
    func testPauseWaitsForTheAnswerOnceForAllHosts() throws {
        let ws = try Workspace()
        try ws.write("play.yml", """
        - hosts: all
          gather_facts: false
          tasks:
            - name: ask release
              pause: prompt="Release name"
              register: release
            - pause: {prompt: Token, echo: false}
              register: token
            - copy: content="{{ release.user_input }}/{{ token.user_input | length }}" dest={{ playbook_dir }}/answers
              when: release.user_input is defined
        """)
        let r = try ws.swiftplayOnTerminal(["-i", "a,b,", "-c", "local", "play.yml"],
                                           answers: [("Release name:", "v2\n"), ("Token:", "typed-secret\n")])
        XCTAssertEqual(r.status, 0, r.transcript)
        XCTAssertEqual(r.unanswered, 0, r.transcript)
        XCTAssertEqual(ws.read("answers"), "v2/12")
        XCTAssertEqual(r.transcript.components(separatedBy: "[ask release]\nRelease name:").count, 2, r.transcript)
        XCTAssertFalse(r.transcript.contains("typed-secret"), r.transcript)
        // pause runs on the first host only; its result is registered there alone (as in ansible-core).
        XCTAssertFalse(r.transcript.contains("ok: [b]"), r.transcript)
        XCTAssertTrue(r.transcript.contains("skipping: [b]"), r.transcript)

        // Without a terminal the prompt is not waited for.
        let plain = try ws.swiftplayWithoutTerminal(["-i", "a,", "-c", "local", "play.yml"])
        XCTAssertEqual(plain.status, 0, plain.output)
        XCTAssertTrue(plain.output.contains("[WARNING]: Not waiting for response to prompt as stdin is not interactive"), plain.output)
        XCTAssertEqual(ws.read("answers"), "/0")
    }

    /// y runs, n skips, c runs this one and the rest without asking; handlers are asked as HANDLER.
    func testStepAsksBeforeEachTask() throws {
        let ws = try Workspace()
        try ws.write("play.yml", stepPlaybook)
        let prompt = "(N)o/(y)es/(c)ontinue: "
        let r = try ws.swiftplayOnTerminal(["-i", "localhost,", "-c", "local", "--step", "play.yml"],
                                           answers: [(prompt, "y\n"), (prompt, "n\n"), (prompt, "y\n"), (prompt, "c\n")])
        XCTAssertEqual(r.status, 0, r.transcript)
        XCTAssertEqual(r.unanswered, 0, r.transcript)
        XCTAssertEqual(ran(ws), ["first", "third", "handler", "fourth"], r.transcript)
        let asked = r.transcript.split(separator: "\n").filter { $0.hasSuffix(prompt + "y") || $0.hasSuffix(prompt + "n") || $0.hasSuffix(prompt + "c") }
        XCTAssertEqual(asked, ["Perform task: TASK: first (N)o/(y)es/(c)ontinue: y", "Perform task: TASK: second (N)o/(y)es/(c)ontinue: n",
                               "Perform task: TASK: third (N)o/(y)es/(c)ontinue: y", "Perform task: HANDLER: h (N)o/(y)es/(c)ontinue: c"])
        XCTAssertFalse(r.transcript.contains("TASK: fourth"), "no question after (c)ontinue")
        XCTAssertTrue(r.transcript.contains("Perform task: TASK: second (N)o/(y)es/(c)ontinue: *****"), r.transcript)
        XCTAssertFalse(r.transcript.contains("TASK [second]"), r.transcript)
        XCTAssertTrue(r.transcript.contains("TASK [fourth]"), r.transcript)
    }

    /// The free strategy asks for each host: "Perform task: TASK: NAME on HOST ...".
    func testStepFreeStrategyNamesTheHost() throws {
        let ws = try Workspace()
        try ws.write("hosts.ini", "a ansible_connection=local\n")
        try ws.write("play.yml", """
        - hosts: all
          gather_facts: false
          strategy: free
          tasks:
            - name: first
              file: path={{ playbook_dir }}/ran-first state=touch
            - name: second
              file: path={{ playbook_dir }}/ran-second state=touch
        """)
        let r = try ws.swiftplayOnTerminal(["-i", "hosts.ini", "--step", "play.yml"],
                                           answers: [("Perform task: TASK: first on a (N)o/(y)es/(c)ontinue: ", "n\n"),
                                                     ("Perform task: TASK: second on a (N)o/(y)es/(c)ontinue: ", "y\n")])
        XCTAssertEqual(r.status, 0, r.transcript)
        XCTAssertEqual(r.unanswered, 0, r.transcript)
        XCTAssertEqual(ran(ws), ["second"], r.transcript)
    }

    /// An empty answer (or end of input) means no: the task is skipped.
    func testStepDefaultIsNo() throws {
        let ws = try Workspace()
        try ws.write("play.yml", stepPlaybook)
        let prompt = "(N)o/(y)es/(c)ontinue: "
        let r = try ws.swiftplayOnTerminal(["-i", "localhost,", "-c", "local", "--step", "play.yml"],
                                           answers: [(prompt, "\n"), (prompt, "yes\n"), (prompt, "\n"), (prompt, "no\n")])
        XCTAssertEqual(r.status, 0, r.transcript)
        XCTAssertEqual(ran(ws), ["second"], r.transcript)
    }

    /// Without a terminal --step asks nothing and every task runs, as before.
    func testStepWithoutTerminalRunsEverything() throws {
        let ws = try Workspace()
        try ws.write("play.yml", stepPlaybook)
        let r = try ws.swiftplayWithoutTerminal(["-i", "localhost,", "-c", "local", "--step", "play.yml"])
        XCTAssertEqual(r.status, 0, r.output)
        XCTAssertEqual(ran(ws), ["first", "second", "third", "handler", "fourth"], r.output)
        XCTAssertFalse(r.output.contains("Perform task"), r.output)
    }

    /// vars_prompt: private answers are not echoed, an empty answer takes the default, confirm asks
    /// again until both answers match, and -e variables are not asked.
    func testVarsPromptOnTerminal() throws {
        let ws = try Workspace()
        try ws.write("play.yml", """
        - hosts: localhost
          gather_facts: false
          vars_prompt:
            - name: secret
              prompt: Your secret
            - name: colour
              prompt: Favourite colour
              default: blue
              private: false
            - name: confirmed
              prompt: Pick a word
              confirm: true
              private: false
            - name: given
              prompt: Never asked
          tasks:
            - copy:
                dest: "{{ playbook_dir }}/answers"
                content: "{{ secret }}|{{ colour }}|{{ confirmed }}|{{ given }}"
        """)
        let secret = "s3cr3t-" + UUID().uuidString.prefix(8)
        let r = try ws.swiftplayOnTerminal(["-i", "localhost,", "-c", "local", "-e", "given=cli", "play.yml"],
                                           answers: [("Your secret: ", secret + "\n"), ("Favourite colour [blue]: ", "\n"),
                                                     ("Pick a word: ", "alpha\n"), ("confirm Pick a word: ", "alpah\n"),
                                                     ("Pick a word: ", "beta\n"), ("confirm Pick a word: ", "beta\n")])
        XCTAssertEqual(r.status, 0, r.transcript)
        XCTAssertEqual(r.unanswered, 0, r.transcript)
        XCTAssertEqual(ws.read("answers"), "\(secret)|blue|beta|cli")
        XCTAssertFalse(r.transcript.contains(secret), "a private answer is never shown: \(r.transcript)")
        XCTAssertTrue(r.transcript.contains("alpha"), "public answers are echoed")
        XCTAssertTrue(r.transcript.contains("***** VALUES ENTERED DO NOT MATCH ****"), r.transcript)
        XCTAssertFalse(r.transcript.contains("Never asked"), r.transcript)
    }

    /// vars_prompt `encrypt`: the answer is stored hashed. The expected hash is what ansible-core 2.18
    /// (with passlib) stores for the same answer and salt.
    func testVarsPromptEncrypt() throws {
        let ws = try Workspace()
        try ws.write("play.yml", """
        - hosts: localhost
          gather_facts: false
          vars_prompt:
            - name: pw
              prompt: Password
              encrypt: sha512_crypt
              salt: abcdefgh12345678
          tasks:
            - copy: content="{{ pw }}" dest={{ playbook_dir }}/hash
        """)
        let r = try ws.swiftplayOnTerminal(["-i", "localhost,", "-c", "local", "play.yml"], answers: [("Password: ", "hunter2\n")])
        XCTAssertEqual(r.status, 0, r.transcript)
        XCTAssertEqual(ws.read("hash"), "$6$rounds=656000$abcdefgh12345678$eJrzVu9B736P2lyK8nQfntvo1m9nLAoq4Rqn3I7j83W8J6GQJ4SQ6tTdg/OuldOToc2HAqLEmojTLyrUbwqfy1")
        XCTAssertFalse(r.transcript.contains("hunter2"), r.transcript)
    }

    /// Without a terminal vars_prompt takes the defaults and never blocks.
    func testVarsPromptWithoutTerminalUsesDefault() throws {
        let ws = try Workspace()
        try ws.write("play.yml", """
        - hosts: localhost
          gather_facts: false
          vars_prompt:
            - name: colour
              prompt: Favourite colour
              default: blue
          tasks:
            - debug: msg="colour={{ colour }}"
        """)
        let r = try ws.swiftplayWithoutTerminal(["-i", "localhost,", "-c", "local", "play.yml"])
        XCTAssertEqual(r.status, 0, r.output)
        XCTAssertTrue(r.output.contains("\"msg\": \"colour=blue\""), r.output)
    }

    /// vault encrypt_string --prompt: the name is shown as typed, the string only with --show-input.
    func testEncryptStringPrompts() throws {
        let ws = try Workspace()
        try ws.write("pw", "pass\n")
        for show in [false, true] {
            let question = show ? "String to encrypt: " : "String to encrypt (hidden): "
            let r = try ws.swiftplayOnTerminal(["vault", "encrypt_string", "--vault-password-file", "pw", "-p"] + (show ? ["--show-input"] : []),
                                               answers: [("Variable name (enter for no name): ", "tok\n"), (question, "typed-value\n")])
            XCTAssertEqual(r.status, 0, r.transcript)
            XCTAssertEqual(r.unanswered, 0, r.transcript)
            XCTAssertTrue(r.transcript.contains("Variable name (enter for no name): tok"), r.transcript)
            XCTAssertEqual(r.transcript.contains(question + "typed-value"), show, r.transcript)
            XCTAssertTrue(r.transcript.contains("tok: !vault |"), r.transcript)
        }
    }

    /// vault view on a terminal goes through $PAGER; a pager that quits at once is no error.
    func testVaultViewPages() throws {
        let ws = try Workspace()
        try ws.write("pw", "pass\n")
        try ws.write("secret.txt", "line one\nline two\n")
        XCTAssertEqual(try ws.swiftplay(["vault", "encrypt", "--vault-password-file", "pw", "secret.txt"]).status, 0)
        let paged = try ws.swiftplayOnTerminal(["vault", "view", "--vault-password-file", "pw", "secret.txt"], answers: [],
                                               environment: ["PAGER": "sed 's/^/PAGED: /'"])
        XCTAssertEqual(paged.status, 0, paged.transcript)
        XCTAssertTrue(paged.transcript.contains("PAGED: line one\nPAGED: line two"), paged.transcript)
        let quit = try ws.swiftplayOnTerminal(["vault", "view", "--vault-password-file", "pw", "secret.txt"], answers: [],
                                              environment: ["PAGER": "true"])
        XCTAssertEqual(quit.status, 0, quit.transcript)
        let plain = try ws.swiftplay(["vault", "view", "--vault-password-file", "pw", "secret.txt"], environment: ["PAGER": "false"])
        XCTAssertEqual(plain.stdout, "line one\nline two\n", "not a terminal: no pager")
    }
}
