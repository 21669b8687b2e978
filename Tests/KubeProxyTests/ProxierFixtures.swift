import KubeModel
import KubeProxy
import NetCore

/// Objects and settings shaped like kube-proxy's `NewFakeProxier` tests.
enum Fixture {
    static let config = ProxyConfig(
        nodeName: "test-node", nodeIPs: [IPv4Address(192, 168, 0, 2)],
        localDetector: .clusterCIDR(IPv4Prefix(address: IPv4Address(10, 0, 0, 0), length: 8)))

    static func service(_ namespace: String, _ name: String, clusterIP: String, port: UInt16) -> Service {
        Service(
            namespace: namespace, name: name, clusterIP: IPv4Address(clusterIP),
            ports: [ServicePort(name: "p\(port)", port: port)])
    }

    static func slice(_ namespace: String, _ service: String, port: UInt16, addresses: [String]) -> EndpointSlice {
        EndpointSlice(
            namespace: namespace, name: "\(service)-1", serviceName: service,
            endpoints: addresses.compactMap { IPv4Address($0) }.map { Endpoint(addresses: [$0]) },
            ports: [EndpointPort(name: "p\(port)", port: port)])
    }

    /// ns1/svc1 (one endpoint) and ns2/svc2 (one endpoint), as in TestSyncProxyRulesRepeated.
    static var twoServices: Manifest {
        var manifest = Manifest()
        manifest.services = [
            service("ns1", "svc1", clusterIP: "172.30.0.41", port: 80),
            service("ns2", "svc2", clusterIP: "172.30.0.42", port: 8080),
        ]
        manifest.slices = [
            slice("ns1", "svc1", port: 80, addresses: ["10.0.1.1"]),
            slice("ns2", "svc2", port: 8080, addresses: ["10.0.2.1"]),
        ]
        return manifest
    }

    static func chain(_ spn: String, proto: String = "tcp") -> String {
        "KUBE-SVC-" + ChainNames.servicePortHash(spn, proto: proto)
    }

    static func endpointChain(_ spn: String, _ endpoint: String) -> String {
        ChainNames.endpointChain(spn, proto: "tcp", endpoint: endpoint)
    }
}

extension IptablesProxier {
    mutating func sync(_ manifest: Manifest) -> IptablesSyncResult {
        sync(services: manifest.services, slices: manifest.slices)
    }
}
