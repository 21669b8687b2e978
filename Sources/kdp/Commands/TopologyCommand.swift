import ArgumentParser
import Dataplane
import Scenario

/// `kdp topology …`.
struct TopologyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "topology", abstract: "Work with topology files.", subcommands: [Check.self])

    /// `kdp topology check FILE`: validate and summarise.
    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Validate a topology file; print its nodes, pods, routers, hosts, Services and any route the kernel would refuse.",
            discussion: "Exit status 2 with file:line: field: message for each problem.")

        @Argument(help: "Topology file.")
        var topology: String

        static func describe(_ cni: CNISpec) -> String {
            switch cni.plugin {
            case .bridge: "cni bridge (podRoutes \(cni.podRoutes.rawValue))"
            case .flannel:
                "cni flannel \(cni.backend.rawValue) (network \(cni.network.map { "\($0)" } ?? "?")"
                    + (cni.backend == .vxlan ? ", vni \(cni.vni), port \(cni.port))" : ")")
            case .calico:
                "cni calico (pool \(cni.ipPool.map { "\($0)" } ?? "?"), AS \(cni.asNumber), "
                    + (cni.nodeToNodeMesh ? "node-to-node mesh)" : "no mesh)")
            }
        }

        func run() throws {
            let cluster = try loadCluster(topology)
            let spec = cluster.spec
            var lines = [
                "\(spec.file): ok — topology \(spec.name): \(spec.nodes.count) nodes, \(cluster.pods.count) pods, "
                    + "\(spec.routers.count) routers, \(spec.hosts.count) hosts, \(cluster.services.count) services, "
                    + Self.describe(spec.cni)
            ]
            for node in spec.nodes {
                lines.append(
                    "  node \(node.name): \(node.nic) \(node.address) on \(node.segment), podCIDR \(node.podCIDR)")
                for pod in cluster.pods where pod.node == node.name {
                    lines.append("    pod \(pod.namespace)/\(pod.name): \(pod.ip)")
                }
            }
            for router in spec.routers {
                lines.append(
                    "  router \(router.name): "
                        + router.interfaces.map { "\($0.name) \($0.address) on \($0.segment)" }.joined(separator: ", "))
            }
            for host in spec.hosts {
                lines.append(
                    "  host \(host.name): \(host.address) on \(host.segment)"
                        + (host.gateway.map { ", via \($0)" } ?? ", no gateway"))
            }
            let endpointCounts = cluster.endpointSlices.reduce(into: [String: Int]()) {
                $0[$1.serviceKey, default: 0] += $1.endpoints.count
            }
            for service in cluster.services {
                let ports = service.ports.map { "\($0.port)/\($0.proto)" + ($0.nodePort.map { ":\($0)" } ?? "") }
                let endpoints = endpointCounts[service.key] ?? 0
                lines.append(
                    "  service \(service.key): \(service.type.rawValue) "
                        + (service.clusterIP.map { "\($0)" } ?? (service.isHeadless ? "None" : "-"))
                        + " ports \(ports.isEmpty ? "-" : ports.joined(separator: ","))"
                        + ", \(endpoints) endpoint\(endpoints == 1 ? "" : "s")")
            }
            for failure in cluster.setupFailures { lines.append("warning: \(failure)") }
            output(lines.joined(separator: "\n") + "\n")
        }
    }
}
