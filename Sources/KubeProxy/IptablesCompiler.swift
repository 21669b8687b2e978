import KubeModel
import NetCore

/// kube-proxy's iptables sync as a pure function: (service ports with endpoints, node settings) → the
/// restore payload, rule for rule and byte for byte what `syncProxyRules` writes on a full sync
/// (reference §5.3). Services are emitted sorted by service port name; kube-proxy's own order is Go map
/// order, which its tests (and ours) normalise away.
public struct IptablesCompiler: Sendable {
    public let config: ProxyConfig
    /// More endpoints than this in total drops per-endpoint comments (kube-proxy's large cluster mode).
    public var largeClusterThreshold = 1000

    public init(config: ProxyConfig) { self.config = config }

    static let kubeServices = "KUBE-SERVICES"
    static let kubeExternalServices = "KUBE-EXTERNAL-SERVICES"
    static let kubeNodePorts = "KUBE-NODEPORTS"
    static let kubeForward = "KUBE-FORWARD"
    static let kubeProxyFirewall = "KUBE-PROXY-FIREWALL"
    static let kubeFirewall = "KUBE-FIREWALL"
    static let kubePostrouting = "KUBE-POSTROUTING"
    static let kubeMarkMasq = "KUBE-MARK-MASQ"

    /// Compiles Services and EndpointSlices (explicit or generated) into the payload.
    public func compile(services: [Service], slices: [EndpointSlice]) -> IptablesPayload {
        compile(ports: ServicePortInfo.build(services: services, slices: slices, config: config))
    }

    /// Compiles service ports (with their endpoints) into a full sync's payload.
    public func compile(ports: [ServicePortInfo]) -> IptablesPayload {
        plan(ports: ports, writingChainsOf: nil).payload
    }

    /// One sync's payload, full or partial, and the per-service nat chains it keeps.
    ///
    /// kube-proxy: `syncProxyRules` — every service port contributes its KUBE-SERVICES / KUBE-NODEPORTS rules and
    /// its filter rules on every sync; its own chains (KUBE-SVC/SVL/EXT/FW/SEP) are written only when the sync is
    /// full or the service is in `UpdatedServices`, otherwise they go to the discarded `skippedNatChains` /
    /// `skippedNatRules` buffers but still count as active. Large-cluster mode is decided from all endpoints.
    /// - Parameters:
    ///   - ports: every service port of the node's view, with its endpoints.
    ///   - changed: for a partial sync, the `namespace/name` keys of the Services whose Service or EndpointSlices
    ///     changed since the last sync; nil for a full sync.
    public func plan(ports: [ServicePortInfo], writingChainsOf changed: Set<String>?) -> IptablesSyncPlan {
        var sync = SyncState(config: config)
        let totalEndpoints = ports.reduce(0) { $0 + $1.endpoints.count }
        sync.largeCluster = totalEndpoints > largeClusterThreshold
        sync.activeChains.reserveCapacity(totalEndpoints + ports.count * 4)
        sync.writeStaticRules()
        let sorted = ports.sorted(by: { ($0.name, $0.proto) < ($1.name, $1.proto) })
        // Services are independent: large syncs write them in pieces on all cores, joined in order.
        let pieces = Parallel.map(Parallel.chunks(sorted.count, minimum: 2000)) { range in
            var piece = SyncState(config: config)
            piece.largeCluster = sync.largeCluster
            let endpoints = sorted[range].reduce(0) { $0 + $1.endpoints.count }
            piece.natBytes.reserveCapacity(endpoints * 260 + range.count * 400)
            for info in sorted[range] {
                piece.writesServiceChains = changed?.contains(info.service.key) ?? true
                piece.writeService(info)
            }
            return piece
        }
        for piece in pieces { sync.append(piece) }
        sync.writesServiceChains = true
        sync.writeNodePortsTail()
        sync.writeForwardRules()
        return IptablesSyncPlan(
            payload: sync.payload(), activeChainList: sync.activeChains, skippedNATRules: sync.skippedNATRules,
            largeClusterMode: sync.largeCluster)
    }
}

/// Working state of one sync.
struct SyncState {
    let config: ProxyConfig
    var largeCluster = false
    /// Rule text in the order the sync writes it (kube-proxy's filterRules / natRules line buffers).
    var filterBytes: [UInt8] = []
    var natBytes: [UInt8] = []
    /// Finished nat text written before `natBytes` (pieces are kept, not copied together).
    var natSegments: [[UInt8]] = []
    var filterCount = 0
    var natCount = 0
    /// nat chains declared, in order: the top-level ones, then each service's as it creates them.
    var natChains = [
        IptablesCompiler.kubeServices, IptablesCompiler.kubeNodePorts, IptablesCompiler.kubePostrouting,
        IptablesCompiler.kubeMarkMasq,
    ]
    var filterHasFirewall = false
    /// False while writing a service whose own chains this (partial) sync leaves as they are.
    var writesServiceChains = true
    /// Per-service nat chains in use, written or not (kube-proxy's `activeNATChains`).
    var activeChains: [String] = []
    /// nat rules of unchanged services that a partial sync did not write.
    var skippedNATRules = 0

    init(config: ProxyConfig) { self.config = config }

    var mark: String { config.masqueradeMark }

    /// Appends the services written by another piece of the same sync.
    mutating func append(_ piece: SyncState) {
        natSegments.append(natBytes)
        natSegments += piece.natSegments
        natSegments.append(piece.natBytes)
        natBytes = []
        natCount += piece.natCount
        filterBytes += piece.filterBytes
        filterCount += piece.filterCount
        natChains += piece.natChains.dropFirst(Self.topLevelNATCount)
        activeChains += piece.activeChains
        skippedNATRules += piece.skippedNATRules
    }

    /// How many top-level chains every piece declares first.
    static let topLevelNATCount = 4

    /// Appends a nat rule; a per-service chain's rule is only counted when this partial sync skips the service.
    mutating func nat(_ chain: String, _ line: RuleLine) {
        if !writesServiceChains, chain.hasPrefix("KUBE-"), !Self.topLevelNAT.contains(chain) {
            skippedNATRules += 1
            return
        }
        natBytes.append(contentsOf: line.bytes)
        natBytes.append(UInt8(ascii: "\n"))
        natCount += 1
    }

    static let topLevelNAT: Set<String> = [
        IptablesCompiler.kubeServices, IptablesCompiler.kubeNodePorts, IptablesCompiler.kubePostrouting,
        IptablesCompiler.kubeMarkMasq,
    ]

    mutating func filter(_ line: RuleLine) {
        filterBytes.append(contentsOf: line.bytes)
        filterBytes.append(UInt8(ascii: "\n"))
        filterCount += 1
    }

    mutating func declare(_ chain: String) {
        activeChains.append(chain)
        if writesServiceChains { natChains.append(chain) }
    }

    /// KUBE-POSTROUTING, KUBE-MARK-MASQ and (IPv4 with localhost node ports) KUBE-FIREWALL.
    mutating func writeStaticRules() {
        let postrouting = IptablesCompiler.kubePostrouting
        var rule = RuleLine(postrouting)
        rule.add("-m", "mark", "!", "--mark", "\(mark)/\(mark)", "-j", "RETURN")
        nat(postrouting, rule)
        rule = RuleLine(postrouting)
        rule.add("-j", "MARK", "--xor-mark", mark)
        nat(postrouting, rule)
        rule = RuleLine(postrouting)
        rule.comment("kubernetes service traffic requiring SNAT")
        rule.add("-j", "MASQUERADE")
        if config.iptablesHasRandomFully { rule.add("--random-fully") }
        nat(postrouting, rule)
        rule = RuleLine(IptablesCompiler.kubeMarkMasq)
        rule.add("-j", "MARK", "--or-mark", mark)
        nat(IptablesCompiler.kubeMarkMasq, rule)
        if config.localhostNodePorts {
            filterHasFirewall = true
            var firewall = RuleLine(IptablesCompiler.kubeFirewall)
            firewall.comment("block incoming localnet connections")
            firewall.add(
                "-d", "127.0.0.0/8", "!", "-s", "127.0.0.0/8", "-m", "conntrack", "!", "--ctstate",
                "RELATED,ESTABLISHED,DNAT", "-j", "DROP")
            filter(firewall)
        }
    }

    /// The last rule of nat KUBE-SERVICES: to KUBE-NODEPORTS for local destinations (or the listed node IPs).
    mutating func writeNodePortsTail() {
        let comment = "kubernetes service nodeports; NOTE: this must be the last rule in this chain"
        guard config.nodePortAddresses != nil else {
            var rule = RuleLine(IptablesCompiler.kubeServices)
            rule.comment(comment)
            rule.add("-m", "addrtype", "--dst-type", "LOCAL")
            if !config.localhostNodePorts { rule.add("!", "-d", "127.0.0.0/8") }
            rule.add("-j", IptablesCompiler.kubeNodePorts)
            nat(IptablesCompiler.kubeServices, rule)
            return
        }
        for ip in config.nodePortIPs {
            if ip.isLoopback && !config.localhostNodePorts { continue }
            var rule = RuleLine(IptablesCompiler.kubeServices)
            rule.comment(comment)
            rule.add("-d", "\(ip)", "-j", IptablesCompiler.kubeNodePorts)
            nat(IptablesCompiler.kubeServices, rule)
        }
    }

    /// KUBE-FORWARD: INVALID drop (unless TCP liberal), marked traffic, RELATED/ESTABLISHED.
    mutating func writeForwardRules() {
        let forward = IptablesCompiler.kubeForward
        if !config.conntrackTCPLiberal {
            var rule = RuleLine(forward)
            rule.add("-m", "conntrack", "--ctstate", "INVALID")
            if config.hasCounter(ProxyConfig.invalidDroppedCounter) {
                rule.add("-m", "nfacct", "--nfacct-name", ProxyConfig.invalidDroppedCounter)
            }
            rule.add("-j", "DROP")
            filter(rule)
        }
        var rule = RuleLine(forward)
        rule.comment("kubernetes forwarding rules")
        rule.add("-m", "mark", "--mark", "\(mark)/\(mark)", "-j", "ACCEPT")
        filter(rule)
        rule = RuleLine(forward)
        rule.comment("kubernetes forwarding conntrack rule")
        rule.add("-m", "conntrack", "--ctstate", "RELATED,ESTABLISHED", "-j", "ACCEPT")
        filter(rule)
    }

    /// The payload: kube-proxy's chain declarations and the rule text in write order.
    func payload() -> IptablesPayload {
        var payload = IptablesPayload()
        payload.filterChains = [
            IptablesCompiler.kubeServices, IptablesCompiler.kubeExternalServices, IptablesCompiler.kubeForward,
            IptablesCompiler.kubeNodePorts, IptablesCompiler.kubeProxyFirewall,
        ]
        if filterHasFirewall { payload.filterChains.append(IptablesCompiler.kubeFirewall) }
        payload.filterBytes = filterBytes
        payload.filterRuleCount = filterCount
        payload.natChains = natChains
        payload.natSegments = natSegments + [natBytes]
        payload.natRuleCount = natCount
        return payload
    }
}
