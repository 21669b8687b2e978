import NetCore
import Routing
import Testing

@Suite("RoutingPolicy")
struct RoutingPolicyTests {
    static let table100 = RouteTableID(rawValue: 100)

    /// What `ip addr add` leaves on a node with eth0 192.168.1.10/24 and cni0 10.244.1.1/24, plus a default route.
    static func node() throws -> RoutingPolicy {
        var policy = RoutingPolicy()
        for line in [
            "local 192.168.1.10 dev eth0 table local proto kernel scope host src 192.168.1.10",
            "192.168.1.0/24 dev eth0 proto kernel scope link src 192.168.1.10",
            "local 10.244.1.1 dev cni0 table local proto kernel scope host src 10.244.1.1",
            "10.244.1.0/24 dev cni0 proto kernel scope link src 10.244.1.1",
            "default via 192.168.1.1 dev eth0",
        ] {
            try policy.add(Route(parsing: line))
        }
        return policy
    }

    // MARK: rules

    @Test("the default rules print as ip rule does: local, main, default")
    func defaultRules() {
        #expect(
            RoutingPolicy().rules.map(\.description) == [
                "0:\tfrom all lookup local", "32766:\tfrom all lookup main", "32767:\tfrom all lookup default",
            ])
    }

    @Test("a rule with a source selector prints its prefix")
    func ruleWithSource() {
        let rule = PolicyRule(preference: 100, table: Self.table100, source: IPv4Prefix.literal("10.244.1.0/24"))
        #expect(rule.description == "100:\tfrom 10.244.1.0/24 lookup 100")
    }

    @Test("a new policy has the three empty default tables")
    func defaultTables() {
        let policy = RoutingPolicy()
        #expect(policy.tables.keys.sorted { $0.rawValue < $1.rawValue } == [.default, .main, .local])
        #expect(policy.routes(in: .local).isEmpty)
        #expect(policy.routes(in: .main).isEmpty)
        #expect(policy.routes(in: Self.table100).isEmpty)
    }

    // MARK: lookup

    @Test("the local table is consulted first: a local address is local even with a main route for it")
    func localTableFirst() throws {
        var policy = try Self.node()
        try policy.add(Route(parsing: "10.244.1.1 dev eth0"))  // a /32 in main pointing elsewhere
        let match = try #require(policy.lookup(.literal("10.244.1.1"), source: nil))
        #expect(match.table == .local)
        #expect(match.route.type == .local)
        #expect(match.route.description == "local 10.244.1.1 dev cni0 proto kernel scope host src 10.244.1.1")
    }

    @Test(
        "lookup walks the tables and reports which one matched",
        arguments: [
            Expectation(
                destination: "192.168.1.10", table: .local,
                route: "local 192.168.1.10 dev eth0 proto kernel scope host src 192.168.1.10"),
            Expectation(
                destination: "192.168.1.11", table: .main,
                route: "192.168.1.0/24 dev eth0 proto kernel scope link src 192.168.1.10"),
            Expectation(
                destination: "10.244.1.7", table: .main,
                route: "10.244.1.0/24 dev cni0 proto kernel scope link src 10.244.1.1"),
            Expectation(destination: "8.8.8.8", table: .main, route: "default via 192.168.1.1 dev eth0"),
        ])
    func lookup(_ expectation: Expectation) throws {
        let match = try #require(try Self.node().lookup(.literal(expectation.destination), source: nil))
        #expect(match.table == expectation.table)
        #expect(match.route.description == expectation.route)
    }

    struct Expectation: Sendable, CustomTestStringConvertible {
        var destination: String
        var table: RouteTableID
        var route: String
        var testDescription: String { destination }
    }

    @Test("with no matching route in any table the lookup finds nothing")
    func noRoute() throws {
        var policy = try Self.node()
        policy.removeAll { $0.destination.length == 0 }
        #expect(policy.lookup(.literal("8.8.8.8"), source: nil) == nil)
    }

    @Test("blackhole, unreachable and prohibit routes are what lookup returns, not skipped")
    func dropTypes() throws {
        var policy = try Self.node()
        try policy.add(Route(parsing: "blackhole 10.244.1.0/26 proto bird"))
        try policy.add(Route(parsing: "unreachable 10.96.0.0/12"))
        try policy.add(Route(parsing: "prohibit 172.16.0.0/12"))
        #expect(policy.lookup(.literal("10.244.1.10"), source: nil)?.route.type == .blackhole)
        #expect(policy.lookup(.literal("10.244.1.100"), source: nil)?.route.type == .unicast)
        #expect(policy.lookup(.literal("10.96.0.10"), source: nil)?.route.type == .unreachable)
        #expect(policy.lookup(.literal("172.16.5.5"), source: nil)?.route.type == .prohibit)
    }

    @Test("a throw route, or no match, in a rule's table falls through to the next rule")
    func throwFallsThrough() throws {
        var policy = try Self.node()
        policy.rules.insert(PolicyRule(preference: 100, table: Self.table100), at: 1)
        try policy.add(Route(parsing: "throw 10.0.0.0/8 table 100"))
        try policy.add(Route(parsing: "203.0.113.0/24 via 192.168.1.254 dev eth0 table 100"))
        let thrown = try #require(policy.lookup(.literal("10.244.2.3"), source: nil))
        #expect(thrown.table == .main)
        #expect(thrown.route.gateway == IPv4Address.literal("192.168.1.1"))
        let unmatched = try #require(policy.lookup(.literal("8.8.8.8"), source: nil))
        #expect(unmatched.table == .main)
        let matched = try #require(policy.lookup(.literal("203.0.113.9"), source: nil))
        #expect(matched.table == Self.table100)
        #expect(matched.route.gateway == IPv4Address.literal("192.168.1.254"))
    }

    @Test("a from rule applies only to packets whose source it contains")
    func fromRule() throws {
        var policy = try Self.node()
        policy.rules.insert(
            PolicyRule(preference: 100, table: Self.table100, source: IPv4Prefix.literal("10.244.1.0/24")), at: 1)
        try policy.add(Route(parsing: "default via 192.168.1.254 dev eth0 table 100"))
        #expect(policy.lookup(.literal("8.8.8.8"), source: IPv4Address.literal("10.244.1.5"))?.table == Self.table100)
        #expect(policy.lookup(.literal("8.8.8.8"), source: IPv4Address.literal("10.244.9.9"))?.table == .main)
    }

    @Test("a from rule does not match a lookup made before a source is chosen (Linux looks up with saddr 0.0.0.0)")
    func fromRuleWithoutSource() throws {
        var policy = try Self.node()
        policy.rules.insert(
            PolicyRule(preference: 100, table: Self.table100, source: IPv4Prefix.literal("10.244.1.0/24")), at: 1)
        try policy.add(Route(parsing: "default via 192.168.1.254 dev eth0 table 100"))
        #expect(policy.lookup(.literal("8.8.8.8"), source: nil)?.table == .main)
    }

    @Test("rules are walked by ascending preference, even when one is appended after the defaults")
    func rulesByPreference() throws {
        var policy = try Self.node()
        policy.rules.append(PolicyRule(preference: 100, table: Self.table100))  // ip rule add pref 100 lookup 100
        try policy.add(Route(parsing: "default via 192.168.1.254 dev eth0 table 100"))
        #expect(policy.lookup(.literal("8.8.8.8"), source: nil)?.table == Self.table100)
    }

    // MARK: gateway validation (ip route add)

    @Test("a gateway outside every connected prefix is rejected: Nexthop has invalid gateway")
    func invalidGateway() throws {
        var policy = RoutingPolicy()
        try policy.add(Route(parsing: "192.168.1.0/24 dev eth0 proto kernel scope link src 192.168.1.10"))
        let route = try Route(parsing: "10.244.2.0/24 via 192.168.2.11 dev eth0")
        #expect(throws: RouteError.invalidGateway(route: "10.244.2.0/24 via 192.168.2.11 dev eth0")) {
            try policy.add(route)
        }
        #expect(policy.routes(in: .main).count == 1, "a rejected route must not be installed")
    }

    @Test("the same route with onlink is accepted and used")
    func onlinkSkipsValidation() throws {
        var policy = RoutingPolicy()
        try policy.add(Route(parsing: "192.168.1.0/24 dev eth0 proto kernel scope link src 192.168.1.10"))
        try policy.add(Route(parsing: "10.244.2.0/24 via 192.168.2.11 dev eth0 onlink"))
        let match = try #require(policy.lookup(.literal("10.244.2.3"), source: nil))
        #expect(match.route.description == "10.244.2.0/24 via 192.168.2.11 dev eth0 onlink")
        #expect(match.route.gateway == IPv4Address.literal("192.168.2.11"))
    }

    @Test("a gateway inside a connected prefix on the route's device is accepted")
    func validGateway() throws {
        var policy = try Self.node()
        try policy.add(Route(parsing: "10.244.2.0/24 via 192.168.1.11 dev eth0"))
        try policy.add(Route(parsing: "10.244.3.0/24 via 192.168.1.12"))  // no dev: any connected route will do
        #expect(
            policy.lookup(.literal("10.244.2.3"), source: nil)?.route.gateway == IPv4Address.literal("192.168.1.11"))
        #expect(
            policy.lookup(.literal("10.244.3.3"), source: nil)?.route.gateway == IPv4Address.literal("192.168.1.12"))
    }

    @Test("a route given only via takes the device of the gateway's connected route, as ip route shows it")
    func deviceFromGateway() throws {
        var policy = try Self.node()
        try policy.add(Route(parsing: "10.244.3.0/24 via 192.168.1.12"))
        let match = try #require(policy.lookup(.literal("10.244.3.3"), source: nil))
        #expect(match.route.description == "10.244.3.0/24 via 192.168.1.12 dev eth0")
    }

    @Test("onlink without a device is rejected: Nexthop device required for onlink")
    func onlinkNeedsDevice() throws {
        var policy = try Self.node()
        let error = #expect(throws: RouteError.self) {
            try policy.add(Route(parsing: "10.244.2.0/24 via 192.168.2.11 onlink"))
        }
        guard case .syntax(_, let problem)? = error else {
            Issue.record("expected a syntax error, got \(String(describing: error))")
            return
        }
        #expect(problem.contains("Nexthop device required for onlink"))
    }

    @Test("the kernel's connected routes append: two devices on one subnet both get theirs")
    func appendedConnectedRoutes() throws {
        var policy = RoutingPolicy()
        try policy.add(
            Route(parsing: "192.168.1.0/24 dev eth0 proto kernel scope link src 192.168.1.10"), exclusive: false)
        try policy.add(
            Route(parsing: "192.168.1.0/24 dev eth1 proto kernel scope link src 192.168.1.20"), exclusive: false)
        #expect(policy.routes(in: .main).map(\.device) == ["eth0", "eth1"])
        #expect(throws: RouteError.self) {
            try policy.add(Route(parsing: "192.168.1.0/24 dev eth2"))
        }
    }

    @Test("a gateway connected on another device than the route's is rejected")
    func gatewayOnOtherDevice() throws {
        var policy = try Self.node()
        #expect(throws: RouteError.invalidGateway(route: "10.244.2.0/24 via 192.168.1.11 dev cni0")) {
            try policy.add(Route(parsing: "10.244.2.0/24 via 192.168.1.11 dev cni0"))
        }
    }

    @Test("a gateway only reachable through another gateway is rejected")
    func recursiveGateway() throws {
        var policy = try Self.node()
        #expect(throws: RouteError.invalidGateway(route: "10.244.2.0/24 via 8.8.8.8")) {
            try policy.add(Route(parsing: "10.244.2.0/24 via 8.8.8.8"))
        }
    }

    @Test("connected, blackhole and unreachable routes need no gateway check")
    func noGatewayNoCheck() throws {
        var policy = RoutingPolicy()
        try policy.add(Route(parsing: "blackhole 10.244.1.0/26 proto bird"))
        try policy.add(Route(parsing: "unreachable 10.96.0.0/12"))
        try policy.add(Route(parsing: "10.244.1.5 dev cali12345 scope link"))
        #expect(policy.routes(in: .main).count == 3)
    }

    // MARK: tables

    @Test("a route for a table that does not exist yet creates it")
    func newTable() throws {
        var policy = try Self.node()
        try policy.add(Route(parsing: "default via 192.168.1.254 dev eth0 table 100"))
        #expect(policy.routes(in: Self.table100).map(\.description) == ["default via 192.168.1.254 dev eth0"])
        #expect(policy.tables[Self.table100]?.id == Self.table100)
    }

    @Test("adding the same route twice fails with File exists")
    func duplicate() throws {
        var policy = try Self.node()
        #expect(throws: RouteError.exists(route: "default via 192.168.1.1 dev eth0")) {
            try policy.add(Route(parsing: "default via 192.168.1.1 dev eth0"))
        }
    }

    @Test("removeAll(where:) removes matching routes from every table")
    func removeAll() throws {
        var policy = try Self.node()
        policy.removeAll { $0.device == "cni0" }
        #expect(
            policy.routes(in: .local).map(\.description) == [
                "local 192.168.1.10 dev eth0 proto kernel scope host src 192.168.1.10"
            ])
        #expect(!policy.routes(in: .main).contains { $0.device == "cni0" })
        #expect(
            policy.lookup(.literal("10.244.1.1"), source: nil)?.route.description == "default via 192.168.1.1 dev eth0")
    }
}
