import NetCore

/// The ORIGIN attribute.
public enum BGPOrigin: Int, Hashable, Sendable, Comparable {
    case igp = 0, egp = 1, incomplete = 2
    public static func < (lhs: BGPOrigin, rhs: BGPOrigin) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// The path attributes that best-path selection and reflection use (RFC 4271, RFC 4456).
public struct PathAttributes: Hashable, Sendable {
    public var nextHop: IPv4Address
    /// AS_PATH as a sequence, nearest AS first.
    public var asPath: [UInt32]
    public var localPreference: UInt32
    public var origin: BGPOrigin
    /// ORIGINATOR_ID, set by the first route reflector.
    public var originatorID: IPv4Address?
    /// CLUSTER_LIST, nearest reflector first.
    public var clusterList: [IPv4Address]

    public init(
        nextHop: IPv4Address, asPath: [UInt32] = [], localPreference: UInt32 = 100, origin: BGPOrigin = .igp,
        originatorID: IPv4Address? = nil, clusterList: [IPv4Address] = []
    ) {
        self.nextHop = nextHop
        self.asPath = asPath
        self.localPreference = localPreference
        self.origin = origin
        self.originatorID = originatorID
        self.clusterList = clusterList
    }
}

/// An UPDATE message: prefixes announced with their attributes, and prefixes withdrawn.
public struct BGPUpdate: Hashable, Sendable {
    public var from: Int
    public var to: Int
    public var announced: [IPv4Prefix: PathAttributes]
    public var withdrawn: [IPv4Prefix]

    public var isEmpty: Bool { announced.isEmpty && withdrawn.isEmpty }
}

/// A route in a speaker's Loc-RIB.
public struct BGPRoute: Hashable, Sendable {
    public var prefix: IPv4Prefix
    public var attributes: PathAttributes
    /// The peer (speaker index) it was learned from; nil for locally originated routes.
    public var learnedFrom: Int?
}
