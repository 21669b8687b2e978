import KubeModel
import KubeProxy
import NetCore
import Testing

/// kube-proxy's topology filtering of cluster endpoints (`CategorizeEndpoints` with hints).
@Suite("topology hints: zone and node hints narrow the cluster endpoints, never the local ones")
struct TopologyHintTests {
    struct Spec {
        var ip: String
        var zones: [String] = []
        var nodes: [String] = []
        var node: String? = nil
        var ready = true
    }

    /// The endpoints the service's KUBE-SVC chain jumps to, in order.
    static func targets(
        _ specs: [Spec], zone: String? = "zone-a", gates: [String: Bool] = [:], policy: TrafficPolicy = .cluster
    ) -> [String] {
        var config = Fixture.config
        if let zone { config.nodeLabels["topology.kubernetes.io/zone"] = zone }
        config.featureGates = gates
        var service = Fixture.service("ns1", "svc1", clusterIP: "172.30.0.41", port: 80)
        service.internalTrafficPolicy = policy
        let slice = EndpointSlice(
            namespace: "ns1", name: "svc1-1", serviceName: "svc1",
            endpoints: specs.map {
                Endpoint(
                    addresses: [IPv4Address($0.ip)!], conditions: EndpointConditions(ready: $0.ready),
                    nodeName: $0.node, zoneHints: $0.zones, nodeHints: $0.nodes)
            },
            ports: [EndpointPort(name: "p80", port: 80)])
        let text = IptablesCompiler(config: config).compile(services: [service], slices: [slice]).text
        let chain = service.internalTrafficPolicy == .local ? "KUBE-SVL-" : "KUBE-SVC-"
        return text.split(separator: "\n").filter { $0.hasPrefix("-A \(chain)") && $0.contains(" -> ") }.compactMap {
            line in
            line.split(separator: " ").first { $0.hasPrefix("10.") }.map { String($0.filter { $0 != "\"" }) }
        }
    }

    @Test("every ready endpoint zone-hinted and one for this zone: only this zone's endpoints")
    func zoneFilter() {
        let specs = [
            Spec(ip: "10.0.1.1", zones: ["zone-a"]), Spec(ip: "10.0.1.2", zones: ["zone-b"]),
            Spec(ip: "10.0.1.3", zones: ["zone-a"]), Spec(ip: "10.0.1.4", ready: false),
        ]
        #expect(Self.targets(specs) == ["10.0.1.1:80", "10.0.1.3:80"])
    }

    @Test("no filtering when a ready endpoint lacks hints, none names this zone, or the node has no zone")
    func noFilter() {
        let all = ["10.0.1.1:80", "10.0.1.2:80"]
        #expect(Self.targets([Spec(ip: "10.0.1.1", zones: ["zone-a"]), Spec(ip: "10.0.1.2")]) == all)
        #expect(
            Self.targets([Spec(ip: "10.0.1.1", zones: ["zone-b"]), Spec(ip: "10.0.1.2", zones: ["zone-c"])]) == all)
        #expect(
            Self.targets([Spec(ip: "10.0.1.1", zones: ["zone-a"]), Spec(ip: "10.0.1.2", zones: ["zone-b"])], zone: nil)
                == all)
    }

    @Test("node hints win over zone hints only with the PreferSameTrafficDistribution gate")
    func nodeHints() {
        let specs = [
            Spec(ip: "10.0.1.1", zones: ["zone-a"], nodes: ["other-node"]),
            Spec(ip: "10.0.1.2", zones: ["zone-a"], nodes: ["test-node"]),
            Spec(ip: "10.0.1.3", zones: ["zone-b"], nodes: ["third-node"]),
        ]
        #expect(Self.targets(specs, gates: ["PreferSameTrafficDistribution": true]) == ["10.0.1.2:80"])
        #expect(Self.targets(specs) == ["10.0.1.1:80", "10.0.1.2:80"])
    }

    @Test("internalTrafficPolicy Local ignores hints")
    func localIgnoresHints() {
        let specs = [
            Spec(ip: "10.0.1.1", zones: ["zone-b"], node: "test-node"),
            Spec(ip: "10.0.1.2", zones: ["zone-a"], node: "test-node"),
        ]
        #expect(Self.targets(specs, policy: .local) == ["10.0.1.1:80", "10.0.1.2:80"])
    }
}
