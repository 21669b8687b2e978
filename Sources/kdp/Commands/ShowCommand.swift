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
            The state is the freshly wired topology. With --after FROM,TO the packet FROM → TO is traced
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
        let netns: NetnsID
        if let node {
            guard let id = cluster.nodes[node] ?? cluster.routers[node] ?? cluster.hosts[node] else {
                throw InputError(message: "\(topology): --node: unknown node, router or host \"\(node)\"")
            }
            netns = id
        } else {
            guard let name = pod, let instance = cluster.pod(name) else {
                throw InputError(message: "\(topology): --pod: unknown pod \"\(pod ?? "")\"")
            }
            netns = instance.netns
        }
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
