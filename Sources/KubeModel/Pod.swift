import NetCore

/// A container port of a pod.
public struct ContainerPort: Hashable, Sendable {
    public var name: String?
    public var port: UInt16
    public var proto: IPProtocol
    public init(name: String? = nil, port: UInt16, proto: IPProtocol = .tcp) {
        self.name = name
        self.port = port
        self.proto = proto
    }
}

/// A `v1/Pod`, as far as endpoints need it.
public struct Pod: Hashable, Sendable {
    public var namespace: String
    public var name: String
    public var labels: [String: String]
    public var nodeName: String?
    public var ip: IPv4Address?
    /// `status.conditions[type=Ready].status == "True"` (and the pod is Running).
    public var isReady: Bool
    /// `metadata.deletionTimestamp` is set.
    public var isTerminating: Bool
    public var ports: [ContainerPort]
    public var line: Int

    public init(
        namespace: String, name: String, labels: [String: String] = [:], nodeName: String? = nil, ip: IPv4Address?,
        isReady: Bool = true, isTerminating: Bool = false, ports: [ContainerPort] = [], line: Int = 0
    ) {
        self.namespace = namespace
        self.name = name
        self.labels = labels
        self.nodeName = nodeName
        self.ip = ip
        self.isReady = isReady
        self.isTerminating = isTerminating
        self.ports = ports
        self.line = line
    }
}

/// A `v1/Node`: its name, InternalIP and podCIDR.
public struct Node: Hashable, Sendable {
    public var name: String
    public var internalIP: IPv4Address?
    public var podCIDR: IPv4Prefix?
    public var line: Int
    public init(name: String, internalIP: IPv4Address? = nil, podCIDR: IPv4Prefix? = nil, line: Int = 0) {
        self.name = name
        self.internalIP = internalIP
        self.podCIDR = podCIDR
        self.line = line
    }
}

/// Everything read from a set of manifests.
public struct Manifest: Sendable {
    public var services: [Service] = []
    public var slices: [EndpointSlice] = []
    public var pods: [Pod] = []
    public var nodes: [Node] = []
    /// Objects of other kinds (ConfigMap, Deployment …), counted by kind; they do not affect the dataplane.
    public var ignoredKinds: [String: Int] = [:]
    public init() {}
}
