import NetCore

/// The route type (`rtm_type`).
public enum RouteType: String, Hashable, Sendable, CaseIterable {
    case unicast, local, broadcast, blackhole, unreachable, prohibit, `throw`
}

/// The route scope (`rtm_scope`): how far the destination is.
public enum RouteScope: String, Hashable, Sendable, Comparable {
    /// On this host (local addresses). Numerically 254.
    case host
    /// Directly attached (no gateway). Numerically 253.
    case link
    /// Via a gateway. Numerically 0.
    case universe = "global"

    var rank: Int {
        switch self {
        case .universe: 0
        case .link: 253
        case .host: 254
        }
    }
    public static func < (lhs: RouteScope, rhs: RouteScope) -> Bool { lhs.rank < rhs.rank }
}

/// Who installed a route (`rtm_protocol`), open like the kernel's numbers: `kernel`, `boot`, `static`, `bird`.
public struct RouteProtocol: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let kernel = RouteProtocol(rawValue: "kernel")
    public static let boot = RouteProtocol(rawValue: "boot")
    public static let `static` = RouteProtocol(rawValue: "static")
    public static let bird = RouteProtocol(rawValue: "bird")
    public var description: String { rawValue }
}

/// A routing table id: `local` (255), `main` (254), `default` (253) or a number.
public struct RouteTableID: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    public static let local = RouteTableID(rawValue: 255)
    public static let main = RouteTableID(rawValue: 254)
    public static let `default` = RouteTableID(rawValue: 253)
    public var description: String {
        switch self {
        case .local: "local"
        case .main: "main"
        case .default: "default"
        default: String(rawValue)
        }
    }
}

/// One route, as `ip route` shows it.
///
/// Linux: a `fib_info` plus its `fib_alias` (type, scope, table); `description` is `ip route show` syntax.
public struct Route: Hashable, Sendable, CustomStringConvertible {
    public var type: RouteType
    public var destination: IPv4Prefix
    /// The next hop (`via`), nil for connected routes.
    public var gateway: IPv4Address?
    /// The output device name (`dev`).
    public var device: String?
    /// `metric` (the kernel's priority); lower wins among equal prefixes.
    public var metric: UInt32
    public var scope: RouteScope
    public var proto: RouteProtocol
    /// Preferred source address (`src`).
    public var source: IPv4Address?
    /// The `onlink` flag: trust that the gateway is on the device's link.
    public var onlink: Bool
    public var table: RouteTableID

    public init(
        type: RouteType = .unicast, destination: IPv4Prefix, gateway: IPv4Address? = nil, device: String? = nil,
        metric: UInt32 = 0, scope: RouteScope? = nil, proto: RouteProtocol = .boot, source: IPv4Address? = nil,
        onlink: Bool = false, table: RouteTableID = .main
    ) {
        self.type = type
        self.destination = destination.masked
        self.gateway = gateway
        self.device = device
        self.metric = metric
        self.scope = scope ?? Route.defaultScope(type: type, hasGateway: gateway != nil)
        self.proto = proto
        self.source = source
        self.onlink = onlink
        self.table = table
    }

    /// The scope `ip route add` picks when none is given.
    public static func defaultScope(type: RouteType, hasGateway: Bool) -> RouteScope {
        switch type {
        case .local: .host
        case .broadcast: .link
        case .unicast: hasGateway ? .universe : .link
        default: .universe
        }
    }

    /// `ip route` syntax: `10.244.2.0/24 via 192.168.1.11 dev eth0`, `blackhole 10.244.1.0/26 proto bird`,
    /// `local 10.244.1.1 dev cni0 proto kernel scope host src 10.244.1.1`.
    public var description: String {
        var parts: [String] = []
        if type != .unicast { parts.append(type.rawValue) }
        parts.append(
            destination.length == 0
                ? "default"
                : destination.length == 32 ? "\(destination.address)" : "\(destination)")
        if let gateway { parts.append("via \(gateway)") }
        if let device { parts.append("dev \(device)") }
        if proto != .boot { parts.append("proto \(proto)") }
        if scope != .universe { parts.append("scope \(scope.rawValue)") }
        if let source { parts.append("src \(source)") }
        if metric != 0 { parts.append("metric \(metric)") }
        if onlink { parts.append("onlink") }
        return parts.joined(separator: " ")
    }
}
