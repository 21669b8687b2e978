import NetCore
import Routing
import Testing

@Suite("RoutingTable")
struct RoutingTableTests {
    /// A node's main table: default, the cluster CIDR via a peer, the local pod CIDR, and two more-specifics.
    static let nodeRoutes = [
        "default via 192.168.1.1 dev eth0",
        "10.244.0.0/16 via 192.168.1.11 dev eth0",
        "10.244.1.0/24 dev cni0 proto kernel scope link src 10.244.1.1",
        "10.244.1.128/25 dev veth9 scope link",
        "10.244.1.200 dev veth7 scope link",
        "192.168.1.0/24 dev eth0 proto kernel scope link src 192.168.1.10",
    ]

    static func table(_ lines: [String]) throws -> RoutingTable {
        var table = RoutingTable(id: .main)
        for line in lines { try table.insert(Route(parsing: line)) }
        return table
    }

    /// The same routes inserted in several orders: lookups must not depend on insertion order.
    static func orders(_ lines: [String]) -> [[String]] {
        var random = SeededRandom(seed: 7)
        return [lines, lines.reversed(), lines.shuffled(using: &random), lines.shuffled(using: &random)]
    }

    @Test(
        "lookup picks the longest matching prefix whatever the insertion order",
        arguments: [
            ("10.244.1.5", "10.244.1.0/24 dev cni0 proto kernel scope link src 10.244.1.1"),
            ("10.244.1.130", "10.244.1.128/25 dev veth9 scope link"),
            ("10.244.1.200", "10.244.1.200 dev veth7 scope link"),
            ("10.244.1.201", "10.244.1.128/25 dev veth9 scope link"),
            ("10.244.7.7", "10.244.0.0/16 via 192.168.1.11 dev eth0"),
            ("192.168.1.11", "192.168.1.0/24 dev eth0 proto kernel scope link src 192.168.1.10"),
            ("8.8.8.8", "default via 192.168.1.1 dev eth0"),
            ("10.245.0.1", "default via 192.168.1.1 dev eth0"),
        ])
    func longestPrefixMatch(_ destination: String, _ expected: String) throws {
        for order in Self.orders(Self.nodeRoutes) {
            let table = try Self.table(order)
            #expect(table.lookup(.literal(destination))?.description == expected, "insertion order \(order)")
        }
    }

    @Test("without a default route, an address outside every prefix has no route")
    func noRoute() throws {
        let table = try Self.table(Array(Self.nodeRoutes.dropFirst()))
        #expect(table.lookup(.literal("8.8.8.8")) == nil)
        #expect(RoutingTable(id: .main).lookup(.literal("10.244.1.5")) == nil)
    }

    @Test("routes are kept in lookup order: longer prefixes first, then lower metric")
    func lookupOrder() throws {
        let table = try Self.table(
            Self.nodeRoutes + [
                "10.244.0.0/16 via 192.168.1.12 dev eth0 metric 50", "default via 192.168.1.2 dev eth1 metric 10",
            ])
        let routes = table.routes
        #expect(routes.count == 8)
        for (earlier, later) in zip(routes, routes.dropFirst()) {
            let ordered =
                earlier.destination.length > later.destination.length
                || (earlier.destination.length == later.destination.length && earlier.metric <= later.metric)
            #expect(ordered, "\(earlier) is listed before \(later)")
        }
        #expect(table.id == .main)
    }

    @Test("among equal prefixes the lowest metric wins, whatever the insertion order")
    func metricTieBreak() throws {
        let lines = [
            "10.0.0.0/8 dev eth1 metric 200", "10.0.0.0/8 dev eth0 metric 100", "10.0.0.0/8 dev eth2 metric 300",
        ]
        for order in Self.orders(lines) {
            let table = try Self.table(order)
            #expect(table.lookup(.literal("10.1.2.3"))?.device == "eth0", "insertion order \(order)")
        }
    }

    @Test("a longer prefix wins even with a worse metric")
    func prefixBeatsMetric() throws {
        let table = try Self.table(["10.0.0.0/8 dev eth0", "10.1.0.0/16 dev eth1 metric 1000"])
        #expect(table.lookup(.literal("10.1.2.3"))?.device == "eth1")
        #expect(table.lookup(.literal("10.2.0.1"))?.device == "eth0")
    }

    @Test("among equal prefix and metric appended routes (the kernel's own), the one added first wins")
    func equalMetricFirstWins() throws {
        var table = RoutingTable(id: .main)
        try table.insert(Route(parsing: "10.0.0.0/8 dev eth1 proto kernel scope link"), exclusive: false)
        try table.insert(Route(parsing: "10.0.0.0/8 dev eth0 proto kernel scope link"), exclusive: false)
        #expect(table.routes.count == 2)
        #expect(table.lookup(.literal("10.1.2.3"))?.device == "eth1")
    }

    @Test("ip route add of the same prefix and metric via another next hop fails with File exists")
    func exclusiveAdd() throws {
        var table = try Self.table(["10.0.0.0/8 via 192.168.1.11 dev eth0"])
        let other = try Route(parsing: "10.0.0.0/8 via 192.168.1.12 dev eth0")
        #expect(throws: RouteError.exists(route: "10.0.0.0/8 via 192.168.1.12 dev eth0")) { try table.insert(other) }
        let blackhole = try Route(parsing: "blackhole 10.0.0.0/8")
        #expect(throws: RouteError.exists(route: "blackhole 10.0.0.0/8")) { try table.insert(blackhole) }
        #expect(table.routes.count == 1)
    }

    @Test("adding an identical route fails with File exists")
    func duplicate() throws {
        var table = try Self.table(Self.nodeRoutes)
        let route = try Route(parsing: "10.244.0.0/16 via 192.168.1.11 dev eth0")
        #expect(throws: RouteError.exists(route: "10.244.0.0/16 via 192.168.1.11 dev eth0")) {
            try table.insert(route)
        }
        #expect(table.routes.count == Self.nodeRoutes.count)
    }

    @Test("the same prefix with another metric is a separate route")
    func sameprefixOtherMetric() throws {
        var table = try Self.table(Self.nodeRoutes)
        try table.insert(Route(parsing: "10.244.0.0/16 via 192.168.1.11 dev eth0 metric 10"))
        #expect(table.routes.count == Self.nodeRoutes.count + 1)
    }

    @Test("a device-restricted lookup skips routes on other devices")
    func deviceRestricted() throws {
        let table = try Self.table(["10.0.0.0/8 dev eth0 metric 100", "10.0.0.0/8 dev eth1 metric 200"])
        #expect(table.lookup(.literal("10.1.1.1"))?.device == "eth0")
        #expect(table.lookup(.literal("10.1.1.1"), device: "eth1")?.device == "eth1")
        #expect(table.lookup(.literal("10.1.1.1"), device: "eth9") == nil)
    }

    @Test("removeAll(where:) drops the matching routes and lookups fall back to what is left")
    func removeAll() throws {
        var table = try Self.table(Self.nodeRoutes)
        table.removeAll { $0.device == "cni0" }
        #expect(table.routes.count == Self.nodeRoutes.count - 1)
        #expect(table.lookup(.literal("10.244.1.5"))?.description == "10.244.0.0/16 via 192.168.1.11 dev eth0")
    }

    @Test("blackhole and unreachable routes are returned like any other")
    func specialTypes() throws {
        let table = try Self.table(
            Self.nodeRoutes + ["blackhole 10.244.1.0/26 proto bird", "unreachable 10.96.0.0/12"])
        #expect(table.lookup(.literal("10.244.1.10"))?.type == .blackhole)
        #expect(table.lookup(.literal("10.244.1.100"))?.type == .unicast)
        #expect(table.lookup(.literal("10.96.0.10"))?.type == .unreachable)
    }
}
