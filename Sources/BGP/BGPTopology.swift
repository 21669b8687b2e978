import NetCore

/// One BGP speaker: a node's BIRD, or a router's.
public struct BGPSpeaker: Hashable, Sendable {
    /// Display name (node or router name).
    public var name: String
    /// Router ID and the address sessions use (the node's underlay address).
    public var routerID: IPv4Address
    public var asn: UInt32
    /// Prefixes this speaker originates (Calico: its IPAM blocks).
    public var originated: [IPv4Prefix]
    /// Set on route reflectors: the cluster ID added to CLUSTER_LIST on reflection (BIRD `rr cluster id`).
    public var clusterID: IPv4Address?

    public init(
        name: String, routerID: IPv4Address, asn: UInt32, originated: [IPv4Prefix] = [], clusterID: IPv4Address? = nil
    ) {
        self.name = name
        self.routerID = routerID
        self.asn = asn
        self.originated = originated
        self.clusterID = clusterID
    }
}

/// A BGP session between two speakers (by index). `aReflectsB` means `a` is a route reflector and `b`
/// its client (BIRD `rr client` in a's protocol for b).
public struct BGPSession: Hashable, Sendable {
    public var a: Int
    public var b: Int
    public var aReflectsB: Bool
    public var bReflectsA: Bool
    /// The addresses each side uses for this session (a router on several segments uses the one facing
    /// the peer); nil means the speaker's router ID.
    public var aAddress: IPv4Address?
    public var bAddress: IPv4Address?

    public init(
        _ a: Int, _ b: Int, aReflectsB: Bool = false, bReflectsA: Bool = false, aAddress: IPv4Address? = nil,
        bAddress: IPv4Address? = nil
    ) {
        self.a = a
        self.b = b
        self.aReflectsB = aReflectsB
        self.bReflectsA = bReflectsA
        self.aAddress = aAddress
        self.bAddress = bAddress
    }
}

/// Who peers with whom.
public struct BGPTopology: Hashable, Sendable {
    public var speakers: [BGPSpeaker]
    public var sessions: [BGPSession]

    public init(speakers: [BGPSpeaker], sessions: [BGPSession]) {
        self.speakers = speakers
        self.sessions = sessions
    }

    /// One speaker's view of one session.
    public struct Peer: Hashable, Sendable {
        /// The remote speaker's index.
        public var index: Int
        /// The remote speaker is our route-reflector client.
        public var isClient: Bool
        /// eBGP (different AS).
        public var isExternal: Bool
        /// Our address on this session (next hop self uses it).
        public var localAddress: IPv4Address
        /// The peer's address on this session.
        public var remoteAddress: IPv4Address
    }

    /// Each speaker's peers, derived from the sessions.
    public func peers() -> [[Peer]] {
        var result = Array(repeating: [Peer](), count: speakers.count)
        for session in sessions {
            let external = speakers[session.a].asn != speakers[session.b].asn
            let aAddress = session.aAddress ?? speakers[session.a].routerID
            let bAddress = session.bAddress ?? speakers[session.b].routerID
            result[session.a].append(
                Peer(
                    index: session.b, isClient: session.aReflectsB, isExternal: external, localAddress: aAddress,
                    remoteAddress: bAddress))
            result[session.b].append(
                Peer(
                    index: session.a, isClient: session.bReflectsA, isExternal: external, localAddress: bAddress,
                    remoteAddress: aAddress))
        }
        return result
    }

    /// Every pair of `members` peers (Calico's node-to-node mesh).
    public static func fullMesh(_ members: [Int]) -> [BGPSession] {
        var sessions: [BGPSession] = []
        for (position, a) in members.enumerated() {
            for b in members[(position + 1)...] { sessions.append(BGPSession(a, b)) }
        }
        return sessions
    }
}
