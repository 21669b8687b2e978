import Foundation
import Glibc
import NetCore
import Routing
import Scenario

/// Which iptables to load kube-proxy's rules with (never the machine-wide `iptables` alternative).
public enum IptablesBackend: String, Sendable, CaseIterable {
    case nft, legacy
    public var restore: String { "iptables-\(rawValue)-restore" }
    var save: String { "iptables-\(rawValue)-save" }
}

/// `kdp lab up` / `down` / `status`: a topology programmed into real network namespaces.
public enum Lab {
    /// What `up` did.
    public enum UpResult: Sendable {
        /// Created: namespaces, links, rule sets, BIRD daemons, BGP convergence time (seconds), and the
        /// seconds until every netlink operation was done (the part a script of `ip` commands does; rule
        /// sets may still have been loading).
        case created(
            namespaces: Int, links: Int, rulesets: Int, birds: Int, bgpSeconds: Double?, networkSeconds: Double)
        /// The lab already runs this topology: nothing changed.
        case unchanged
    }

    /// Fails unless the process may create namespaces (root, or CAP_SYS_ADMIN and CAP_NET_ADMIN).
    public static func requirePrivilege(_ action: String) throws(LabError) {
        guard geteuid() != 0 else { return }
        let status = readFile("/proc/self/status") ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("CapEff:") }
        let bits = line.flatMap { UInt64($0.dropFirst(7).trimmingCharacters(in: .whitespaces), radix: 16) } ?? 0
        let netAdmin: UInt64 = 1 << 12
        let sysAdmin: UInt64 = 1 << 21
        guard bits & netAdmin != 0 && bits & sysAdmin != 0 else {
            throw .notPrivileged(
                "\(action) needs root (CAP_NET_ADMIN and CAP_SYS_ADMIN) to create network namespaces;"
                    + " run it as root or with sudo")
        }
    }

    /// Programs `cluster` as lab `name`. Idempotent: a lab already up with the same topology digest is left
    /// as it is. On any failure everything created so far is removed again and the error is rethrown.
    public static func up(
        cluster: Cluster, topology: String, digest: String, name: String, iptables: IptablesBackend = .nft,
        bgpTimeout: Double = 30, progress: (String) -> Void = { _ in }
    ) throws(LabError) -> UpResult {
        try Ledger.validate(name: name)
        try requirePrivilege("up")
        if let ledger = try Ledger.read(name) {
            guard ledger.digest == digest, ledger.isComplete else {
                throw .ledger(
                    "lab \(name) already exists (\(ledger.isComplete ? "running" : "left half-built by an interrupted up") "
                        + "\(ledger.topology ?? "?")); run `kdp lab down --name \(name)` first")
            }
            let missing = ledger.namespaces.filter { !KernelNamespace.exists($0) }
            let dead = ledger.processes.filter { !processAlive($0.pid) }
            guard missing.isEmpty && dead.isEmpty else {
                throw .ledger(
                    "lab \(name) is damaged (missing: \((missing + dead.map { "\($0.what) pid \($0.pid)" }).joined(separator: ", ")));"
                        + " run `kdp lab down --name \(name)` and up again")
            }
            return .unchanged
        }
        let plan = try LabPlan(lab: name, cluster: cluster)
        var needed = ["ip"]
        if !plan.rulesets.isEmpty { needed.append(iptables.restore) }
        if !plan.birds.isEmpty { needed += ["bird", "birdc"] }
        if let missing = needed.first(where: { !Subprocess.available($0) }) {
            throw .unsupported("kdp lab up: \(missing) is not installed (make deps installs it)")
        }
        for namespace in plan.namespaceNames where KernelNamespace.exists(namespace) {
            throw .unsupported(
                "netns \(namespace) exists and is not in the ledger of lab \(name); not touching it (pick another --name)"
            )
        }
        let writer = try Ledger.create(name)
        do {
            try writer.record("topology", topology, digest)
            var applier = LabApplier(plan: plan, ledger: writer, iptables: iptables)
            try applier.apply(progress: progress)
            var bgpSeconds: Double?
            if !plan.bgpRoutes.isEmpty {
                progress("waiting for BIRD to install \(plan.bgpRoutes.count) BGP routes")
                bgpSeconds = try applier.waitForBGP(timeout: bgpTimeout)
            }
            try writer.record("state", "up")
            return .created(
                namespaces: plan.namespaces.count, links: applier.linkCount, rulesets: plan.rulesets.count,
                birds: plan.birds.count, bgpSeconds: bgpSeconds, networkSeconds: applier.networkSeconds)
        } catch {
            _ = try? down(name: name)
            throw error
        }
    }

    /// What `down` removed.
    public struct DownResult: Sendable {
        public var namespaces: [String] = []
        public var processes: [String] = []
    }

    /// Removes everything lab `name`'s ledger lists (also after an interrupted `up`): stops its processes,
    /// deletes its namespaces (their devices go with them), then its run folder.
    public static func down(name: String) throws(LabError) -> DownResult {
        try Ledger.validate(name: name)
        try requirePrivilege("down")
        guard let ledger = try Ledger.read(name) else {
            let known = Ledger.labs()
            throw .ledger(
                "no lab named \(name)"
                    + (known.isEmpty ? " (no labs are up)" : " (labs: \(known.joined(separator: ", ")))"))
        }
        var result = DownResult()
        var pids = ledger.processes
        // A daemon started but killed before its pid reached the ledger still left its pid file.
        for file in directoryEntries(Ledger.directory(name)) where file.hasSuffix(".pid") {
            if let text = readFile("\(Ledger.directory(name))/\(file)"),
                let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)),
                !pids.contains(where: { $0.pid == pid })
            {
                pids.append((pid, String(file.dropLast(4))))
            }
        }
        for (pid, what) in pids where ownedProcess(pid, lab: name) {
            stop(pid)
            result.processes.append("\(what) (pid \(pid))")
        }
        for namespace in ledger.namespaces.reversed() where KernelNamespace.exists(namespace) {
            try KernelNamespace.delete(namespace)
            result.namespaces.append(namespace)
        }
        Ledger.remove(name)
        return result
    }

    /// A process is the lab's if it still runs and its command line names the lab's folder.
    static func ownedProcess(_ pid: Int32, lab: String) -> Bool {
        guard pid > 1, let cmdline = readFile("/proc/\(pid)/cmdline") else { return false }
        return cmdline.contains(Ledger.directory(lab) + "/")
    }

    /// Whether a process with this pid exists.
    public static func processAlive(_ pid: Int32) -> Bool { kill(pid, 0) == 0 }

    /// SIGTERM, up to 2 s of grace, then SIGKILL.
    static func stop(_ pid: Int32) {
        guard kill(pid, SIGTERM) == 0 else { return }
        for _ in 0..<200 {
            if !processAlive(pid) || isZombie(pid) { return }
            usleep(10_000)
        }
        kill(pid, SIGKILL)
    }

    static func isZombie(_ pid: Int32) -> Bool {
        guard let stat = readFile("/proc/\(pid)/stat"), let close = stat.lastIndex(of: ")") else { return true }
        return stat[stat.index(close, offsetBy: 2)...].hasPrefix("Z")
    }
}

/// The names in a directory (no `.` and `..`); empty when it cannot be read.
func directoryEntries(_ path: String) -> [String] {
    guard let dir = opendir(path) else { return [] }
    defer { closedir(dir) }
    var names: [String] = []
    while let entry = readdir(dir) {
        let name = withUnsafePointer(to: entry.pointee.d_name) {
            $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
        }
        if name != "." && name != ".." { names.append(name) }
    }
    return names.sorted()
}
