import Dataplane
import NetCore
import Routing
import Wire

extension ClusterBuilder {
    /// flanneld on every node (reference §8). host-gw: a plain route per remote lease. VXLAN: `flannel.<VNI>`
    /// (local = node address, learning off, MTU = NIC − 50, `<lease>.0/32`) and, per remote lease, the
    /// permanent neighbour `<lease>.0 → VTEP MAC`, the FDB entry `VTEP MAC → node address` and the route
    /// `<lease> via <lease>.0 dev flannel.1 onlink`, added in that order.
    mutating func addFlannelBackend() throws(TopologyError) {
        switch spec.cni.backend {
        case .hostGW:
            addStaticPodRoutes()
        case .vxlan:
            var devices: [String: DeviceID] = [:]
            for node in spec.nodes {
                guard let netns = nodes[node.name] else { continue }
                do { devices[node.name] = try addVTEP(node, netns: netns) } catch {
                    throw kernelError(node.line, node.fieldPath, error)
                }
            }
            for node in spec.nodes {
                guard let netns = nodes[node.name], let device = devices[node.name] else { continue }
                for peer in spec.nodes where peer.name != node.name {
                    let peerVTEP = Self.vtepMAC(peer)
                    let peerAddress = peer.podCIDR.network
                    network.addPermanentNeighbor(peerAddress, mac: peerVTEP, device: device)
                    network.addVXLANForwarding(peerVTEP, remote: peer.address, on: device)
                    install(
                        Route(destination: peer.podCIDR, gateway: peerAddress, device: vtepName, onlink: true),
                        on: node, in: netns)
                }
            }
        }
    }

    var vtepName: String { "flannel.\(spec.cni.vni)" }

    /// The VTEP MAC flannel advertises in the node's backend-data annotation (random in flannel; derived
    /// here so that runs repeat).
    static func vtepMAC(_ node: NodeSpec) -> MACAddress { .derived(from: "\(node.name)/vtep") }

    mutating func addVTEP(_ node: NodeSpec, netns: NetnsID) throws(NetworkError) -> DeviceID {
        let nicMTU = spec.segments.first { $0.name == node.segment }?.mtu ?? 1500
        let config = VXLANConfig(vni: spec.cni.vni, port: spec.cni.port, local: node.address, underlay: node.nic)
        let device = try network.addDevice(
            in: netns, name: vtepName, kind: .vxlan(config), mac: Self.vtepMAC(node), mtu: nicMTU - 50)
        try network.addAddress(IPv4Prefix(address: node.podCIDR.network, length: 32), to: device)
        return device
    }
}
