import NetCore

/// Figures from running the protocol to a fixed point.
public struct ConvergenceStats: Hashable, Sendable {
    /// Message rounds until no speaker had anything left to send.
    public var rounds: Int
    /// UPDATE messages exchanged.
    public var messages: Int
    /// Prefix announcements and withdrawals carried by those messages.
    public var prefixUpdates: Int
}

/// Speakers exchanging UPDATEs until they converge.
///
/// Each round delivers every pending UPDATE; receivers apply import checks (AS_PATH loop, ORIGINATOR_ID,
/// CLUSTER_LIST), update Adj-RIB-In, re-run best-path selection for the prefixes that changed, and queue
/// UPDATEs for the next round with what their exports now differ by (RFC 4271 §9, RFC 4456 for reflection).
/// BIRD behaves the same way at this level of detail; timers (MRAI, hold) are not modelled.
public struct BGPSimulation: Sendable {
    public let topology: BGPTopology
    let peers: [[BGPTopology.Peer]]
    /// Per speaker: its peers' session views by peer index (reflection asks "is the source my client?").
    let peerByIndex: [[Int: BGPTopology.Peer]]
    /// Per speaker: per peer index: what that peer announced.
    var adjRIBIn: [[Int: [IPv4Prefix: PathAttributes]]]
    /// Per speaker: the selected route per prefix.
    public private(set) var locRIB: [[IPv4Prefix: BGPRoute]]
    /// Per speaker: per peer: what we last announced.
    var adjRIBOut: [[Int: [IPv4Prefix: PathAttributes]]]
    /// Speakers that left (their sessions are down).
    public private(set) var removed: Set<Int> = []
    var pending: [BGPUpdate] = []
    /// Prefixes whose selection changed this round, per speaker; exported together at the end of the round
    /// (one UPDATE per session per round, as MRAI batching does).
    var dirty: [Int: Set<IPv4Prefix>] = [:]

    public init(topology: BGPTopology) {
        self.topology = topology
        peers = topology.peers()
        peerByIndex = peers.map { Dictionary($0.map { ($0.index, $0) }, uniquingKeysWith: { first, _ in first }) }
        let count = topology.speakers.count
        adjRIBIn = Array(repeating: [:], count: count)
        adjRIBOut = Array(repeating: [:], count: count)
        locRIB = Array(repeating: [:], count: count)
    }

    /// Originates every speaker's prefixes and runs to convergence.
    public mutating func start() -> ConvergenceStats {
        for (index, speaker) in topology.speakers.enumerated() where !removed.contains(index) {
            for prefix in speaker.originated {
                locRIB[index][prefix] = BGPRoute(
                    prefix: prefix, attributes: PathAttributes(nextHop: speaker.routerID), learnedFrom: nil)
            }
            dirty[index, default: []].formUnion(speaker.originated)
        }
        flush()
        return run()
    }

    /// A speaker leaves: its sessions drop, peers forget what it announced and withdraw it onward.
    public mutating func remove(_ index: Int) -> ConvergenceStats {
        removed.insert(index)
        pending.removeAll { $0.from == index || $0.to == index }
        locRIB[index] = [:]
        for peer in peers[index] where !removed.contains(peer.index) {
            let lost = Set(adjRIBIn[peer.index][index]?.keys.map { $0 } ?? [])
            adjRIBIn[peer.index][index] = nil
            adjRIBOut[peer.index][index] = nil
            reselect(peer.index, prefixes: lost)
        }
        flush()
        return run()
    }

    /// Delivers rounds of UPDATEs until none is pending.
    mutating func run() -> ConvergenceStats {
        var stats = ConvergenceStats(rounds: 0, messages: 0, prefixUpdates: 0)
        while !pending.isEmpty {
            stats.rounds += 1
            let batch = pending
            pending = []
            stats.messages += batch.count
            for update in batch {
                stats.prefixUpdates += update.announced.count + update.withdrawn.count
                receive(update)
            }
            flush()
        }
        return stats
    }

    /// Sends what changed this round.
    mutating func flush() {
        let changes = dirty
        dirty = [:]
        for (index, prefixes) in changes.sorted(by: { $0.key < $1.key }) {
            queueExports(from: index, prefixes: prefixes)
        }
    }

    mutating func receive(_ update: BGPUpdate) {
        let me = update.to
        guard !removed.contains(me), !removed.contains(update.from) else { return }
        var touched = Set(update.withdrawn)
        touched.reserveCapacity(update.withdrawn.count + update.announced.count)
        // Mutated in place (no copy of the peer's table per message).
        for prefix in update.withdrawn { adjRIBIn[me][update.from, default: [:]][prefix] = nil }
        for (prefix, attributes) in update.announced {
            touched.insert(prefix)
            adjRIBIn[me][update.from, default: [:]][prefix] = accepts(attributes, at: me) ? attributes : nil
        }
        reselect(me, prefixes: touched)
    }

    /// Import checks: our AS in the path (eBGP loop), our router ID as originator, our cluster ID in the list.
    func accepts(_ attributes: PathAttributes, at index: Int) -> Bool {
        let speaker = topology.speakers[index]
        if attributes.asPath.contains(speaker.asn) { return false }
        if attributes.originatorID == speaker.routerID { return false }
        if let cluster = speaker.clusterID, attributes.clusterList.contains(cluster) { return false }
        return true
    }

    /// Best-path selection for `prefixes` at `index`, then exports of whatever changed.
    mutating func reselect(_ index: Int, prefixes: Set<IPv4Prefix>) {
        var changed: Set<IPv4Prefix> = []
        let speaker = topology.speakers[index]
        for prefix in prefixes {
            var best: BGPRoute? =
                speaker.originated.contains(prefix)
                ? BGPRoute(prefix: prefix, attributes: PathAttributes(nextHop: speaker.routerID), learnedFrom: nil)
                : nil
            if best == nil {
                for peer in peers[index] where !removed.contains(peer.index) {
                    guard let attributes = adjRIBIn[index][peer.index]?[prefix] else { continue }
                    let candidate = BGPRoute(prefix: prefix, attributes: attributes, learnedFrom: peer.index)
                    if best.map({ better(candidate, than: $0, at: index) }) ?? true { best = candidate }
                }
            }
            if locRIB[index][prefix] != best {
                locRIB[index][prefix] = best
                changed.insert(prefix)
            }
        }
        if !changed.isEmpty { dirty[index, default: []].formUnion(changed) }
    }

    /// RFC 4271 §9.1.2.2 order (local preference, AS path length, origin, eBGP over iBGP, lowest BGP
    /// identifier — the ORIGINATOR_ID when present — then peer address), with RFC 4456 §9's shorter
    /// CLUSTER_LIST inserted between the identifier and the peer address, as BIRD does. MED and IGP cost are
    /// not modelled (no speaker sets MED; next hops are not weighed).
    func better(_ a: BGPRoute, than b: BGPRoute, at index: Int) -> Bool {
        let x = a.attributes
        let y = b.attributes
        if x.localPreference != y.localPreference { return x.localPreference > y.localPreference }
        if x.asPath.count != y.asPath.count { return x.asPath.count < y.asPath.count }
        if x.origin != y.origin { return x.origin < y.origin }
        let aExternal = a.learnedFrom.map { isExternal(index, $0) } ?? false
        let bExternal = b.learnedFrom.map { isExternal(index, $0) } ?? false
        if aExternal != bExternal { return aExternal }
        let aID = x.originatorID ?? a.learnedFrom.map { topology.speakers[$0].routerID } ?? .any
        let bID = y.originatorID ?? b.learnedFrom.map { topology.speakers[$0].routerID } ?? .any
        if aID != bID { return aID < bID }
        if x.clusterList.count != y.clusterList.count { return x.clusterList.count < y.clusterList.count }
        let aPeer = a.learnedFrom.flatMap { peerByIndex[index][$0]?.remoteAddress } ?? .any
        let bPeer = b.learnedFrom.flatMap { peerByIndex[index][$0]?.remoteAddress } ?? .any
        return aPeer < bPeer
    }

    func isExternal(_ index: Int, _ other: Int) -> Bool { topology.speakers[index].asn != topology.speakers[other].asn }
}
