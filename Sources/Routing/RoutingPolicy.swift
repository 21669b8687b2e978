import NetCore

/// A policy routing rule (`ip rule`): a preference and a table to look up.
public struct PolicyRule: Hashable, Sendable, CustomStringConvertible {
    public var preference: UInt32
    public var table: RouteTableID
    /// `from` selector; nil is `from all`.
    public var source: IPv4Prefix?

    public init(preference: UInt32, table: RouteTableID, source: IPv4Prefix? = nil) {
        self.preference = preference
        self.table = table
        self.source = source
    }

    /// `ip rule` syntax: `32766:\tfrom all lookup main`.
    public var description: String { "\(preference):\tfrom \(source.map { "\($0)" } ?? "all") lookup \(table)" }
}

/// A namespace's policy routing database: rules plus the tables they name.
///
/// Linux: `fib_rules_lookup` walks rules by ascending preference; a table with no match (or a `throw`
/// route) falls through to the next rule.
public struct RoutingPolicy: Hashable, Sendable {
    /// Rules, kept sorted by preference (the order `fib_rules_lookup` walks them).
    public var rules: [PolicyRule] { didSet { rules.sort { $0.preference < $1.preference } } }
    public private(set) var tables: [RouteTableID: RoutingTable]

    /// The three default rules: `0 lookup local`, `32766 lookup main`, `32767 lookup default`.
    public init() {
        rules = [
            PolicyRule(preference: 0, table: .local), PolicyRule(preference: 32766, table: .main),
            PolicyRule(preference: 32767, table: .default),
        ]
        tables = [
            .local: RoutingTable(id: .local), .main: RoutingTable(id: .main), .default: RoutingTable(id: .default),
        ]
    }

    /// The routes of one table in lookup order.
    public func routes(in table: RouteTableID) -> [Route] { tables[table]?.routes ?? [] }

    /// Adds a route as `ip route add` does, validating a gateway unless the route is `onlink`.
    ///
    /// Linux: `fib_check_nh_v4_gw` — the gateway must resolve to a connected (`scope link`) unicast
    /// route, on the route's device when one is given; otherwise "Nexthop has invalid gateway".
    public mutating func add(_ route: Route, exclusive: Bool = true) throws(RouteError) {
        var route = route
        if let gateway = route.gateway {
            if route.onlink {
                guard route.device != nil else {
                    throw .syntax(text: route.description, problem: "Nexthop device required for onlink")
                }
            } else {
                let connected = lookup(gateway, source: nil, device: route.device)?.route
                guard let connected, connected.type == .unicast, connected.gateway == nil, connected.scope >= .link
                else {
                    throw .invalidGateway(route: route.description)
                }
                // Like fib_check_nh, a route given only `via` takes the device of the gateway's connected route.
                if route.device == nil { route.device = connected.device }
            }
        }
        var table = tables[route.table] ?? RoutingTable(id: route.table)
        try table.insert(route, exclusive: exclusive)
        tables[route.table] = table
    }

    /// Removes every route of every table for which `predicate` holds.
    public mutating func removeAll(where predicate: (Route) -> Bool) {
        for key in tables.keys { tables[key]?.removeAll(where: predicate) }
    }

    /// Looks `destination` up through the rules. `device` restricts matches to routes on that device
    /// (used for gateway validation).
    public func lookup(_ destination: IPv4Address, source: IPv4Address?, device: String? = nil) -> RouteMatch? {
        for rule in rules {
            // A lookup made before the source is chosen uses saddr 0.0.0.0, which only `from all` matches.
            if let from = rule.source, !from.contains(source ?? .any) { continue }
            guard let route = tables[rule.table]?.lookup(destination, device: device) else { continue }
            if route.type == .throw { continue }
            return RouteMatch(route: route, table: rule.table)
        }
        return nil
    }
}
