import Dataplane
import NetCore
import Routing

extension ClusterBuilder {
    /// The CNI `bridge` plugin (reference §1.6, §2.2): `cni0` with the gateway `.1/len` once the node has
    /// pods, and per pod a veth pair — `eth0` in the pod with `.N/len` and `default via .1`, the host end
    /// `veth<8 hex>` enslaved to cni0 with hairpin per config. flannel's delegate config also routes the
    /// whole cluster network via the gateway.
    mutating func addBridgePods(_ placed: [(PodSpec, IPv4Address)], node: NodeSpec, netns: NetnsID, mtu: Int)
        throws(NetworkError)
    {
        guard !placed.isEmpty else { return }
        let gateway = node.podCIDR.network.advanced(by: 1)
        let bridge = try network.addDevice(
            in: netns, name: "cni0", kind: .bridge, mac: .derived(from: "\(node.name)/cni0"), mtu: mtu)
        try network.addAddress(IPv4Prefix(address: gateway, length: node.podCIDR.length), to: bridge)
        for (pod, ip) in placed {
            let key = "\(pod.namespace)/\(pod.name)"
            let podNetns = try addPodNamespace(pod, node: node)
            let hostName = Self.hostVethName(for: key)
            let (hostEnd, podEnd) = try network.addVethPair(
                (netns, hostName, .derived(from: "\(node.name)/\(hostName)")),
                (podNetns, "eth0", .derived(from: "\(key)/eth0")), mtu: mtu)
            network.enslave(hostEnd, to: bridge)
            network.setHairpin(hostEnd, spec.cni.hairpinMode)
            try network.addAddress(IPv4Prefix(address: ip, length: node.podCIDR.length), to: podEnd)
            try network.addRoute(Route(destination: .defaultRoute, gateway: gateway, device: "eth0"), in: podNetns)
            if spec.cni.plugin == .flannel, let clusterNetwork = spec.cni.network {
                try network.addRoute(Route(destination: clusterNetwork, gateway: gateway, device: "eth0"), in: podNetns)
            }
            record(pod, ip: ip, node: node, netns: podNetns)
        }
    }

    /// The pod's network namespace with its listening sockets.
    mutating func addPodNamespace(_ pod: PodSpec, node: NodeSpec) throws(NetworkError) -> NetnsID {
        let netns = try network.addNamespace(
            name: "pod-\(pod.namespace)-\(pod.name)",
            role: .pod(namespace: pod.namespace, name: pod.name, node: node.name))
        for port in pod.containerPorts {
            network.addListener(Listener(proto: port.proto, port: port.port, name: port.name), in: netns)
        }
        return netns
    }

    mutating func record(_ pod: PodSpec, ip: IPv4Address, node: NodeSpec, netns: NetnsID) {
        pods.append(
            PodInstance(
                namespace: pod.namespace, name: pod.name, node: node.name, ip: ip, netns: netns, labels: pod.labels,
                containerPorts: pod.containerPorts))
    }

    /// `veth` + 8 hex characters, as the CNI plugins name host ends; derived from the pod's name so that
    /// it is stable (the plugins use 4 random bytes).
    static func hostVethName(for pod: String) -> String {
        let hex = String(StableHash.fnv1a64(pod) & 0xFFFF_FFFF, radix: 16)
        return "veth" + String(repeating: "0", count: 8 - hex.count) + hex
    }

    /// `podRoutes: static` (and flannel host-gw): `<peer podCIDR> via <peer address> dev <nic>` on every
    /// node. Across an L3 boundary the kernel refuses it ("Nexthop has invalid gateway").
    mutating func addStaticPodRoutes() {
        for node in spec.nodes {
            guard let netns = nodes[node.name] else { continue }
            for peer in spec.nodes where peer.name != node.name {
                install(Route(destination: peer.podCIDR, gateway: peer.address, device: node.nic), on: node, in: netns)
            }
        }
    }
}
