import NetCore

/// One bridge FDB entry.
public struct FDBEntry: Hashable, Sendable {
    public var mac: MACAddress
    /// The port the MAC is reachable through (the bridge device itself for its own MAC).
    public var port: DeviceID
    /// A `local`/`permanent` entry (the bridge's or a port's own MAC): never ages, delivers to the host.
    public var isLocal: Bool
    /// Last time a frame from this MAC was seen.
    public var updated: Instant
}

/// A bridge's forwarding database with learning and ageing on the simulated clock.
///
/// Linux: `net/bridge/br_fdb.c` — `br_fdb_update` learns and moves entries, `has_expired` ages them after
/// `ageing_time` (default 300 s); local entries are permanent.
public struct ForwardingDatabase: Hashable, Sendable {
    public private(set) var entries: [MACAddress: FDBEntry] = [:]
    /// Seconds before a learned entry expires (`ageing_time`, default 300 s; 0 disables learning).
    public var ageingTime: Double

    public init(ageingTime: Double = 300) { self.ageingTime = ageingTime }

    /// Adds a permanent local entry.
    public mutating func addLocal(_ mac: MACAddress, port: DeviceID) {
        entries[mac] = FDBEntry(mac: mac, port: port, isLocal: true, updated: .zero)
    }

    /// The live entry for `mac` at `now` (expired learned entries are treated as gone).
    public func lookup(_ mac: MACAddress, now: Instant) -> FDBEntry? {
        guard let entry = entries[mac] else { return nil }
        if !entry.isLocal, now.seconds(since: entry.updated) >= ageingTime { return nil }
        return entry
    }

    /// Learns `mac` on `port` (`br_fdb_update`); returns true when the entry is new or moved.
    /// Local MACs are never learned (the kernel logs "received packet … with own address as source").
    @discardableResult
    public mutating func learn(_ mac: MACAddress, port: DeviceID, now: Instant) -> Bool {
        guard ageingTime > 0, !mac.isMulticast else { return false }
        if let existing = entries[mac] {
            if existing.isLocal { return false }
            let changed = existing.port != port || now.seconds(since: existing.updated) >= ageingTime
            entries[mac] = FDBEntry(mac: mac, port: port, isLocal: false, updated: now)
            return changed
        }
        entries[mac] = FDBEntry(mac: mac, port: port, isLocal: false, updated: now)
        return true
    }

    /// Drops expired learned entries (`br_fdb_cleanup`).
    public mutating func expire(now: Instant) {
        entries = entries.filter { $0.value.isLocal || now.seconds(since: $0.value.updated) < ageingTime }
    }
}
