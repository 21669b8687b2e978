import NetCore
import YAMLReader

/// `v1/Service` with the API's defaults: type ClusterIP, protocol TCP, targetPort = port, ClientIP affinity
/// timeout 10800 s, traffic policies Cluster.
enum ServiceDecoder {
    /// The Service, or nil when it has no IPv4 dataplane (ExternalName, or an IPv6 cluster IP).
    static func decode(_ object: YAMLMapping) throws(LocatedError) -> Service? {
        let meta = try object.metadata()
        let spec = try object["spec"]?.fields() ?? YAMLMapping(owner: object.owner, pairs: [])
        let typeText = try spec.string("type") ?? ""
        guard let type = typeText.isEmpty ? .clusterIP : ServiceType(rawValue: typeText) else {
            throw (spec["type"] ?? object.owner).error(
                .invalidValue(typeText, expected: ServiceType.allCases.map(\.rawValue).joined(separator: ", ")))
        }
        if type == .externalName { return nil }
        var clusterIP: IPv4Address?
        var headless = false
        if let value = spec["clusterIP"], !value.isNull {
            let text = try value.string()
            if text == "None" {
                headless = true
            } else if !text.isEmpty {
                clusterIP = try spec.ipv4(value)
                if clusterIP == nil { return nil }  // an IPv6 Service
            }
        }
        var service = Service(
            namespace: meta.namespace, name: meta.name, labels: meta.labels, type: type, clusterIP: clusterIP,
            isHeadless: headless, ports: try ports(spec), line: object.owner.line)
        if let selector = spec["selector"], !selector.isNull {
            let map = try selector.stringMap()
            service.selector = map.isEmpty ? nil : map
        }
        service.externalIPs = try spec.ipv4List("externalIPs")
        if try spec.string("sessionAffinity") == "ClientIP" {
            let config = try spec["sessionAffinityConfig"]?.fields()
            let clientIP = try config?["clientIP"]?.fields()
            service.affinityTimeout =
                try clientIP?["timeoutSeconds"].map { (value) throws(LocatedError) in try value.int(in: 1...86400) }
                ?? 10800
        }
        service.externalTrafficPolicy = try policy(spec, "externalTrafficPolicy")
        service.internalTrafficPolicy = try policy(spec, "internalTrafficPolicy")
        service.healthCheckNodePort = try spec.port("healthCheckNodePort", allowZero: true)
        for item in try spec["loadBalancerSourceRanges"]?.sequence() ?? [] {
            let text = try item.string()
            if let prefix = KubeAddress.ipv4Prefix(text) {
                service.loadBalancerSourceRanges.append(prefix)
            } else if !KubeAddress.isIPv6(text) {
                throw item.error(LocatedError.Problem.invalidCIDR(text, reason: "expected a.b.c.d/n"))
            }
        }
        let status = try object["status"]?.fields()
        let balancer = try status?["loadBalancer"]?.fields()
        for item in try balancer?["ingress"]?.sequence() ?? [] {
            let entry = try item.fields()
            guard let ipValue = entry["ip"], let ip = try entry.ipv4(ipValue) else { continue }
            service.loadBalancerIngress.append(LoadBalancerIngress(ip: ip, ipMode: try entry.string("ipMode")))
        }
        return service
    }

    static func policy(_ spec: YAMLMapping, _ key: String) throws(LocatedError) -> TrafficPolicy {
        guard let text = try spec.string(key), !text.isEmpty else { return .cluster }
        guard let policy = TrafficPolicy(rawValue: text) else {
            throw (spec[key] ?? spec.owner).error(.invalidValue(text, expected: "Cluster or Local"))
        }
        return policy
    }

    static func ports(_ spec: YAMLMapping) throws(LocatedError) -> [ServicePort] {
        var result: [ServicePort] = []
        for item in try spec["ports"]?.sequence() ?? [] {
            let fields = try item.fields()
            guard let port = try fields.port("port") else {
                throw item.error(.missingField, field: "\(item.path).port")
            }
            var targetPort: TargetPort?
            if let value = fields["targetPort"], !value.isNull {
                let text = try value.string()
                if let number = Int(text) {
                    guard (1...65535).contains(number) else {
                        throw value.error(.invalidValue(text, expected: "a port 1...65535 or a name"))
                    }
                    targetPort = .number(UInt16(number))
                } else {
                    targetPort = .name(text)
                }
            }
            result.append(
                ServicePort(
                    name: try fields.string("name") ?? "", proto: try fields.proto("protocol"), port: port,
                    targetPort: targetPort, nodePort: try fields.port("nodePort", allowZero: true)))
        }
        return result
    }
}
