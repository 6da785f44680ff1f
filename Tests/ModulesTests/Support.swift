import Foundation
import Jinja
import OrderedCollections
import Transport
import XCTest
@testable import Modules

/// Counts remote commands so tests can assert each module's round trips.
final class CountingConnection: Connection {
    let inner = LocalConnection(host: "localhost")
    var commands: [String] = []
    var durations: [Double] = []
    var host: String { inner.host }

    func run(_ command: String, stdin: Data?, become: Become?, environment: [String: String], textOutput: Bool) throws -> CommandResult {
        commands.append(command)
        let start = Date()
        defer { durations.append(Date().timeIntervalSince(start)) }
        return try inner.run(command, stdin: stdin, become: become, environment: environment, textOutput: textOutput)
    }
    func put(_ data: Data, to path: String, mode: String?, become: Become?) throws {
        commands.append("put \(path)")
        try inner.put(data, to: path, mode: mode, become: become)
    }
    func get(_ path: String, become: Become?) throws -> Data {
        commands.append("get \(path)")
        return try inner.get(path, become: become)
    }
    func close() {}
}

/// A temporary directory per test, and helpers to run modules against it.
class ModuleTestCase: XCTestCase {
    var dir = ""
    var connection = CountingConnection()
    /// Controller-side search path (role/playbook directory) for copy/template sources.
    var controllerDir = ""
    /// Task environment for the commands (e.g. HOME for ~ expansion).
    var environment: [String: String] = [:]

    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "swiftplay-modtest-" + UUID().uuidString.prefix(8)
        controllerDir = dir + "-ctl"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: controllerDir + "/files", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: controllerDir + "/templates", withIntermediateDirectories: true)
        connection = CountingConnection()
    }

    override func tearDownWithError() throws {
        // rm -rf: FileManager.removeItem is very slow on big trees on Linux.
        _ = try? connection.inner.run("rm -rf -- \(shellQuote(dir)) \(shellQuote(controllerDir))", stdin: nil, become: nil)
    }

    func context(check: Bool = false, diff: Bool = false, vars: [String: Value] = [:],
                 render: @escaping (String, String) throws -> String = { s, _ in s }) -> ModuleContext {
        ModuleContext(connection: connection, host: "localhost", checkMode: check, diffMode: diff, become: nil,
                      variables: DictVariables(vars), searchPaths: [controllerDir], environment: environment, renderTemplate: render,
                      evaluate: { _ in .none })
    }

    /// Validates arguments and runs the module; module errors become failed results like the executor does.
    @discardableResult
    func run<M: Module>(_ module: M.Type, _ args: OrderedDictionary<String, Value>, check: Bool = false, diff: Bool = false,
                        render: @escaping (String, String) throws -> String = { s, _ in s }) -> ModuleResult {
        do {
            let validated = try M.spec.validate(args, module: M.name)
            return try M.run(validated, context(check: check, diff: diff, render: render))
        } catch let e as ModuleError {
            return .failed(e.message, e.values)
        } catch {
            return .failed("\(error)")
        }
    }

    /// Runs and counts the remote commands.
    func counted<M: Module>(_ module: M.Type, _ args: OrderedDictionary<String, Value>, check: Bool = false) -> (ModuleResult, Int) {
        let before = connection.commands.count
        let r = run(module, args, check: check)
        return (r, connection.commands.count - before)
    }

    func path(_ name: String) -> String { dir + "/" + name }
    func write(_ name: String, _ text: String, mode: Int = 0o644) throws {
        let p = name.hasPrefix("/") ? name : path(name)
        try FileManager.default.createDirectory(atPath: (p as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: p))
        chmod(p, mode_t(mode))
    }
    func read(_ name: String) -> String? {
        let p = name.hasPrefix("/") ? name : path(name)
        return FileManager.default.contents(atPath: p).map { String(decoding: $0, as: UTF8.self) }
    }
    func exists(_ name: String) -> Bool { FileManager.default.fileExists(atPath: name.hasPrefix("/") ? name : path(name)) }
    func lstatInfo(_ name: String) -> stat? {
        var st = stat()
        return lstat(name.hasPrefix("/") ? name : path(name), &st) == 0 ? st : nil
    }
    func mode(_ name: String) -> Int { Int((lstatInfo(name)?.st_mode ?? 0) & 0o7777) }
    func uid(_ name: String) -> Int { Int(lstatInfo(name)?.st_uid ?? 9999) }
    func gid(_ name: String) -> Int { Int(lstatInfo(name)?.st_gid ?? 9999) }
    func entries(_ name: String = "") -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: name.isEmpty ? dir : path(name))) ?? []).sorted()
    }

    func assertOK(_ r: ModuleResult, changed: Bool, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertFalse(r.failed, "unexpected failure: \(r["msg"]?.pythonStr ?? "")", file: file, line: line)
        XCTAssertEqual(r.changed, changed, "changed; result: \(r.values)", file: file, line: line)
    }
    func assertFails(_ r: ModuleResult, _ fragment: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertTrue(r.failed, "expected failure containing \(fragment)", file: file, line: line)
        XCTAssertTrue(r["msg"]?.pythonStr.contains(fragment) ?? false, "msg: \(r["msg"]?.pythonStr ?? "nil")", file: file, line: line)
    }
}
