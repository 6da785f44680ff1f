import Foundation
import XCTest
import Jinja
import OrderedCollections
@testable import Modules

final class MountTests: XCTestCase {
    func testTmpfsMount() throws {
        let h = SysRunner(try SysHosts.connect(0))
        try h.sh("umount /mnt/sp-tmp 2>/dev/null; rmdir /mnt/sp-tmp 2>/dev/null; sed -i '\\#/mnt/sp-tmp#d' /etc/fstab; true")
        let args: OrderedDictionary<String, Value> = ["path": "/mnt/sp-tmp", "src": "tmpfs", "fstype": "tmpfs", "opts": "size=1m", "state": "mounted"]
        XCTAssertTrue(try h.ok(MountModule.self, args, check: true).changed)
        XCTAssertNotEqual(try h.rc("findmnt /mnt/sp-tmp"), 0)
        XCTAssertEqual(try h.rc("grep -q sp-tmp /etc/fstab"), 1)

        let r = try h.ok(MountModule.self, args, diff: true)
        XCTAssertTrue(r.changed)
        XCTAssertEqual(try h.sh("grep sp-tmp /etc/fstab"), "tmpfs /mnt/sp-tmp tmpfs size=1m 0 0")
        XCTAssertEqual(try h.sh("findmnt -n -o FSTYPE,OPTIONS /mnt/sp-tmp"), "tmpfs  rw,relatime,size=1024k")
        XCTAssertFalse(try h.ok(MountModule.self, args).changed)
        XCTAssertLessThanOrEqual(h.lastCount, 1)

        // changed options: fstab rewritten and remounted
        var bigger = args
        bigger["opts"] = "size=2m"
        XCTAssertTrue(try h.ok(MountModule.self, bigger).changed)
        XCTAssertEqual(try h.sh("findmnt -n -o OPTIONS /mnt/sp-tmp"), "rw,relatime,size=2048k")
        XCTAssertEqual(try h.sh("grep sp-tmp /etc/fstab"), "tmpfs /mnt/sp-tmp tmpfs size=2m 0 0")

        XCTAssertTrue(try h.ok(MountModule.self, ["path": "/mnt/sp-tmp", "state": "unmounted"]).changed)
        XCTAssertNotEqual(try h.rc("findmnt /mnt/sp-tmp"), 0)
        XCTAssertFalse(try h.ok(MountModule.self, ["path": "/mnt/sp-tmp", "state": "unmounted"]).changed)
        XCTAssertEqual(try h.rc("grep -q sp-tmp /etc/fstab"), 0)

        XCTAssertTrue(try h.ok(MountModule.self, bigger).changed)  // mounts again
        XCTAssertTrue(try h.ok(MountModule.self, ["path": "/mnt/sp-tmp", "state": "absent"]).changed)
        XCTAssertNotEqual(try h.rc("findmnt /mnt/sp-tmp"), 0)
        XCTAssertEqual(try h.rc("grep -q sp-tmp /etc/fstab"), 1)
        XCTAssertNotEqual(try h.rc("[ -d /mnt/sp-tmp ]"), 0)
        XCTAssertFalse(try h.ok(MountModule.self, ["path": "/mnt/sp-tmp", "state": "absent"]).changed)
        XCTAssertTrue(try h.run(MountModule.self, ["path": "/mnt/sp-tmp", "state": "mounted"]).failed)  // src/fstype required
    }
}
