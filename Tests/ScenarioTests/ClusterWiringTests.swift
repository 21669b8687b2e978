import Dataplane
import NetCore
import Routing
import Scenario
import Testing
import Trace
import Wire

let routed = """
    name: l3
    cni: {plugin: bridge, podRoutes: none}
    segments:
      - {name: rack1, cidr: 192.168.1.0/24, gateway: 192.168.1.1}
      - {name: rack2, cidr: 192.168.2.0/24, gateway: 192.168.2.1}
    nodes:
      - {name: a, segment: rack1, address: 192.168.1.10, podCIDR: 10.244.1.0/24}
      - {name: b, segment: rack2, address: 192.168.2.10, podCIDR: 10.244.2.0/24}
    routers:
      - name: tor
        interfaces:
          - {name: eth0, segment: rack1, address: 192.168.1.1}
          - {name: eth1, segment: rack2, address: 192.168.2.1}
        routes:
          - 10.244.1.0/24 via 192.168.1.10 dev eth0
          - 10.244.2.0/24 via 192.168.2.10 dev eth1
    pods:
      - {name: client, node: a}
      - {name: web, node: b, containerPorts: [{containerPort: 80}]}

    """

func send(_ cluster: inout Cluster, from: String, to: String, port: UInt16 = 80) throws -> Trace {
    let source = try #require(cluster.pod(from))
    let destination = try #require(cluster.pod(to))
    let packet = PacketFactory.make(
        proto: .tcp, source: .any, destination: destination.ip, sourcePort: 40000, destinationPort: port)
    return cluster.dataplane.send(packet, from: source.netns, source: from, destination: to)
}

@Suite("Cluster wiring: CNI bridge plugin, node routes, routers between segments")
struct ClusterWiringTests {
    @Test("the CNI bridge plugin wires cni0 .1/24, pod eth0 .N/24 with default via .1, host veth + 8 hex on cni0")
    func bridgePlugin() throws {
        let cluster = try Cluster.build(try TopologyLoader.parse(minimal, file: "t.yaml"))
        let dataplane = cluster.dataplane
        let node = try #require(cluster.nodes["node-a"])
        let pod = try #require(cluster.pod("client"))
        #expect(dataplane.showAddresses(node).contains("inet 10.244.1.1/24 brd 10.244.1.255 scope global cni0"))
        #expect(
            dataplane.showRoutes(pod.netns, includeLocal: false) == """
                default via 10.244.1.1 dev eth0
                10.244.1.0/24 dev eth0 proto kernel scope link src 10.244.1.2

                """)
        let links = dataplane.showLinks(node)
        let veth = try #require(links.split(separator: "\n").first { $0.contains(": veth") })
        #expect(veth.contains("master cni0"))
        let name = veth.split(separator: " ")[1].split(separator: "@")[0]
        #expect(name.count == 12 && name.hasPrefix("veth") && name.dropFirst(4).allSatisfy(\.isHexDigit))
        #expect(cluster.dataplane.network.namespace(node).ipForward)
    }

    @Test("podRoutes static installs a route to each peer's pod CIDR via the peer's address")
    func staticRoutes() throws {
        let cluster = try Cluster.build(try TopologyLoader.parse(minimal, file: "t.yaml"))
        let routes = cluster.dataplane.showRoutes(try #require(cluster.nodes["node-a"]), includeLocal: false)
        #expect(routes.contains("10.244.2.0/24 via 192.168.1.11 dev eth0\n"))
    }

    @Test("nodes on two segments reach each other's pods through the router: TTL 61 (three forwarding hops)")
    func throughRouter() throws {
        var cluster = try Cluster.build(try TopologyLoader.parse(routed, file: "l3.yaml"))
        #expect(cluster.setupFailures.isEmpty)
        let trace = try send(&cluster, from: "client", to: "web")
        #expect(trace.deliveredTTL == 61)
    }

    @Test("static pod routes across an L3 boundary are refused like the kernel does, and the trace shows the drop")
    func staticAcrossL3() throws {
        let text = routed.replacingOccurrences(of: "podRoutes: none", with: "podRoutes: static")
            .replacingOccurrences(of: "gateway: 192.168.1.1}", with: "}")
        var cluster = try Cluster.build(try TopologyLoader.parse(text, file: "l3.yaml"))
        let failure = try #require(cluster.setupFailures.first)
        #expect(failure.description.contains("Error: Nexthop has invalid gateway."))
        #expect(failure.description.contains("10.244.2.0/24 via 192.168.2.10 dev eth0"))
        #expect(failure.line == 7)
        let trace = try send(&cluster, from: "client", to: "web")
        #expect(trace.dropReason == .noRoute(try #require(cluster.pod("web")).ip))
    }
}
