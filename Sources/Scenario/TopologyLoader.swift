import NetCore
import YAMLReader

/// Reads topology YAML into a `TopologySpec`: syntax, types and field names. Semantic checks (references,
/// duplicates, overlaps) are `TopologyValidator`'s.
public enum TopologyLoader {
    /// Topology files larger than this are refused before parsing.
    public static let maximumBytes = 64 << 20

    /// Loads `path` from disk.
    public static func load(path: String) throws(TopologyError) -> TopologySpec {
        try parse(try YAMLDocument.read(path: path, maximumBytes: maximumBytes), file: path)
    }

    /// Parses topology YAML text; `file` names it in errors.
    public static func parse(_ text: String, file: String) throws(TopologyError) -> TopologySpec {
        try decode(try YAMLDocument.compose(text, file: file, maximumBytes: maximumBytes, recordsLines: true))
    }

    static func decode(_ root: YAMLValue) throws(TopologyError) -> TopologySpec {
        let top = try root.mapping(allowed: [
            "name", "description", "cni", "segments", "nodes", "pods", "routers", "hosts", "kubernetes",
        ])
        var spec = TopologySpec(
            file: root.context.file, name: try top.required("name").string(),
            description: try top["description"]?.string() ?? "", cni: CNISpec(), segments: [], nodes: [], pods: [],
            routers: [])
        if let cni = top["cni"] { spec.cni = try decodeCNI(cni) }
        spec.segments = try top.required("segments").sequence().map(decodeSegment)
        spec.nodes = try top.required("nodes").sequence().map(decodeNode)
        spec.pods = try top["pods"]?.sequence().map(decodePod) ?? []
        spec.routers = try top["routers"]?.sequence().map(decodeRouter) ?? []
        spec.hosts = try top["hosts"]?.sequence().map(decodeHost) ?? []
        if let kubernetes = top["kubernetes"] { spec.kubernetes = try decodeKubernetes(kubernetes) }
        spec.fieldLines = root.context.lines
        return spec
    }

    static func decodeCNI(_ value: YAMLValue) throws(TopologyError) -> CNISpec {
        let map = try value.mapping(allowed: [
            "plugin", "podRoutes", "hairpinMode", "mtu", "backend", "network", "vni", "port", "ipPool", "blockSize",
            "asNumber", "nodeToNodeMesh",
        ])
        var cni = CNISpec()
        cni.line = value.line
        if let plugin = map["plugin"] { cni.plugin = try choice(plugin) }
        if let routes = map["podRoutes"] { cni.podRoutes = try choice(routes) }
        if let hairpin = map["hairpinMode"] { cni.hairpinMode = try hairpin.bool() }
        if let mtu = map["mtu"] { cni.mtu = try mtu.int(in: 68...65535) }
        if let backend = map["backend"] { cni.backend = try choice(backend) }
        if let network = map["network"] { cni.network = try self.network(network) }
        if let vni = map["vni"] { cni.vni = UInt32(try vni.int(in: 0...0xFF_FFFF)) }
        if let port = map["port"] { cni.port = UInt16(try port.int(in: 1...65535)) }
        if let pool = map["ipPool"] { cni.ipPool = try network(pool) }
        if let size = map["blockSize"] { cni.blockSize = try size.int(in: 20...32) }
        if let asn = map["asNumber"] { cni.asNumber = UInt32(try asn.int(in: 1...4_294_967_295)) }
        if let mesh = map["nodeToNodeMesh"] { cni.nodeToNodeMesh = try mesh.bool() }
        return cni
    }

    static func decodeKubernetes(_ value: YAMLValue) throws(TopologyError) -> KubernetesSpec {
        let map = try value.mapping(allowed: ["manifests", "proxyMode", "clusterCIDR", "masqueradeAll"])
        let folder = value.context.file.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(
            separator: "/")
        var spec = KubernetesSpec(manifests: [], line: value.line)
        for item in try map["manifests"]?.sequence() ?? [] {
            let path = try item.string()
            spec.manifests.append(path.hasPrefix("/") || folder.isEmpty ? path : "\(folder)/\(path)")
        }
        if let mode = map["proxyMode"] { spec.proxyMode = try choice(mode) }
        if let cidr = map["clusterCIDR"] { spec.clusterCIDR = try network(cidr) }
        if let all = map["masqueradeAll"] { spec.masqueradeAll = try all.bool() }
        return spec
    }

    static func decodeHost(_ value: YAMLValue) throws(TopologyError) -> HostSpec {
        let map = try value.mapping(allowed: ["name", "segment", "address", "gateway", "listeners"])
        return HostSpec(
            name: try map.required("name").string(), segment: try map.required("segment").string(),
            address: try address(map.required("address")), gateway: try map["gateway"].map(address),
            listeners: try map["listeners"]?.sequence().map(decodeListener) ?? [], line: value.line,
            fieldPath: value.path)
    }

    static func decodeBGPRole(_ value: YAMLValue) throws(TopologyError) -> BGPRoleSpec {
        let map = try value.mapping(allowed: ["asNumber", "routeReflector"])
        var role = BGPRoleSpec()
        if let asn = map["asNumber"] { role.asNumber = UInt32(try asn.int(in: 1...4_294_967_295)) }
        if let reflector = map["routeReflector"] { role.routeReflector = try reflector.bool() }
        return role
    }

    static func choice<T: RawRepresentable & CaseIterable>(_ value: YAMLValue) throws(TopologyError) -> T
    where T.RawValue == String {
        let text = try value.string()
        guard let parsed = T(rawValue: text) else {
            throw value.error(
                .invalidValue(text, expected: "one of " + T.allCases.map(\.rawValue).joined(separator: ", ")))
        }
        return parsed
    }

    static func decodeSegment(_ value: YAMLValue) throws(TopologyError) -> SegmentSpec {
        let map = try value.mapping(allowed: ["name", "cidr", "gateway", "mtu"])
        return SegmentSpec(
            name: try map.required("name").string(), cidr: try network(map.required("cidr")),
            gateway: try map["gateway"].map(address), mtu: try map["mtu"]?.int(in: 68...65535) ?? 1500, line: value.line
        )
    }

    static func decodeNode(_ value: YAMLValue) throws(TopologyError) -> NodeSpec {
        let map = try value.mapping(allowed: ["name", "segment", "address", "podCIDR", "nic", "listeners", "bgp"])
        return NodeSpec(
            name: try map.required("name").string(), segment: try map.required("segment").string(),
            address: try address(map.required("address")), podCIDR: try network(map.required("podCIDR")),
            nic: try map["nic"]?.string() ?? "eth0",
            listeners: try map["listeners"]?.sequence().map(decodeListener) ?? [],
            bgp: try map["bgp"].map(decodeBGPRole),
            line: value.line, fieldPath: value.path)
    }

    static func decodePod(_ value: YAMLValue) throws(TopologyError) -> PodSpec {
        let map = try value.mapping(allowed: ["name", "namespace", "node", "ip", "labels", "containerPorts"])
        return PodSpec(
            name: try map.required("name").string(), namespace: try map["namespace"]?.string() ?? "default",
            node: try map.required("node").string(), ip: try map["ip"].map(address),
            labels: try map["labels"]?.stringMap() ?? [:],
            containerPorts: try map["containerPorts"]?.sequence().map(decodeListener) ?? [],
            line: value.line, fieldPath: value.path)
    }

    static func decodeListener(_ value: YAMLValue) throws(TopologyError) -> ListenerSpec {
        let map = try value.mapping(allowed: ["name", "containerPort", "port", "protocol"])
        guard let portValue = map["containerPort"] ?? map["port"] else {
            throw value.error(.missingField, field: "\(value.path).containerPort")
        }
        let protoText = try map["protocol"]?.string() ?? "TCP"
        guard ["TCP", "UDP", "SCTP"].contains(protoText), let proto = IPProtocol(name: protoText) else {
            throw (map["protocol"] ?? value).error(.invalidValue(protoText, expected: "TCP, UDP or SCTP"))
        }
        return ListenerSpec(
            name: try map["name"]?.string(), port: UInt16(try portValue.int(in: 1...65535)), proto: proto)
    }

    static func decodeRouter(_ value: YAMLValue) throws(TopologyError) -> RouterSpec {
        let map = try value.mapping(allowed: ["name", "interfaces", "routes", "bgp"])
        let interfaces = try map.required("interfaces").sequence().map {
            (item) throws(TopologyError) -> RouterSpec.Interface in
            let fields = try item.mapping(allowed: ["name", "segment", "address"])
            return RouterSpec.Interface(
                name: try fields.required("name").string(), segment: try fields.required("segment").string(),
                address: try address(fields.required("address")), line: item.line, fieldPath: item.path)
        }
        let routes =
            try map["routes"]?.sequence().map { (item) throws(TopologyError) in
                (try item.string(), item.line, item.path)
            } ?? []
        return RouterSpec(
            name: try map.required("name").string(), interfaces: interfaces, routes: routes,
            bgp: try map["bgp"].map(decodeBGPRole), line: value.line, fieldPath: value.path)
    }

    static func address(_ value: YAMLValue) throws(TopologyError) -> IPv4Address {
        let text = try value.string()
        guard let parsed = IPv4Address(text) else {
            throw value.error(.invalidValue(text, expected: "an IPv4 address"))
        }
        return parsed
    }

    static func network(_ value: YAMLValue) throws(TopologyError) -> IPv4Prefix {
        let text = try value.string()
        guard text.contains("/"), let prefix = IPv4Prefix(text) else {
            throw value.error(.invalidCIDR(text, reason: "expected a.b.c.d/n with n in 0...32"))
        }
        guard prefix.isNetwork else {
            throw value.error(.invalidCIDR(text, reason: "host bits set (the network is \(prefix.masked))"))
        }
        return prefix
    }
}
