import Glibc
import Scenario

/// `kdp lab bench`: the same lab set up by `kdp lab up`'s code and by the equivalent script of iproute2
/// commands (`LabPlan.script()`), measured in the same run, alternating, on the same topology and iptables
/// backend.
public enum LabBenchmark {
    /// Seconds per run, per variant.
    public struct Figures: Sendable {
        /// `Lab.up` in this process (namespaces, links, rules; no process start-up), whole runs.
        public var inProcess: [Double] = []
        /// The same runs, until every netlink operation was done (the part the script's `ip` commands do).
        public var inProcessNetwork: [Double] = []
        /// A whole `kdp lab up` process (start-up, YAML, emulator build, programming).
        public var command: [Double] = []
        /// The iproute2 script: its `ip`/`bridge` part, and its `iptables-*-restore` part.
        public var scriptNetwork: [Double] = []
        public var scriptRules: [Double] = []
        public var namespaces = 0
        public var scriptCommands = 0
        public var rulesets = 0
    }

    /// Runs each variant `rounds` times; every lab is taken down again after it is measured, and the kernel
    /// gets `settle` seconds to finish its asynchronous namespace cleanup before the next measurement (a
    /// cleanup still running holds the locks link creation needs).
    public static func run(
        cluster: Cluster, topology: String, digest: String, lab: String, kdp: String, rounds: Int,
        iptables: IptablesBackend = .nft, settle: Double = 1, progress: (String) -> Void = { _ in }
    ) throws(LabError) -> Figures {
        try Lab.requirePrivilege("bench")
        let plan = try LabPlan(lab: lab, cluster: cluster)
        guard plan.birds.isEmpty else {
            throw .unsupported("kdp lab bench: pick a topology without BGP (BIRD start-up would dominate)")
        }
        var figures = Figures()
        figures.namespaces = plan.namespaces.count
        figures.rulesets = plan.rulesets.count
        let networkScript = plan.networkScript()
        figures.scriptCommands =
            networkScript.split(separator: "\n").filter { $0.hasPrefix("ip ") || $0.hasPrefix("bridge ") }.count
        let scripts = (
            network: "/tmp/kdp-lab-bench-\(getpid())-network.sh", rules: "/tmp/kdp-lab-bench-\(getpid())-rules.sh"
        )
        try writeFile(scripts.network, networkScript)
        try writeFile(scripts.rules, plan.rulesScript(iptables: iptables))
        defer {
            unlink(scripts.network)
            unlink(scripts.rules)
        }
        for round in 1...rounds {
            var start = monotonicSeconds()
            let result = try Lab.up(cluster: cluster, topology: topology, digest: digest, name: lab, iptables: iptables)
            figures.inProcess.append(monotonicSeconds() - start)
            if case .created(_, _, _, _, _, let network) = result { figures.inProcessNetwork.append(network) }
            _ = try Lab.down(name: lab)
            usleep(UInt32(settle * 1e6))

            start = monotonicSeconds()
            try Subprocess.check([kdp, "lab", "up", topology, "--name", lab, "--iptables", iptables.rawValue])
            figures.command.append(monotonicSeconds() - start)
            _ = try Lab.down(name: lab)
            usleep(UInt32(settle * 1e6))

            start = monotonicSeconds()
            let network = try Subprocess.run(["sh", scripts.network])
            let middle = monotonicSeconds()
            let rules = network.status == 0 ? try Subprocess.run(["sh", scripts.rules]) : network
            figures.scriptNetwork.append(middle - start)
            figures.scriptRules.append(monotonicSeconds() - middle)
            for namespace in plan.namespaceNames { try KernelNamespace.delete(namespace) }
            for (path, result) in [(scripts.network, network), (scripts.rules, rules)] where result.status != 0 {
                throw .command("sh \(path)", status: result.status, output: result.output)
            }
            usleep(UInt32(settle * 1e6))
            progress("round \(round)/\(rounds) done")
        }
        return figures
    }
}
