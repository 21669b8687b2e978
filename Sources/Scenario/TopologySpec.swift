import NetCore
import YAMLReader

/// Topology problems are located input errors (file, line, field).
public typealias TopologyError = LocatedError

/// A topology file as written (topologies/*.yaml, schema in docs/topology.md). Every element remembers
/// its line so that semantic validation can point at it.
public struct TopologySpec: Sendable {
    public var file: String
    public var name: String
    public var description: String
    public var cni: CNISpec
    public var segments: [SegmentSpec]
    public var nodes: [NodeSpec]
    public var pods: [PodSpec]
    public var routers: [RouterSpec]
    /// Kubernetes objects and the proxy that programs them (nil: no Services).
    public var kubernetes: KubernetesSpec?
    /// Hosts outside the cluster on the underlay (clients of NodePorts and external IPs).
    public var hosts: [HostSpec] = []
    /// The line of each field path as read (`pods[1].node` → 18).
    public var fieldLines: [String: Int] = [:]
}

/// How pods are wired and how nodes reach each other's pod CIDRs.
public struct CNISpec: Sendable {
    public enum Plugin: String, Sendable, CaseIterable {
        /// The CNI `bridge` plugin with host-local IPAM (cni0, gateway .1, veth + 8 hex).
        case bridge
        /// flannel: the bridge plugin on each node plus the VXLAN or host-gw backend between nodes.
        case flannel
        /// Calico: routed veths (`cali…`, /32, proxy ARP for 169.254.1.1) and BGP between nodes.
        case calico
    }
    public enum PodRoutes: String, Sendable, CaseIterable {
        /// No routes to other nodes' pod CIDRs.
        case none
        /// `<peer podCIDR> via <peer node address> dev <nic>` on every node (needs L2 adjacency).
        case `static`
    }
    /// flannel's backend.
    public enum FlannelBackend: String, Sendable, CaseIterable {
        case vxlan
        case hostGW = "host-gw"
    }
    public var plugin: Plugin = .bridge
    /// For the plain bridge plugin.
    public var podRoutes: PodRoutes = .static
    /// The bridge plugin's `hairpinMode` (flannel's delegate config turns it on).
    public var hairpinMode = true
    /// Pod and bridge MTU; nil means what the plugin derives (NIC MTU, minus 50 for VXLAN).
    public var mtu: Int?
    /// flannel: backend, cluster network (`Network` in net-conf.json), VNI and UDP port.
    public var backend: FlannelBackend = .vxlan
    public var network: IPv4Prefix?
    public var vni: UInt32 = 1
    public var port: UInt16 = 8472
    /// Calico: the IP pool and its block size (nodes' `podCIDR` are their blocks).
    public var ipPool: IPv4Prefix?
    public var blockSize = 26
    /// Calico BGP: the cluster AS and whether every node peers with every other.
    public var asNumber: UInt32 = 64512
    public var nodeToNodeMesh = true
    public var line = 0
}

/// BGP settings of a node or router (Calico topologies).
public struct BGPRoleSpec: Sendable {
    /// The speaker's AS; nil means the cluster's (`cni.asNumber`).
    public var asNumber: UInt32?
    /// Route reflector for the nodes it peers with (BIRD `rr client`; cluster ID = its address).
    public var routeReflector = false
}

/// An underlay L2 segment.
public struct SegmentSpec: Sendable {
    public var name: String
    public var cidr: IPv4Prefix
    /// The default gateway nodes on this segment use (a router interface), if any.
    public var gateway: IPv4Address?
    public var mtu: Int
    public var line: Int
}

/// A Kubernetes node.
public struct NodeSpec: Sendable {
    public var name: String
    public var segment: String
    public var address: IPv4Address
    public var podCIDR: IPv4Prefix
    public var nic: String
    public var listeners: [ListenerSpec]
    public var bgp: BGPRoleSpec?
    public var line: Int
    public var fieldPath: String
}

/// A pod.
public struct PodSpec: Sendable {
    public var name: String
    public var namespace: String
    public var node: String
    public var ip: IPv4Address?
    public var labels: [String: String]
    public var containerPorts: [ListenerSpec]
    public var line: Int
    public var fieldPath: String
}

/// A listening socket (`containerPorts` entry, or a node daemon).
public struct ListenerSpec: Sendable {
    public var name: String?
    public var port: UInt16
    public var proto: IPProtocol
}

/// A router joining segments.
public struct RouterSpec: Sendable {
    public struct Interface: Sendable {
        public var name: String
        public var segment: String
        public var address: IPv4Address
        public var line: Int
        public var fieldPath: String
    }
    public var name: String
    public var interfaces: [Interface]
    /// Routes in `ip route add` syntax, with the line of each.
    public var routes: [(text: String, line: Int, fieldPath: String)]
    /// Set when the router speaks BGP with the cluster (a ToR or a route reflector).
    public var bgp: BGPRoleSpec?
    public var line: Int
    public var fieldPath: String
}

/// The `kubernetes` section: manifests with Services (and optionally EndpointSlices, Pods, Nodes) and how
/// kube-proxy runs on every node.
public struct KubernetesSpec: Sendable {
    public enum ProxyMode: String, Sendable, CaseIterable {
        case iptables
        case none
    }
    /// Manifest files, resolved against the topology file's folder.
    public var manifests: [String]
    public var proxyMode: ProxyMode = .iptables
    /// The local-traffic detector's cluster CIDR; nil derives it from the CNI (flannel network, Calico pool,
    /// or the smallest prefix holding every podCIDR).
    public var clusterCIDR: IPv4Prefix?
    public var masqueradeAll = false
    public var line: Int
}

/// A machine outside the cluster on an underlay segment.
public struct HostSpec: Sendable {
    public var name: String
    public var segment: String
    public var address: IPv4Address
    /// Default gateway; nil means only the segment is reachable.
    public var gateway: IPv4Address?
    public var listeners: [ListenerSpec]
    public var line: Int
    public var fieldPath: String
}
