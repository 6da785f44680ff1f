import Foundation
import Jinja
import OrderedCollections
import XCTest
@testable import Modules

/// When a loop's items may run side by side: paths that cannot touch each other.
final class LoopItemsTests: XCTestCase {
    func testIndependentPaths() {
        XCTAssertTrue(RemotePathText.independent(["/opt/a", "/opt/b", "/opt/ab", "/srv/a/"]))
        XCTAssertFalse(RemotePathText.independent(["/opt/a", "/opt/a/"]), "the same path")
        XCTAssertFalse(RemotePathText.independent(["/opt/a/b", "/opt/a"]), "one inside the other")
        XCTAssertFalse(RemotePathText.independent(["/", "/etc"]))
        XCTAssertFalse(RemotePathText.independent(["/opt//a", "/opt/a/x"]), "double slashes are one")
        XCTAssertFalse(RemotePathText.independent(["/opt/a", "relative"]), "resolved on the host")
        XCTAssertFalse(RemotePathText.independent(["~/a", "/opt/b"]))
        XCTAssertFalse(RemotePathText.independent(["$HOME/a", "/opt/b"]))
        XCTAssertFalse(RemotePathText.independent(["/opt/x/../a", "/opt/b"]))
        XCTAssertFalse(RemotePathText.independent(["/opt/a", nil]))
        XCTAssertTrue(RemotePathText.independent(["/etc/.hidden", "/etc/other"]))
    }

    func testModulesSayWhichItemsBatch() throws {
        func args<M: Module>(_ m: M.Type, _ values: [OrderedDictionary<String, Value>]) throws -> [Arguments] {
            try values.map { try M.spec.validate($0, module: M.name) }
        }
        XCTAssertTrue(FileModule.independent(try args(FileModule.self, [["path": "/a", "state": "directory"], ["path": "/b", "state": "touch"]])))
        XCTAssertFalse(FileModule.independent(try args(FileModule.self, [["path": "/a", "state": "link", "src": "/b"], ["path": "/b"]])),
                       "a link reads its source")
        XCTAssertTrue(CopyModule.independent(try args(CopyModule.self, [["dest": "/a", "content": "x"], ["dest": "/b", "content": "y"]])))
        XCTAssertFalse(CopyModule.independent(try args(CopyModule.self, [["dest": "/a", "src": "/b", "remote_src": true], ["dest": "/b", "content": "y"]])))
        XCTAssertTrue(StatModule.independent(try args(StatModule.self, [["path": "/a"], ["path": "/a"]])))
        XCTAssertFalse(LineInFileModule.independent(try args(LineInFileModule.self, [["path": "/a", "line": "x"], ["path": "/a", "line": "y"]])),
                       "edits of one file are combined instead")
    }
}
