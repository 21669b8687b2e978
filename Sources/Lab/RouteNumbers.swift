import Routing

/// The kernel's numbers for route fields (`rtm_type`, `rtm_scope`, `rtm_protocol`), both ways, as
/// `/usr/include/linux/rtnetlink.h` and `/etc/iproute2/rt_protos` define them.
enum RouteNumbers {
    static let types: [(RouteType, UInt8)] = [
        (.unicast, 1), (.local, 2), (.broadcast, 3), (.blackhole, 6), (.unreachable, 7), (.prohibit, 8), (.throw, 9),
    ]
    static let scopes: [(RouteScope, UInt8)] = [(.universe, 0), (.link, 253), (.host, 254)]
    static let protocols: [(String, UInt8)] = [
        ("redirect", 1), ("kernel", 2), ("boot", 3), ("static", 4), ("dhcp", 16), ("bird", 12), ("zebra", 11),
        ("bgp", 186), ("ospf", 188),
    ]

    static func number(_ type: RouteType) -> UInt8 { types.first { $0.0 == type }!.1 }
    static func number(_ scope: RouteScope) -> UInt8 { scopes.first { $0.0 == scope }!.1 }
    static func number(_ proto: RouteProtocol) -> UInt8 {
        protocols.first { $0.0 == proto.rawValue }?.1 ?? UInt8(proto.rawValue) ?? 3
    }

    static func type(_ number: UInt8) -> RouteType? { types.first { $0.1 == number }?.0 }
    static func scope(_ number: UInt8) -> RouteScope? { scopes.first { $0.1 == number }?.0 }
    static func proto(_ number: UInt8) -> RouteProtocol {
        RouteProtocol(rawValue: protocols.first { $0.1 == number }?.0 ?? String(number))
    }
}
