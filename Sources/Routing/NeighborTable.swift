import NetCore

/// Neighbour entry states (`NUD_*`) that the emulator distinguishes.
public enum NeighborState: String, Hashable, Sendable {
    /// Resolution in progress (no address yet).
    case incomplete = "INCOMPLETE"
    /// Confirmed within `reachableTime`.
    case reachable = "REACHABLE"
    /// Not confirmed recently; still used (Linux then probes in the background).
    case stale = "STALE"
    /// Resolution failed.
    case failed = "FAILED"
    /// Static, never ages (`ip neigh add … nud permanent`; flannel's VTEP entries).
    case permanent = "PERMANENT"
}

/// One neighbour entry.
public struct NeighborEntry: Hashable, Sendable, CustomStringConvertible {
    public var address: IPv4Address
    public var device: String
    public var mac: MACAddress?
    public var state: NeighborState
    /// When the entry was last confirmed.
    public var updated: Instant

    public init(address: IPv4Address, device: String, mac: MACAddress?, state: NeighborState, updated: Instant) {
        self.address = address
        self.device = device
        self.mac = mac
        self.state = state
        self.updated = updated
    }

    /// `ip neigh` syntax: `10.244.1.1 dev eth0 lladdr 0a:58:0a:f4:01:01 REACHABLE`.
    public var description: String {
        var text = "\(address) dev \(device)"
        if let mac { text += " lladdr \(mac)" }
        return text + " \(state.rawValue)"
    }
}

/// A namespace's neighbour (ARP) cache, keyed by device and address.
///
/// Linux: `struct neigh_table arp_tbl`. States age on the simulated clock: REACHABLE becomes STALE after
/// `reachableTime` (the kernel randomises 15–45 s around `base_reachable_time` 30 s; the emulator uses 30 s).
public struct NeighborTable: Hashable, Sendable {
    public struct Key: Hashable, Sendable {
        public var device: String
        public var address: IPv4Address
        public init(device: String, address: IPv4Address) {
            self.device = device
            self.address = address
        }
    }

    public private(set) var entries: [Key: NeighborEntry] = [:]
    /// Seconds a confirmed entry stays REACHABLE.
    public var reachableTime: Double = 30

    public init() {}

    /// The entry for `address` on `device`, with its state as of `now`.
    public func lookup(_ address: IPv4Address, device: String, now: Instant) -> NeighborEntry? {
        guard var entry = entries[Key(device: device, address: address)] else { return nil }
        if entry.state == .reachable, now.seconds(since: entry.updated) >= reachableTime { entry.state = .stale }
        return entry
    }

    /// Records a confirmed address (an ARP reply, or a request addressed to us: `arp_process`).
    public mutating func confirm(
        _ address: IPv4Address, device: String, mac: MACAddress, now: Instant, state: NeighborState = .reachable
    ) {
        let key = Key(device: device, address: address)
        if entries[key]?.state == .permanent { return }
        entries[key] = NeighborEntry(address: address, device: device, mac: mac, state: state, updated: now)
    }

    /// Adds a permanent entry (`ip neigh replace … nud permanent`).
    public mutating func addPermanent(_ address: IPv4Address, device: String, mac: MACAddress) {
        entries[Key(device: device, address: address)] = NeighborEntry(
            address: address, device: device, mac: mac, state: .permanent, updated: .zero)
    }

    /// Marks resolution as failed.
    public mutating func fail(_ address: IPv4Address, device: String, now: Instant) {
        let key = Key(device: device, address: address)
        if entries[key]?.state == .permanent { return }
        entries[key] = NeighborEntry(address: address, device: device, mac: nil, state: .failed, updated: now)
    }

    /// Entries as `ip neigh show` lists them (sorted by device, then address), states as of `now`.
    public func listing(now: Instant) -> [NeighborEntry] {
        entries.keys.sorted { ($0.device, $0.address) < ($1.device, $1.address) }.compactMap {
            lookup($0.address, device: $0.device, now: now)
        }
    }
}
