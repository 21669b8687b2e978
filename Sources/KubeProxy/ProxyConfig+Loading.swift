import NetCore
import YAMLReader

extension ProxyConfig {
    /// Loads a proxy configuration file (the conformance `proxy.yaml` shape). `ipFamily` must be IPv4 (this
    /// is an IPv4 proxier; IPv6 entries in address lists are skipped); unknown keys are ignored so that notes
    /// and test metadata can stay.
    public static func load(path: String) throws(LocatedError) -> ProxyConfig {
        try parse(try YAMLDocument.read(path: path, maximumBytes: 1 << 20), file: path)
    }

    public static func parse(_ text: String, file: String) throws(LocatedError) -> ProxyConfig {
        let root = try YAMLDocument.compose(text, file: file, maximumBytes: 1 << 20).fields()
        let mode = try root["mode"].map { (value) throws(LocatedError) in try value.string() } ?? "iptables"
        guard ["iptables", "ipvs", "nftables"].contains(mode) else {
            throw (root["mode"] ?? root.owner).error(.invalidValue(mode, expected: "iptables, ipvs or nftables"))
        }
        // An IPv6 proxier would print ip6tables rules for the IPv6 objects; this one would print an IPv4
        // ruleset for a file meant for IPv6. Say so rather than print the wrong thing.
        if let value = root["ipFamily"], !value.isNull {
            let family = try value.string()
            guard family == "IPv4" else {
                throw value.error(
                    .invalidValue(family, expected: "IPv4 (kdp's proxier is IPv4-only; IPv6 is not implemented yet)"))
            }
        }
        var config = ProxyConfig(nodeName: try root.required("nodeName").string())
        config.nodeIPs = try addresses(root["nodeIPs"])
        if let detector = try root["localTrafficDetector"]?.fields() {
            let kind = try detector["mode"]?.string() ?? "None"
            switch kind {
            case "ClusterCIDR":
                let value = try detector.required("clusterCIDR")
                let text = try value.string()
                guard let cidr = IPv4Prefix(text), text.contains("/") else {
                    throw value.error(.invalidCIDR(text, reason: "expected a.b.c.d/n"))
                }
                config.localDetector = .clusterCIDR(cidr.masked)
            case "None", "":
                config.localDetector = .none
            default:
                throw (detector["mode"] ?? detector.owner).error(.invalidValue(kind, expected: "ClusterCIDR or None"))
            }
        }
        config.masqueradeAll = try flag(root, "masqueradeAll") ?? false
        config.masqueradeBit =
            try root["masqueradeBit"].map { (value) throws(LocatedError) in try value.int(in: 0...31) } ?? 14
        if let value = root["nodePortAddresses"], !value.isNull { config.nodePortAddresses = try prefixes(value) }
        config.localhostNodePorts = try flag(root, "localhostNodePorts") ?? true
        config.nfacctCounters = Set(
            try root["nfacctCounters"]?.sequence().map { (item) throws(LocatedError) in try item.string() } ?? [])
        config.conntrackTCPLiberal = try flag(root, "conntrackTCPLiberal") ?? false
        config.iptablesHasRandomFully = try flag(root, "iptablesHasRandomFully") ?? false
        if let interfaces = try root["networkInterfaces"]?.fields() {
            for (name, value) in interfaces.entries { config.networkInterfaces[name] = try prefixes(value) }
        }
        if let gates = try root["featureGates"]?.fields() {
            for (name, value) in gates.entries where name != "emulationVersion" {
                config.featureGates[name] = try value.bool()
            }
        }
        if let labels = try root["nodeLabels"]?.fields() {
            for (name, value) in labels.entries { config.nodeLabels[name] = try value.string() }
        }
        if let tracer = try root["tracer"]?.fields() { config.tracerNodeIPs = try addresses(tracer["nodeIPs"]) }
        if let value = root["syncPeriod"], !value.isNull { config.syncPeriod = try duration(value) }
        return config
    }

    /// A duration in seconds: a plain number of seconds or a Go duration such as `30s`, `1m30s`, `500ms`.
    static func duration(_ value: YAMLValue) throws(LocatedError) -> Double {
        let text = try value.string()
        guard let seconds = Double(text) ?? goDuration(text), seconds >= 0, seconds.isFinite else {
            throw value.error(.invalidValue(text, expected: "seconds or a duration such as 30s, 1m or 500ms"))
        }
        return seconds
    }

    /// Go's `time.ParseDuration` for non-negative values: number-unit pairs with units h, m, s, ms, us, µs, ns.
    static func goDuration(_ text: String) -> Double? {
        let units: [(String, Double)] = [
            ("ns", 1e-9), ("us", 1e-6), ("µs", 1e-6), ("ms", 1e-3), ("h", 3600), ("m", 60), ("s", 1),
        ]
        var rest = Substring(text)
        var total = 0.0
        guard !rest.isEmpty else { return nil }
        while !rest.isEmpty {
            let number = rest.prefix { $0.isNumber || $0 == "." }
            guard let amount = Double(number) else { return nil }
            rest = rest.dropFirst(number.count)
            guard let (unit, scale) = units.first(where: { rest.hasPrefix($0.0) }) else { return nil }
            rest = rest.dropFirst(unit.count)
            total += amount * scale
        }
        return total
    }

    static func flag(_ map: YAMLMapping, _ key: String) throws(LocatedError) -> Bool? {
        guard let value = map[key], !value.isNull else { return nil }
        return try value.bool()
    }

    static func addresses(_ value: YAMLValue?) throws(LocatedError) -> [IPv4Address] {
        var result: [IPv4Address] = []
        for item in try value?.sequence() ?? [] {
            let text = try item.string()
            if text.contains(":") { continue }
            guard let address = IPv4Address(text) else {
                throw item.error(.invalidValue(text, expected: "an IPv4 address"))
            }
            result.append(address)
        }
        return result
    }

    static func prefixes(_ value: YAMLValue) throws(LocatedError) -> [IPv4Prefix] {
        var result: [IPv4Prefix] = []
        for item in try value.sequence() {
            let text = try item.string()
            if text.contains(":") { continue }
            guard text.contains("/"), let prefix = IPv4Prefix(text) else {
                throw item.error(.invalidCIDR(text, reason: "expected a.b.c.d/n"))
            }
            result.append(prefix)
        }
        return result
    }
}
