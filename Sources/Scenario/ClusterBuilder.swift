import BGP
import Dataplane
import KubeModel
import NetCore
import Routing

/// Wires a validated topology into a `Network` as kubelet, the CNI plugin and the network agent would:
/// per node a netns with its NIC; pods wired by the plugin (`+Bridge`, `+Flannel`, `+Calico`); routers
/// joining segments; then the routes between nodes (static, flannel's, or what BGP converged to).
struct ClusterBuilder {
    let spec: TopologySpec
    var network = Network()
    var nodes: [String: NetnsID] = [:]
    var routers: [String: NetnsID] = [:]
    var pods: [PodInstance] = []
    var failures: [TopologyError] = []
    var segments: [String: SegmentID] = [:]
    var bgp: ClusterBGP?
    var hosts: [String: NetnsID] = [:]
    var services: [Service] = []
    var endpointSlices: [EndpointSlice] = []

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
        for host in spec.hosts { try addHost(host) }
        addDefaultRoutes()
        switch spec.cni.plugin {
        case .bridge: if spec.cni.podRoutes == .static { addStaticPodRoutes() }
        case .flannel: try addFlannelBackend()
        case .calico: addCalicoRoutes()
        }
        try addNetfilter()
        var cluster = Cluster(
            spec: spec, dataplane: Dataplane(network: network), nodes: nodes, pods: pods, routers: routers,
            setupFailures: failures, bgp: bgp)
        cluster.hosts = hosts
        cluster.services = services
        cluster.endpointSlices = endpointSlices
        return cluster
    }

    /// The node netns, its NIC and address, its listeners, then its pods as the plugin wires them.
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
            let placed = nodePods.compactMap { pod in
                (pod.ip ?? addresses["\(pod.namespace)/\(pod.name)"]).map { (pod, $0) }
            }
            switch spec.cni.plugin {
            case .bridge, .flannel:
                try addBridgePods(placed, node: node, netns: netns, mtu: podMTU(nicMTU: segmentSpec.mtu))
            case .calico:
                try addCalicoPods(placed, node: node, netns: netns, mtu: podMTU(nicMTU: segmentSpec.mtu))
            }
        } catch {
            throw kernelError(node.line, node.fieldPath, error)
        }
    }

    /// The pod MTU the plugin sets: explicit, else the NIC's (minus VXLAN's 50 bytes for flannel VXLAN).
    func podMTU(nicMTU: Int) -> Int {
        if let mtu = spec.cni.mtu { return mtu }
        return spec.cni.plugin == .flannel && spec.cni.backend == .vxlan ? nicMTU - 50 : nicMTU
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
                try network.addAddress(
                    IPv4Prefix(address: interface.address, length: segmentSpec.cidr.length), to: nic)
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

    /// `default via <segment gateway>` on every node whose segment names one.
    mutating func addDefaultRoutes() {
        for node in spec.nodes {
            guard let netns = nodes[node.name],
                let gateway = spec.segments.first(where: { $0.name == node.segment })?.gateway
            else { continue }
            install(Route(destination: .defaultRoute, gateway: gateway, device: node.nic), on: node, in: netns)
        }
    }

    /// Adds a route; one the kernel refuses becomes a setup failure located at the node, not a load error.
    mutating func install(_ route: Route, on node: NodeSpec, in netns: NetnsID) {
        do { try network.addRoute(route, in: netns) } catch {
            failures.append(kernelError(node.line, node.fieldPath, error))
        }
    }
}
