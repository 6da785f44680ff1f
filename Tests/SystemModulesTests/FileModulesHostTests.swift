import Foundation
import XCTest

/// The file modules over SSH on a real Debian host, through the real `swiftplay` binary: one playbook
/// per group of modules, run in check mode (the host must not change), then for real (every task
/// changed, the host's state read back over a separate connection, the --diff text), then again
/// (nothing changed, the host identical). Expected diff texts are what ansible-core 2.18 prints for
/// the same playbook on the same seeded host.
final class FileModulesHostTests: XCTestCase {
    /// Check run, real run, rerun; returns the real run. `changing` tasks must report changed in the
    /// check and real runs; every other task must be ok; in the rerun every task is ok except `alwaysChanged`.
    func threeRuns(_ h: PlaybookHost, _ playbook: String, dir: String, changing: [String], ok: [String] = [],
                   ignoredFailure: String? = nil, alwaysChanged: Set<String> = [],
                   file: StaticString = #filePath, line: UInt = #line) throws -> PlaybookHost.Run {
        let seeded = try h.snapshot(dir)
        let check = try h.play(playbook, ["--check", "--diff"])
        XCTAssertEqual(check.status, 0, check.output, file: file, line: line)
        for t in changing where !alwaysChanged.contains(t) {
            XCTAssertEqual(check.status(t, h.host.name), "changed", "check mode: \(t)", file: file, line: line)
        }
        XCTAssertEqual(try h.snapshot(dir), seeded, "--check changed the host", file: file, line: line)

        let first = try h.play(playbook, ["--diff"])
        XCTAssertEqual(first.status, 0, first.output, file: file, line: line)
        for t in changing { XCTAssertEqual(first.status(t, h.host.name), "changed", "first run: \(t)\n\(first.output)", file: file, line: line) }
        for t in ok { XCTAssertEqual(first.status(t, h.host.name), "ok", "first run: \(t)", file: file, line: line) }
        if let t = ignoredFailure { XCTAssertEqual(first.status(t, h.host.name), "failed", t, file: file, line: line) }
        let after = try h.snapshot(dir)

        let again = try h.play(playbook, ["--diff"])
        XCTAssertEqual(again.status, 0, again.output, file: file, line: line)
        for t in changing + ok where !alwaysChanged.contains(t) {
            XCTAssertEqual(again.status(t, h.host.name), "ok", "second run: \(t)\n\(again.tasks[t] ?? "")", file: file, line: line)
        }
        let diffs = again.tasks.filter { $0.value.contains("--- before") }
        XCTAssertTrue(diffs.isEmpty, "second run printed a diff: \(diffs)", file: file, line: line)
        if alwaysChanged.isEmpty { XCTAssertEqual(try h.snapshot(dir), after, "the second run changed the host", file: file, line: line) }
        return first
    }

    func testFileCopyTemplate() throws {
        let h = try PlaybookHost()
        let d = "/tmp/spf-a"
        try h.write("files/one.txt", "one\n")
        try h.write("files/tree/one", "1\n")
        try h.write("files/tree/sub/two", "2\n")
        try h.write("templates/t.j2", "hello {{ who }}\nline2\n")
        try h.write("a.yml", """
            - hosts: all
              gather_facts: false
              vars: {d: \(d), who: world}
              tasks:
                - name: file directory
                  file: path={{ d }}/dir state=directory mode=0750
                - name: file touch
                  file: path={{ d }}/touched state=touch mode=0600 modification_time=202001010000.00 access_time=202001010000.00
                - name: file link
                  file: src={{ d }}/existing dest={{ d }}/link state=link
                - name: file absent
                  file: path={{ d }}/gone state=absent
                - name: file mode
                  file: path={{ d }}/existing mode=0604
                - name: copy content
                  copy: content="a=1\\nb=2\\n" dest={{ d }}/c.txt mode=0644 backup=yes
                - name: copy file
                  copy: src=one.txt dest={{ d }}/one.txt mode=0640
                - name: copy tree
                  copy: src=tree dest={{ d }}/
                - name: copy tree contents
                  copy: src=tree/ dest={{ d }}/flat/
                - name: copy remote_src
                  copy: src={{ d }}/existing dest={{ d }}/c2.txt remote_src=yes
                - name: copy remote_src directory
                  copy: src={{ d }}/srcdir/ dest={{ d }}/dircopy remote_src=yes
                - name: copy validate
                  copy: content="x\\n" dest={{ d }}/v.txt validate="grep -q x %s"
                - name: copy validate fails
                  copy: content="y\\n" dest={{ d }}/bad.txt validate="grep -q x %s"
                  ignore_errors: true
                - name: template
                  template: src=t.j2 dest={{ d }}/t.txt mode=0640
            """)
        try h.sh("""
            d=\(d); rm -rf $d; mkdir -p $d/srcdir/sub; printf 'a=0\\n' > $d/c.txt; : > $d/gone; printf 'e\\n' > $d/existing
            chmod 644 $d/existing; printf 'r1\\n' > $d/srcdir/r1; printf 'r2\\n' > $d/srcdir/sub/r2
            """)
        defer { _ = try? h.sh("rm -rf \(d)") }
        let changing = ["file directory", "file touch", "file link", "file absent", "file mode", "copy content", "copy file",
                        "copy tree", "copy tree contents", "copy remote_src", "copy remote_src directory", "copy validate", "template"]
        let run = try threeRuns(h, "a.yml", dir: d, changing: changing, ignoredFailure: "copy validate fails")

        // The host's real state.
        XCTAssertEqual(try h.sh("cd \(d) && stat -c '%n %F %a %Y' dir touched existing c.txt one.txt t.txt"), """
            dir directory 750 \(try h.sh("stat -c %Y \(d)/dir").trimmingCharacters(in: .whitespacesAndNewlines))
            touched regular empty file 600 1577836800
            existing regular file 604 \(try h.sh("stat -c %Y \(d)/existing").trimmingCharacters(in: .whitespacesAndNewlines))
            c.txt regular file 644 \(try h.sh("stat -c %Y \(d)/c.txt").trimmingCharacters(in: .whitespacesAndNewlines))
            one.txt regular file 640 \(try h.sh("stat -c %Y \(d)/one.txt").trimmingCharacters(in: .whitespacesAndNewlines))
            t.txt regular file 640 \(try h.sh("stat -c %Y \(d)/t.txt").trimmingCharacters(in: .whitespacesAndNewlines))

            """)
        XCTAssertEqual(try h.sh("readlink \(d)/link"), "\(d)/existing\n")
        XCTAssertEqual(try h.sh("test -e \(d)/gone || echo absent"), "absent\n")
        XCTAssertEqual(try h.sh("cat \(d)/c.txt"), "a=1\nb=2\n")
        XCTAssertEqual(try h.sh("ls \(d) | grep -c '^c.txt\\..*~$'"), "1\n", "one backup of c.txt")
        XCTAssertEqual(try h.sh("cat \(d)/c.txt.*~"), "a=0\n")
        XCTAssertEqual(try h.sh("cd \(d) && for f in one.txt tree/one tree/sub/two flat/one flat/sub/two c2.txt dircopy/r1 dircopy/sub/r2 v.txt t.txt; do printf '%s:' $f; cat $f; done"),
                       "one.txt:one\ntree/one:1\ntree/sub/two:2\nflat/one:1\nflat/sub/two:2\nc2.txt:e\ndircopy/r1:r1\ndircopy/sub/r2:r2\nv.txt:x\nt.txt:hello world\nline2\n")
        XCTAssertEqual(try h.sh("test -e \(d)/bad.txt || echo absent"), "absent\n", "a failed validation must not write")
        XCTAssertTrue(run.tasks["copy validate fails"]?.contains("\"msg\": \"failed to validate\"") ?? false, run.tasks["copy validate fails"] ?? "")
        XCTAssertTrue(run.output.contains("...ignoring"))

        // --diff text, as ansible-core prints it.
        XCTAssertTrue(run.tasks["copy content"]?.contains("""
            --- before: \(d)/c.txt
            +++ after: \(d)/c.txt
            @@ -1 +1,2 @@
            -a=0
            +a=1
            +b=2

            changed:
            """) ?? false, run.tasks["copy content"] ?? "")
        XCTAssertTrue(run.tasks["copy validate"]?.contains("--- before\n+++ after: \(d)/v.txt\n@@ -0,0 +1 @@\n+x\n") ?? false, run.tasks["copy validate"] ?? "")
        XCTAssertTrue(run.tasks["copy file"]?.contains("--- before\n+++ after: \(h.dir)/files/one.txt\n@@ -0,0 +1 @@\n+one\n") ?? false, run.tasks["copy file"] ?? "")
        XCTAssertTrue(run.tasks["template"]?.contains("--- before\n+++ after: \(h.dir)/templates/t.j2\n@@ -0,0 +1,2 @@\n+hello world\n+line2\n") ?? false,
                      run.tasks["template"] ?? "")
        XCTAssertTrue(run.tasks["file directory"]?.contains("""
                 "path": "\(d)/dir",
            -    "state": "absent"
            +    "state": "directory"
            """) ?? false, run.tasks["file directory"] ?? "")
        XCTAssertFalse(run.tasks["copy remote_src"]?.contains("--- before") ?? true, "ansible-core shows no diff for remote_src")
    }

    func testTextEditing() throws {
        let h = try PlaybookHost()
        let d = "/tmp/spf-b"
        try h.write("b.yml", """
            - hosts: all
              gather_facts: false
              vars: {d: \(d)}
              tasks:
                - name: lineinfile regexp
                  lineinfile: path={{ d }}/text.conf regexp='^key=' line='key=new'
                - name: lineinfile insertafter
                  lineinfile: path={{ d }}/text.conf line='added=1' insertafter='^# header'
                - name: lineinfile absent
                  lineinfile: path={{ d }}/text.conf regexp='^drop=' state=absent
                - name: lineinfile create
                  lineinfile: path={{ d }}/new.conf line='x=1' create=yes mode=0600
                - name: blockinfile
                  blockinfile:
                    path: "{{ d }}/text.conf"
                    block: |
                      b1
                      b2
                - name: blockinfile marker
                  blockinfile:
                    path: "{{ d }}/text.conf"
                    marker: "// {mark} extra"
                    insertbefore: BOF
                    block: first
                - name: replace
                  replace: path={{ d }}/text.conf regexp='^other=(\\d)$' replace='other=\\1\\1'
                - name: ini_file set
                  ini_file: path={{ d }}/conf.ini section=s option=a value=2
                - name: ini_file new section
                  ini_file: path={{ d }}/conf.ini section=t option=b value=x
                - name: ini_file absent
                  ini_file: path={{ d }}/conf.ini section=s option=c state=absent
            """)
        try h.sh("d=\(d); rm -rf $d; mkdir -p $d; printf '# header\\nkey=old\\ndrop=me\\nother=1\\n' > $d/text.conf; printf '[s]\\na = 1\\nc = 3\\n' > $d/conf.ini")
        defer { _ = try? h.sh("rm -rf \(d)") }
        let tasks = ["lineinfile regexp", "lineinfile insertafter", "lineinfile absent", "lineinfile create", "blockinfile",
                     "blockinfile marker", "replace", "ini_file set", "ini_file new section", "ini_file absent"]
        let run = try threeRuns(h, "b.yml", dir: d, changing: tasks)

        XCTAssertEqual(try h.sh("cat \(d)/text.conf"), """
            // BEGIN extra
            first
            // END extra
            # header
            added=1
            key=new
            other=11
            # BEGIN ANSIBLE MANAGED BLOCK
            b1
            b2
            # END ANSIBLE MANAGED BLOCK

            """)
        XCTAssertEqual(try h.sh("cat \(d)/conf.ini"), "[s]\na = 2\n[t]\nb = x\n")
        XCTAssertEqual(try h.sh("stat -c '%a' \(d)/new.conf; cat \(d)/new.conf"), "600\nx=1\n")

        let expected: [String: String] = [
            "lineinfile regexp": "--- before: \(d)/text.conf (content)\n+++ after: \(d)/text.conf (content)\n@@ -1,4 +1,4 @@\n # header\n-key=old\n+key=new\n drop=me\n other=1\n",
            "lineinfile insertafter": "@@ -1,4 +1,5 @@\n # header\n+added=1\n key=new\n drop=me\n other=1\n",
            "lineinfile absent": "@@ -1,5 +1,4 @@\n # header\n added=1\n key=new\n-drop=me\n other=1\n",
            "lineinfile create": "--- before: \(d)/new.conf (content)\n+++ after: \(d)/new.conf (content)\n@@ -0,0 +1 @@\n+x=1\n",
            "blockinfile": "@@ -2,3 +2,7 @@\n added=1\n key=new\n other=1\n+# BEGIN ANSIBLE MANAGED BLOCK\n+b1\n+b2\n+# END ANSIBLE MANAGED BLOCK\n",
            "blockinfile marker": "@@ -1,3 +1,6 @@\n+// BEGIN extra\n+first\n+// END extra\n # header\n added=1\n key=new\n",
            "replace": "--- before: \(d)/text.conf\n+++ after: \(d)/text.conf\n@@ -4,7 +4,7 @@\n # header\n added=1\n key=new\n-other=1\n+other=11\n # BEGIN ANSIBLE MANAGED BLOCK\n b1\n b2\n",
            // community.general's ini_file headers; not compared with ansible-core (not in it).
            "ini_file set": "--- before: \(d)/conf.ini (content)\n+++ after: \(d)/conf.ini (content)\n@@ -1,3 +1,3 @@\n [s]\n-a = 1\n+a = 2\n c = 3\n",
            "ini_file new section": "@@ -1,3 +1,5 @@\n [s]\n a = 2\n c = 3\n+[t]\n+b = x\n",
            "ini_file absent": "@@ -1,5 +1,4 @@\n [s]\n a = 2\n-c = 3\n [t]\n b = x\n",
        ]
        for (task, text) in expected {
            XCTAssertTrue(run.tasks[task]?.contains(text) ?? false, "\(task) diff:\n\(run.tasks[task] ?? "")")
        }
    }

    func testInfoFetchTempArchive() throws {
        let h = try PlaybookHost()
        let d = "/tmp/spf-c"
        try h.write("files/tree/one", "1\n")
        try h.write("files/tree/sub/two", "2\n")
        let tar = Process()
        tar.executableURL = URL(fileURLWithPath: "/bin/tar")
        tar.arguments = ["-czf", h.dir + "/files/arch.tgz", "-C", h.dir + "/files", "tree"]
        try tar.run(); tar.waitUntilExit()
        try h.write("c.yml", """
            - hosts: all
              gather_facts: false
              vars: {d: \(d)}
              tasks:
                - name: stat
                  stat: path={{ d }}/s.txt checksum_algorithm=sha256
                - name: slurp
                  slurp: src={{ d }}/s.txt
                - name: fetch
                  fetch: src={{ d }}/s.txt dest=fetched/ flat=yes
                - name: tempfile
                  tempfile: state=directory suffix=.sp path={{ d }}
                - name: find
                  find: paths={{ d }} patterns='*.txt,*.log' contains='slurp' recurse=yes
                - name: unarchive
                  unarchive: src=arch.tgz dest={{ d }}/un
                - name: archive
                  archive: path={{ d }}/deep dest={{ d }}/deep.tgz
            """)
        try h.sh("d=\(d); rm -rf $d; mkdir -p $d/un $d/deep; printf 'slurp me\\n' > $d/s.txt; chmod 640 $d/s.txt; printf 'slurp too\\n' > $d/deep/x.log; printf 'no\\n' > $d/n.txt")
        defer { _ = try? h.sh("rm -rf \(d)") }
        let seeded = try h.snapshot(d)

        let check = try h.play("c.yml", ["--check", "--output", "json"])
        XCTAssertEqual(check.status, 0, check.output)
        var r = check.json(h.host.name)
        XCTAssertEqual(r["unarchive"]?["changed"] as? Bool, true)
        XCTAssertEqual(r["archive"]?["changed"] as? Bool, true)
        XCTAssertEqual(r["tempfile"]?["skipped"] as? Bool, true, "tempfile does not run in check mode: \(r["tempfile"] ?? [:])")
        XCTAssertEqual(try h.snapshot(d), seeded, "--check changed the host")
        XCTAssertFalse(FileManager.default.fileExists(atPath: h.dir + "/fetched/s.txt"), "fetch wrote in check mode")

        let first = try h.play("c.yml", ["--output", "json"])
        XCTAssertEqual(first.status, 0, first.output)
        r = first.json(h.host.name)
        for t in ["stat", "slurp", "find"] { XCTAssertEqual(r[t]?["changed"] as? Bool, false, t) }
        for t in ["fetch", "tempfile", "unarchive", "archive"] { XCTAssertEqual(r[t]?["changed"] as? Bool, true, "\(t): \(r[t] ?? [:])") }

        // What the read-only modules report is what the host says.
        let st = r["stat"]?["stat"] as? [String: Any] ?? [:]
        XCTAssertEqual(st["mode"] as? String, "0640")
        XCTAssertEqual(st["size"] as? Int, 9)
        XCTAssertEqual(st["checksum"] as? String, try h.sh("sha256sum \(d)/s.txt | cut -d' ' -f1").trimmingCharacters(in: .whitespacesAndNewlines))
        XCTAssertEqual((st["mtime"] as? Double).map { Int($0) }, Int(try h.sh("stat -c %Y \(d)/s.txt").trimmingCharacters(in: .whitespacesAndNewlines)))
        XCTAssertEqual((r["slurp"]?["content"] as? String).flatMap { Data(base64Encoded: $0) }, Data("slurp me\n".utf8))
        let found = (r["find"]?["files"] as? [[String: Any]] ?? []).compactMap { $0["path"] as? String }.sorted()
        XCTAssertEqual(found, ["\(d)/deep/x.log", "\(d)/s.txt"])
        XCTAssertEqual(r["find"]?["matched"] as? Int, 2)

        // Host state: fetched copy, temp directory, unpacked tree, archive contents.
        XCTAssertEqual(try String(contentsOfFile: h.dir + "/fetched/s.txt", encoding: .utf8), "slurp me\n")
        let temp = r["tempfile"]?["path"] as? String ?? ""
        XCTAssertTrue(temp.hasPrefix(d + "/") && temp.hasSuffix(".sp"), temp)
        XCTAssertEqual(try h.sh("stat -c '%F %a' \(shellQuoted(temp))"), "directory 700\n")
        XCTAssertEqual(try h.sh("cat \(d)/un/tree/one \(d)/un/tree/sub/two"), "1\n2\n")
        XCTAssertEqual(try h.sh("tar -tzf \(d)/deep.tgz | sort"), "deep/\ndeep/x.log\n")

        let again = try h.play("c.yml", ["--output", "json"])
        XCTAssertEqual(again.status, 0, again.output)
        r = again.json(h.host.name)
        for t in ["stat", "slurp", "fetch", "find", "unarchive", "archive"] {
            XCTAssertEqual(r[t]?["changed"] as? Bool, false, "second run: \(t) \(r[t] ?? [:])")
        }
        XCTAssertEqual(r["tempfile"]?["changed"] as? Bool, true, "tempfile makes a new one each run")
    }

    func shellQuoted(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }
}
