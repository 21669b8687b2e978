import NetCore

extension BGPSimulation {
    /// Queues, per peer, the difference between what we now export for `prefixes` and what we last sent.
    /// Peers of the same class (client or not, internal or external, same local address) get the same
    /// attributes, computed once per prefix so that a reflector's thousand clients share one value.
    mutating func queueExports(from index: Int, prefixes: Set<IPv4Prefix>) {
        var cache: [ExportKey: PathAttributes?] = [:]
        for peer in peers[index] where !removed.contains(peer.index) {
            var update = BGPUpdate(from: index, to: peer.index, announced: [:], withdrawn: [])
            for prefix in prefixes {
                let route = locRIB[index][prefix]
                let export: PathAttributes?
                if let route, route.learnedFrom == peer.index {
                    export = nil
                } else if let route {
                    let key = ExportKey(
                        prefix: prefix, isClient: peer.isClient, isExternal: peer.isExternal, local: peer.localAddress)
                    if let cached = cache[key] {
                        export = cached
                    } else {
                        export = exported(route, from: index, to: peer)
                        cache[key] = export
                    }
                } else {
                    export = nil
                }
                if export == adjRIBOut[index][peer.index]?[prefix] { continue }
                if let export {
                    update.announced[prefix] = export
                } else {
                    update.withdrawn.append(prefix)
                }
                adjRIBOut[index][peer.index, default: [:]][prefix] = export
            }
            if !update.isEmpty { pending.append(update) }
        }
    }

    struct ExportKey: Hashable {
        var prefix: IPv4Prefix
        var isClient: Bool
        var isExternal: Bool
        var local: IPv4Address
    }

    /// What `index` announces to `peer` for `route`, or nil when the export rules forbid it.
    ///
    /// iBGP-learned routes go to iBGP peers only through a reflector: from a client to everyone, from a
    /// non-client to clients (RFC 4456 §6). Reflection keeps the next hop, sets ORIGINATOR_ID and prepends
    /// the cluster ID. eBGP exports prepend our AS and set next hop self.
    func exported(_ route: BGPRoute, from index: Int, to peer: BGPTopology.Peer) -> PathAttributes? {
        let speaker = topology.speakers[index]
        if route.learnedFrom == peer.index { return nil }
        var attributes = route.attributes
        if peer.isExternal {
            attributes.asPath.insert(speaker.asn, at: 0)
            attributes.nextHop = peer.localAddress
            attributes.localPreference = 100
            attributes.originatorID = nil
            attributes.clusterList = []
            return attributes
        }
        guard let source = route.learnedFrom else {
            attributes.nextHop = peer.localAddress  // locally originated: next hop self
            return attributes
        }
        if isExternal(index, source) {
            return attributes  // eBGP-learned routes keep their next hop towards iBGP peers (BIRD's default)
        }
        guard let cluster = speaker.clusterID else { return nil }  // iBGP split horizon
        let fromClient = peerByIndex[index][source]?.isClient ?? false
        guard fromClient || peer.isClient else { return nil }
        attributes.originatorID = attributes.originatorID ?? topology.speakers[source].routerID
        attributes.clusterList.insert(cluster, at: 0)
        return attributes
    }

    /// The sessions of a speaker.
    public func sessions(of index: Int) -> [BGPTopology.Peer] { peers[index] }

    /// The selected routes of a speaker, by prefix.
    public func routes(of index: Int) -> [BGPRoute] {
        locRIB[index].values.sorted { ($0.prefix.address, $0.prefix.length) < ($1.prefix.address, $1.prefix.length) }
    }

    /// Whether the session between two speakers is up.
    public func isEstablished(_ a: Int, _ b: Int) -> Bool { !removed.contains(a) && !removed.contains(b) }

    /// Prefixes `index` received from `peer` (its Adj-RIB-In for that session).
    public func received(by index: Int, from peer: Int) -> [IPv4Prefix: PathAttributes] { adjRIBIn[index][peer] ?? [:] }
}
