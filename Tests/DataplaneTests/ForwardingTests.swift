import Dataplane
import NetCore
import Routing
import Testing
import Trace
import Wire

/// Two LANs joined by a router: a (10.0.1.2) — r (10.0.1.1 | 10.0.2.1) — b (10.0.2.2).
func routedPair(routerMTU: Int = 1500, forward: Bool = true) throws -> Lan {
    var lan = Lan()
    let left = lan.network.addSegment(name: "left")
    let right = lan.network.addSegment(name: "right")
    try lan.host("a", on: left, "10.0.1.2/24")
    try lan.host("r", on: left, "10.0.1.1/24", forward: forward)
    try lan.nic("r", "eth1", on: right, "10.0.2.1/24", mtu: routerMTU)
    try lan.host("b", on: right, "10.0.2.2/24")
    try lan.route("a", "default via 10.0.1.1 dev eth0")
    try lan.route("b", "default via 10.0.2.1 dev eth0")
    lan.network.addListener(Listener(proto: .udp, port: 7), in: lan.hosts["b"]!)
    return lan
}

@Suite("IPv4 forwarding (ip_forward, route types, ICMP errors)")
struct ForwardingTests {
    @Test("a routed packet arrives with TTL decremented once per router")
    func ttlDecrement() throws {
        let lan = try routedPair()
        var dataplane = Dataplane(network: lan.network)
        let trace = lan.send(&dataplane, from: "a", to: "10.0.2.2")
        #expect(trace.outcome?.isDelivered == true)
        #expect(trace.deliveredTTL == 63)
    }

    @Test("TTL 1 expires at the router: ICMP time exceeded back to the sender, before any forwarding")
    func ttlExpiry() throws {
        let lan = try routedPair()
        var dataplane = Dataplane(network: lan.network)
        let trace = lan.send(&dataplane, from: "a", to: "10.0.2.2", ttl: 1)
        #expect(trace.dropReason == .ttlExceeded)
        #expect(trace.icmpErrors.map(\.type) == [11])
        #expect(!trace.allEvents.contains { if case .forward = $0 { return true } else { return false } })
    }

    @Test("TTL 2 is forwarded and arrives with TTL 1")
    func ttlTwo() throws {
        let lan = try routedPair()
        var dataplane = Dataplane(network: lan.network)
        #expect(lan.send(&dataplane, from: "a", to: "10.0.2.2", ttl: 2).deliveredTTL == 1)
    }

    @Test("DF packet over the egress MTU: ICMP 3/4 carrying the next-hop MTU")
    func fragmentationNeeded() throws {
        let lan = try routedPair(routerMTU: 1400)
        var dataplane = Dataplane(network: lan.network)
        let trace = lan.send(&dataplane, from: "a", to: "10.0.2.2", size: 1450)
        #expect(trace.dropReason == .fragmentationNeeded(mtu: 1400))
        guard case .destinationUnreachable(let code, let mtu, _)? = trace.icmpErrors.first else {
            Issue.record("no ICMP error")
            return
        }
        #expect(code == .fragmentationNeeded)
        #expect(mtu == 1400)
        let bytes = {
            var b: [UInt8] = []; trace.icmpErrors[0].emit(into: &b); return b
        }()
        #expect(UInt16(bytes[6]) << 8 | UInt16(bytes[7]) == 1400)
    }

    @Test("ip_forward=0 drops a transit packet silently")
    func forwardingDisabled() throws {
        let lan = try routedPair(forward: false)
        var dataplane = Dataplane(network: lan.network)
        let trace = lan.send(&dataplane, from: "a", to: "10.0.2.2")
        #expect(trace.dropReason == .forwardingDisabled)
        #expect(trace.icmpErrors.isEmpty)
    }

    @Test(
        "route types: blackhole silent, unreachable 3/1, prohibit 3/13, no route 3/0",
        arguments: [
            ("blackhole 10.9.0.0/16", nil as UInt8?),
            ("unreachable 10.9.0.0/16", 1),
            ("prohibit 10.9.0.0/16", 13),
            (nil as String?, 0),
        ] as [(String?, UInt8?)])
    func routeTypes(route: String?, code: UInt8?) throws {
        var lan = try routedPair()
        if let route { try lan.route("r", route) }
        var dataplane = Dataplane(network: lan.network)
        let trace = lan.send(&dataplane, from: "a", to: "10.9.1.1")
        #expect(trace.outcome?.isDelivered == false)
        #expect(trace.icmpErrors.map(\.code) == (code.map { [$0] } ?? []))
        if code != nil {
            // The error walks back and reaches the sender's socket.
            let delivered = trace.allEvents.contains { if case .delivered = $0 { return true } else { return false } }
            #expect(delivered)
        }
    }

    @Test("UDP to a closed port: ICMP port unreachable; TCP: RST")
    func closedPorts() throws {
        let lan = try routedPair()
        var dataplane = Dataplane(network: lan.network)
        let udp = lan.send(&dataplane, from: "a", to: "10.0.2.2", port: 9)
        #expect(udp.dropReason == .udpPortClosed(9))
        #expect(udp.icmpErrors.map(\.code) == [3])
        let tcp = lan.send(&dataplane, from: "a", to: "10.0.2.2", proto: .tcp, port: 9)
        #expect(tcp.dropReason == .tcpReset(9))
        #expect(tcp.icmpErrors.isEmpty)
    }

    @Test("an ICMP error about an ICMP error is never sent")
    func noErrorAboutError() throws {
        var lan = try routedPair()
        // b's reply path is broken: errors toward a are blackholed at r, which must not answer them.
        try lan.route("r", "blackhole 10.0.1.2/32")
        var dataplane = Dataplane(network: lan.network)
        let trace = lan.send(&dataplane, from: "b", to: "10.9.9.9")
        #expect(trace.icmpErrors.count == 1)
    }

    @Test("a routing loop ends by TTL expiry, not a hang")
    func routingLoop() throws {
        var lan = Lan()
        let seg = lan.network.addSegment(name: "s")
        try lan.host("x", on: seg, "10.0.0.1/24", forward: true)
        try lan.host("y", on: seg, "10.0.0.2/24", forward: true)
        try lan.route("x", "10.5.0.0/16 via 10.0.0.2 dev eth0")
        try lan.route("y", "10.5.0.0/16 via 10.0.0.1 dev eth0")
        var dataplane = Dataplane(network: lan.network)
        let trace = lan.send(&dataplane, from: "x", to: "10.5.0.1")
        #expect(trace.dropReason == .ttlExceeded)
        let loops = trace.allEvents.filter { if case .routingLoop = $0 { return true } else { return false } }
        #expect(loops.count == 2)
    }

    @Test("neighbour resolution fails for an absent on-link host: host unreachable to a forwarded packet's sender")
    func arpFailure() throws {
        let lan = try routedPair()
        var dataplane = Dataplane(network: lan.network)
        let trace = lan.send(&dataplane, from: "a", to: "10.0.2.77")
        #expect(trace.dropReason == .neighborFailed(IPv4Address("10.0.2.77")!, device: "eth1"))
        #expect(trace.icmpErrors.map(\.code) == [1])
        #expect(dataplane.showNeighbors(lan.hosts["r"]!).contains("10.0.2.77 dev eth1 FAILED"))
    }

    @Test("an absent host in the sender's own subnet: the sender's stack sends itself host unreachable")
    func localARPFailure() throws {
        let lan = try routedPair()
        var dataplane = Dataplane(network: lan.network)
        let trace = lan.send(&dataplane, from: "a", to: "10.0.1.77")
        #expect(trace.dropReason == .neighborFailed(IPv4Address("10.0.1.77")!, device: "eth0"))
        // ping's "From 10.0.1.2 … Destination Host Unreachable": ipv4_link_failure answers local packets too.
        let returned = trace.deliveredICMPErrors
        #expect(returned.map(\.message.code) == [1])
        #expect(returned.map(\.from) == [IPv4Address("10.0.1.2")!])
    }
}
