import NetCore
import YAMLReader

/// How kube-proxy recognises traffic from local pods (`--detect-local-mode`).
public enum LocalTrafficDetector: Hashable, Sendable {
    /// `ClusterCIDR`: `-s <cidr>` is local, `! -s <cidr>` is not.
    case clusterCIDR(IPv4Prefix)
    /// No detector (kube-proxy's NoOp): no pod-CIDR masquerade rules.
    case none
}

/// The proxier settings a sync depends on (the shape of a KubeProxyConfiguration plus the node facts
/// kube-proxy discovers), as the conformance cases' `proxy.yaml` gives them.
public struct ProxyConfig: Hashable, Sendable {
    /// This node's name: an endpoint is local iff its `nodeName` equals it.
    public var nodeName: String
    /// The proxier's primary node IPs (IPv4).
    public var nodeIPs: [IPv4Address]
    public var localDetector: LocalTrafficDetector
    public var masqueradeAll: Bool
    /// `--iptables-masquerade-bit` (14 → mark 0x4000).
    public var masqueradeBit: Int
    /// `--nodeport-addresses`: nil means all local addresses; else the IPv4 CIDRs listed.
    public var nodePortAddresses: [IPv4Prefix]?
    public var localhostNodePorts: Bool
    /// nfacct counters that exist on the node (they change the rule text).
    public var nfacctCounters: Set<String>
    /// `nf_conntrack_tcp_be_liberal=1`: no INVALID drop rule.
    public var conntrackTCPLiberal: Bool
    /// Whether the iptables binary supports `--random-fully`.
    public var iptablesHasRandomFully: Bool
    /// The node's interfaces and their IPv4 addresses (for nodePortAddresses).
    public var networkInterfaces: [String: [IPv4Prefix]]
    public var featureGates: [String: Bool]
    /// The labels of this node's `v1/Node`; kube-proxy reads its zone (`topology.kubernetes.io/zone`) from
    /// them to apply zone hints.
    public var nodeLabels: [String: String] = [:]
    /// Addresses the packet tracer treats as local (the node's addresses).
    public var tracerNodeIPs: [IPv4Address]
    /// `--iptables-sync-period` in seconds (default 30): in large-cluster mode stale chains are deleted at most
    /// once per period.
    public var syncPeriod: Double

    public init(
        nodeName: String, nodeIPs: [IPv4Address] = [], localDetector: LocalTrafficDetector = .none,
        masqueradeAll: Bool = false, masqueradeBit: Int = 14, nodePortAddresses: [IPv4Prefix]? = nil,
        localhostNodePorts: Bool = true, nfacctCounters: Set<String> = [], conntrackTCPLiberal: Bool = false,
        iptablesHasRandomFully: Bool = false, networkInterfaces: [String: [IPv4Prefix]] = [:],
        featureGates: [String: Bool] = [:], tracerNodeIPs: [IPv4Address] = [], syncPeriod: Double = 30
    ) {
        self.nodeName = nodeName
        self.nodeIPs = nodeIPs
        self.localDetector = localDetector
        self.masqueradeAll = masqueradeAll
        self.masqueradeBit = masqueradeBit
        self.nodePortAddresses = nodePortAddresses
        self.localhostNodePorts = localhostNodePorts
        self.nfacctCounters = nfacctCounters
        self.conntrackTCPLiberal = conntrackTCPLiberal
        self.iptablesHasRandomFully = iptablesHasRandomFully
        self.networkInterfaces = networkInterfaces
        self.featureGates = featureGates
        self.tracerNodeIPs = tracerNodeIPs
        self.syncPeriod = syncPeriod
    }

    /// The masquerade mark, `0x4000` for bit 14.
    public var masqueradeMark: String { "0x" + String(1 << masqueradeBit, radix: 16) }

    /// `LoadBalancerIPMode` (on by default since 1.32): ingress IPs with `ipMode: Proxy` are not programmed.
    public var loadBalancerIPModeEnabled: Bool { featureGates["LoadBalancerIPMode"] ?? true }
    /// Node hints (`trafficDistribution: PreferSameNode`) are honoured only with this gate (alpha in 1.33).
    public var preferSameNodeEnabled: Bool { featureGates["PreferSameTrafficDistribution"] ?? false }
    /// This node's `topology.kubernetes.io/zone` label, or "".
    public var zone: String { nodeLabels["topology.kubernetes.io/zone"] ?? "" }

    /// Whether an nfacct counter exists.
    public func hasCounter(_ name: String) -> Bool { nfacctCounters.contains(name) }

    /// The node IPs NodePorts listen on when `nodePortAddresses` is set: interface addresses inside the CIDRs.
    public var nodePortIPs: [IPv4Address] {
        guard let cidrs = nodePortAddresses else { return [] }
        var result: [IPv4Address] = []
        for name in networkInterfaces.keys.sorted() {
            for address in networkInterfaces[name] ?? [] where cidrs.contains(where: { $0.contains(address.address) }) {
                if !result.contains(address.address) { result.append(address.address) }
            }
        }
        return result
    }

    /// nfacct counter names kube-proxy uses.
    public static let invalidDroppedCounter = "ct_state_invalid_dropped_pkts"
    public static let localhostNodePortsCounter = "localhost_nps_accepted_pkts"
}
