import Dataplane
import NetCore
import Routing

/// Wires a validated topology into a `Network`, as kubelet + the CNI `bridge` plugin + host-local IPAM
/// would (reference §1.6, §2.2): per node a netns with its NIC and `cni0`; per pod a netns whose `eth0`
/// is a veth peered with `veth<8 hex>` on `cni0`.
struct ClusterBuilder {
    let spec: TopologySpec
    var network = Network()
    var nodes: [String: NetnsID] = [:]
    var routers: [String: NetnsID] = [:]
    var pods: [PodInstance] = []
    var failures: [TopologyError] = []
    var segments: [String: SegmentID] = [:]

    init(spec: TopologySpec) { self.spec = spec }

    func kernelError(_ line: Int, _ field: String, _ error: any Error) -> TopologyError {
        TopologyError(file: spec.file, line: line, field: field, problem: .kernel("\(error)"))
    }

    consuming func build() throws(TopologyError) -> Cluster {
        for segment in spec.segments { segments[segment.name] = network.addSegment(name: segment.name) }
        let addresses = try PodAddressAllocator.allocate(spec)
        for node in spec.nodes {
            try addNode(node, pods: spec.pods.filter { $0.node == node.name }, addresses: addresses)
        }
        for router in spec.routers { try addRouter(router) }
        addNodeRoutes()
        let dataplane = Dataplane(network: network)
        return Cluster(
            spec: spec, dataplane: dataplane, nodes: nodes, pods: pods, routers: routers, setupFailures: failures)
    }

    mutating func addNode(_ node: NodeSpec, pods nodePods: [PodSpec], addresses: [String: IPv4Address])
        throws(TopologyError)
    {
        guard let segmentSpec = spec.segments.first(where: { $0.name == node.segment }),
            let segment = segments[node.segment]
        else { return }
        do {
            let netns = try network.addNamespace(name: node.name, role: .node(name: node.name))
            nodes[node.name] = netns
            network.setIPForward(netns, true)
            let nic = try network.addDevice(
                in: netns, name: node.nic, kind: .ethernet(segment: segment),
                mac: .derived(from: "\(node.name)/\(node.nic)"), mtu: segmentSpec.mtu)
            try network.addAddress(IPv4Prefix(address: node.address, length: segmentSpec.cidr.length), to: nic)
            for listener in node.listeners {
                network.addListener(
                    Listener(proto: listener.proto, port: listener.port, name: listener.name), in: netns)
            }
            guard !nodePods.isEmpty else { return }
            let mtu = spec.cni.mtu ?? segmentSpec.mtu
            let gateway = node.podCIDR.network.advanced(by: 1)
            let bridge = try network.addDevice(
                in: netns, name: "cni0", kind: .bridge, mac: .derived(from: "\(node.name)/cni0"), mtu: mtu)
            try network.addAddress(IPv4Prefix(address: gateway, length: node.podCIDR.length), to: bridge)
            for pod in nodePods {
                guard let ip = pod.ip ?? addresses["\(pod.namespace)/\(pod.name)"] else { continue }
                try addPod(pod, ip: ip, node: node, nodeNetns: netns, bridge: bridge, gateway: gateway, mtu: mtu)
            }
        } catch {
            throw kernelError(node.line, node.fieldPath, error)
        }
    }

    /// CNI ADD for one pod: veth pair (`eth0` in the pod, `veth<hex>` on the host, enslaved to cni0,
    /// hairpin per config), `ip/len` on eth0, `default via <gateway>`.
    mutating func addPod(
        _ pod: PodSpec, ip: IPv4Address, node: NodeSpec, nodeNetns: NetnsID, bridge: DeviceID, gateway: IPv4Address,
        mtu: Int
    ) throws(NetworkError) {
        let key = "\(pod.namespace)/\(pod.name)"
        let netns = try network.addNamespace(
            name: "pod-\(pod.namespace)-\(pod.name)",
            role: .pod(namespace: pod.namespace, name: pod.name, node: node.name))
        let hostName = Self.hostVethName(for: key)
        let (hostEnd, podEnd) = try network.addVethPair(
            (nodeNetns, hostName, .derived(from: "\(node.name)/\(hostName)")),
            (netns, "eth0", .derived(from: "\(key)/eth0")), mtu: mtu)
        network.enslave(hostEnd, to: bridge)
        network.setHairpin(hostEnd, spec.cni.hairpinMode)
        try network.addAddress(IPv4Prefix(address: ip, length: node.podCIDR.length), to: podEnd)
        try network.addRoute(Route(destination: .defaultRoute, gateway: gateway, device: "eth0"), in: netns)
        for port in pod.containerPorts {
            network.addListener(Listener(proto: port.proto, port: port.port, name: port.name), in: netns)
        }
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

    mutating func addRouter(_ router: RouterSpec) throws(TopologyError) {
        let netns: NetnsID
        do {
            netns = try network.addNamespace(name: router.name, role: .router(name: router.name))
            routers[router.name] = netns
            network.setIPForward(netns, true)
            for interface in router.interfaces {
                guard let segmentSpec = spec.segments.first(where: { $0.name == interface.segment }) else { continue }
                let nic = try network.addDevice(
                    in: netns, name: interface.name, kind: .ethernet(segment: segments[interface.segment]),
                    mac: .derived(from: "\(router.name)/\(interface.name)"), mtu: segmentSpec.mtu)
                try network.addAddress(IPv4Prefix(address: interface.address, length: segmentSpec.cidr.length), to: nic)
            }
        } catch {
            throw kernelError(router.line, router.fieldPath, error)
        }
        for route in router.routes {
            do {
                try network.addRoute(try Route(parsing: route.text), in: netns)
            } catch {
                failures.append(kernelError(route.line, route.fieldPath, error))
            }
        }
    }

    /// Default routes to segment gateways, and `podRoutes: static` routes to every peer's pod CIDR.
    /// A route the kernel refuses is recorded as a setup failure, not a load error.
    mutating func addNodeRoutes() {
        for node in spec.nodes {
            guard let netns = nodes[node.name], let segment = spec.segments.first(where: { $0.name == node.segment })
            else { continue }
            if let gateway = segment.gateway {
                record(node, Route(destination: .defaultRoute, gateway: gateway, device: node.nic), in: netns)
            }
            guard spec.cni.podRoutes == .static else { continue }
            for peer in spec.nodes where peer.name != node.name {
                record(node, Route(destination: peer.podCIDR, gateway: peer.address, device: node.nic), in: netns)
            }
        }
    }

    mutating func record(_ node: NodeSpec, _ route: Route, in netns: NetnsID) {
        do { try network.addRoute(route, in: netns) } catch {
            failures.append(kernelError(node.line, node.fieldPath, error))
        }
    }
}
