import Dataplane
import NetCore
import Routing
import Testing
import Trace
import Wire

/// A netns `br` with bridge `br0` and `count` pod-like namespaces on veth ports.
func bridgeLan(count: Int, hairpin: Bool = false) throws -> (
    network: Network, bridge: DeviceID, pods: [NetnsID], ports: [DeviceID]
) {
    var network = Network()
    let host = try network.addNamespace(name: "br", role: .node(name: "br"))
    let bridge = try network.addDevice(in: host, name: "br0", kind: .bridge, mac: .derived(from: "br0"))
    try network.addAddress(IPv4Prefix("10.1.0.1/24")!, to: bridge)
    var pods: [NetnsID] = []
    var ports: [DeviceID] = []
    for index in 0..<count {
        let pod = try network.addNamespace(name: "p\(index)", role: .pod(namespace: "t", name: "p\(index)", node: "br"))
        let (hostEnd, podEnd) = try network.addVethPair(
            (host, "veth\(index)", .derived(from: "veth\(index)")), (pod, "eth0", .derived(from: "p\(index)")))
        network.enslave(hostEnd, to: bridge)
        network.setHairpin(hostEnd, hairpin)
        try network.addAddress(IPv4Prefix("10.1.0.\(index + 2)/24")!, to: podEnd)
        network.addListener(Listener(proto: .udp, port: 7), in: pod)
        pods.append(pod)
        ports.append(hostEnd)
    }
    return (network, bridge, pods, ports)
}

func udp(to: String, ttl: UInt8 = 64) -> IPv4Packet {
    PacketFactory.make(
        proto: .udp, source: .any, destination: IPv4Address(to)!, sourcePort: 40000, destinationPort: 7, ttl: ttl)
}

@Suite("Linux bridge: FDB learning, ageing, flooding, hairpin")
struct BridgeTests {
    @Test("bridged pod-to-pod keeps TTL 64 and teaches the FDB both MACs")
    func learning() throws {
        let lan = try bridgeLan(count: 2)
        var dataplane = Dataplane(network: lan.network)
        let trace = dataplane.send(udp(to: "10.1.0.3"), from: lan.pods[0], source: "p0", destination: "p1")
        #expect(trace.deliveredTTL == 64)
        let fdb = dataplane.state.fdb[lan.bridge]!
        #expect(
            fdb.lookup(lan.network.device(lan.network.namespace(lan.pods[0]).devices[1]).mac, now: dataplane.state.now)?
                .port == lan.ports[0])
        #expect(
            fdb.lookup(lan.network.device(lan.network.namespace(lan.pods[1]).devices[1]).mac, now: dataplane.state.now)?
                .port == lan.ports[1])
    }

    @Test("the first packet resolves ARP (broadcast flooded to every other port); the second uses the cache")
    func arpThenCache() throws {
        let lan = try bridgeLan(count: 3)
        var dataplane = Dataplane(network: lan.network)
        let first = dataplane.send(udp(to: "10.1.0.3"), from: lan.pods[0], source: "p0", destination: "p1")
        let floods = first.allEvents.compactMap { event -> [String]? in
            if case .bridge(_, _, _, .broadcast(let ports)) = event { return ports }
            return nil
        }
        #expect(floods.first == ["veth1", "veth2"])
        let second = dataplane.send(udp(to: "10.1.0.3"), from: lan.pods[0], source: "p0", destination: "p1")
        #expect(
            !second.allEvents.contains { if case .neighbor(_, _, .resolved) = $0 { return true } else { return false } }
        )
        #expect(
            second.allEvents.contains {
                if case .neighbor(_, _, .cached(_, .reachable)) = $0 { return true } else { return false }
            })
        #expect(second.outcome?.isDelivered == true)
    }

    @Test("learned entries age out after 300 s; then unicast to that MAC is flooded")
    func ageing() throws {
        let lan = try bridgeLan(count: 3)
        var dataplane = Dataplane(network: lan.network)
        _ = dataplane.send(udp(to: "10.1.0.3"), from: lan.pods[0], source: "p0", destination: "p1")
        dataplane.state.now = dataplane.state.now.advanced(bySeconds: 299)
        let warm = dataplane.send(udp(to: "10.1.0.3"), from: lan.pods[0], source: "p0", destination: "p1")
        #expect(
            warm.allEvents.contains {
                if case .bridge(_, _, _, .forward("veth1")) = $0 { return true } else { return false }
            })
        dataplane.state.now = dataplane.state.now.advanced(bySeconds: 301)
        // Neighbour entries are STALE but still used; the FDB has forgotten p1's MAC.
        let aged = dataplane.send(udp(to: "10.1.0.3"), from: lan.pods[0], source: "p0", destination: "p1")
        #expect(
            aged.allEvents.contains {
                if case .bridge(_, _, _, .flood(["veth1", "veth2"])) = $0 { return true } else { return false }
            })
        #expect(aged.outcome?.isDelivered == true)
    }

    @Test("local entries (bridge and port MACs) are permanent and never age")
    func localEntriesPermanent() throws {
        let lan = try bridgeLan(count: 1)
        var fdb = Dataplane(network: lan.network).state.fdb[lan.bridge]!
        fdb.expire(now: .seconds(100_000))
        #expect(fdb.entries.count == 2)
        #expect(fdb.entries.values.allSatisfy { $0.isLocal })
    }

    @Test("a frame is sent back out its ingress port only with hairpin on", arguments: [false, true])
    func hairpin(on: Bool) throws {
        let lan = try bridgeLan(count: 2, hairpin: on)
        var dataplane = Dataplane(network: lan.network)
        let trace = dataplane.send(udp(to: "10.1.0.3"), from: lan.pods[0], source: "p0", destination: "p1")
        let broadcast = trace.allEvents.compactMap { event -> [String]? in
            if case .bridge(_, _, _, .broadcast(let ports)) = event { return ports }
            return nil
        }.first
        #expect(broadcast == (on ? ["veth0", "veth1"] : ["veth1"]))
    }

    @Test("a bridge loop (two bridges joined twice) is reported as a loop and ends")
    func bridgeLoop() throws {
        var network = Network()
        let host = try network.addNamespace(name: "h", role: .node(name: "h"))
        let br1 = try network.addDevice(in: host, name: "br1", kind: .bridge, mac: .derived(from: "br1"))
        let br2 = try network.addDevice(in: host, name: "br2", kind: .bridge, mac: .derived(from: "br2"))
        for index in 0..<2 {
            let (a, b) = try network.addVethPair(
                (host, "l\(index)a", .derived(from: "l\(index)a")), (host, "l\(index)b", .derived(from: "l\(index)b")))
            network.enslave(a, to: br1)
            network.enslave(b, to: br2)
        }
        let pod = try network.addNamespace(name: "p", role: .host(name: "p"))
        let (port, eth) = try network.addVethPair(
            (host, "vp", .derived(from: "vp")), (pod, "eth0", .derived(from: "p/eth0")))
        network.enslave(port, to: br1)
        try network.addAddress(IPv4Prefix("10.2.0.2/24")!, to: eth)
        var dataplane = Dataplane(network: network)
        let trace = dataplane.send(udp(to: "10.2.0.9"), from: pod, source: "p", destination: "10.2.0.9")
        let loops = trace.allEvents.filter { if case .dropped(_, .loop) = $0 { return true } else { return false } }
        #expect(!loops.isEmpty)
        #expect(trace.outcome?.isDelivered == false)
    }

    @Test("a frame larger than the receiving veth's MTU is dropped")
    func vethMTU() throws {
        var lan = try bridgeLan(count: 2)
        let p1eth = lan.network.namespace(lan.pods[1]).devices[1]
        lan.network.setMTU(p1eth, 1000)
        var dataplane = Dataplane(network: lan.network)
        let packet = PacketFactory.make(
            proto: .udp, source: .any, destination: IPv4Address("10.1.0.3")!, sourcePort: 1, destinationPort: 7,
            payloadSize: 1200)
        let trace = dataplane.send(packet, from: lan.pods[0], source: "p0", destination: "p1")
        #expect(trace.dropReason == .frameTooBig(length: 1228, mtu: 1000))
    }
}
