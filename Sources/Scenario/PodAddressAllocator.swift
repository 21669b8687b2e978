import NetCore

/// Pod IPAM for pods without an `ip`, in file order, skipping addresses taken explicitly: host-local for
/// the bridge plugin and flannel (from .2, the gateway being .1; reference §2.2), Calico's block allocation
/// for Calico (from the block's .1).
enum PodAddressAllocator {
    static func allocate(_ spec: TopologySpec) throws(TopologyError) -> [String: IPv4Address] {
        var result: [String: IPv4Address] = [:]
        for node in spec.nodes {
            let nodePods = spec.pods.filter { $0.node == node.name }
            var taken = Set(nodePods.compactMap(\.ip))
            // host-local starts after the gateway (.1); Calico's block IPAM has no gateway and starts at .1.
            var candidate = node.podCIDR.network.advanced(by: spec.cni.plugin == .calico ? 1 : 2)
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
