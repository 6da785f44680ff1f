import Foundation
import XCTest

/// Behaviours checked by ansible-core's own integration targets (conditionals, register,
/// any_errors_fatal, set_fact, include_import), on the real binary.
final class AnsibleSemanticsTests: XCTestCase {
    func testConditionalsReadValuesAsAnsibleDoes() throws {
        let ws = try Workspace()
        let playbook = """
        - hosts: localhost
          gather_facts: false
          vars:
            word_false: "false"
          tasks:
            - debug: msg=bare-string-is-truthy
              when: word_false
            - debug: msg=templated-text-is-read-again
              when: "{{ word_false }}"
            - debug: msg=int-result
              when: 1 + 1
              loop: [1, 2]
        """
        let r = try ws.play(playbook)
        XCTAssertEqual(r.status, 0, r.output)
        XCTAssertTrue(r.stdout.contains("\"msg\": \"bare-string-is-truthy\""), r.stdout)
        XCTAssertFalse(r.stdout.contains("\"msg\": \"templated-text-is-read-again\""), r.stdout)
        XCTAssertTrue(r.stdout.contains("\"msg\": \"int-result\""), r.stdout)
        // Non-boolean results are deprecated (once per message), naming where the condition is written.
        XCTAssertTrue(r.stderr.contains("[DEPRECATION WARNING]: Conditional result at location \(ws.path)/play.yml 7:13 was of type 'str'."), r.stderr)
        XCTAssertTrue(r.stderr.contains("[DEPRECATION WARNING]: Conditional result at location \(ws.path)/play.yml 11:13 was of type 'int'."), r.stderr)
        XCTAssertEqual(r.stderr.components(separatedBy: "DEPRECATION").count, 3, "each shown once: \(r.stderr)")

        let quiet = try ws.play(playbook, environment: ["ANSIBLE_DEPRECATION_WARNINGS": "false"])
        XCTAssertFalse(quiet.stderr.contains("DEPRECATION"), quiet.stderr)

        let strict = try ws.play(playbook, environment: ["ANSIBLE_ALLOW_BROKEN_CONDITIONALS": "0"])
        XCTAssertEqual(strict.status, 2, strict.output)
        XCTAssertTrue(strict.stdout.contains("The conditional check 'word_false' failed. The error was: Conditional result was of type 'str'."), strict.stdout)
    }

    func testInvalidRegisterNameStopsBeforeRunning() throws {
        let ws = try Workspace()
        let r = try ws.play("""
        - hosts: localhost
          gather_facts: false
          tasks:
            - debug: msg=never-runs
              register: 200
        """)
        XCTAssertEqual(r.status, 4, r.output)
        // The message right after "ERROR!" (as ansible-playbook prints it), then where it is.
        XCTAssertTrue(r.stderr.contains("ERROR! Invalid variable name in 'register' specified: '200'\n\nThe error appears to be in '\(ws.path)/play.yml': line 5, column 17, but may\nbe elsewhere in the file depending on the exact syntax problem."), r.stderr)
        XCTAssertFalse(r.stdout.contains("never-runs"), r.stdout)
    }

    func testAnyErrorsFatalStillRunsRescueAndAlways() throws {
        let ws = try Workspace()
        try ws.write("hosts", "h1 ansible_connection=local\nh2 ansible_connection=local\n")
        try ws.write("rescue.yml", """
        - hosts: all
          gather_facts: false
          any_errors_fatal: true
          tasks:
            - block:
                - fail: msg=boom
                  when: inventory_hostname == 'h1'
                - debug: msg=SHOULD-NOT-RUN
              rescue:
                - debug: msg="rescued {{ inventory_hostname }}"
            - debug: msg="after {{ inventory_hostname }}"
        """)
        let r = try ws.swiftplay(["-i", "hosts", "rescue.yml"])
        XCTAssertEqual(r.status, 0, r.output)
        XCTAssertFalse(r.stdout.contains("SHOULD-NOT-RUN"), r.stdout)
        for h in ["h1", "h2"] {
            XCTAssertTrue(r.stdout.contains("\"msg\": \"rescued \(h)\""), r.stdout)
            XCTAssertTrue(r.stdout.contains("\"msg\": \"after \(h)\""), r.stdout)
        }
        // Only the host whose task failed counts as rescued.
        XCTAssertEqual(r.recap("h1")["rescued"], 1, r.stdout)
        XCTAssertEqual(r.recap("h2")["rescued"], 0, r.stdout)

        try ws.write("always.yml", """
        - hosts: all
          gather_facts: false
          any_errors_fatal: true
          tasks:
            - block:
                - fail: msg=boom
                  when: inventory_hostname == 'h1'
              always:
                - debug: msg="always {{ inventory_hostname }}"
            - debug: msg=SHOULD-NOT-RUN
        """)
        let a = try ws.swiftplay(["-i", "hosts", "always.yml"])
        XCTAssertEqual(a.status, 2, a.output)
        XCTAssertTrue(a.stdout.contains("\"msg\": \"always h1\"") && a.stdout.contains("\"msg\": \"always h2\""), a.stdout)
        XCTAssertFalse(a.stdout.contains("SHOULD-NOT-RUN"), a.stdout)
        XCTAssertEqual(a.recap("h1")["failed"], 1, a.stdout)
        XCTAssertEqual(a.recap("h2")["failed"], 0, a.stdout)
    }

    func testJSONFileFactCacheKeepsCacheableFactsBetweenRuns() throws {
        let ws = try Workspace()
        let cacheDir = ws.path + "/cache"
        let env = ["ANSIBLE_CACHE_PLUGIN": "jsonfile", "ANSIBLE_CACHE_PLUGIN_CONNECTION": cacheDir,
                   "ANSIBLE_CACHE_PLUGIN_PREFIX": "pre_"]
        try ws.write("set.yml", """
        - hosts: localhost
          gather_facts: false
          tasks:
            - set_fact:
                kept: from-first-run
                cacheable: true
            - set_fact:
                not_kept: only-this-run
        """)
        try ws.write("read.yml", """
        - hosts: localhost
          gather_facts: false
          tasks:
            - debug: msg="kept={{ kept | default('UNDEFINED') }} not_kept={{ not_kept | default('UNDEFINED') }}"
        """)
        let first = try ws.swiftplay(["-i", "localhost,", "-c", "local", "set.yml"], environment: env)
        XCTAssertEqual(first.status, 0, first.output)
        let file = cacheDir + "/pre_localhost"
        let saved = try String(contentsOfFile: file, encoding: .utf8)
        XCTAssertTrue(saved.contains("\"kept\": \"from-first-run\""), saved)
        XCTAssertFalse(saved.contains("not_kept"), saved)

        let second = try ws.swiftplay(["-i", "localhost,", "-c", "local", "read.yml"], environment: env)
        XCTAssertTrue(second.stdout.contains("kept=from-first-run not_kept=UNDEFINED"), second.output)

        // Entries older than fact_caching_timeout are ignored.
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-120)], ofItemAtPath: file)
        let expired = try ws.swiftplay(["-i", "localhost,", "-c", "local", "read.yml"],
                                       environment: env.merging(["ANSIBLE_CACHE_PLUGIN_TIMEOUT": "60"]) { $1 })
        XCTAssertTrue(expired.stdout.contains("kept=UNDEFINED"), expired.output)

        try FileManager.default.setAttributes([.modificationDate: Date()], ofItemAtPath: file)
        let flushed = try ws.swiftplay(["-i", "localhost,", "-c", "local", "--flush-cache", "read.yml"], environment: env)
        XCTAssertTrue(flushed.stdout.contains("kept=UNDEFINED"), flushed.output)
        XCTAssertFalse(FileManager.default.fileExists(atPath: file))

        let bad = try ws.swiftplay(["-i", "localhost,", "-c", "local", "read.yml"], environment: ["ANSIBLE_CACHE_PLUGIN": "jsonfile"])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("requires the 'fact_caching_connection'"), bad.output)
    }

    func testStaticImportsTemplateTheirNamesAndImportedWhen() throws {
        let ws = try Workspace()
        try ws.write("t.yml", "- debug: msg=\"imported {{ label }}\"\n")
        try ws.write("skipped.yml", """
        - hosts: localhost
          gather_facts: false
          tasks:
            - debug: msg=SHOULD-BE-SKIPPED
        """)
        try ws.write("main.yml", """
        - import_playbook: "{{ skipped_book }}"
          vars:
            skipped_book: skipped.yml
          when: false
        - hosts: localhost
          gather_facts: false
          vars:
            play_file: t.yml
          tasks:
            - import_tasks: "{{ play_file }}"
              vars:
                label: from-play-var
            - import_tasks: "{{ extra_file }}"
              vars:
                label: from-extra-var
        """)
        let r = try ws.swiftplay(["-i", "localhost,", "-c", "local", "main.yml", "-e", "extra_file=t.yml"])
        XCTAssertEqual(r.status, 0, r.output)
        XCTAssertTrue(r.stdout.contains("imported from-play-var") && r.stdout.contains("imported from-extra-var"), r.stdout)
        XCTAssertFalse(r.stdout.contains("\"msg\": \"SHOULD-BE-SKIPPED\""), r.stdout)
    }
}

/// Run-time inventory changes and include keyword scoping.
final class IncludeScopeAndInventoryTests: XCTestCase {
    func testAddHostAndGroupByChangeTheInventoryForLaterPlays() throws {
        let ws = try Workspace()
        try ws.write("main.yml", """
        - hosts: localhost
          gather_facts: false
          tasks:
            - add_host:
                name: "{{ item }}"
                groups: [added]
                ansible_connection: local
                label: "label-{{ item }}"
              loop: [n1, n2]
              register: added
            - group_by:
                key: "by {{ inventory_hostname }}"
              register: grouped
            - assert:
                that:
                  - added is changed
                  - grouped is changed
                  - grouped.add_group == 'by-localhost'
        - hosts: added
          gather_facts: false
          tasks:
            - debug: msg="{{ inventory_hostname }} {{ label }} {{ groups['added'] | join(',') }}"
        - hosts: by-localhost
          gather_facts: false
          tasks:
            - debug: msg="grouped {{ inventory_hostname }}"
        """)
        let r = try ws.swiftplay(["main.yml"])
        XCTAssertEqual(r.status, 0, r.output)
        XCTAssertTrue(r.stdout.contains("\"msg\": \"n1 label-n1 n1,n2\""), r.stdout)
        XCTAssertTrue(r.stdout.contains("\"msg\": \"n2 label-n2 n1,n2\""), r.stdout)
        XCTAssertTrue(r.stdout.contains("\"msg\": \"grouped localhost\""), r.stdout)
        // add_host runs once for the batch, with one result line per item.
        XCTAssertEqual(r.stdout.components(separatedBy: "changed: [localhost] => (item=n").count, 3, r.stdout)
    }

    func testIncludeKeywordsApplyToTheIncludeOnlyUnlessApplied() throws {
        let ws = try Workspace()
        try ws.write("hosts", "h1 ansible_connection=local\nh2 ansible_connection=local\n")
        try ws.write("inc.yml", "- set_fact:\n    mark: set\n")
        try ws.write("main.yml", """
        - hosts: all
          gather_facts: false
          tasks:
            - include_tasks: inc.yml
              run_once: true
            - debug: msg="plain {{ inventory_hostname }} {{ mark | default('unset') }}"
        - hosts: all
          gather_facts: false
          tasks:
            - include_tasks:
                file: inc.yml
                apply:
                  run_once: true
              run_once: true
            - debug: msg="applied {{ inventory_hostname }} {{ mark | default('unset') }}"
        """)
        let r = try ws.swiftplay(["-i", "hosts", "main.yml"])
        XCTAssertEqual(r.status, 0, r.output)
        XCTAssertTrue(r.stdout.contains("\"msg\": \"plain h1 set\""), r.stdout)
        XCTAssertTrue(r.stdout.contains("\"msg\": \"plain h2 unset\""), r.stdout)
        // With apply, the included set_fact is run_once: its fact lands on every host of the batch.
        XCTAssertTrue(r.stdout.contains("\"msg\": \"applied h1 set\""), r.stdout)
        XCTAssertTrue(r.stdout.contains("\"msg\": \"applied h2 set\""), r.stdout)
    }
}
