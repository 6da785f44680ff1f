import Foundation
import XCTest

/// swiftplay.cfg / ansible.cfg: defaults, search paths, and the documented lower-case paths.
final class ConfigTests: XCTestCase {
    func testConfigResolvesPathsRolesAndInventory() throws {
        let ws = try Workspace()
        try ws.write("swiftplay.cfg", """
        [defaults]
        roles_path = Roles
        playbook_path = Playbooks
        forks = 3

        [paths]
        inventories = Inventories
        """)
        try ws.write("Inventories/local.ini", "[servers]\nme ansible_connection=local role_msg=from-inventory\n")
        try ws.write("Roles/hello/tasks/main.yml", "- debug: msg=\"{{ role_msg }} {{ role_name }} {{ ansible_forks }}\"\n")
        try ws.write("Playbooks/site.yml", "- hosts: servers\n  gather_facts: false\n  roles: [hello]\n")
        let r = try ws.swiftplay(["-i", "inventories/local.ini", "site.yml"])
        XCTAssertEqual(r.status, 0, r.output)
        XCTAssertTrue(r.stdout.contains("from-inventory hello 3"), r.stdout)
    }

    func testAnsibleCfgIsReadWithoutSwiftplayCfg() throws {
        let ws = try Workspace()
        try ws.write("ansible.cfg", "[defaults]\ninventory = hosts.ini\n")
        try ws.write("hosts.ini", "box ansible_connection=local\n")
        try ws.write("play.yml", "- hosts: box\n  gather_facts: false\n  tasks:\n    - ping:\n")
        let r = try ws.swiftplay(["play.yml"])
        XCTAssertEqual(r.status, 0, r.output)
        XCTAssertTrue(r.stdout.contains("ok: [box]"), r.stdout)
    }
}
