import KubeModel
import NetCore

/// Synthetic Services and EndpointSlices for benchmarks and scale tests: `count` Services in 100 namespaces,
/// `endpoints` ready endpoints each spread over 10 nodes, every other Service a NodePort.
enum SyntheticCluster {
    static func objects(services count: Int, endpoints: Int) -> (services: [Service], slices: [EndpointSlice]) {
        var services: [Service] = []
        var slices: [EndpointSlice] = []
        services.reserveCapacity(count)
        slices.reserveCapacity(count)
        for index in 0..<count {
            let namespace = "ns\(index % 100)"
            let name = "svc\(index)"
            let clusterIP = IPv4Address(rawValue: 0xAC10_0000 + UInt32(index) + 1)  // 172.16.0.0/12
            let nodePort: UInt16? = index % 2 == 0 ? UInt16(30000 + index % 2768) : nil
            let port = ServicePort(name: "http", proto: .tcp, port: 80, targetPort: .number(8080), nodePort: nodePort)
            services.append(
                Service(
                    namespace: namespace, name: name, type: nodePort == nil ? .clusterIP : .nodePort,
                    clusterIP: clusterIP, ports: [port]))
            let addresses = (0..<endpoints).map {
                IPv4Address(rawValue: 0x0A00_0000 + UInt32(index * endpoints + $0) + 1)
            }
            slices.append(
                EndpointSlice(
                    namespace: namespace, name: "\(name)-1", serviceName: name,
                    endpoints: addresses.enumerated().map { Endpoint(addresses: [$1], nodeName: "node-\($0 % 10)") },
                    ports: [EndpointPort(name: "http", port: 8080, proto: .tcp)]))
        }
        return (services, slices)
    }

    /// The same objects as kubectl-style YAML (for timing the whole `kdp rules` command).
    static func yaml(services count: Int, endpoints: Int) -> String {
        let (services, slices) = objects(services: count, endpoints: endpoints)
        var text = ""
        text.reserveCapacity(count * (400 + endpoints * 60))
        for (service, slice) in zip(services, slices) {
            let port = service.ports[0]
            text += """
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: \(service.name), namespace: \(service.namespace)}
                spec:
                  type: \(service.type.rawValue)
                  clusterIP: \(service.clusterIP.map { "\($0)" } ?? "None")
                  ports:
                  - {name: http, port: 80, protocol: TCP, targetPort: 8080\(port.nodePort.map { ", nodePort: \($0)" } ?? "")}
                ---
                apiVersion: discovery.k8s.io/v1
                kind: EndpointSlice
                metadata: {name: \(slice.name), namespace: \(slice.namespace), labels: {kubernetes.io/service-name: \(service.name)}}
                addressType: IPv4
                ports: [{name: http, port: 8080, protocol: TCP}]
                endpoints:

                """
            for endpoint in slice.endpoints {
                text +=
                    "- {addresses: [\(endpoint.addresses[0])], conditions: {ready: true}, nodeName: \(endpoint.nodeName ?? "")}\n"
            }
        }
        return text
    }
}
