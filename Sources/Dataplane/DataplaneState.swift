import NetCore
import Netfilter
import Routing
import Wire

/// Learned state: neighbour caches, bridge FDBs and the simulated clock. Separate from the configured
/// `Network` so that a trace can start from a clean or a warm state.
public struct DataplaneState: Hashable, Sendable {
    /// Neighbour table per namespace, indexed by `NetnsID.rawValue`.
    public var neighbors: [NeighborTable]
    /// FDB per bridge device.
    public var fdb: [DeviceID: ForwardingDatabase]
    /// The simulated clock.
    public var now: Instant
    /// Conntrack table per namespace, indexed by `NetnsID.rawValue`.
    public var conntrack: [ConntrackTable]
    /// xt_recent lists per namespace.
    public var recent: [RecentTable]
    /// Sockets that sent something (connect()/sendto()), per namespace: answers to them are delivered.
    public var connectedSockets: [Set<ConnectedSocket>]

    /// Fresh state for `network`: empty neighbour caches, FDBs holding only the local entries (the bridge's
    /// own MAC and each port's MAC, as `bridge fdb show` lists them `permanent`).
    public init(network: Network, now: Instant = .zero) {
        neighbors = Array(repeating: NeighborTable(), count: network.namespaces.count)
        fdb = [:]
        self.now = now
        conntrack = Array(repeating: ConntrackTable(), count: network.namespaces.count)
        recent = Array(repeating: RecentTable(), count: network.namespaces.count)
        connectedSockets = Array(repeating: [], count: network.namespaces.count)
        for netns in network.namespaces {
            for entry in netns.permanentNeighbors {
                if let mac = entry.mac {
                    neighbors[netns.id.rawValue].addPermanent(entry.address, device: entry.device, mac: mac)
                }
            }
        }
        for device in network.devices where device.kind == .bridge {
            var table = ForwardingDatabase()
            table.addLocal(device.mac, port: device.id)
            for port in network.ports(of: device.id) { table.addLocal(network.device(port).mac, port: port) }
            fdb[device.id] = table
        }
    }
}

/// A client socket: its local and remote ends (Linux: an entry in the TCP/UDP established hash).
public struct ConnectedSocket: Hashable, Sendable {
    public var proto: IPProtocol
    public var localAddress: IPv4Address
    public var localPort: UInt16
    public var remoteAddress: IPv4Address
    public var remotePort: UInt16

    public init(
        proto: IPProtocol, localAddress: IPv4Address, localPort: UInt16, remoteAddress: IPv4Address, remotePort: UInt16
    ) {
        self.proto = proto
        self.localAddress = localAddress
        self.localPort = localPort
        self.remoteAddress = remoteAddress
        self.remotePort = remotePort
    }

    /// The socket a packet sent by it belongs to.
    init?(sending packet: IPv4Packet) {
        guard let ports = packet.ports else { return nil }
        self.init(
            proto: packet.header.protocol, localAddress: packet.header.source, localPort: ports.source,
            remoteAddress: packet.header.destination, remotePort: ports.destination)
    }

    /// The socket a received packet is addressed to.
    init?(receiving packet: IPv4Packet) {
        guard let ports = packet.ports else { return nil }
        self.init(
            proto: packet.header.protocol, localAddress: packet.header.destination, localPort: ports.destination,
            remoteAddress: packet.header.source, remotePort: ports.source)
    }
}
