import Dataplane
import KubeModel
import NetCore
import Routing

/// A pod placed in the emulated cluster.
public struct PodInstance: Sendable {
    public var namespace: String
    public var name: String
    public var node: String
    public var ip: IPv4Address
    public var netns: NetnsID
    public var labels: [String: String]
    public var containerPorts: [ListenerSpec]
}

/// A topology turned into a ready emulated cluster: the dataplane plus the names users refer to.
public struct Cluster: Sendable {
    public var spec: TopologySpec
    public var dataplane: Dataplane
    /// Node name → its netns.
    public var nodes: [String: NetnsID]
    public var pods: [PodInstance]
    /// Router name → its netns.
    public var routers: [String: NetnsID]
    /// Operations the emulated kernel refused while wiring (e.g. a host-gw route to a gateway that is not
    /// on-link), with where they came from. The topology still loads; traces show the consequence.
    public var setupFailures: [TopologyError]
    /// BGP speakers, sessions and converged state (Calico topologies).
    public var bgp: ClusterBGP?
    /// External host name → its netns.
    public var hosts: [String: NetnsID] = [:]
    /// The Services of the `kubernetes` section, and the slices kube-proxy used (explicit or generated).
    public var services: [Service] = []
    public var endpointSlices: [EndpointSlice] = []

    /// Loads, validates and wires a topology file. Throws every validation error at once.
    public static func load(path: String) throws(TopologyErrors) -> Cluster {
        let spec: TopologySpec
        do { spec = try TopologyLoader.load(path: path) } catch { throw TopologyErrors(errors: [error]) }
        return try build(spec)
    }

    /// Validates and wires `spec`.
    public static func build(_ spec: TopologySpec) throws(TopologyErrors) -> Cluster {
        let errors = TopologyValidator.validate(spec)
        guard errors.isEmpty else { throw TopologyErrors(errors: errors) }
        do {
            return try ClusterBuilder(spec: spec).build()
        } catch {
            throw TopologyErrors(errors: [error])
        }
    }

    /// Finds a pod by `name` or `namespace/name`.
    public func pod(_ reference: String) -> PodInstance? {
        let parts = reference.split(separator: "/", maxSplits: 1).map(String.init)
        if parts.count == 2 { return pods.first { $0.namespace == parts[0] && $0.name == parts[1] } }
        let matches = pods.filter { $0.name == reference }
        return matches.count == 1 ? matches[0] : matches.first { $0.namespace == "default" }
    }

    /// The underlay address of a node, or a router's first interface address.
    public func nodeAddress(_ name: String) -> IPv4Address? {
        spec.nodes.first { $0.name == name }?.address ?? spec.hosts.first { $0.name == name }?.address
            ?? spec.routers.first { $0.name == name }?.interfaces.first?.address
    }

    /// A Service by `namespace/name` (or `name` in `default`).
    public func service(_ reference: String) -> Service? {
        let parts = reference.split(separator: "/", maxSplits: 1).map(String.init)
        let (namespace, name) = parts.count == 2 ? (parts[0], parts[1]) : ("default", parts[0])
        return services.first { $0.namespace == namespace && $0.name == name }
    }
}

/// Several topology errors, reported together.
public struct TopologyErrors: Error, Sendable, CustomStringConvertible {
    public var errors: [TopologyError]
    public init(errors: [TopologyError]) { self.errors = errors }
    public var description: String { errors.map(\.description).joined(separator: "\n") }
}
