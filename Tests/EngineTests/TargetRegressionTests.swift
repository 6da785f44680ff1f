import Foundation
import XCTest

/// Behaviours that ansible-core's integration targets (changed_when, failed_when, loops, lineinfile,
/// blockinfile, replace) check, each written as a small playbook whose asserts fail the run.
final class TargetRegressionTests: XCTestCase {
    func testAddHostAndGroupByChangeTheInventoryAndHonourChangedWhen() throws {
        let ws = try Workspace()
        let r = try ws.play("""
        - hosts: localhost
          gather_facts: false
          tasks:
            - add_host: name=web1:2222 groups=web,front role=db
              register: first
            - add_host: name=web1:2222 groups=web,front role=db
              register: again
            - add_host:
                name: 'h{{ item }}'
              loop: [1, 2]
              changed_when: item == 2
              register: looped
            - group_by: key="os {{ 'linux' }}"
              register: grouped
            - group_by: key="os linux"
              changed_when: false
              register: regrouped
            - assert:
                that:
                  - first is changed and again is not changed
                  - looped.results[0] is not changed and looped.results[1] is changed and looped is changed
                  - groups['web'] == ['web1'] and 'web1' in groups['front']
                  - hostvars['web1'].role == 'db' and hostvars['web1'].ansible_ssh_port == 2222
                  - grouped is changed and grouped.add_group == 'os-linux' and regrouped is not changed
                  - groups['os-linux'] == ['localhost'] and 'os-linux' in group_names
        - hosts: web
          gather_facts: false
          tasks:
            - debug: msg="in web play"
              delegate_to: localhost
        """)
        XCTAssertEqual(r.status, 0, r.output)
        XCTAssertTrue(r.stdout.contains("ok: [web1 -> localhost]"), r.stdout)
    }

    func testResultsSayFailedAndBadConditionsKeepTheResult() throws {
        let ws = try Workspace()
        let r = try ws.play("""
        - hosts: localhost
          gather_facts: false
          tasks:
            - command: echo out
              register: plain
            - command: echo out
              changed_when: boom_undefined
              register: bad_changed
              ignore_errors: true
            - command: echo out
              failed_when: boom_undefined
              register: bad_failed
              ignore_errors: true
            - assert:
                that:
                  - "'failed' in plain and not plain.failed"
                  - bad_changed is failed and bad_changed.stdout == 'out'
                  - bad_changed.changed_when_result is contains('boom_undefined')
                  - bad_failed is failed and bad_failed.failed_when_result is contains('boom_undefined')
        """)
        XCTAssertEqual(r.status, 0, r.output)
        XCTAssertEqual(r.recap("localhost")["ignored"], 2, r.stdout)
    }

    func testLoopItemsSeeEarlierFactsAndLabelsSeeTheirResult() throws {
        let ws = try Workspace()
        try ws.write("inc.yml", """
        - assert:
            that:
              - dyn_var == 'v' and my_idx == 0
        """)
        let r = try ws.play("""
        - hosts: localhost
          gather_facts: false
          tasks:
            - set_fact:
                acc: "{{ acc | default([]) + [item] }}"
              loop: [a, b, c]
            - set_fact: "{{ item.key }}={{ item.value }}"
              with_dict:
                templated_key: kv
            - command: "echo {{ item }}"
              register: r
              loop: [shown, skipped]
              loop_control:
                label: "{{ r.stdout }}"
              when: item == 'shown'
              ignore_errors: true
            - include_tasks: inc.yml
              loop: [v]
              loop_control:
                loop_var: "{{ name_of_var }}"
                index_var: my_idx
              vars:
                name_of_var: dyn_var
            - debug: msg="{{ item }}"
              with_list: "{{ {'a': 1} }}"
              register: dict_list
              ignore_errors: true
            - assert:
                that:
                  - acc == ['a', 'b', 'c']
                  - templated_key == 'kv'
                  - r.results[0].item == 'shown' and r.results[1].msg is contains("no attribute 'stdout'")
                  - dict_list is failed and 'with_list expects a list' in dict_list.msg
                  - ansible_search_path[0] == playbook_dir
                  - now(fmt='%f') | length == 6
        """)
        XCTAssertEqual(r.status, 0, r.output)
        XCTAssertTrue(r.stdout.contains("changed: [localhost] => (item=shown)"), r.stdout)
    }

    func testLineinfileMatchesTheExactLineWhenRegexpDoesNot() throws {
        let ws = try Workspace()
        try ws.write("a.txt", "one\nTarget line\nthree\n")
        try ws.write("b.txt", "one\ntwo\n")
        let r = try ws.play("""
        - hosts: localhost
          gather_facts: false
          tasks:
            - lineinfile: path=\(ws.path)/a.txt regexp='^nomatch' line='Target line'
              register: exact
            - lineinfile:
                path: \(ws.path)/b.txt
                search_string: ''
                line: last
              register: empty
            - assert:
                that:
                  - exact is not changed
                  - empty is changed and empty.warnings[0] is contains('search string is an empty string')
        """)
        XCTAssertEqual(r.status, 0, r.output)
        XCTAssertEqual(ws.read("a.txt"), "one\nTarget line\nthree\n")
        XCTAssertEqual(ws.read("b.txt"), "one\nlast\n")
        // Warnings go to stderr, as ansible-playbook prints them.
        XCTAssertTrue(r.stderr.contains("[WARNING]: The search string is an empty string"), r.stderr)
    }

    func testBlockinfileMultilineInsertAfterAndReplaceEscapes() throws {
        let ws = try Workspace()
        try ws.write("c.txt", "A =\n  (LIST =\n  x\n")
        try ws.write("d.txt", "fox dog\n")
        let r = try ws.play(#"""
        - hosts: localhost
          gather_facts: false
          tasks:
            - blockinfile:
                path: "{{ playbook_dir }}/c.txt"
                insertafter: '(?m)A =\n.*\(LIST ='
                block: inserted
            - replace: path="{{ playbook_dir }}/d.txt" regexp='\b(\w+)\b' replace='<\1>'
              register: backspace
            - replace: path="{{ playbook_dir }}/d.txt" regexp='\\b(\\w+)\\b' replace='<\1>'
              register: boundary
            - replace:
                path: "{{ playbook_dir }}/d.txt"
                regexp: 'o'
                replace: '\D'
              register: bad
              ignore_errors: true
            - assert:
                that:
                  - backspace is not changed and boundary is changed
                  - bad is failed and bad.msg == 'Unable to process replace due to error: bad escape \\D at position 0'
        """#)
        XCTAssertEqual(r.status, 0, r.output)
        XCTAssertEqual(ws.read("c.txt"), "A =\n  (LIST =\n# BEGIN ANSIBLE MANAGED BLOCK\ninserted\n# END ANSIBLE MANAGED BLOCK\n  x\n")
        XCTAssertEqual(ws.read("d.txt"), "<fox> <dog>\n")
    }

    func testLoopOutputAsAnsiblePlaybookShowsIt() throws {
        let ws = try Workspace()
        let r = try ws.play("""
        - hosts: localhost
          gather_facts: false
          tasks:
            - debug: msg=hi
              loop: [1]
            - command: /bin/false
              loop: [1]
              loop_control:
                index_var: ix
              ignore_errors: true
        """)
        XCTAssertEqual(r.status, 0, r.output)
        XCTAssertTrue(r.stdout.contains("ok: [localhost] => (item=1) => {\n    \"msg\": \"hi\"\n}"), r.stdout)
        let failed = r.stdout.split(separator: "\n").first { $0.hasPrefix("failed: [localhost] (item=1) => ") }
        XCTAssertNotNil(failed, r.stdout)
        XCTAssertTrue(failed?.contains("\"ansible_index_var\": \"ix\", \"ansible_loop_var\": \"item\"") ?? false, r.stdout)
        XCTAssertTrue(failed?.contains("\"item\": 1") ?? false, r.stdout)
        XCTAssertFalse(r.stdout.contains("One or more items failed"), "a failed loop has no summary line: \(r.stdout)")
        XCTAssertTrue(r.stdout.contains("...ignoring"), r.stdout)
        // The ignored failure changed something (command), so it counts as changed as well.
        XCTAssertEqual(r.recap("localhost")["changed"], 1, r.stdout)
        XCTAssertEqual(r.recap("localhost")["ignored"], 1, r.stdout)
    }

    func testHostvarsUnsafeAndTaintFromWithItems() throws {
        let ws = try Workspace()
        try ws.write("v.yml", "__foo:\n  - \"foo{{ version }}\"\n")
        let r = try ws.play("""
        - hosts: localhost
          gather_facts: false
          vars:
            version: '1.0'
            play_only: p
          tasks:
            - include_vars: v.yml
            - set_fact: "{{ item.key }}={{ hostvars[inventory_hostname][item.value] }}"
              with_dict:
                from_with: __foo
            - set_fact: "{{ item.key }}={{ hostvars[inventory_hostname][item.value] }}"
              loop: "{{ {'from_loop': '__foo'} | dict2items }}"
            - assert:
                that:
                  - hostvars[inventory_hostname]['play_only'] is not defined
                  - hostvars[inventory_hostname]['__foo'] == [literal]
                  - from_with[0] == literal
                  - from_loop[0] == 'foo1.0'
              vars:
                literal: !unsafe 'foo{{ version }}'
        """)
        XCTAssertEqual(r.status, 0, r.output)
    }
}
