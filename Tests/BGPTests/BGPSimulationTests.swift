import BGP
import NetCore
import Testing

func address(_ text: String) -> IPv4Address { IPv4Address(text) ?? .any }
func prefix(_ text: String) -> IPv4Prefix { IPv4Prefix(text) ?? .defaultRoute }

/// Speakers 10.0.0.1…n, AS 64512, each originating 10.244.<i>.0/26.
func nodes(_ count: Int, asn: UInt32 = 64512) -> [BGPSpeaker] {
    (1...count).map { i in
        BGPSpeaker(name: "n\(i)", routerID: address("10.0.0.\(i)"), asn: asn, originated: [prefix("10.244.\(i).0/26")])
    }
}

/// The converged next hop per prefix at one speaker (local routes excluded).
func learned(_ simulation: BGPSimulation, _ index: Int) -> [String: String] {
    var result: [String: String] = [:]
    for route in simulation.routes(of: index) where route.learnedFrom != nil {
        result["\(route.prefix)"] = "\(route.attributes.nextHop)"
    }
    return result
}

@Suite("BGP: full mesh, route reflection, eBGP, withdrawal")
struct BGPSimulationTests {
    @Test("a three-node iBGP mesh converges in one round: every node has the other blocks via their owners")
    func fullMesh() {
        var simulation = BGPSimulation(
            topology: BGPTopology(speakers: nodes(3), sessions: BGPTopology.fullMesh([0, 1, 2])))
        let stats = simulation.start()
        #expect(stats.rounds == 1)
        #expect(stats.messages == 6)
        #expect(learned(simulation, 0) == ["10.244.2.0/26": "10.0.0.2", "10.244.3.0/26": "10.0.0.3"])
        #expect(learned(simulation, 2) == ["10.244.1.0/26": "10.0.0.1", "10.244.2.0/26": "10.0.0.2"])
    }

    @Test("iBGP does not re-advertise iBGP-learned routes: a chain without a reflector stays partial")
    func splitHorizon() {
        var simulation = BGPSimulation(
            topology: BGPTopology(speakers: nodes(3), sessions: [BGPSession(0, 1), BGPSession(1, 2)]))
        _ = simulation.start()
        #expect(learned(simulation, 0) == ["10.244.2.0/26": "10.0.0.2"])
        #expect(learned(simulation, 1).count == 2)
    }

    @Test("a route reflector reflects client routes with next hop kept, ORIGINATOR_ID and CLUSTER_LIST set")
    func routeReflector() {
        var speakers = nodes(3)
        speakers.append(
            BGPSpeaker(name: "rr", routerID: address("10.0.0.100"), asn: 64512, clusterID: address("10.0.0.100")))
        let sessions = (0..<3).map { BGPSession(3, $0, aReflectsB: true) }
        var simulation = BGPSimulation(topology: BGPTopology(speakers: speakers, sessions: sessions))
        let stats = simulation.start()
        #expect(stats.rounds == 2)
        #expect(stats.messages == 6)
        #expect(learned(simulation, 0) == ["10.244.2.0/26": "10.0.0.2", "10.244.3.0/26": "10.0.0.3"])
        let route = simulation.routes(of: 0).first { $0.prefix == prefix("10.244.2.0/26") }
        #expect(route?.attributes.originatorID == address("10.0.0.2"))
        #expect(route?.attributes.clusterList == [address("10.0.0.100")])
        #expect(learned(simulation, 3).count == 3)
    }

    @Test("two reflectors with different cluster IDs: no loops, every client learns every block once")
    func redundantReflectors() {
        var speakers = nodes(4)
        speakers.append(
            BGPSpeaker(name: "rr1", routerID: address("10.0.0.101"), asn: 64512, clusterID: address("1.1.1.1")))
        speakers.append(
            BGPSpeaker(name: "rr2", routerID: address("10.0.0.102"), asn: 64512, clusterID: address("2.2.2.2")))
        var sessions = [BGPSession(4, 5)]
        for client in 0..<4 {
            sessions.append(BGPSession(4, client, aReflectsB: true))
            sessions.append(BGPSession(5, client, aReflectsB: true))
        }
        var simulation = BGPSimulation(topology: BGPTopology(speakers: speakers, sessions: sessions))
        _ = simulation.start()
        for client in 0..<4 {
            #expect(learned(simulation, client).count == 3)
            for route in simulation.routes(of: client) where route.learnedFrom != nil {
                #expect(route.attributes.clusterList.count == 1)
            }
        }
    }

    @Test("eBGP prepends the AS, sets next hop self, and a route carrying our AS is rejected")
    func sameASAcrossEBGPIsRejected() {
        // Both nodes in 64512 behind an eBGP ToR: each sees its own AS in the other's path and drops it.
        var speakers = nodes(2)
        speakers.append(BGPSpeaker(name: "tor", routerID: address("10.0.0.254"), asn: 65000))
        var simulation = BGPSimulation(
            topology: BGPTopology(speakers: speakers, sessions: [BGPSession(2, 0), BGPSession(2, 1)]))
        _ = simulation.start()
        #expect(learned(simulation, 0).isEmpty)
        #expect(learned(simulation, 2).count == 2)
    }

    @Test("eBGP with per-rack AS numbers prepends the AS and sets next hop self")
    func external() {
        // Per-rack AS numbers, as Calico's AS-per-rack designs use them.
        var speakers = nodes(2)
        speakers[1].asn = 64513
        speakers.append(BGPSpeaker(name: "tor", routerID: address("10.0.0.254"), asn: 65000))
        let sessions = [BGPSession(2, 0), BGPSession(2, 1)]
        var simulation = BGPSimulation(topology: BGPTopology(speakers: speakers, sessions: sessions))
        _ = simulation.start()
        let route = simulation.routes(of: 0).first { $0.prefix == prefix("10.244.2.0/26") }
        #expect(route?.attributes.asPath == [65000, 64513])
        #expect(route?.attributes.nextHop == address("10.0.0.254"))
        // n1's own block came back from the ToR with 64512 in the path and was rejected.
        #expect(simulation.routes(of: 0).count == 2)
        #expect(simulation.received(by: 0, from: 2).keys.contains(prefix("10.244.1.0/26")) == false)
    }

    @Test("a node leaving withdraws its block everywhere, through the reflector too")
    func withdrawal() {
        var speakers = nodes(3)
        speakers.append(
            BGPSpeaker(name: "rr", routerID: address("10.0.0.100"), asn: 64512, clusterID: address("10.0.0.100")))
        let sessions = (0..<3).map { BGPSession(3, $0, aReflectsB: true) }
        var simulation = BGPSimulation(topology: BGPTopology(speakers: speakers, sessions: sessions))
        _ = simulation.start()
        let stats = simulation.remove(2)
        #expect(stats.messages == 2)
        #expect(learned(simulation, 0) == ["10.244.2.0/26": "10.0.0.2"])
        #expect(learned(simulation, 1) == ["10.244.1.0/26": "10.0.0.1"])
        #expect(learned(simulation, 3).count == 2)
        #expect(!simulation.isEstablished(3, 2))
    }

    @Test("best path prefers the shorter AS path, then the lower originator")
    func bestPath() {
        // n1 hears 10.9.0.0/16 from n2 directly (eBGP, path [65002]) and via n3 (eBGP, path [65003, 65002]).
        let speakers = [
            BGPSpeaker(name: "n1", routerID: address("10.0.0.1"), asn: 65001),
            BGPSpeaker(name: "n2", routerID: address("10.0.0.2"), asn: 65002, originated: [prefix("10.9.0.0/16")]),
            BGPSpeaker(name: "n3", routerID: address("10.0.0.3"), asn: 65003),
        ]
        var simulation = BGPSimulation(
            topology: BGPTopology(speakers: speakers, sessions: [BGPSession(0, 1), BGPSession(0, 2), BGPSession(1, 2)]))
        _ = simulation.start()
        let route = simulation.routes(of: 0).first { $0.prefix == prefix("10.9.0.0/16") }
        #expect(route?.attributes.asPath == [65002])
        #expect(route?.learnedFrom == 1)
    }
}
