import Dataplane
import Foundation
import NetCore
import Routing
import Scenario
import Testing
import Trace
import Wire

func shipped(_ name: String) throws -> Cluster {
    let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("topologies/\(name)").path
    return try Cluster.load(path: path)
}

@Suite("flannel VXLAN/host-gw and Calico wiring")
struct CNIBackendTests {
    @Test("flannel.1: VNI 1, port 8472, MTU 1450, lease .0/32; per remote node neighbour, FDB and onlink route")
    func flannelVTEP() throws {
        let cluster = try shipped("flannel-vxlan.yaml")
        let dataplane = cluster.dataplane
        let node = try #require(cluster.nodes["node-a"])
        let vtep = try #require(dataplane.network.device(named: "flannel.1", in: node))
        guard case .vxlan(let config) = vtep.kind else {
            Issue.record("flannel.1 is not a VXLAN device")
            return
        }
        #expect(config.vni == 1)
        #expect(config.port == 8472)
        #expect(config.local == IPv4Address("192.168.1.10"))
        #expect(vtep.mtu == 1450)
        #expect(vtep.addresses == [IPv4Prefix("10.244.1.0/32")])
        let routes = dataplane.showRoutes(node, includeLocal: false)
        #expect(routes.contains("10.244.2.0/24 via 10.244.2.0 dev flannel.1 onlink\n"))
        #expect(routes.contains("10.244.3.0/24 via 10.244.3.0 dev flannel.1 onlink\n"))
        let neigh = dataplane.showNeighbors(node)
        #expect(neigh.contains("10.244.2.0 dev flannel.1 lladdr ") && neigh.contains("PERMANENT"))
        #expect(dataplane.showFDB(node).contains(" dev flannel.1 dst 192.168.1.11 self permanent"))
        let pod = try #require(cluster.pod("client"))
        #expect(
            dataplane.showRoutes(pod.netns, includeLocal: false).contains("10.244.0.0/16 via 10.244.1.1 dev eth0\n"))
    }

    @Test("a 1450+ byte DF packet into the VXLAN path gets ICMP frag-needed with MTU 1450 from the node")
    func vxlanFragmentationNeeded() throws {
        // Pods left at MTU 1500 (a misconfiguration flannel avoids) send full-size packets into flannel.1.
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("topologies/flannel-vxlan.yaml").path
        var text = try String(contentsOfFile: path, encoding: .utf8)
        text = text.replacingOccurrences(of: "  port: 8472\n", with: "  port: 8472\n  mtu: 1500\n")
        var cluster = try Cluster.build(try TopologyLoader.parse(text, file: path))
        let client = try #require(cluster.pod("client"))
        let web = try #require(cluster.pod("web-b"))
        let packet = PacketFactory.make(
            proto: .udp, source: .any, destination: web.ip, sourcePort: 1, destinationPort: 80, payloadSize: 1472)
        let trace = cluster.dataplane.send(packet, from: client.netns, source: "client", destination: "web-b")
        #expect(trace.dropReason == .fragmentationNeeded(mtu: 1450))
        guard case .destinationUnreachable(let code, let mtu, _)? = trace.icmpErrors.first else {
            Issue.record("no ICMP error")
            return
        }
        #expect(code == .fragmentationNeeded)
        #expect(mtu == 1450)
    }

    @Test("VXLAN encapsulation on the wire: outer UDP to 8472, TTL 64, DF clear, inner frame between VTEP MACs")
    func vxlanOnTheWire() throws {
        var cluster = try shipped("flannel-vxlan.yaml")
        let client = try #require(cluster.pod("client"))
        let web = try #require(cluster.pod("web-b"))
        let packet = PacketFactory.make(
            proto: .tcp, source: .any, destination: web.ip, sourcePort: 40000, destinationPort: 80)
        let trace = cluster.dataplane.send(packet, from: client.netns, source: "client", destination: "web-b")
        #expect(trace.deliveredTTL == 62)
        let outer = try #require(
            trace.transmittedFrames.first {
                $0.place.device == "eth0" && $0.place.netns == "node-a" && $0.frame.ipv4 != nil
            }?.frame)
        let ip = try #require(outer.ipv4)
        #expect(ip.header.timeToLive == 64)
        #expect(!ip.header.dontFragment)
        #expect(ip.header.destination == IPv4Address("192.168.1.11"))
        guard case .udp(let udp) = ip.payload, case .vxlan(let vxlan, let inner) = udp.payload else {
            Issue.record("the frame on node-a eth0 is not VXLAN")
            return
        }
        #expect(udp.header.destinationPort == 8472)
        #expect((32768...60999).contains(Int(udp.header.sourcePort)))
        #expect(vxlan.vni == 1)
        #expect(Array(outer.emit()[42..<50]) == [0x08, 0, 0, 0, 0, 0, 1, 0])
        #expect(inner.ipv4?.header.timeToLive == 63)
        #expect(ip.totalLength == inner.length + 8 + 8 + 20)
        // Every packet of one flow uses the same outer source port.
        let again = cluster.dataplane.send(packet, from: client.netns, source: "client", destination: "web-b")
        let second = again.transmittedFrames.first {
            $0.place.device == "eth0" && $0.place.netns == "node-a" && $0.frame.ipv4 != nil
        }?.frame.ipv4
        #expect(second?.ports?.source == udp.header.sourcePort)
    }

    @Test("Calico wiring: cali + 11 hex of sha1(namespace.name), ee:ee:ee:ee:ee:ee, /32 pod, 169.254.1.1 routes")
    func calicoWiring() throws {
        let cluster = try shipped("calico-bgp.yaml")
        let node = try #require(cluster.nodes["node-a"])
        let pod = try #require(cluster.pod("client"))
        let links = cluster.dataplane.showLinks(node)
        // sha1("default.client") = a7a3e029a7b…
        #expect(links.contains("calia7a3e029a7b@if2"))
        #expect(links.contains("link/ether ee:ee:ee:ee:ee:ee"))
        #expect(
            cluster.dataplane.showRoutes(pod.netns, includeLocal: false) == """
                default via 169.254.1.1 dev eth0
                169.254.1.1 dev eth0 scope link

                """)
        #expect(cluster.dataplane.showAddresses(pod.netns).contains("inet 10.244.1.1/32 scope global eth0"))
    }

    @Test("Calico full mesh: each node has exactly the other blocks via their owners, proto bird, plus its blackhole")
    func calicoMeshRoutes() throws {
        let cluster = try shipped("calico-bgp.yaml")
        let routes = cluster.dataplane.showRoutes(try #require(cluster.nodes["node-b"]), includeLocal: false)
        let bird = routes.split(separator: "\n").filter { $0.contains("proto bird") }
        let expected = [
            "10.244.1.0/26 via 192.168.1.10 dev eth0 proto bird metric 32",
            "blackhole 10.244.2.0/26 proto bird metric 32",
            "10.244.3.0/26 via 192.168.1.12 dev eth0 proto bird metric 32",
        ]
        #expect(bird.map(String.init) == expected)
        #expect(cluster.bgp?.convergence.rounds == 1)
        #expect(cluster.bgp?.convergence.messages == 6)
    }

    @Test(
        "Calico through a reflecting ToR: other-rack blocks resolve through the default route; the ToR routes to owners"
    )
    func calicoReflectorRoutes() throws {
        let cluster = try shipped("calico-bgp-rr.yaml")
        let nodeA = cluster.dataplane.showRoutes(try #require(cluster.nodes["node-a"]), includeLocal: false)
        #expect(nodeA.contains("10.244.2.0/26 via 192.168.1.11 dev eth0 proto bird metric 32\n"))
        #expect(nodeA.contains("10.244.3.0/26 via 192.168.1.1 dev eth0 proto bird metric 32\n"))
        #expect(nodeA.contains("10.244.4.0/26 via 192.168.1.1 dev eth0 proto bird metric 32\n"))
        let tor = cluster.dataplane.showRoutes(try #require(cluster.routers["tor"]), includeLocal: false)
        #expect(tor.contains("10.244.3.0/26 via 192.168.2.10 dev eth1 proto bird metric 32\n"))
        #expect(tor.contains("10.244.1.0/26 via 192.168.1.10 dev eth0 proto bird metric 32\n"))
    }

    @Test("host-gw across an L3 boundary: the route is refused and the trace ends at the router without pod routes")
    func hostGatewayL3() throws {
        var cluster = try shipped("flannel-host-gw-l3.yaml")
        #expect(cluster.setupFailures.count == 2)
        #expect(cluster.setupFailures.allSatisfy { $0.description.contains("Nexthop has invalid gateway") })
        let client = try #require(cluster.pod("client"))
        let web = try #require(cluster.pod("web-b"))
        let packet = PacketFactory.make(
            proto: .tcp, source: .any, destination: web.ip, sourcePort: 40000, destinationPort: 80)
        let trace = cluster.dataplane.send(packet, from: client.netns, source: "client", destination: "web-b")
        guard case .dropped(let place, .noRoute)? = trace.outcome else {
            Issue.record("expected a no-route drop, got \(String(describing: trace.outcome))")
            return
        }
        #expect(place.netns == "router tor")
    }

    @Test("kdp bird-config output is accepted by the real BIRD 2 parser (bird -p)")
    func birdParses() throws {
        let cluster = try shipped("calico-bgp-rr.yaml")
        let bird = try #require(
            ["/usr/sbin/bird", "/usr/bin/bird", "/sbin/bird"].first {
                FileManager.default.isExecutableFile(atPath: $0)
            },
            "bird2 is not installed: run `make deps`")
        for speaker in ["node-a", "tor"] {
            let text = try #require(BIRDConfig.render(cluster: cluster, speaker: speaker))
            let file = FileManager.default.temporaryDirectory.appendingPathComponent(
                "kdp-bird-\(UUID().uuidString).conf")
            try text.write(to: file, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(at: file) }
            let process = Process()
            process.executableURL = URL(fileURLWithPath: bird)
            process.arguments = ["-p", "-c", file.path]
            let errors = Pipe()
            process.standardError = errors
            try process.run()
            let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            #expect(process.terminationStatus == 0, "bird -p rejected the \(speaker) config: \(message)")
        }
    }
}
