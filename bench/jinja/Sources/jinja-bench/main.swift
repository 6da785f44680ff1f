import Foundation
import Jinja

// Renders template.j2 with data.json (the folder given as the first argument) N times, checks the
// output against jinja2's rendering in expected.txt, and prints median wall and CPU time per render.
let dir = URL(fileURLWithPath: CommandLine.arguments.count > 1 ? CommandLine.arguments[1] : ".")
let runs = CommandLine.arguments.count > 2 ? Int(CommandLine.arguments[2]) ?? 50 : 50

func read(_ name: String) -> String {
    do { return try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8) } catch {
        FileHandle.standardError.write(Data("jinja-bench: cannot read \(name) in \(dir.path): \(error)\n".utf8))
        exit(2)
    }
}

func threadCPUms() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) * 1000 + Double(ts.tv_nsec) / 1_000_000
}

func median(_ xs: [Double]) -> Double {
    let s = xs.sorted()
    return (s[(s.count - 1) / 2] + s[s.count / 2]) / 2
}

let source = read("template.j2")
let expected = read("expected.txt")
guard case .dict(let data) = try parseJSON(read("data.json")) else {
    FileHandle.standardError.write(Data("jinja-bench: data.json must be an object\n".utf8))
    exit(2)
}
var options = EnvironmentOptions()
options.trimBlocks = true
options.lstripBlocks = true
let template = try Environment(options: options).template(source, name: "template.j2")
let vars = DictVariables(Dictionary(uniqueKeysWithValues: data.map { ($0.key, $0.value) }))
var wall: [Double] = []
var cpu: [Double] = []
for _ in 0..<runs {
    let start = DispatchTime.now().uptimeNanoseconds
    let cpuStart = threadCPUms()
    let output = try template.render(vars)
    cpu.append(threadCPUms() - cpuStart)
    wall.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1_000_000)
    guard output == expected else {
        FileHandle.standardError.write(Data("jinja-bench: output differs from expected.txt (jinja2's rendering)\n".utf8))
        exit(1)
    }
}
print(String(format: "swift Jinja: median %.2f ms wall, %.2f ms CPU over %d renders (%d template lines, %d output lines)",
             median(wall), median(cpu), runs, source.split(separator: "\n").count, expected.split(separator: "\n").count))
