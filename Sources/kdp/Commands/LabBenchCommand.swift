import ArgumentParser
import Foundation
import Lab
import Scenario

struct LabBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Time kdp lab up against the same set-up done by a script of ip commands (needs root).",
        discussion: """
            Without a topology, uses flannel VXLAN with --nodes nodes of --pods pods each. Prints the median of \
            --rounds runs of: Lab.up inside this process, a whole `kdp lab up` process, and `kdp lab script`'s \
            iproute2 script run by sh, each whole and without the rule sets (the script's ip/bridge commands \
            against Lab.up's netlink operations).
            """)

    @Argument(help: "Topology file (default: a generated flannel VXLAN cluster).")
    var topology: String?

    @Option(help: "Nodes in the generated topology.")
    var nodes = 2

    @Option(help: "Pods per node in the generated topology.")
    var pods = 10

    @Option(help: "Runs of each variant.")
    var rounds = 5

    @Option(help: "iptables backend for kube-proxy's rules, in kdp and in the script alike: nft or legacy.")
    var iptables: IptablesBackendArgument = .nft

    func validate() throws {
        guard (1...50).contains(nodes), (1...100).contains(pods), (1...50).contains(rounds) else {
            throw ValidationError("--nodes 1...50, --pods 1...100, --rounds 1...50")
        }
    }

    func run() throws {
        var path = topology
        if path == nil {
            let generated = FileManager.default.temporaryDirectory.appendingPathComponent(
                "kdp-lab-bench-\(getpid()).yaml")
            try Self.generated(nodes: nodes, pods: pods).write(to: generated, atomically: true, encoding: .utf8)
            path = generated.path
        }
        defer { if topology == nil, let path { try? FileManager.default.removeItem(atPath: path) } }
        let cluster = try loadCluster(path!)
        let identity = labIdentity(cluster, path: path!, name: "kdp-bench")
        let figures: LabBenchmark.Figures
        do {
            figures = try LabBenchmark.run(
                cluster: cluster, topology: path!, digest: identity.digest, lab: identity.name,
                kdp: CommandLine.arguments[0], rounds: rounds, iptables: iptables.backend)
        } catch { throw labFailure(error) }
        func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
        func ms(_ value: Double) -> String { String(format: "%7.1f ms", value * 1000) }
        func ratio(_ script: Double, _ kdp: Double) -> String { String(format: "%5.1f×", script / kdp) }
        let scriptNetwork = median(figures.scriptNetwork)
        let script = median(zip(figures.scriptNetwork, figures.scriptRules).map { $0 + $1 })
        let restore = iptables.backend.restore
        output(
            """
            kdp lab bench: \(topology ?? "flannel VXLAN, \(nodes) nodes × \(pods) pods"): \(figures.namespaces) namespaces, \
            \(figures.scriptCommands) ip/bridge commands and \(figures.rulesets) \(restore) runs in the script; \
            median of \(rounds) rounds
                                      whole set-up             ip part (no rules)
              Lab.up in process     \(ms(median(figures.inProcess)))  \(ratio(script, median(figures.inProcess)))     \
            \(ms(median(figures.inProcessNetwork)))  \(ratio(scriptNetwork, median(figures.inProcessNetwork)))
              kdp lab up (process)  \(ms(median(figures.command)))  \(ratio(script, median(figures.command)))
              iproute2 script (sh)  \(ms(script))             \(ms(scriptNetwork))
            (× = how many times faster than the script; Lab.up's ip part ends when its last netlink operation is \
            done, with the rule sets still loading alongside)

            """)
    }

    /// flannel VXLAN, one segment, `nodes` nodes with `pods` pods each.
    static func generated(nodes: Int, pods: Int) -> String {
        var lines = [
            "name: bench", "cni: {plugin: flannel, backend: vxlan, network: 10.244.0.0/16}",
            "segments:", "  - {name: lan0, cidr: 192.168.1.0/24}", "nodes:",
        ]
        for node in 1...nodes {
            lines.append(
                "  - {name: node-\(node), segment: lan0, address: 192.168.1.\(10 + node), podCIDR: 10.244.\(node).0/24}"
            )
        }
        lines.append("pods:")
        for node in 1...nodes {
            for pod in 1...pods {
                lines.append("  - {name: p\(node)-\(pod), node: node-\(node), containerPorts: [{containerPort: 80}]}")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
