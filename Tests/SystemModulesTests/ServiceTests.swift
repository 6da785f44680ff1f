import Foundation
import XCTest
import Jinja
@testable import Modules

final class ServiceTests: XCTestCase {
    static let unit = """
    [Unit]
    Description=swiftplay test service

    [Service]
    ExecStart=/bin/sleep 100000
    ExecReload=/bin/true

    [Install]
    WantedBy=multi-user.target
    """

    func testSystemdStartsStopsEnablesAndMasks() throws {
        let h = SysRunner(try SysHosts.connect(0))
        try h.sh("systemctl stop sp-test.service 2>/dev/null; systemctl unmask sp-test.service 2>/dev/null; systemctl disable sp-test.service 2>/dev/null; rm -f /etc/systemd/system/sp-test.service; true")
        try h.sh("printf '%s\\n' '\(Self.unit.replacingOccurrences(of: "'", with: ""))' > /usr/lib/systemd/system/sp-test.service")

        // Unknown unit
        let missing = try h.run(SystemdModule.self, ["name": "sp-nonexistent", "state": "started"])
        XCTAssertTrue(missing.failed)
        XCTAssertEqual(missing["msg"]?.pythonStr, "Could not find the requested service sp-nonexistent: host")

        let check = try h.ok(SystemdModule.self, ["name": "sp-test", "state": "started", "enabled": true, "daemon_reload": true], check: true)
        XCTAssertTrue(check.changed)
        XCTAssertEqual(try h.sh("systemctl is-active sp-test; true"), "inactive")
        XCTAssertEqual(try h.sh("systemctl is-enabled sp-test; true"), "disabled")

        let first = try h.ok(SystemdModule.self, ["name": "sp-test", "state": "started", "enabled": true, "daemon_reload": true])
        XCTAssertTrue(first.changed)
        XCTAssertEqual(first["status"]?.dictValue?["ActiveState"], "inactive")  // read before the change, like Ansible
        XCTAssertEqual(first["state"], "started")
        XCTAssertEqual(first["enabled"], .bool(true))
        XCTAssertEqual(try h.sh("systemctl is-active sp-test"), "active")
        XCTAssertEqual(try h.sh("systemctl is-enabled sp-test"), "enabled")

        let second = try h.ok(SystemdModule.self, ["name": "sp-test.service", "state": "started", "enabled": true])
        XCTAssertFalse(second.changed)
        XCTAssertEqual(second["status"]?.dictValue?["ActiveState"], "active")
        XCTAssertLessThanOrEqual(h.lastCount, 1)

        let restart = try h.ok(SystemdModule.self, ["name": "sp-test", "state": "restarted"])
        XCTAssertTrue(restart.changed)
        let reload = try h.ok(SystemdModule.self, ["name": "sp-test", "state": "reloaded"])
        XCTAssertTrue(reload.changed)

        let stopCheck = try h.ok(SystemdModule.self, ["name": "sp-test", "state": "stopped", "enabled": false], check: true)
        XCTAssertTrue(stopCheck.changed)
        XCTAssertEqual(try h.sh("systemctl is-active sp-test"), "active")
        let stop = try h.ok(SystemdModule.self, ["name": "sp-test", "state": "stopped", "enabled": false])
        XCTAssertTrue(stop.changed)
        XCTAssertEqual(try h.sh("systemctl is-active sp-test; true"), "inactive")
        XCTAssertEqual(try h.sh("systemctl is-enabled sp-test; true"), "disabled")
        XCTAssertFalse(try h.ok(SystemdModule.self, ["name": "sp-test", "state": "stopped", "enabled": false]).changed)

        let mask = try h.ok(SystemdModule.self, ["name": "sp-test", "masked": true])
        XCTAssertTrue(mask.changed)
        XCTAssertEqual(try h.sh("systemctl is-enabled sp-test; true"), "masked")
        XCTAssertFalse(try h.ok(SystemdModule.self, ["name": "sp-test", "masked": true]).changed)
        XCTAssertTrue(try h.ok(SystemdModule.self, ["name": "sp-test", "masked": false]).changed)
        XCTAssertEqual(try h.sh("systemctl is-enabled sp-test; true"), "disabled")

        // service dispatches to systemd on systemd hosts.
        h.vars["ansible_service_mgr"] = "systemd"
        let svc = try h.ok(ServiceModule.self, ["name": "sp-test", "state": "started"])
        XCTAssertTrue(svc.changed)
        XCTAssertNotNil(svc["status"])
        XCTAssertFalse(try h.ok(ServiceModule.self, ["name": "sp-test", "state": "started"]).changed)
        try h.sh("systemctl stop sp-test")
    }

    static let initScript = """
    #!/bin/sh
    ### BEGIN INIT INFO
    # Provides:          sp-sysv
    # Required-Start:    $remote_fs
    # Required-Stop:     $remote_fs
    # Default-Start:     2 3 4 5
    # Default-Stop:      0 1 6
    # Short-Description: swiftplay SysV test service
    ### END INIT INFO
    PIDFILE=/run/sp-sysv.pid
    case "$1" in
      start) [ -f $PIDFILE ] && kill -0 $(cat $PIDFILE) 2>/dev/null && exit 0
             nohup sleep 100000 >/dev/null 2>&1 & echo $! > $PIDFILE ;;
      stop) [ -f $PIDFILE ] && kill $(cat $PIDFILE) 2>/dev/null; rm -f $PIDFILE ;;
      restart) $0 stop; $0 start ;;
      reload) exit 0 ;;
      status) [ -f $PIDFILE ] && kill -0 $(cat $PIDFILE) 2>/dev/null && exit 0; exit 3 ;;
      *) echo "usage: $0 start|stop|restart|reload|status"; exit 2 ;;
    esac
    exit 0
    """

    func testServiceSysVInitScript() throws {
        let h = SysRunner(try SysHosts.connect(0), vars: ["ansible_service_mgr": "sysvinit"])
        try h.sh("[ -x /etc/init.d/sp-sysv ] && /etc/init.d/sp-sysv stop; rm -f /etc/rc?.d/[SK]??sp-sysv; rm -f /etc/init.d/sp-sysv; systemctl daemon-reload; true")
        let script = Self.initScript.replacingOccurrences(of: "'", with: "")
        try h.sh("cat > /etc/init.d/sp-sysv <<'EOF'\n\(script)\nEOF\nchmod 0755 /etc/init.d/sp-sysv")
        XCTAssertNotEqual(try h.rc("/etc/init.d/sp-sysv status"), 0)

        let check = try h.ok(ServiceModule.self, ["name": "sp-sysv", "state": "started", "enabled": true], check: true)
        XCTAssertTrue(check.changed)
        XCTAssertNotEqual(try h.rc("/etc/init.d/sp-sysv status"), 0)
        XCTAssertEqual(try h.sh("ls /etc/rc2.d/ | grep -c sp-sysv; true"), "0")

        let first = try h.ok(ServiceModule.self, ["name": "sp-sysv", "state": "started", "enabled": true])
        XCTAssertTrue(first.changed)
        XCTAssertEqual(try h.rc("/etc/init.d/sp-sysv status"), 0)
        XCTAssertEqual(try h.sh("ls /etc/rc2.d/ | grep -c '^S..sp-sysv'; true"), "1")
        XCTAssertNil(first["status"], "went to systemd instead of SysV")

        let second = try h.ok(ServiceModule.self, ["name": "sp-sysv", "state": "started", "enabled": true])
        XCTAssertFalse(second.changed)
        XCTAssertLessThanOrEqual(h.lastCount, 1)

        let stop = try h.ok(ServiceModule.self, ["name": "sp-sysv", "state": "stopped", "enabled": false])
        XCTAssertTrue(stop.changed)
        XCTAssertNotEqual(try h.rc("/etc/init.d/sp-sysv status"), 0)
        XCTAssertEqual(try h.sh("ls /etc/rc2.d/ | grep -c '^S..sp-sysv'; true"), "0")
        XCTAssertFalse(try h.ok(ServiceModule.self, ["name": "sp-sysv", "state": "stopped", "enabled": false]).changed)

        let missing = try h.run(ServiceModule.self, ["name": "sp-no-such-sysv", "state": "started"])
        XCTAssertTrue(missing.failed)
    }

    func testServiceFacts() throws {
        let h = SysRunner(try SysHosts.connect(0))
        let r = try h.ok(ServiceFactsModule.self, [:])
        XCTAssertFalse(r.changed)
        XCTAssertLessThanOrEqual(h.lastCount, 1)
        let services = r["ansible_facts"]?.dictValue?["services"]?.dictValue ?? [:]
        XCTAssertEqual(services["ssh.service"], ["name": "ssh.service", "state": "running", "status": "enabled", "source": "systemd"])
        XCTAssertEqual(services["ssh"]?.dictValue?["source"], "sysv")
        XCTAssertEqual(services["ssh"]?.dictValue?["state"], "running")
        XCTAssertEqual(services["getty@.service"]?.dictValue?["state"], "unknown")
        XCTAssertEqual(services["apt-daily.service"]?.dictValue?["status"], "static")
        XCTAssertGreaterThan(services.count, 50)
    }
}
