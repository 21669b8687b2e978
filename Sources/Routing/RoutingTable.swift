import NetCore

/// The result of a route lookup: the route and the table it came from.
public struct RouteMatch: Hashable, Sendable {
    public var route: Route
    public var table: RouteTableID
}

/// One routing table: longest prefix first, then lowest metric.
///
/// Linux: `fib_table_lookup` over the LC-trie; here a list kept sorted by (prefix length desc, metric asc),
/// which is exact for the same rule and fast enough for node-sized tables.
public struct RoutingTable: Hashable, Sendable {
    public let id: RouteTableID
    /// Routes in lookup order.
    public private(set) var routes: [Route] = []

    public init(id: RouteTableID) { self.id = id }

    /// Inserts a route keeping lookup order.
    ///
    /// - Parameter exclusive: `ip route add` semantics (NLM_F_EXCL): a route with the same prefix and metric
    ///   already in the table is "File exists", whatever its next hop. The kernel's own connected routes
    ///   (`fib_add_ifaddr`) append instead, so two devices on one subnet both get theirs.
    public mutating func insert(_ route: Route, exclusive: Bool = true) throws(RouteError) {
        if exclusive, routes.contains(where: { $0.destination == route.destination && $0.metric == route.metric }) {
            throw .exists(route: route.description)
        }
        let index =
            routes.firstIndex {
                $0.destination.length < route.destination.length
                    || ($0.destination.length == route.destination.length && $0.metric > route.metric)
            } ?? routes.endIndex
        routes.insert(route, at: index)
    }

    /// Removes every route for which `predicate` holds.
    public mutating func removeAll(where predicate: (Route) -> Bool) { routes.removeAll(where: predicate) }

    /// The best route to `destination`, optionally restricted to one output device.
    public func lookup(_ destination: IPv4Address, device: String? = nil) -> Route? {
        for route in routes where route.destination.contains(destination) {
            if let device, let routeDevice = route.device, routeDevice != device { continue }
            return route
        }
        return nil
    }
}
