import NetCore
import Routing
import Testing

@Suite("Route")
struct RouteTests {
    struct Printed: Sendable, CustomTestStringConvertible {
        var route: Route
        var text: String
        var testDescription: String { text }
    }

    /// Routes as Linux, flannel and Calico install them, with the exact `ip route show` line for each.
    static let printed: [Printed] = [
        Printed(
            route: Route(
                destination: .literal("10.244.1.0/24"), device: "cni0", proto: .kernel,
                source: IPv4Address.literal("10.244.1.1")),
            text: "10.244.1.0/24 dev cni0 proto kernel scope link src 10.244.1.1"),
        Printed(
            route: Route(destination: .defaultRoute, gateway: IPv4Address.literal("10.244.1.1"), device: "eth0"),
            text: "default via 10.244.1.1 dev eth0"),
        Printed(
            route: Route(
                destination: .literal("10.244.2.0/24"), gateway: IPv4Address.literal("10.244.2.0"), device: "flannel.1",
                onlink: true),
            text: "10.244.2.0/24 via 10.244.2.0 dev flannel.1 onlink"),
        Printed(
            route: Route(type: .blackhole, destination: .literal("10.244.1.0/26"), proto: .bird),
            text: "blackhole 10.244.1.0/26 proto bird"),
        Printed(
            route: Route(
                type: .local, destination: .literal("10.244.1.1/32"), device: "cni0", proto: .kernel,
                source: IPv4Address.literal("10.244.1.1"), table: .local),
            text: "local 10.244.1.1 dev cni0 proto kernel scope host src 10.244.1.1"),
        Printed(
            route: Route(
                type: .broadcast, destination: .literal("10.244.1.255/32"), device: "cni0", proto: .kernel,
                source: IPv4Address.literal("10.244.1.1"), table: .local),
            text: "broadcast 10.244.1.255 dev cni0 proto kernel scope link src 10.244.1.1"),
        Printed(
            route: Route(
                destination: .defaultRoute, gateway: IPv4Address.literal("192.168.1.1"), device: "eth0", metric: 100,
                proto: RouteProtocol(rawValue: "dhcp"), source: IPv4Address.literal("192.168.1.10")),
            text: "default via 192.168.1.1 dev eth0 proto dhcp src 192.168.1.10 metric 100"),
        Printed(
            route: Route(destination: .literal("10.244.1.5/32"), device: "cali12345"),
            text: "10.244.1.5 dev cali12345 scope link"),
        Printed(
            route: Route(
                destination: .literal("10.244.2.0/26"), gateway: IPv4Address.literal("192.168.1.11"), device: "tunl0",
                proto: .bird, onlink: true),
            text: "10.244.2.0/26 via 192.168.1.11 dev tunl0 proto bird onlink"),
        Printed(
            route: Route(
                destination: .literal("10.244.2.0/24"), gateway: IPv4Address.literal("192.168.1.11"), device: "eth0",
                metric: 100, onlink: true),
            text: "10.244.2.0/24 via 192.168.1.11 dev eth0 metric 100 onlink"),
        Printed(
            route: Route(type: .unreachable, destination: .literal("10.96.0.0/12")), text: "unreachable 10.96.0.0/12"),
        Printed(route: Route(type: .prohibit, destination: .literal("10.0.0.0/8")), text: "prohibit 10.0.0.0/8"),
        Printed(route: Route(type: .throw, destination: .literal("10.0.0.0/8")), text: "throw 10.0.0.0/8"),
    ]

    @Test("description prints ip route syntax exactly", arguments: RouteTests.printed)
    func printsIPRouteSyntax(_ example: Printed) {
        #expect(example.route.description == example.text)
    }

    @Test("Route(parsing:) reads the printed line back to the same route", arguments: RouteTests.printed)
    func parsingRoundTrip(_ example: Printed) throws {
        var parsed = try Route(parsing: example.text)
        #expect(parsed.description == example.text)
        // `ip route show` omits `table` for the table it lists; the parsed route lands in main.
        #expect(parsed.table == .main)
        parsed.table = example.route.table
        #expect(parsed == example.route)
    }

    @Test("the table keyword selects local, main, default or a numbered table")
    func parsesTable() throws {
        #expect(try Route(parsing: "local 10.244.1.1 dev cni0 table local").table == .local)
        #expect(try Route(parsing: "10.0.0.0/8 dev eth0 table main").table == .main)
        #expect(try Route(parsing: "10.0.0.0/8 dev eth0 table default").table == .default)
        #expect(try Route(parsing: "default via 192.168.1.1 dev eth0 table 100").table == RouteTableID(rawValue: 100))
    }

    @Test("scope global and scope universe are the same scope")
    func parsesScopeNames() throws {
        #expect(try Route(parsing: "10.0.0.0/8 dev eth0 scope global").scope == .universe)
        #expect(try Route(parsing: "10.0.0.0/8 dev eth0 scope universe").scope == .universe)
        #expect(try Route(parsing: "10.0.0.0/8 dev eth0 scope host").scope == .host)
    }

    @Test(
        "without scope, ip route add picks link for direct routes, universe via a gateway, host for local",
        arguments: [
            ("10.244.1.0/24 dev cni0", RouteScope.link), ("default via 10.244.1.1 dev eth0", .universe),
            ("local 10.244.1.1 dev cni0", .host), ("broadcast 10.244.1.255 dev cni0", .link),
            ("blackhole 10.244.1.0/26", .universe), ("unreachable 10.96.0.0/12", .universe),
        ] as [(String, RouteScope)])
    func defaultScope(_ text: String, _ scope: RouteScope) throws {
        #expect(try Route(parsing: text).scope == scope)
    }

    @Test("a bare address is a /32 host route and prints without the length")
    func hostRoute() throws {
        let route = try Route(parsing: "10.244.1.5 dev veth1")
        #expect(route.destination == .literal("10.244.1.5/32"))
        #expect(route.description == "10.244.1.5 dev veth1 scope link")
    }

    @Test("keywords may come in any order; the description uses ip's order")
    func keywordOrder() throws {
        let route = try Route(parsing: "default metric 100 src 192.168.1.10 dev eth0 via 192.168.1.1")
        #expect(route.description == "default via 192.168.1.1 dev eth0 src 192.168.1.10 metric 100")
    }

    @Test("metric 0 and proto boot are defaults ip route does not print")
    func hiddenDefaults() throws {
        #expect(
            try Route(parsing: "10.0.0.0/8 dev eth0 proto boot metric 0").description
                == "10.0.0.0/8 dev eth0 scope link")
    }

    @Test("the initialiser clears host bits of the destination")
    func destinationIsMasked() {
        let route = Route(destination: .literal("10.244.1.7/24"), device: "cni0")
        #expect(route.destination.description == "10.244.1.0/24")
    }

    @Test(
        "Route(parsing:) rejects text that is not ip route syntax",
        arguments: [
            "",
            "blackhole",  // type without destination
            "10.244.1.1/24 dev cni0",  // host bits set
            "10.244.1.0/33 dev cni0",
            "10.244.1 dev cni0",
            "nowhere dev cni0",
            "10.244.1.0/24 via",  // keyword without value
            "10.244.1.0/24 dev",
            "10.244.1.0/24 via 10.244.1.256",
            "10.244.1.0/24 via cni0",
            "10.244.1.0/24 dev cni0 src 1.2.3",
            "10.244.1.0/24 dev cni0 metric -1",
            "10.244.1.0/24 dev cni0 metric lots",
            "10.244.1.0/24 dev cni0 scope galaxy",
            "10.244.1.0/24 dev cni0 table mainly",
            "10.244.1.0/24 dev cni0 frobnicate 1",
        ])
    func rejects(_ text: String) {
        let error = #expect(throws: RouteError.self) { try Route(parsing: text) }
        guard case .syntax(let quoted, _)? = error else {
            Issue.record("expected RouteError.syntax, got \(String(describing: error))")
            return
        }
        #expect(quoted == text)
    }

    @Test("table ids print as ip does: local, main, default, or the number")
    func tableNames() {
        #expect(RouteTableID.local.description == "local")
        #expect(RouteTableID.main.description == "main")
        #expect(RouteTableID.default.description == "default")
        #expect(RouteTableID(rawValue: 100).description == "100")
        #expect(RouteTableID.local.rawValue == 255)
        #expect(RouteTableID.main.rawValue == 254)
        #expect(RouteTableID.default.rawValue == 253)
    }

    @Test("scopes order as the kernel numbers them: universe (0) < link (253) < host (254)")
    func scopeOrder() {
        #expect(RouteScope.universe < .link)
        #expect(RouteScope.link < .host)
    }

    @Test("errors read as iproute2 reports them")
    func errorWording() {
        #expect(
            RouteError.invalidGateway(route: "10.244.2.0/24 via 192.168.2.11 dev eth0").description
                == "Error: Nexthop has invalid gateway. (ip route add 10.244.2.0/24 via 192.168.2.11 dev eth0)")
        #expect(RouteError.unknownDevice("eth9").description == "Cannot find device \"eth9\"")
        #expect(
            RouteError.exists(route: "default via 192.168.1.1 dev eth0").description.hasPrefix(
                "RTNETLINK answers: File exists"))
    }
}
