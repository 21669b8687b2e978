import NetCore

/// `endpoints[].conditions`; nil means the field was not set.
public struct EndpointConditions: Hashable, Sendable {
    public var ready: Bool?
    public var serving: Bool?
    public var terminating: Bool?

    public init(ready: Bool? = nil, serving: Bool? = nil, terminating: Bool? = nil) {
        self.ready = ready
        self.serving = serving
        self.terminating = terminating
    }

    /// kube-proxy's reading: unset ready or serving means true, unset terminating means false.
    public var isReady: Bool { ready ?? true }
    public var isServing: Bool { serving ?? true }
    public var isTerminating: Bool { terminating ?? false }
}

/// One `endpoints[]` entry.
public struct Endpoint: Hashable, Sendable {
    public var addresses: [IPv4Address]
    public var conditions: EndpointConditions
    public var nodeName: String?
    public var zone: String?
    /// `hints.forZones[].name`: the zones the EndpointSlice controller meant this endpoint for.
    public var zoneHints: [String]
    /// `hints.forNodes[].name` (trafficDistribution PreferSameNode).
    public var nodeHints: [String]

    public init(
        addresses: [IPv4Address], conditions: EndpointConditions = EndpointConditions(), nodeName: String? = nil,
        zone: String? = nil, zoneHints: [String] = [], nodeHints: [String] = []
    ) {
        self.addresses = addresses
        self.conditions = conditions
        self.nodeName = nodeName
        self.zone = zone
        self.zoneHints = zoneHints
        self.nodeHints = nodeHints
    }
}

/// One `ports[]` entry of a slice.
public struct EndpointPort: Hashable, Sendable {
    /// Matches the Service port's name (empty for an unnamed port).
    public var name: String
    public var port: UInt16?
    public var proto: IPProtocol

    public init(name: String = "", port: UInt16?, proto: IPProtocol = .tcp) {
        self.name = name
        self.port = port
        self.proto = proto
    }
}

/// A `discovery.k8s.io/v1` EndpointSlice (IPv4 only; IPv6 and FQDN slices are dropped when loading).
public struct EndpointSlice: Hashable, Sendable {
    public var namespace: String
    public var name: String
    /// The `kubernetes.io/service-name` label.
    public var serviceName: String
    public var endpoints: [Endpoint]
    public var ports: [EndpointPort]
    /// Built by the EndpointSlice controller from pods, not read from a file.
    public var isGenerated: Bool
    public var line: Int

    public init(
        namespace: String, name: String, serviceName: String, endpoints: [Endpoint], ports: [EndpointPort],
        isGenerated: Bool = false, line: Int = 0
    ) {
        self.namespace = namespace
        self.name = name
        self.serviceName = serviceName
        self.endpoints = endpoints
        self.ports = ports
        self.isGenerated = isGenerated
        self.line = line
    }

    /// `namespace/serviceName`, the Service this slice belongs to.
    public var serviceKey: String { "\(namespace)/\(serviceName)" }
}

/// The label tying a slice to its Service.
public let serviceNameLabel = "kubernetes.io/service-name"
