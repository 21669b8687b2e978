import NetCore
import Netfilter
import Routing
import Wire

/// Index of a network namespace in its `Network`.
public struct NetnsID: Hashable, Sendable, Comparable {
    public let rawValue: Int
    public init(_ rawValue: Int) { self.rawValue = rawValue }
    public static func < (lhs: NetnsID, rhs: NetnsID) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// Index of a device in its `Network` (unique across namespaces).
public struct DeviceID: Hashable, Sendable, Comparable {
    public let rawValue: Int
    public init(_ rawValue: Int) { self.rawValue = rawValue }
    public static func < (lhs: DeviceID, rhs: DeviceID) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// Index of an underlay L2 segment.
public struct SegmentID: Hashable, Sendable {
    public let rawValue: Int
    public init(_ rawValue: Int) { self.rawValue = rawValue }
}

/// What kind of link a device is.
public enum DeviceKind: Hashable, Sendable {
    /// `lo`.
    case loopback
    /// One end of a veth pair; frames sent here are received by `peer` (`veth_xmit`).
    case veth(peer: DeviceID)
    /// A Linux bridge device (`cni0`): ports are devices whose `master` is this one.
    case bridge
    /// A NIC attached to an underlay L2 segment (nil: unplugged).
    case ethernet(segment: SegmentID?)
    /// A VXLAN device (`ip link add flannel.1 type vxlan id 1 local A dev eth0 dstport 8472 nolearning`).
    case vxlan(VXLANConfig)

    /// The `ip -d link` kind word.
    public var name: String {
        switch self {
        case .loopback: "loopback"
        case .veth: "veth"
        case .bridge: "bridge"
        case .ethernet: "ether"
        case .vxlan: "vxlan"
        }
    }
}

/// A VXLAN device's configuration and its static forwarding database.
///
/// Linux: `struct vxlan_dev` — `vni`, `dst_port`, `saddr`, the underlay `link`, `learning` off for flannel,
/// and FDB entries `MAC dst IP self permanent` (`bridge fdb append … dev flannel.1 dst …`).
public struct VXLANConfig: Hashable, Sendable {
    public var vni: UInt32
    public var port: UInt16
    /// Local VTEP address (outer source).
    public var local: IPv4Address
    /// The underlay device name (`dev eth0`).
    public var underlay: String
    /// Inner destination MAC → remote VTEP address.
    public var fdb: [MACAddress: IPv4Address] = [:]

    public init(vni: UInt32, port: UInt16 = VXLANHeader.flannelPort, local: IPv4Address, underlay: String) {
        self.vni = vni
        self.port = port
        self.local = local
        self.underlay = underlay
    }
}

/// A network device in one namespace.
///
/// Linux: `struct net_device` with its `in_device` (addresses) and bridge-port flags.
public struct Device: Hashable, Sendable {
    public let id: DeviceID
    /// Interface index inside its namespace (`ip link` numbering).
    public let ifindex: Int
    public var name: String
    public let netns: NetnsID
    public var kind: DeviceKind
    public var mac: MACAddress
    public var mtu: Int
    /// Addresses with their prefix length, in the order added (the first is the primary).
    public var addresses: [IPv4Prefix] = []
    /// The bridge this device is a port of.
    public var master: DeviceID?
    public var isUp = true
    /// Bridge-port hairpin mode (`bridge link set dev X hairpin on`).
    public var hairpin = false
    /// `proxy_arp` on this device.
    public var proxyARP = false
    /// `IFF_NOARP`: no neighbour resolution on this device.
    public var noARP = false

    public init(id: DeviceID, ifindex: Int, name: String, netns: NetnsID, kind: DeviceKind, mac: MACAddress, mtu: Int) {
        self.id = id
        self.ifindex = ifindex
        self.name = name
        self.netns = netns
        self.kind = kind
        self.mac = mac
        self.mtu = mtu
    }
}

/// What a namespace stands for in the cluster.
public enum NetnsRole: Hashable, Sendable {
    case node(name: String)
    case pod(namespace: String, name: String, node: String)
    case router(name: String)
    case host(name: String)
}

/// A socket listening in a namespace (a pod's containerPort, a node daemon).
public struct Listener: Hashable, Sendable {
    public var proto: IPProtocol
    public var port: UInt16
    /// The container port name, if any.
    public var name: String?
    public init(proto: IPProtocol, port: UInt16, name: String? = nil) {
        self.proto = proto
        self.port = port
        self.name = name
    }
}

/// A network namespace: devices, routing, forwarding switch and listening sockets.
public struct NetworkNamespace: Hashable, Sendable {
    public let id: NetnsID
    /// The kernel-side name (`ip netns` name), e.g. `node-a`, `pod-default-client`.
    public let name: String
    public let role: NetnsRole
    /// Devices in ifindex order.
    public var devices: [DeviceID] = []
    public var routing = RoutingPolicy()
    /// `net.ipv4.ip_forward`.
    public var ipForward = false
    public var listeners: [Listener] = []
    /// Static neighbour entries (`ip neigh replace … nud permanent`), copied into the learned state.
    public var permanentNeighbors: [NeighborEntry] = []
    /// The namespace's iptables ruleset; nil when nothing loaded netfilter (no conntrack either).
    public var ruleset: RuleIndex?
    /// `net.bridge.bridge-nf-call-iptables`: bridged IPv4 frames traverse the iptables hooks.
    public var bridgeCallsIPTables = true

    public init(id: NetnsID, name: String, role: NetnsRole) {
        self.id = id
        self.name = name
        self.role = role
    }

    /// How traces name this namespace: `node-a`, `pod default/web`, `router r1`.
    public var label: String {
        switch role {
        case .node(let name): name
        case .pod(let namespace, let name, _): "pod \(namespace)/\(name)"
        case .router(let name): "router \(name)"
        case .host(let name): "host \(name)"
        }
    }
}
