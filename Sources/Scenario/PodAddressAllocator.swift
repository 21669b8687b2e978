import NetCore

/// host-local IPAM: for pods without an `ip`, the next free address of the node's pod CIDR, starting
/// after the gateway (.1) and skipping addresses taken explicitly, in file order (reference §2.2).
enum PodAddressAllocator {
    static func allocate(_ spec: TopologySpec) throws(TopologyError) -> [String: IPv4Address] {
        var result: [String: IPv4Address] = [:]
        for node in spec.nodes {
            let nodePods = spec.pods.filter { $0.node == node.name }
            var taken = Set(nodePods.compactMap(\.ip))
            let gateway = node.podCIDR.network.advanced(by: 1)
            var candidate = gateway.advanced(by: 1)
            for pod in nodePods where pod.ip == nil {
                while taken.contains(candidate) { candidate = candidate.advanced(by: 1) }
                guard node.podCIDR.contains(candidate), candidate != node.podCIDR.broadcast else {
                    throw TopologyError(
                        file: spec.file, line: pod.line, field: pod.fieldPath,
                        problem: .poolExhausted(cidr: "\(node.podCIDR)"))
                }
                result["\(pod.namespace)/\(pod.name)"] = candidate
                taken.insert(candidate)
            }
        }
        return result
    }
}
