import NetCore
import Routing

/// Semantic checks over a `TopologySpec`: references resolve, names and addresses are unique, CIDRs do
/// not overlap, addresses sit inside the CIDR they belong to. Returns every problem, in file order.
public enum TopologyValidator {
    public static func validate(_ spec: TopologySpec) -> [TopologyError] {
        var errors: [TopologyError] = []
        func fail(_ line: Int, _ field: String, _ problem: TopologyError.Problem) {
            errors.append(
                TopologyError(file: spec.file, line: spec.fieldLines[field] ?? line, field: field, problem: problem))
        }
        var names = NameRegistry()
        var addresses: [IPv4Address: String] = [:]
        func claim(_ address: IPv4Address, by owner: String, line: Int, field: String) {
            if let first = addresses[address] {
                fail(line, field, .duplicateAddress("\(address)", firstUse: first))
            } else {
                addresses[address] = owner
            }
        }

        var segments: [String: SegmentSpec] = [:]
        for (index, segment) in spec.segments.enumerated() {
            let field = "segments[\(index)]"
            if let first = names.claim("segment", segment.name, line: segment.line) {
                fail(
                    segment.line, "\(field).name", .duplicateName(kind: "segment", name: segment.name, firstLine: first)
                )
            }
            for (otherIndex, other) in spec.segments.enumerated().prefix(index) where other.cidr.overlaps(segment.cidr)
            {
                fail(
                    segment.line, "\(field).cidr",
                    .overlappingCIDR(
                        "\(segment.cidr)", other: "\(other.cidr)", otherField: "segments[\(otherIndex)].cidr"))
            }
            if let gateway = segment.gateway {
                if !segment.cidr.contains(gateway) {
                    fail(
                        segment.line, "\(field).gateway",
                        .outsideCIDR(address: "\(gateway)", cidr: "\(segment.cidr)", owner: "segment \(segment.name)"))
                }
            }
            segments[segment.name] = segment
        }

        var nodes: [String: NodeSpec] = [:]
        for (index, node) in spec.nodes.enumerated() {
            let field = node.fieldPath
            if let first = names.claim("node", node.name, line: node.line) {
                fail(node.line, "\(field).name", .duplicateName(kind: "node", name: node.name, firstLine: first))
            }
            if let segment = segments[node.segment] {
                if !usable(node.address, in: segment.cidr) {
                    fail(
                        node.line, "\(field).address",
                        .outsideCIDR(
                            address: "\(node.address)", cidr: "\(segment.cidr)", owner: "segment \(segment.name)"))
                }
            } else {
                fail(node.line, "\(field).segment", .unknownReference(kind: "segment", name: node.segment))
            }
            claim(node.address, by: "node \(node.name)", line: node.line, field: "\(field).address")
            for (otherIndex, other) in spec.nodes.enumerated().prefix(index) where other.podCIDR.overlaps(node.podCIDR)
            {
                fail(
                    node.line, "\(field).podCIDR",
                    .overlappingCIDR(
                        "\(node.podCIDR)", other: "\(other.podCIDR)", otherField: "nodes[\(otherIndex)].podCIDR"))
            }
            for (segmentIndex, segment) in spec.segments.enumerated() where segment.cidr.overlaps(node.podCIDR) {
                fail(
                    node.line, "\(field).podCIDR",
                    .overlappingCIDR(
                        "\(node.podCIDR)", other: "\(segment.cidr)", otherField: "segments[\(segmentIndex)].cidr"))
            }
            if node.podCIDR.length > 30 {
                fail(
                    node.line, "\(field).podCIDR",
                    .invalidCIDR("\(node.podCIDR)", reason: "too small for a gateway and pods (at most /30)"))
            }
            nodes[node.name] = node
        }
        for segment in spec.segments {
            if let gateway = segment.gateway, addresses[gateway] == nil {
                addresses[gateway] = "segment \(segment.name) gateway"
            }
        }

        for router in spec.routers {
            if let first = names.claim("router", router.name, line: router.line) {
                fail(
                    router.line, "\(router.fieldPath).name",
                    .duplicateName(kind: "router", name: router.name, firstLine: first))
            }
            for interface in router.interfaces {
                guard let segment = segments[interface.segment] else {
                    fail(
                        interface.line, "\(interface.fieldPath).segment",
                        .unknownReference(kind: "segment", name: interface.segment))
                    continue
                }
                if !usable(interface.address, in: segment.cidr) {
                    fail(
                        interface.line, "\(interface.fieldPath).address",
                        .outsideCIDR(
                            address: "\(interface.address)", cidr: "\(segment.cidr)", owner: "segment \(segment.name)"))
                }
                if addresses[interface.address] == "segment \(segment.name) gateway" {
                    addresses[interface.address] = "router \(router.name) \(interface.name)"
                } else {
                    claim(
                        interface.address, by: "router \(router.name) \(interface.name)", line: interface.line,
                        field: "\(interface.fieldPath).address")
                }
            }
            for route in router.routes {
                do { _ = try Route(parsing: route.text) } catch {
                    fail(route.line, route.fieldPath, .invalidValue(route.text, expected: "ip route syntax (\(error))"))
                }
            }
        }

        for pod in spec.pods {
            let field = pod.fieldPath
            if let first = names.claim("pod", "\(pod.namespace)/\(pod.name)", line: pod.line) {
                fail(
                    pod.line, "\(field).name",
                    .duplicateName(kind: "pod", name: "\(pod.namespace)/\(pod.name)", firstLine: first))
            }
            guard let node = nodes[pod.node] else {
                fail(pod.line, "\(field).node", .unknownReference(kind: "node", name: pod.node))
                continue
            }
            if let ip = pod.ip {
                if !usable(ip, in: node.podCIDR) || ip == node.podCIDR.network.advanced(by: 1) {
                    fail(
                        pod.line, "\(field).ip",
                        .outsideCIDR(
                            address: "\(ip)", cidr: "\(node.podCIDR)",
                            owner: "usable pod addresses of node \(node.name), gateway .1 excluded"))
                }
                claim(ip, by: "pod \(pod.namespace)/\(pod.name)", line: pod.line, field: "\(field).ip")
            }
        }
        return errors
    }

    /// True when `address` is a host address of `cidr` (not its network or broadcast address).
    static func usable(_ address: IPv4Address, in cidr: IPv4Prefix) -> Bool {
        guard cidr.contains(address) else { return false }
        if cidr.length >= 31 { return true }
        return address != cidr.network && address != cidr.broadcast
    }
}

/// First-definition lines of names per kind.
struct NameRegistry {
    private var seen: [String: Int] = [:]
    /// Records the name; returns the first line when it was already taken.
    mutating func claim(_ kind: String, _ name: String, line: Int) -> Int? {
        let key = "\(kind)\u{0}\(name)"
        if let first = seen[key] { return first }
        seen[key] = line
        return nil
    }
}
