import KubeModel
import NetCore

/// One endpoint of a service port as kube-proxy sees it.
public struct EndpointInfo: Hashable, Sendable {
    public var ip: IPv4Address
    public var port: UInt16
    public var isLocal: Bool
    public var ready: Bool
    public var serving: Bool
    public var terminating: Bool
    /// Whether the endpoint carries zone hints, and whether one names this node's zone.
    public var zoneHint: HintMatch
    /// The same for node hints (only when PreferSameTrafficDistribution is on; `.none` otherwise).
    public var nodeHint: HintMatch
    /// `ip:port`, the sort key and the SEP hash input.
    public var text: String
    /// `KUBE-SEP-…`.
    public var chain: String
}

/// How an endpoint's topology hints relate to this node.
public enum HintMatch: Hashable, Sendable {
    /// The endpoint has no hints of this kind.
    case none
    /// A hint names this node (or its zone).
    case here
    /// Hints exist but all name other nodes (zones).
    case elsewhere

    init(_ hints: [String], _ mine: String) {
        self = hints.isEmpty ? .none : hints.contains(mine) ? .here : .elsewhere
    }
}

/// One port of one Service with everything a sync needs: names, addresses, policies and its endpoints
/// (deduplicated by `ip:port` and sorted by that string, as kube-proxy does). Immutable and shared by
/// reference: a large sync passes tens of thousands of these around.
public final class ServicePortInfo: Sendable {
    public let service: Service
    public let port: ServicePort
    /// `ns/name:port` (or `ns/name` for an unnamed port).
    public let name: String
    /// `tcp`, `udp`, `sctp`.
    public let proto: String
    public let hash: String
    public let endpoints: [EndpointInfo]
    /// LB ingress IPs this proxier programs (ipMode Proxy skipped when LoadBalancerIPMode is on).
    public let loadBalancerIPs: [IPv4Address]
    public let clusterChain: String
    public let localChain: String
    public let externalChain: String
    public let firewallChain: String

    public init(
        service: Service, port: ServicePort, name: String, proto: String, hash: String, endpoints: [EndpointInfo],
        loadBalancerIPs: [IPv4Address]
    ) {
        self.service = service
        self.port = port
        self.name = name
        self.proto = proto
        self.hash = hash
        self.endpoints = endpoints
        self.loadBalancerIPs = loadBalancerIPs
        clusterChain = "KUBE-SVC-" + hash
        localChain = "KUBE-SVL-" + hash
        externalChain = "KUBE-EXT-" + hash
        firewallChain = "KUBE-FW-" + hash
    }

    /// NodePort, externalIP or LB IP present.
    public var isExternallyAccessible: Bool {
        port.nodePort != nil || !loadBalancerIPs.isEmpty || !service.externalIPs.isEmpty
    }

    /// Every service port with a cluster IP, with its endpoints from `slices`.
    public static func build(services: [Service], slices: [EndpointSlice], config: ProxyConfig) -> [ServicePortInfo] {
        var slicesByService: [String: [EndpointSlice]] = [:]
        for slice in slices { slicesByService[slice.serviceKey, default: []].append(slice) }
        // Hashing chain names dominates: large inputs are built in pieces on all cores, kept in order.
        return Parallel.map(Parallel.chunks(services.count, minimum: 2000)) { range in
            build(services[range], slicesByService: slicesByService, config: config)
        }.flatMap { $0 }
    }

    static func build(
        _ services: ArraySlice<Service>, slicesByService: [String: [EndpointSlice]], config: ProxyConfig
    ) -> [ServicePortInfo] {
        var result: [ServicePortInfo] = []
        for service in services {
            guard let _ = service.clusterIP, !service.isHeadless else { continue }
            let lbIPs =
                service.type == .loadBalancer
                ? service.loadBalancerIngress.filter { !config.loadBalancerIPModeEnabled || $0.ipMode != "Proxy" }.map(
                    \.ip)
                : []
            for port in service.ports {
                let name = port.name.isEmpty ? service.key : "\(service.key):\(port.name)"
                let proto = "\(port.proto)"
                let endpoints = collect(
                    slicesByService[service.key] ?? [], port: port, name: name, proto: proto, config: config)
                result.append(
                    ServicePortInfo(
                        service: service, port: port, name: name, proto: proto,
                        hash: ChainNames.servicePortHash(name, proto: proto), endpoints: endpoints,
                        loadBalancerIPs: lbIPs))
            }
        }
        return result
    }

    static func collect(_ slices: [EndpointSlice], port: ServicePort, name: String, proto: String, config: ProxyConfig)
        -> [EndpointInfo]
    {
        var seen: Set<UInt64> = []
        var endpoints: [EndpointInfo] = []
        let zone = config.zone
        let nodeHints = config.preferSameNodeEnabled
        for slice in slices {
            guard let slicePort = slice.ports.first(where: { $0.name == port.name && $0.proto == port.proto }),
                let number = slicePort.port
            else { continue }
            for endpoint in slice.endpoints {
                guard let ip = endpoint.addresses.first else { continue }
                guard seen.insert(UInt64(ip.rawValue) << 16 | UInt64(number)).inserted else { continue }
                let text = ip.description + ":" + String(number)
                endpoints.append(
                    EndpointInfo(
                        ip: ip, port: number, isLocal: endpoint.nodeName == config.nodeName,
                        ready: endpoint.conditions.isReady,
                        serving: endpoint.conditions.isServing, terminating: endpoint.conditions.isTerminating,
                        zoneHint: HintMatch(endpoint.zoneHints, zone),
                        nodeHint: nodeHints ? HintMatch(endpoint.nodeHints, config.nodeName) : .none,
                        text: text,
                        chain: ChainNames.endpointChain(name, proto: proto, endpoint: text)))
            }
        }
        return endpoints.sorted { $0.text.utf8.lexicographicallyPrecedes($1.text.utf8) }
    }
}

/// kube-proxy's `CategorizeEndpoints`: which endpoints serve cluster traffic, which serve local-policy
/// traffic, and whether the service has any at all. Cluster endpoints follow topology hints: when every
/// ready endpoint has node hints and one names this node, only those hinted for this node (with the
/// PreferSameTrafficDistribution gate); else when every ready endpoint has zone hints and one names this
/// node's zone, only those hinted for the zone. Local endpoints ignore hints.
public struct EndpointCategories: Sendable {
    public var cluster: [EndpointInfo]
    public var local: [EndpointInfo]
    /// Every endpoint a chain is written for (cluster ∪ local, in endpoint order).
    public var reachable: [EndpointInfo]
    public var hasAny: Bool

    public init(_ info: ServicePortInfo) {
        let usesCluster =
            info.service.internalTrafficPolicy == .cluster
            || info.service.externalTrafficPolicy == .cluster
                && info.isExternallyAccessible
        let usesLocal =
            info.service.internalTrafficPolicy == .local
            || info.service.externalTrafficPolicy == .local
                && info.isExternallyAccessible
        let all = info.endpoints
        // The common case (every endpoint ready) needs no filtering at all.
        let allReady = all.allSatisfy(\.ready)
        var clusterSet = allReady ? all : all.filter(\.ready)
        if let filter = EndpointCategories.topologyFilter(clusterSet) { clusterSet = clusterSet.filter(filter) }
        if clusterSet.isEmpty { clusterSet = all.filter { $0.serving && $0.terminating } }
        var localSet = all.filter { $0.isLocal && $0.ready }
        if localSet.isEmpty { localSet = all.filter { $0.isLocal && $0.serving && $0.terminating } }
        cluster = usesCluster ? clusterSet : []
        local = usesLocal ? localSet : []
        hasAny = !clusterSet.isEmpty || !localSet.isEmpty
        if local.isEmpty {
            reachable = cluster
        } else if cluster.isEmpty {
            reachable = local
        } else {
            // Both in endpoint order; merge by address and port.
            let chosen = Set(cluster.map { UInt64($0.ip.rawValue) << 16 | UInt64($0.port) })
                .union(local.map { UInt64($0.ip.rawValue) << 16 | UInt64($0.port) })
            reachable = all.filter { chosen.contains(UInt64($0.ip.rawValue) << 16 | UInt64($0.port)) }
        }
    }

    /// The filter of the topology mode the ready endpoints' hints select, or nil for no filtering.
    static func topologyFilter(_ ready: [EndpointInfo]) -> ((EndpointInfo) -> Bool)? {
        guard ready.contains(where: { $0.zoneHint != .none || $0.nodeHint != .none }) else { return nil }
        if ready.allSatisfy({ $0.nodeHint != .none }), ready.contains(where: { $0.nodeHint == .here }) {
            return { $0.nodeHint == .here }
        }
        if ready.allSatisfy({ $0.zoneHint != .none }), ready.contains(where: { $0.zoneHint == .here }) {
            return { $0.zoneHint == .here }
        }
        return nil
    }
}
