import Foundation
import Jinja
import OrderedCollections

/// Turns the sections printed by the setup script into Ansible-named facts.
struct FactParser {
    var sections: [String: [String]] = [:]

    init(output: String) {
        var current = ""
        for line in output.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("==") { current = String(line.dropFirst(2)); sections[current] = []; continue }
            sections[current, default: []].append(String(line))
        }
    }

    func lines(_ s: String) -> [String] { (sections[s] ?? []).filter { !$0.isEmpty } }

    func keyValues(_ s: String) -> [String: String] {
        var out: [String: String] = [:]
        for l in lines(s) {
            guard let eq = l.firstIndex(of: "=") else { continue }
            var v = String(l[l.index(after: eq)...])
            if v.hasPrefix("\"") && v.hasSuffix("\"") && v.count >= 2 { v = String(v.dropFirst().dropLast()) }
            out[String(l[..<eq])] = v
        }
        return out
    }

    func facts() -> OrderedDictionary<String, Value> {
        var f = OrderedDictionary<String, Value>()
        let os = keyValues("os-release")
        let lsb = keyValues("lsb-release")
        let id = (os["ID"] ?? "").lowercased()
        let distribution = Self.distributionNames[id] ?? (os["NAME"].map { $0.components(separatedBy: " ").first ?? $0 } ?? "Unknown")
        let version = os["VERSION_ID"] ?? lines("debian_version").first ?? ""
        var fullVersion = version
        if id == "debian", let dv = lines("debian_version").first, dv.first?.isNumber == true { fullVersion = dv }
        f["ansible_distribution"] = .string(distribution)
        f["ansible_distribution_version"] = .string(fullVersion)
        f["ansible_distribution_major_version"] = .string(String(version.split(separator: ".").first ?? ""))
        f["ansible_distribution_release"] = .string(os["VERSION_CODENAME"] ?? lsb["DISTRIB_CODENAME"] ?? "NA")
        f["ansible_os_family"] = .string(Self.family(id: id, idLike: os["ID_LIKE"] ?? ""))
        let uname = lines("uname")
        f["ansible_system"] = .string(uname[safe: 0] ?? "Linux")
        f["ansible_kernel"] = .string(uname[safe: 1] ?? "")
        let machine = uname[safe: 2] ?? ""
        f["ansible_machine"] = .string(machine)
        f["ansible_architecture"] = .string(machine)
        f["ansible_kernel_version"] = .string(uname[safe: 4] ?? "")
        let nodename = uname[safe: 3] ?? ""
        f["ansible_nodename"] = .string(nodename)
        f["ansible_hostname"] = .string(String(nodename.split(separator: ".").first ?? ""))
        let fqdn = lines("fqdn").first ?? nodename
        f["ansible_fqdn"] = .string(fqdn)
        f["ansible_domain"] = .string(fqdn.contains(".") ? String(fqdn.drop { $0 != "." }.dropFirst()) : "")
        var mem: [String: Int] = [:]
        for l in lines("meminfo") {
            let parts = l.split(whereSeparator: { $0 == ":" || $0 == " " })
            if parts.count >= 2, let kb = Int(parts[1]) { mem[String(parts[0])] = kb / 1024 }
        }
        f["ansible_memtotal_mb"] = .int(mem["MemTotal"] ?? 0)
        f["ansible_memfree_mb"] = .int(mem["MemFree"] ?? 0)
        f["ansible_swaptotal_mb"] = .int(mem["SwapTotal"] ?? 0)
        f["ansible_swapfree_mb"] = .int(mem["SwapFree"] ?? 0)
        let vcpus = Int(lines("nproc").first ?? "") ?? Int(lines("cpuinfo").first ?? "") ?? 1
        f["ansible_processor_vcpus"] = .int(vcpus)
        f["ansible_processor_nproc"] = .int(vcpus)
        f["ansible_processor_count"] = .int(1)
        f["ansible_processor_cores"] = .int(vcpus)
        let initLines = lines("init")
        let serviceMgr: String
        if initLines.contains("systemd-running") || initLines.first == "systemd" { serviceMgr = "systemd" }
        else if initLines.contains("openrc") { serviceMgr = "openrc" }
        else if initLines.contains("initd") { serviceMgr = "sysvinit" }
        else { serviceMgr = "service" }
        f["ansible_service_mgr"] = .string(serviceMgr)
        let pkg = lines("pkg").map { ($0 as NSString).lastPathComponent }
        let mgr: String
        if pkg.contains("apt-get") { mgr = "apt" } else if pkg.contains("dnf") { mgr = "dnf" } else if pkg.contains("yum") { mgr = "yum" }
        else if pkg.contains("zypper") { mgr = "zypper" } else if pkg.contains("apk") { mgr = "apk" } else if pkg.contains("pacman") { mgr = "pacman" } else { mgr = "unknown" }
        f["ansible_pkg_mgr"] = .string(mgr)
        var ipv4 = OrderedDictionary<String, Value>()
        var allIPv4: [Value] = []
        let route = (lines("route").first ?? "").split(separator: " ").map(String.init)
        let gateway = route.firstIndex(of: "via").flatMap { route[safe: $0 + 1] }
        let iface = route.firstIndex(of: "dev").flatMap { route[safe: $0 + 1] }
        for l in lines("addr") {
            let parts = l.split(separator: " ").map(String.init)
            guard let inet = parts.firstIndex(of: "inet"), let cidr = parts[safe: inet + 1], parts.count > 1 else { continue }
            let dev = parts[1]
            let addr = String(cidr.split(separator: "/").first ?? "")
            if dev != "lo" { allIPv4.append(.string(addr)) }
            if dev == iface && ipv4.isEmpty {
                let prefix = Int(cidr.split(separator: "/").last ?? "") ?? 32
                ipv4 = ["address": .string(addr), "interface": .string(dev), "alias": .string(dev),
                        "netmask": .string(Self.netmask(prefix)), "prefix": .string(String(prefix)),
                        "gateway": .string(gateway ?? ""), "type": "ether"]
            }
        }
        f["ansible_default_ipv4"] = .dict(ipv4)
        f["ansible_all_ipv4_addresses"] = .list(allIPv4)
        let idl = lines("id")
        f["ansible_user_id"] = .string(idl[safe: 0] ?? "")
        f["ansible_user_uid"] = .int(Int(idl[safe: 1] ?? "") ?? -1)
        f["ansible_user_gid"] = .int(Int(idl[safe: 2] ?? "") ?? -1)
        let home = sections["home"] ?? []
        f["ansible_user_dir"] = .string(home[safe: 0] ?? "")
        f["ansible_user_shell"] = .string(home[safe: 1] ?? "")
        var lsbFact = OrderedDictionary<String, Value>()
        if !lsb.isEmpty || !os.isEmpty {
            lsbFact["id"] = .string(lsb["DISTRIB_ID"] ?? distribution)
            lsbFact["release"] = .string(lsb["DISTRIB_RELEASE"] ?? version)
            lsbFact["codename"] = .string(lsb["DISTRIB_CODENAME"] ?? os["VERSION_CODENAME"] ?? "")
            lsbFact["description"] = .string(lsb["DISTRIB_DESCRIPTION"] ?? os["PRETTY_NAME"] ?? "")
            lsbFact["major_release"] = .string(String((lsb["DISTRIB_RELEASE"] ?? version).split(separator: ".").first ?? ""))
        }
        f["ansible_lsb"] = .dict(lsbFact)
        if let py = lines("python").first {
            // The interpreter is optional: its version is reported only when it could be run.
            var python: OrderedDictionary<String, Value> = ["executable": .string(py)]
            let v = (lines("python")[safe: 1] ?? "").split(separator: " ").map(String.init)
            if v.count == 5, let major = Int(v[0]), let minor = Int(v[1]), let micro = Int(v[2]), let serial = Int(v[4]) {
                python["type"] = "CPython"
                python["version"] = ["major": .int(major), "minor": .int(minor), "micro": .int(micro),
                                     "releaselevel": .string(v[3]), "serial": .int(serial)]
                python["version_info"] = [.int(major), .int(minor), .int(micro), .string(v[3]), .int(serial)]
            }
            f["ansible_python"] = .dict(python)
            f["ansible_python_version"] = v.count == 5 ? .string("\(v[0]).\(v[1]).\(v[2])") : nil
            f["discovered_interpreter_python"] = .string(py)
        }
        let d = (lines("date").first ?? "").split(separator: " ").map(String.init)
        if d.count >= 16 {
            f["ansible_date_time"] = .dict([
                "date": .string(d[0]), "time": .string(d[1]), "epoch": .string(d[2]), "tz": .string(d[3]),
                "tz_offset": .string(d[4]), "weekday": .string(d[5]), "month": .string(d[13]), "year": .string(d[14]),
                "day": .string(d[12]), "hour": .string(d[9]), "minute": .string(d[10]), "second": .string(d[11]),
                "iso8601": .string("\(d[0])T\(d[1])Z"), "weekday_number": .string(d[8]),
            ])
        }
        let virt = lines("virt")
        let container = virt.contains("dockerenv") || virt.contains { $0.contains("docker") }
        f["ansible_virtualization_type"] = .string(container ? "docker" : "")
        f["ansible_virtualization_role"] = .string(container ? "guest" : "")
        var env = OrderedDictionary<String, Value>()
        for l in lines("env") {
            guard let eq = l.firstIndex(of: "="), l.first != " " else { continue }
            env[String(l[..<eq])] = .string(String(l[l.index(after: eq)...]))
        }
        f["ansible_env"] = .dict(env)
        return f
    }

    static let distributionNames: [String: String] = [
        "debian": "Debian", "ubuntu": "Ubuntu", "centos": "CentOS", "rhel": "RedHat", "fedora": "Fedora",
        "rocky": "Rocky", "almalinux": "AlmaLinux", "ol": "OracleLinux", "amzn": "Amazon", "alpine": "Alpine",
        "arch": "Archlinux", "opensuse-leap": "openSUSE Leap", "sles": "SLES", "linuxmint": "Linux Mint",
    ]

    static func family(id: String, idLike: String) -> String {
        let all = ([id] + idLike.split(separator: " ").map(String.init)).map { $0.lowercased() }
        if all.contains(where: { ["debian", "ubuntu", "linuxmint"].contains($0) }) { return "Debian" }
        if all.contains(where: { ["rhel", "centos", "fedora", "rocky", "almalinux", "ol", "amzn"].contains($0) }) { return "RedHat" }
        if all.contains(where: { $0.contains("suse") || $0 == "sles" }) { return "Suse" }
        if all.contains("alpine") { return "Alpine" }
        if all.contains("arch") { return "Archlinux" }
        return id.isEmpty ? "Unknown" : id.capitalized
    }

    static func netmask(_ prefix: Int) -> String {
        let mask: UInt32 = prefix == 0 ? 0 : ~UInt32(0) << (32 - UInt32(min(prefix, 32)))
        return [24, 16, 8, 0].map { String((mask >> UInt32($0)) & 0xff) }.joined(separator: ".")
    }
}

extension Array {
    subscript(safe i: Int) -> Element? { i >= 0 && i < count ? self[i] : nil }
}
