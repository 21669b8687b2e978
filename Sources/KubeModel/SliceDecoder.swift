import NetCore
import YAMLReader

/// `discovery.k8s.io/v1` EndpointSlice. Slices of another address type, or without the service-name
/// label, have no IPv4 Service to feed and are skipped (kube-proxy ignores them too).
enum SliceDecoder {
    static func decode(_ object: YAMLMapping) throws(LocatedError) -> EndpointSlice? {
        let meta = try object.metadata()
        guard let service = meta.labels[serviceNameLabel] else { return nil }
        let addressType = try object.string("addressType") ?? "IPv4"
        guard addressType == "IPv4" else { return nil }
        var endpoints: [Endpoint] = []
        for item in try object["endpoints"]?.sequence() ?? [] {
            let fields = try item.fields()
            let conditions = try fields["conditions"]?.fields()
            let hints = try fields["hints"]?.fields()
            func names(_ key: String) throws(LocatedError) -> [String] {
                var names: [String] = []
                for hint in try hints?[key]?.sequence() ?? [] {
                    names.append(try hint.fields().required("name").string())
                }
                return names
            }
            endpoints.append(
                Endpoint(
                    addresses: try fields.ipv4List("addresses"),
                    conditions: EndpointConditions(
                        ready: try conditions?.bool("ready"), serving: try conditions?.bool("serving"),
                        terminating: try conditions?.bool("terminating")),
                    nodeName: try fields.string("nodeName"), zone: try fields.string("zone"),
                    zoneHints: try names("forZones"), nodeHints: try names("forNodes")))
        }
        var ports: [EndpointPort] = []
        for item in try object["ports"]?.sequence() ?? [] {
            let fields = try item.fields()
            ports.append(
                EndpointPort(
                    name: try fields.string("name") ?? "", port: try fields.port("port"),
                    proto: try fields.proto("protocol")))
        }
        return EndpointSlice(
            namespace: meta.namespace, name: meta.name, serviceName: service, endpoints: endpoints, ports: ports,
            line: object.owner.line)
    }
}

/// `v1/Pod` and `v1/Node`.
enum PodDecoder {
    static func decodePod(_ object: YAMLMapping) throws(LocatedError) -> Pod {
        let meta = try object.metadata()
        let metadata = try object.required("metadata").fields()
        let spec = try object["spec"]?.fields()
        let status = try object["status"]?.fields()
        var ports: [ContainerPort] = []
        for container in try spec?["containers"]?.sequence() ?? [] {
            for item in try container.fields()["ports"]?.sequence() ?? [] {
                let fields = try item.fields()
                guard let port = try fields.port("containerPort") else {
                    throw item.error(.missingField, field: "\(item.path).containerPort")
                }
                ports.append(
                    ContainerPort(name: try fields.string("name"), port: port, proto: try fields.proto("protocol")))
            }
        }
        var ip: IPv4Address?
        if let value = status?["podIP"], !value.isNull { ip = try status?.ipv4(value) }
        let phase = try status?.string("phase") ?? "Running"
        var ready = phase == "Running"
        for item in try status?["conditions"]?.sequence() ?? [] {
            let condition = try item.fields()
            if try condition.string("type") == "Ready" {
                let status = try condition.string("status")
                ready = ready && status == "True"
            }
        }
        return Pod(
            namespace: meta.namespace, name: meta.name, labels: meta.labels, nodeName: try spec?.string("nodeName"),
            ip: ip,
            isReady: ready, isTerminating: metadata["deletionTimestamp"].map { !$0.isNull } ?? false, ports: ports,
            line: object.owner.line)
    }

    static func decodeNode(_ object: YAMLMapping) throws(LocatedError) -> Node {
        let metadata = try object.required("metadata").fields()
        var node = Node(name: try metadata.required("name").string(), line: object.owner.line)
        let spec = try object["spec"]?.fields()
        if let cidr = try spec?.string("podCIDR") { node.podCIDR = KubeAddress.ipv4Prefix(cidr) }
        let status = try object["status"]?.fields()
        for item in try status?["addresses"]?.sequence() ?? [] {
            let fields = try item.fields()
            if try fields.string("type") == "InternalIP", let value = fields["address"] {
                node.internalIP = try fields.ipv4(value)
            }
        }
        return node
    }
}
