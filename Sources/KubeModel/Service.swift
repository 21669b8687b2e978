import NetCore

/// `spec.type`.
public enum ServiceType: String, Sendable, CaseIterable {
    case clusterIP = "ClusterIP"
    case nodePort = "NodePort"
    case loadBalancer = "LoadBalancer"
    case externalName = "ExternalName"
}

/// `externalTrafficPolicy` / `internalTrafficPolicy`.
public enum TrafficPolicy: String, Sendable, CaseIterable {
    case cluster = "Cluster"
    case local = "Local"
}

/// A service port's `targetPort`: a number, or a container port name resolved per pod.
public enum TargetPort: Hashable, Sendable {
    case number(UInt16)
    case name(String)
}

/// One entry of `spec.ports`.
public struct ServicePort: Hashable, Sendable {
    /// `name`; empty when the Service has a single unnamed port.
    public var name: String
    /// TCP (the API default), UDP or SCTP.
    public var proto: IPProtocol
    public var port: UInt16
    /// Defaults to `port` (API defaulting).
    public var targetPort: TargetPort
    public var nodePort: UInt16?

    public init(
        name: String = "", proto: IPProtocol = .tcp, port: UInt16, targetPort: TargetPort? = nil,
        nodePort: UInt16? = nil
    ) {
        self.name = name
        self.proto = proto
        self.port = port
        self.targetPort = targetPort ?? .number(port)
        self.nodePort = nodePort
    }
}

/// A `status.loadBalancer.ingress` entry.
public struct LoadBalancerIngress: Hashable, Sendable {
    public var ip: IPv4Address
    /// `ipMode`: nil (VIP), `VIP` or `Proxy`.
    public var ipMode: String?
    public init(ip: IPv4Address, ipMode: String? = nil) {
        self.ip = ip
        self.ipMode = ipMode
    }
}

/// A `v1/Service`, reduced to what the dataplane uses, with the API's defaults applied and addresses of the
/// other IP family dropped (this is an IPv4 proxier).
public struct Service: Hashable, Sendable {
    public var namespace: String
    public var name: String
    public var labels: [String: String]
    /// `spec.type`; an unset type behaves as ClusterIP.
    public var type: ServiceType
    /// The IPv4 cluster IP; nil for headless (`None`), ExternalName or an IPv6-only Service.
    public var clusterIP: IPv4Address?
    /// `clusterIP: None`.
    public var isHeadless: Bool
    public var ports: [ServicePort]
    /// `spec.selector`; nil when absent (endpoints are managed by hand).
    public var selector: [String: String]?
    public var externalIPs: [IPv4Address]
    /// `sessionAffinity: ClientIP` → its timeout (`sessionAffinityConfig.clientIP.timeoutSeconds`, default 10800).
    public var affinityTimeout: Int?
    public var externalTrafficPolicy: TrafficPolicy
    public var internalTrafficPolicy: TrafficPolicy
    public var healthCheckNodePort: UInt16?
    public var loadBalancerSourceRanges: [IPv4Prefix]
    public var loadBalancerIngress: [LoadBalancerIngress]
    /// Where the object starts in its file.
    public var line: Int

    public init(
        namespace: String, name: String, labels: [String: String] = [:], type: ServiceType = .clusterIP,
        clusterIP: IPv4Address?, isHeadless: Bool = false, ports: [ServicePort], selector: [String: String]? = nil,
        externalIPs: [IPv4Address] = [], affinityTimeout: Int? = nil, externalTrafficPolicy: TrafficPolicy = .cluster,
        internalTrafficPolicy: TrafficPolicy = .cluster, healthCheckNodePort: UInt16? = nil,
        loadBalancerSourceRanges: [IPv4Prefix] = [], loadBalancerIngress: [LoadBalancerIngress] = [], line: Int = 0
    ) {
        self.namespace = namespace
        self.name = name
        self.labels = labels
        self.type = type
        self.clusterIP = clusterIP
        self.isHeadless = isHeadless
        self.ports = ports
        self.selector = selector
        self.externalIPs = externalIPs
        self.affinityTimeout = affinityTimeout
        self.externalTrafficPolicy = externalTrafficPolicy
        self.internalTrafficPolicy = internalTrafficPolicy
        self.healthCheckNodePort = healthCheckNodePort
        self.loadBalancerSourceRanges = loadBalancerSourceRanges
        self.loadBalancerIngress = loadBalancerIngress
        self.line = line
    }

    /// `namespace/name`.
    public var key: String { "\(namespace)/\(name)" }

    /// True for NodePort and LoadBalancer Services (which allocate node ports).
    public var hasNodePorts: Bool { type == .nodePort || type == .loadBalancer }
}
