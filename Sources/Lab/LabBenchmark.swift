import Glibc
import Scenario

/// `kdp lab bench`: the same lab set up by `kdp lab up`'s code and by the equivalent script of iproute2
/// commands (`LabPlan.script()`), measured in the same run, alternating, on the same topology.
public enum LabBenchmark {
    public struct Figures: Sendable {
        /// Seconds per run of `Lab.up` in this process (namespaces, links, rules; no process start-up).
        public var inProcess: [Double] = []
        /// Seconds per run of a whole `kdp lab up` process (start-up, YAML, emulator build, programming).
        public var command: [Double] = []
        /// Seconds per run of the iproute2 script.
        public var script: [Double] = []
        public var namespaces = 0
        public var scriptCommands = 0
    }

    /// Runs each variant `rounds` times; every lab is taken down again after it is measured, and the kernel
    /// gets `settle` seconds to finish its asynchronous namespace cleanup before the next measurement.
    public static func run(
        cluster: Cluster, topology: String, digest: String, lab: String, kdp: String, rounds: Int, settle: Double = 0.5,
        progress: (String) -> Void = { _ in }
    ) throws(LabError) -> Figures {
        try Lab.requirePrivilege("bench")
        let plan = try LabPlan(lab: lab, cluster: cluster)
        guard plan.birds.isEmpty else {
            throw .unsupported("kdp lab bench: pick a topology without BGP (BIRD start-up would dominate)")
        }
        var figures = Figures()
        figures.namespaces = plan.namespaces.count
        let script = plan.script()
        figures.scriptCommands =
            script.split(separator: "\n").filter { $0.hasPrefix("ip ") || $0.hasPrefix("bridge ") }.count
        let scriptPath = "/tmp/kdp-lab-bench-\(getpid()).sh"
        try writeFile(scriptPath, script)
        defer { unlink(scriptPath) }
        for round in 1...rounds {
            var start = monotonicSeconds()
            _ = try Lab.up(cluster: cluster, topology: topology, digest: digest, name: lab)
            figures.inProcess.append(monotonicSeconds() - start)
            _ = try Lab.down(name: lab)
            usleep(UInt32(settle * 1e6))

            start = monotonicSeconds()
            try Subprocess.check([kdp, "lab", "up", topology, "--name", lab])
            figures.command.append(monotonicSeconds() - start)
            _ = try Lab.down(name: lab)
            usleep(UInt32(settle * 1e6))

            start = monotonicSeconds()
            let result = try Subprocess.run(["sh", scriptPath])
            figures.script.append(monotonicSeconds() - start)
            for namespace in plan.namespaceNames { try KernelNamespace.delete(namespace) }
            guard result.status == 0 else {
                throw .command("sh \(scriptPath)", status: result.status, output: result.output)
            }
            usleep(UInt32(settle * 1e6))
            progress("round \(round)/\(rounds) done")
        }
        return figures
    }
}
