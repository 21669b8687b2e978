import ArgumentParser
import Scenario

/// `kdp bird-config`: a BIRD 2 configuration for one node of a Calico topology.
struct BIRDConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bird-config",
        abstract: "Print the BIRD 2 configuration a node (or BGP router) of a Calico topology would run.")

    @Argument(help: "Topology file (cni.plugin: calico).")
    var topology: String

    @Option(help: "Node or router name.")
    var node: String

    func run() throws {
        let cluster = try loadCluster(topology)
        guard cluster.bgp != nil else {
            throw InputError(message: "\(topology): no BGP here (cni.plugin is not calico)")
        }
        guard let text = BIRDConfig.render(cluster: cluster, speaker: node) else {
            throw InputError(message: "\(topology): --node: \"\(node)\" is not a BGP speaker of this topology")
        }
        output(text)
    }
}
