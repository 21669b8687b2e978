import BGP
import Crypto
import Dataplane
import NetCore
import Routing

/// The BGP side of a Calico cluster: who peered, what converged, and what the kernels got.
public struct ClusterBGP: Sendable {
    public var topology: BGPTopology
    /// The converged protocol state.
    public var simulation: BGPSimulation
    public var convergence: ConvergenceStats
    /// Speaker index by node or router name.
    public var speakerIndex: [String: Int]
    /// Routes BIRD could not install because the next hop did not resolve (speaker, route text).
    public var unresolved: [(speaker: String, prefix: IPv4Prefix, nextHop: IPv4Address)]
}

extension ClusterBuilder {
    /// Calico CNI (reference §9.2): per pod a veth whose host end is `cali` + 11 hex of
    /// sha1("namespace.name") with MAC `ee:ee:ee:ee:ee:ee`, no address and proxy ARP on; the pod gets
    /// `ip/32`, `169.254.1.1 dev eth0 scope link` and `default via 169.254.1.1 dev eth0`; the host gets
    /// `ip dev caliX scope link`.
    mutating func addCalicoPods(_ placed: [(PodSpec, IPv4Address)], node: NodeSpec, netns: NetnsID, mtu: Int)
        throws(NetworkError)
    {
        let linkLocal = IPv4Address(169, 254, 1, 1)
        for (pod, ip) in placed {
            let podNetns = try addPodNamespace(pod, node: node)
            let hostName = Self.calicoVethName(namespace: pod.namespace, name: pod.name)
            let (hostEnd, podEnd) = try network.addVethPair(
                (netns, hostName, Self.calicoHostMAC),
                (podNetns, "eth0", .derived(from: "\(pod.namespace)/\(pod.name)/eth0")),
                mtu: mtu)
            network.setProxyARP(hostEnd, true)
            try network.addAddress(IPv4Prefix(address: ip, length: 32), to: podEnd)
            try network.addRoute(
                Route(destination: IPv4Prefix(address: linkLocal, length: 32), device: "eth0", scope: .link),
                in: podNetns)
            try network.addRoute(Route(destination: .defaultRoute, gateway: linkLocal, device: "eth0"), in: podNetns)
            try network.addRoute(
                Route(destination: IPv4Prefix(address: ip, length: 32), device: hostName, scope: .link), in: netns)
            record(pod, ip: ip, node: node, netns: podNetns)
        }
    }

    /// Every cali interface carries this MAC.
    static let calicoHostMAC = MACAddress(rawValue: 0xEEEE_EEEE_EEEE)

    /// `cali` + the first 11 hex characters of sha1("<namespace>.<name>") (libcalico-go VethNameForWorkload).
    static func calicoVethName(namespace: String, name: String) -> String {
        let digest = Insecure.SHA1.hash(data: Array("\(namespace).\(name)".utf8))
        let hex = digest.map { byte in (byte < 16 ? "0" : "") + String(byte, radix: 16) }.joined()
        return "cali" + hex.prefix(11)
    }

    /// Builds the BGP speakers and sessions, runs them to convergence and installs what BIRD would:
    /// learned routes `proto bird metric 32` (next hop resolved recursively through the kernel table) and a
    /// `blackhole <block> proto bird` for each node's own block.
    mutating func addCalicoRoutes() {
        let (topology, index) = calicoBGPTopology()
        var simulation = BGPSimulation(topology: topology)
        let stats = simulation.start()
        var unresolved: [(String, IPv4Prefix, IPv4Address)] = []
        for (speakerIndex, speaker) in topology.speakers.enumerated() {
            guard let netns = nodes[speaker.name] ?? routers[speaker.name] else { continue }
            for prefix in speaker.originated {
                installBIRD(
                    Route(type: .blackhole, destination: prefix, metric: Self.birdMetric, proto: .bird),
                    speaker: speaker.name, in: netns)
            }
            for route in simulation.routes(of: speakerIndex) where route.learnedFrom != nil {
                guard let kernelRoute = resolve(route, in: netns) else {
                    unresolved.append((speaker.name, route.prefix, route.attributes.nextHop))
                    continue
                }
                installBIRD(kernelRoute, speaker: speaker.name, in: netns)
            }
        }
        bgp = ClusterBGP(
            topology: topology, simulation: simulation, convergence: stats, speakerIndex: index, unresolved: unresolved)
    }

    /// Adds a route BIRD exports; one the kernel refuses is recorded as a setup failure at the speaker.
    mutating func installBIRD(_ route: Route, speaker: String, in netns: NetnsID) {
        do { try network.addRoute(route, in: netns) } catch {
            let node = spec.nodes.first { $0.name == speaker }
            let router = spec.routers.first { $0.name == speaker }
            failures.append(
                kernelError(node?.line ?? router?.line ?? 0, node?.fieldPath ?? router?.fieldPath ?? speaker, error))
        }
    }

    /// The metric BIRD's kernel protocol gives the routes it installs (its `metric` option, default 32).
    static let birdMetric: UInt32 = 32

    /// BIRD `gateway recursive`: a next hop on a connected subnet is used as is; otherwise the kernel route
    /// towards it supplies the gateway.
    func resolve(_ route: BGPRoute, in netns: NetnsID) -> Route? {
        let nextHop = route.attributes.nextHop
        guard !network.isLocal(nextHop, in: netns),
            let path = network.namespace(netns).routing.lookup(nextHop, source: nil)?.route, path.type == .unicast,
            let device = path.device
        else { return nil }
        return Route(
            destination: route.prefix, gateway: path.gateway ?? nextHop, device: device, metric: Self.birdMetric,
            proto: .bird)
    }
}

extension ClusterBuilder {
    /// Speakers: every node (AS `cni.asNumber` unless its own), every router with `bgp`. Sessions: the
    /// node-to-node mesh when enabled; node route reflectors with every other node as client (and with each
    /// other); routers with every node on a segment they share (iBGP reflector with clients, or eBGP).
    func calicoBGPTopology() -> (BGPTopology, [String: Int]) {
        var speakers: [BGPSpeaker] = []
        var index: [String: Int] = [:]
        for node in spec.nodes {
            index[node.name] = speakers.count
            let reflector = node.bgp?.routeReflector ?? false
            speakers.append(
                BGPSpeaker(
                    name: node.name, routerID: node.address, asn: node.bgp?.asNumber ?? spec.cni.asNumber,
                    originated: [node.podCIDR], clusterID: reflector ? node.address : nil))
        }
        var sessions: [BGPSession] = []
        let nodeIndices = spec.nodes.compactMap { index[$0.name] }
        let reflectors = spec.nodes.filter { $0.bgp?.routeReflector == true }.compactMap { index[$0.name] }
        if spec.cni.nodeToNodeMesh {
            sessions += BGPTopology.fullMesh(nodeIndices)
        } else {
            sessions += BGPTopology.fullMesh(reflectors)
            for reflector in reflectors {
                for client in nodeIndices where !reflectors.contains(client) {
                    sessions.append(BGPSession(reflector, client, aReflectsB: true))
                }
            }
        }
        for router in spec.routers {
            guard let role = router.bgp, let first = router.interfaces.first else { continue }
            let routerIndex = speakers.count
            index[router.name] = routerIndex
            let asn = role.asNumber ?? spec.cni.asNumber
            speakers.append(
                BGPSpeaker(
                    name: router.name, routerID: first.address, asn: asn,
                    clusterID: role.routeReflector ? first.address : nil))
            for node in spec.nodes {
                guard let interface = router.interfaces.first(where: { $0.segment == node.segment }),
                    let nodeIndex = index[node.name]
                else { continue }
                let reflects = role.routeReflector && asn == speakers[nodeIndex].asn
                sessions.append(BGPSession(routerIndex, nodeIndex, aReflectsB: reflects, aAddress: interface.address))
            }
        }
        return (BGPTopology(speakers: speakers, sessions: sessions), index)
    }
}
