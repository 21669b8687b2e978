import ArgumentParser
import Dataplane
import NetCore
import Scenario

/// `kdp show`: the state `ip`/`bridge` would print inside one namespace.
struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract:
            "Print what ip route / ip neigh / bridge fdb / ip link / ip addr would show in a node, router, host or pod netns.",
        discussion: """
            The state is the freshly wired topology. With --after FROM,TO the packet FROM → TO is traced \
            first, so the neighbour cache and FDBs show what that packet taught them.
            """)

    enum What: String, ExpressibleByArgument, CaseIterable {
        case routes, neigh, fdb, links, addrs
    }

    @Argument(help: "Topology file.")
    var topology: String

    @Option(help: "Node, router or host name.")
    var node: String?

    @Option(help: "Pod (NAME or NAMESPACE/NAME) instead of a node.")
    var pod: String?

    @Option(help: "Trace FROM,TO (tcp) first, then show the state it left.")
    var after: String?

    @Argument(help: "routes, neigh, fdb, links or addrs.")
    var what: What = .routes

    func validate() throws {
        guard (node == nil) != (pod == nil) else { throw ValidationError("give exactly one of --node or --pod") }
    }

    func run() throws {
        var cluster = try loadCluster(topology)
        let netns = try namespaceOption(cluster, topology: topology, node: node, pod: pod)
        if let after {
            let parts = after.split(separator: ",").map(String.init)
            guard parts.count == 2 else { throw InputError(message: "--after takes FROM,TO") }
            let request = try TraceRequest.resolve(
                cluster: cluster, from: parts[0], to: parts[1], proto: .tcp, port: nil, sport: nil, size: 0, ttl: 64,
                seed: 1)
            _ = cluster.dataplane.send(
                request.packet, from: request.netns, source: request.sourceLabel, destination: request.destinationLabel)
        }
        let dataplane = cluster.dataplane
        switch what {
        case .routes: output(dataplane.showRoutes(netns))
        case .neigh: output(dataplane.showNeighbors(netns))
        case .fdb: output(dataplane.showFDB(netns))
        case .links: output(dataplane.showLinks(netns))
        case .addrs: output(dataplane.showAddresses(netns))
        }
    }
}

/// The namespace a `--node NAME` (node, router or host) or `--pod NAME|NAMESPACE/NAME` option names.
func namespaceOption(_ cluster: Cluster, topology: String, node: String?, pod: String?) throws -> NetnsID {
    if let node {
        guard let id = machineNamespace(cluster, node) else {
            throw InputError(message: "\(topology): --node: unknown node, router or host \"\(node)\"")
        }
        return id
    }
    guard let instance = cluster.pod(pod ?? "") else {
        throw InputError(message: "\(topology): --pod: unknown pod \"\(pod ?? "")\"")
    }
    return instance.netns
}

/// A node's, router's or host's namespace by name.
func machineNamespace(_ cluster: Cluster, _ name: String) -> NetnsID? {
    cluster.nodes[name] ?? cluster.routers[name] ?? cluster.hosts[name]
}
