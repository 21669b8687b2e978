import NetCore
import Routing

/// Semantic checks over a `TopologySpec`: references resolve, names and addresses are unique, CIDRs do
/// not overlap, addresses sit inside the CIDR they belong to. Returns every problem, sorted by line.
public enum TopologyValidator {
    public static func validate(_ spec: TopologySpec) -> [TopologyError] {
        var checker = Checker(spec: spec)
        checker.checkSegments()
        checker.checkNodes()
        checker.checkRouters()
        checker.checkPods()
        checker.checkHosts()
        checker.checkPlugin()
        return checker.errors.enumerated()
            .sorted { ($0.element.line, $0.offset) < ($1.element.line, $1.offset) }
            .map(\.element)
    }

    /// True when `address` is a host address of `cidr` (not its network or broadcast address).
    static func usable(_ address: IPv4Address, in cidr: IPv4Prefix) -> Bool {
        guard cidr.contains(address) else { return false }
        if cidr.length >= 31 { return true }
        return address != cidr.network && address != cidr.broadcast
    }
}

/// The validation pass's working state.
private struct Checker {
    let spec: TopologySpec
    var errors: [TopologyError] = []
    var names = NameRegistry()
    var addresses: [IPv4Address: String] = [:]
    var gateways: [IPv4Address: String] = [:]
    var segments: [String: SegmentSpec] = [:]
    var nodes: [String: NodeSpec] = [:]

    init(spec: TopologySpec) { self.spec = spec }

    mutating func fail(_ line: Int, _ field: String, _ problem: TopologyError.Problem) {
        errors.append(
            TopologyError(file: spec.file, line: spec.fieldLines[field] ?? line, field: field, problem: problem))
    }

    mutating func claim(_ address: IPv4Address, by owner: String, line: Int, field: String) {
        if let first = addresses[address] {
            fail(line, field, .duplicateAddress("\(address)", firstUse: first))
        } else {
            addresses[address] = owner
        }
    }

    mutating func checkSegments() {
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
                gateways[gateway] = segment.name
            }
            if segments[segment.name] == nil { segments[segment.name] = segment }
        }
    }

    mutating func checkNodes() {
        for (index, node) in spec.nodes.enumerated() {
            let field = node.fieldPath
            if let first = names.claim("netns", node.name, line: node.line) {
                fail(node.line, "\(field).name", .duplicateName(kind: "node", name: node.name, firstLine: first))
            }
            if let segment = segments[node.segment] {
                if !TopologyValidator.usable(node.address, in: segment.cidr) {
                    fail(
                        node.line, "\(field).address",
                        .outsideCIDR(
                            address: "\(node.address)", cidr: "\(segment.cidr)", owner: "segment \(segment.name)"))
                }
            } else {
                fail(node.line, "\(field).segment", .unknownReference(kind: "segment", name: node.segment))
            }
            if let segment = gateways[node.address] {
                fail(
                    node.line, "\(field).address",
                    .duplicateAddress("\(node.address)", firstUse: "segment \(segment) gateway"))
            }
            claim(node.address, by: "node \(node.name)", line: node.line, field: "\(field).address")
            if ["lo", "cni0"].contains(node.nic) {
                fail(node.line, "\(field).nic", .invalidValue(node.nic, expected: "a NIC name other than lo and cni0"))
            }
            checkPodCIDR(node, index: index)
            nodes[node.name] = node
        }
    }

    mutating func checkPodCIDR(_ node: NodeSpec, index: Int) {
        let field = "\(node.fieldPath).podCIDR"
        for (otherIndex, other) in spec.nodes.enumerated().prefix(index) where other.podCIDR.overlaps(node.podCIDR) {
            fail(
                node.line, field,
                .overlappingCIDR(
                    "\(node.podCIDR)", other: "\(other.podCIDR)", otherField: "nodes[\(otherIndex)].podCIDR"))
        }
        for (segmentIndex, segment) in spec.segments.enumerated() where segment.cidr.overlaps(node.podCIDR) {
            fail(
                node.line, field,
                .overlappingCIDR(
                    "\(node.podCIDR)", other: "\(segment.cidr)", otherField: "segments[\(segmentIndex)].cidr"))
        }
        if spec.cni.plugin != .calico, node.podCIDR.length > 30 {
            fail(
                node.line, field,
                .invalidCIDR("\(node.podCIDR)", reason: "too small for a gateway and pods (at most /30)"))
        }
    }

    mutating func checkRouters() {
        for router in spec.routers {
            // Routers and nodes are both network namespaces named after them.
            if let first = names.claim("netns", router.name, line: router.line) {
                fail(
                    router.line, "\(router.fieldPath).name",
                    .duplicateName(kind: "node or router", name: router.name, firstLine: first))
            }
            var interfaceNames = NameRegistry()
            for interface in router.interfaces {
                let field = interface.fieldPath
                if let first = interfaceNames.claim("interface", interface.name, line: interface.line) {
                    fail(
                        interface.line, "\(field).name",
                        .duplicateName(kind: "interface", name: interface.name, firstLine: first))
                }
                guard let segment = segments[interface.segment] else {
                    fail(
                        interface.line, "\(field).segment", .unknownReference(kind: "segment", name: interface.segment))
                    continue
                }
                if !TopologyValidator.usable(interface.address, in: segment.cidr) {
                    fail(
                        interface.line, "\(field).address",
                        .outsideCIDR(
                            address: "\(interface.address)", cidr: "\(segment.cidr)", owner: "segment \(segment.name)"))
                }
                claim(
                    interface.address, by: "router \(router.name) \(interface.name)", line: interface.line,
                    field: "\(field).address")
            }
            for route in router.routes {
                do { _ = try Route(parsing: route.text) } catch {
                    fail(route.line, route.fieldPath, .invalidValue(route.text, expected: "ip route syntax (\(error))"))
                }
            }
        }
    }

    mutating func checkPods() {
        for pod in spec.pods {
            let field = pod.fieldPath
            let name = "\(pod.namespace)/\(pod.name)"
            if let first = names.claim("pod", name, line: pod.line) {
                fail(pod.line, "\(field).name", .duplicateName(kind: "pod", name: name, firstLine: first))
            }
            guard let node = nodes[pod.node] else {
                fail(pod.line, "\(field).node", .unknownReference(kind: "node", name: pod.node))
                continue
            }
            guard let ip = pod.ip else { continue }
            if spec.cni.plugin != .calico, ip == node.podCIDR.network.advanced(by: 1) {
                fail(
                    pod.line, "\(field).ip",
                    .invalidValue("\(ip)", expected: "a pod address; \(ip) is node \(node.name)'s cni0 gateway"))
            } else if !TopologyValidator.usable(ip, in: node.podCIDR) {
                fail(
                    pod.line, "\(field).ip",
                    .outsideCIDR(
                        address: "\(ip)", cidr: "\(node.podCIDR)", owner: "usable pod addresses of node \(node.name)"))
            }
            claim(ip, by: "pod \(name)", line: pod.line, field: "\(field).ip")
        }
    }
}

extension Checker {
    mutating func checkHosts() {
        for host in spec.hosts {
            let field = host.fieldPath
            if let first = names.claim("netns", host.name, line: host.line) {
                fail(
                    host.line, "\(field).name",
                    .duplicateName(kind: "node, router or host", name: host.name, firstLine: first))
            }
            guard let segment = segments[host.segment] else {
                fail(host.line, "\(field).segment", .unknownReference(kind: "segment", name: host.segment))
                continue
            }
            if !TopologyValidator.usable(host.address, in: segment.cidr) {
                fail(
                    host.line, "\(field).address",
                    .outsideCIDR(address: "\(host.address)", cidr: "\(segment.cidr)", owner: "segment \(segment.name)"))
            }
            if let gateway = host.gateway, !segment.cidr.contains(gateway) {
                fail(
                    host.line, "\(field).gateway",
                    .outsideCIDR(address: "\(gateway)", cidr: "\(segment.cidr)", owner: "segment \(segment.name)"))
            }
            claim(host.address, by: "host \(host.name)", line: host.line, field: "\(field).address")
        }
    }

    /// Plugin-specific settings: flannel needs its network around every podCIDR, Calico its pool around
    /// every block; BGP roles only mean something with Calico.
    mutating func checkPlugin() {
        let cni = spec.cni
        let cniLine = cni.line
        switch cni.plugin {
        case .flannel:
            guard let network = cni.network else {
                fail(cniLine, "cni.network", .missingField)
                return
            }
            for node in spec.nodes where !network.contains(node.podCIDR.address) || node.podCIDR.length < network.length
            {
                fail(
                    node.line, "\(node.fieldPath).podCIDR",
                    .outsideCIDR(address: "\(node.podCIDR)", cidr: "\(network)", owner: "cni.network"))
            }
        case .calico:
            guard let pool = cni.ipPool else {
                fail(cniLine, "cni.ipPool", .missingField)
                return
            }
            for node in spec.nodes where node.podCIDR.length != cni.blockSize {
                fail(
                    node.line, "\(node.fieldPath).podCIDR",
                    .invalidCIDR(
                        "\(node.podCIDR)",
                        reason: "a Calico node's podCIDR is its IPAM block: /\(cni.blockSize) (cni.blockSize)"))
            }
            for node in spec.nodes where !pool.contains(node.podCIDR.address) || node.podCIDR.length < pool.length {
                fail(
                    node.line, "\(node.fieldPath).podCIDR",
                    .outsideCIDR(address: "\(node.podCIDR)", cidr: "\(pool)", owner: "cni.ipPool"))
            }
        case .bridge:
            break
        }
        guard cni.plugin != .calico else { return }
        for node in spec.nodes where node.bgp != nil {
            fail(
                node.line, "\(node.fieldPath).bgp",
                .invalidValue("bgp", expected: "no bgp settings unless cni.plugin is calico"))
        }
        for router in spec.routers where router.bgp != nil {
            fail(
                router.line, "\(router.fieldPath).bgp",
                .invalidValue("bgp", expected: "no bgp settings unless cni.plugin is calico"))
        }
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
