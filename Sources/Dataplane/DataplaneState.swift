import NetCore
import Netfilter
import Routing

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

    /// Fresh state for `network`: empty neighbour caches, FDBs holding only the local entries (the bridge's
    /// own MAC and each port's MAC, as `bridge fdb show` lists them `permanent`).
    public init(network: Network, now: Instant = .zero) {
        neighbors = Array(repeating: NeighborTable(), count: network.namespaces.count)
        fdb = [:]
        self.now = now
        conntrack = Array(repeating: ConntrackTable(), count: network.namespaces.count)
        recent = Array(repeating: RecentTable(), count: network.namespaces.count)
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
