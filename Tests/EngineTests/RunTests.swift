import Foundation
import XCTest

/// Whole runs of the binary: exit codes, recap counts, files written, output lines.
final class RunTests: XCTestCase {
    func testFailedHostGivesExitTwoAndRecap() throws {
        let ws = try Workspace()
        let r = try ws.play("""
        - hosts: localhost
          gather_facts: false
          tasks:
            - command: /bin/false
            - debug: msg=unreachable-after-failure
        """)
        XCTAssertEqual(r.status, 2, r.output)
        XCTAssertEqual(r.recap("localhost")["failed"], 1)
        XCTAssertEqual(r.recap("localhost")["ok"], 0)
        XCTAssertFalse(r.stdout.contains("unreachable-after-failure"))
        XCTAssertTrue(r.stdout.contains("fatal: [localhost]: FAILED! => {"), r.stdout)
    }

    func testFilesWrittenIdempotentAndCheckMode() throws {
        let ws = try Workspace()
        let target = ws.path + "/out/motd"
        let playbook = """
        - hosts: localhost
          gather_facts: false
          vars:
            who: world
          tasks:
            - file: path=\(ws.path)/out state=directory mode=0750
            - copy:
                dest: \(target)
                content: "hello {{ who }}\\n"
                mode: "0640"
            - lineinfile: path=\(ws.path)/out/conf create=yes line="second line"
        """
        try FileManager.default.createDirectory(atPath: ws.path + "/out", withIntermediateDirectories: false)
        let check = try ws.play(playbook, ["--check"])
        XCTAssertEqual(check.status, 0, check.output)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: ws.path + "/out"), [], "check mode must not create anything")
        XCTAssertEqual(check.recap("localhost")["changed"], 3, check.stdout)

        let first = try ws.play(playbook)
        XCTAssertEqual(first.status, 0, first.output)
        XCTAssertEqual(first.recap("localhost")["changed"], 3, first.stdout)
        XCTAssertEqual(ws.read("out/motd"), "hello world\n")
        XCTAssertEqual(ws.read("out/conf"), "second line\n")
        let attrs = try FileManager.default.attributesOfItem(atPath: target)
        XCTAssertEqual((attrs[.posixPermissions] as? NSNumber)?.intValue, 0o640)

        let second = try ws.play(playbook)
        XCTAssertEqual(second.recap("localhost")["changed"], 0, second.stdout)
        XCTAssertEqual(second.recap("localhost")["ok"], 3)
    }

    func testDiffShowsChangedLines() throws {
        let ws = try Workspace()
        try ws.write("f.txt", "a\nb\n")
        let r = try ws.play("""
        - hosts: localhost
          gather_facts: false
          tasks:
            - lineinfile: path=\(ws.path)/f.txt regexp=^b line=B
        """, ["--diff"])
        XCTAssertEqual(r.status, 0, r.output)
        XCTAssertTrue(r.stdout.contains("-b\n+B"), r.stdout)
        XCTAssertEqual(ws.read("f.txt"), "a\nB\n")
    }

    func testExtraVarsForms() throws {
        let ws = try Workspace()
        try ws.write("vars.yml", "from_file: filevalue\n")
        let r = try ws.play("""
        - hosts: localhost
          gather_facts: false
          vars:
            kv: play
          tasks:
            - debug: msg="{{ kv }} {{ from_file }} {{ js.n + 1 }} {{ js.l | length }}"
        """, ["-e", "kv=cli", "-e", "@vars.yml", "-e", #"{"js": {"n": 41, "l": [1, 2]}}"#])
        XCTAssertEqual(r.status, 0, r.output)
        XCTAssertTrue(r.stdout.contains(#""msg": "cli filevalue 42 2""#), r.stdout)
    }

    func testNoLogKeepsSecretsOutOfOutput() throws {
        let ws = try Workspace()
        let r = try ws.play("""
        - hosts: localhost
          gather_facts: false
          vars:
            secret: s3cr3t-value
          tasks:
            - command: echo {{ secret }}
              no_log: true
            - shell: echo {{ secret }}; exit 1
              no_log: true
              ignore_errors: true
            - debug: msg="{{ secret }}"
              no_log: true
        """, ["-v"])
        XCTAssertEqual(r.status, 0, r.output)
        XCTAssertFalse(r.output.contains("s3cr3t-value"), r.output)
        XCTAssertTrue(r.stdout.contains("the output has been hidden"), r.stdout)
    }

    func testStartAtTask() throws {
        let ws = try Workspace()
        let r = try ws.play("""
        - hosts: localhost
          gather_facts: false
          tasks:
            - name: one
              debug: msg=first-task
            - name: two
              debug: msg=second-task
        """, ["--start-at-task", "two"])
        XCTAssertFalse(r.stdout.contains("first-task"))
        XCTAssertTrue(r.stdout.contains("second-task"))
    }

    func testJSONOutput() throws {
        let ws = try Workspace()
        let r = try ws.play("""
        - hosts: localhost
          gather_facts: false
          tasks:
            - name: greet
              command: echo hi
            - debug: msg=x
              loop: [1, 2]
        """, ["--output", "json"])
        XCTAssertEqual(r.status, 0, r.output)
        let doc = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        let stats = (doc?["stats"] as? [String: Any])?["localhost"] as? [String: Any]
        XCTAssertEqual(stats?["changed"] as? Int, 1)
        XCTAssertEqual(stats?["ok"] as? Int, 2)
        let tasks = ((doc?["plays"] as? [[String: Any]])?.first?["tasks"] as? [[String: Any]]) ?? []
        XCTAssertEqual(tasks.count, 2)
        let host = (tasks.first?["hosts"] as? [String: Any])?["localhost"] as? [String: Any]
        XCTAssertEqual(host?["stdout"] as? String, "hi")
        let loop = (tasks.last?["hosts"] as? [String: Any])?["localhost"] as? [String: Any]
        XCTAssertEqual((loop?["results"] as? [Any])?.count, 2)
    }

    /// ANSIBLE_STDOUT_CALLBACK=json selects the JSON output; with show_custom_stats it carries the
    /// set_stats data as the json callback does (custom_stats per host, global_custom_stats for the run).
    func testJSONOutputCarriesCustomStats() throws {
        let ws = try Workspace()
        try ws.write("play.yml", """
        - hosts: all
          gather_facts: false
          tasks:
            - set_stats: {data: {deployed: 1}}
            - set_stats: {data: {release: v2}, per_host: true}
        """)
        let r = try ws.swiftplay(["-i", "a,b,", "-c", "local", "play.yml"],
                                 environment: ["ANSIBLE_STDOUT_CALLBACK": "json", "ANSIBLE_SHOW_CUSTOM_STATS": "true"])
        XCTAssertEqual(r.status, 0, r.output)
        let doc = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        XCTAssertEqual(doc?["custom_stats"] as? [String: [String: String]], ["a": ["release": "v2"], "b": ["release": "v2"]])
        XCTAssertEqual(doc?["global_custom_stats"] as? [String: Int], ["deployed": 2])
    }

    /// A module failure keeps the module's return values; warnings print as [WARNING] lines on stderr;
    /// `!unsafe` text is never templated; a blank condition holds (all as in Ansible).
    func testModuleFailureValuesWarningsUnsafeAndBlankConditions() throws {
        let ws = try Workspace()
        let r = try ws.play("""
        - hosts: localhost
          gather_facts: false
          vars:
            secret: S
          tasks:
            - file: path=\(ws.path)/missing state=file
              register: missing
              ignore_errors: true
            - assert:
                that:
                  - missing is failed
                  - missing.state == 'absent'
                  - missing.path == '\(ws.path)/missing'
                  -
            - file: path=\(ws.path)/w state=touch owner=no-such-user-xyz
              check_mode: true
            - copy:
                dest: \(ws.path)/unsafe.txt
                content: !unsafe "{{ secret }}"
        """)
        XCTAssertEqual(r.status, 0, r.output)
        XCTAssertTrue(r.stderr.replacingOccurrences(of: "\n", with: " ").contains("[WARNING]: failed to look up user no-such-user-xyz. Create user up to this point in real play"), r.stderr)
        XCTAssertEqual(ws.read("unsafe.txt"), "{{ secret }}")
    }

    func testForceHandlersFromEnvironment() throws {
        let ws = try Workspace()
        let forced = try ws.play("""
        - hosts: localhost
          gather_facts: false
          tasks:
            - command: echo change
              notify: h
            - command: /bin/false
          handlers:
            - name: h
              debug: msg=handler-ran
        """, environment: ["ANSIBLE_FORCE_HANDLERS": "true"])
        XCTAssertEqual(forced.status, 2)
        XCTAssertTrue(forced.stdout.contains("handler-ran"), forced.stdout)
    }

    /// k=v values decode backslash escapes like ansible-core (bytes checked against its output);
    /// free-form command text keeps them.
    func testKeyValueEscapes() throws {
        let ws = try Workspace()
        let r = try ws.play(#"""
        - hosts: localhost
          gather_facts: false
          tasks:
            - copy: content="a\tb\nc\\d \"q\" \x41\u00e9" dest={{ playbook_dir }}/out
            - command: printf '%s' 'x\ny'
              register: r
            - copy: content="{{ r.stdout }}" dest={{ playbook_dir }}/raw
        """#)
        XCTAssertEqual(r.status, 0, r.output)
        XCTAssertEqual(ws.read("out"), "a\tb\nc\\d \"q\" A\u{e9}")
        XCTAssertEqual(ws.read("raw"), "x\\ny")
    }

    /// Free-form commands keep their text as ansible-core does: lines, indentation, repeated spaces
    /// (expected values are ansible-core 2.18's `cmd` for the same tasks).
    func testFreeFormKeepsLinesAndSpaces() throws {
        let ws = try Workspace()
        let r = try ws.play(#"""
        - hosts: localhost
          gather_facts: false
          tasks:
            - shell: |
                echo a
                echo b   c
              register: one
            - shell: |
                for i in 1 2; do
                  echo "$i  x"
                done creates=/nonexistent-sp
              register: two
            - copy: content="{{ one.cmd }}|{{ one.stdout }}|{{ two.cmd }}|{{ two.stdout }}" dest={{ playbook_dir }}/out
        """#)
        XCTAssertEqual(r.status, 0, r.output)
        XCTAssertEqual(ws.read("out"), "echo a\necho b   c\n|a\nb c|for i in 1 2; do\n  echo \"$i  x\"\ndone|1  x\n2  x")
    }

    func testForceHandlersAndHandlerOrder() throws {
        let ws = try Workspace()
        let playbook = """
        - hosts: localhost
          gather_facts: false
          tasks:
            - command: echo change
              notify: [h2, h1]
            - command: /bin/false
          handlers:
            - name: h1
              debug: msg=handler-one
            - name: h2
              debug: msg=handler-two
        """
        let plain = try ws.play(playbook)
        XCTAssertEqual(plain.status, 2)
        XCTAssertFalse(plain.stdout.contains("handler-one"))
        let forced = try ws.play(playbook, ["--force-handlers"])
        XCTAssertEqual(forced.status, 2)
        let one = try XCTUnwrap(forced.stdout.range(of: "handler-one"))
        let two = try XCTUnwrap(forced.stdout.range(of: "handler-two"))
        XCTAssertLessThan(one.lowerBound, two.lowerBound, "handlers run in definition order")
    }

    func testImportPlaybookVarsPromptAndFreeStrategy() throws {
        let ws = try Workspace()
        try ws.write("inner.yml", """
        - hosts: localhost
          gather_facts: false
          strategy: free
          vars_prompt:
            - name: answer
              prompt: Your answer?
              default: forty-two
          tasks:
            - debug: msg="inner {{ answer }}"
        """)
        let r = try ws.play("""
        - import_playbook: inner.yml
        - hosts: localhost
          gather_facts: false
          tasks:
            - debug: msg=outer
        """)
        XCTAssertEqual(r.status, 0, r.output)
        XCTAssertTrue(r.stdout.contains("inner forty-two"), r.stdout)
        XCTAssertTrue(r.stdout.contains("\"msg\": \"outer\""))
    }

    func testDelegateRunOnceAndFacts() throws {
        let ws = try Workspace()
        try ws.write("hosts.ini", "[g]\na ansible_connection=local\nb ansible_connection=local\n")
        try ws.write("play.yml", """
        - hosts: g
          gather_facts: true
          tasks:
            - command: echo once
              run_once: true
              register: once
            - debug: msg="{{ once.stdout }} {{ ansible_os_family }} {{ ansible_facts['distribution'] }}"
            - command: hostname
              delegate_to: localhost
        """)
        let r = try ws.swiftplay(["-i", "hosts.ini", "play.yml"])
        XCTAssertEqual(r.status, 0, r.output)
        XCTAssertEqual(r.stdout.components(separatedBy: "changed: [a]\n").count - 1, 1, r.stdout)
        XCTAssertNil(r.recap("localhost")["ok"], "a delegation target is not a play host")
        XCTAssertFalse(r.stdout.contains("changed: [b]\n\nTASK [debug]"), "run_once runs on the first host only")
        XCTAssertTrue(r.stdout.contains("changed: [b -> localhost]"), r.stdout)
        XCTAssertTrue(r.stdout.contains("\"msg\": \"once "), r.stdout)
    }

    func testMaxFailPercentageStopsPlay() throws {
        let ws = try Workspace()
        try ws.write("hosts.ini", "[g]\na ansible_connection=local\nb ansible_connection=local\nc ansible_connection=local\n")
        try ws.write("play.yml", """
        - hosts: g
          gather_facts: false
          max_fail_percentage: 30
          tasks:
            - command: /bin/false
              when: inventory_hostname == 'a'
            - debug: msg=after
        """)
        let r = try ws.swiftplay(["-i", "hosts.ini", "play.yml"])
        XCTAssertEqual(r.status, 2)
        XCTAssertFalse(r.stdout.contains("\"msg\": \"after\""), r.stdout)
    }

    func testInterruptExitsNinetyNine() throws {
        let ws = try Workspace()
        try ws.write("play.yml", """
        - hosts: localhost
          gather_facts: false
          tasks:
            - pause: seconds=30
        """)
        let p = Process()
        p.executableURL = Workspace.binary
        p.arguments = ["-i", "localhost,", "-c", "local", "play.yml"]
        p.currentDirectoryURL = ws.dir
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        Thread.sleep(forTimeInterval: 1.0)
        p.interrupt()
        p.waitUntilExit()
        XCTAssertEqual(p.terminationStatus, 99)
    }
}
