import CNetlink
import Dataplane
import Glibc
import NetCore
import Scenario
import Trace
import Wire

/// `kdp lab verify`: the emulator's prediction for a set of probes against what the kernel does with the
/// same packets in the lab.
public struct LabVerifier: Sendable {
    /// One probe: who sends what to where.
    public struct Probe: Sendable {
        public var kind: String
        public var from: NetnsID
        public var proto: IPProtocol
        public var destination: IPv4Address
        public var port: UInt16
        public var label: String
    }

    /// A probe's row in the report.
    public struct Row: Sendable {
        public var probe: Probe
        public var predicted: [String]
        public var observed: String
        public var agrees: Bool
    }

    /// The whole report.
    public struct Report: Sendable {
        public var rows: [Row] = []
        /// Per BGP speaker: does the kernel's `proto bird` table equal the emulator's BGP routes?
        public var bgp: [(speaker: String, onlyEmulator: [String], onlyKernel: [String])] = []
        /// Capabilities the kernel lacks, said out loud (IPVS).
        public var skipped: [String] = []
        public var agrees: Bool {
            rows.allSatisfy(\.agrees) && bgp.allSatisfy { $0.onlyEmulator.isEmpty && $0.onlyKernel.isEmpty }
        }
    }

    let lab: String
    let cluster: Cluster

    public init(lab: String, cluster: Cluster) {
        self.lab = lab
        self.cluster = cluster
    }

    private var network: Network { cluster.dataplane.network }
    private func kernelName(_ id: NetnsID) -> String { LabPlan.kernelName(lab: lab, network.namespace(id).name) }

    /// Every probe the topology offers, grouped by kind: pod → pod (same node, cross-node, ICMP), node → pod,
    /// pod → Service ClusterIP:port, external host → NodePort, and the refusals: pod → a port no one listens
    /// on (TCP and UDP), pod → an address of a pod CIDR that no pod has (from its own node and another).
    public func candidates() -> [[Probe]] {
        reachable() + refusals()
    }

    private func reachable() -> [[Probe]] {
        var samePod: [Probe] = []
        var crossPod: [Probe] = []
        var icmp: [Probe] = []
        var nodeToPod: [Probe] = []
        var services: [Probe] = []
        var nodePorts: [Probe] = []
        for target in cluster.pods {
            for port in target.containerPorts where port.proto == .tcp || port.proto == .udp {
                for source in cluster.pods where source.netns != target.netns {
                    let probe = Probe(
                        kind: source.node == target.node ? "pod→pod same node" : "pod→pod cross-node",
                        from: source.netns, proto: port.proto, destination: target.ip, port: port.port,
                        label: "\(source.name) → \(target.name) \(target.ip):\(port.port)/\(port.proto)")
                    if source.node == target.node { samePod.append(probe) } else { crossPod.append(probe) }
                }
                for (node, id) in cluster.nodes.sorted(by: { $0.key < $1.key }) {
                    nodeToPod.append(
                        Probe(
                            kind: "node→pod", from: id, proto: port.proto, destination: target.ip, port: port.port,
                            label: "\(node) → \(target.name) \(target.ip):\(port.port)/\(port.proto)"))
                }
            }
            for source in cluster.pods where source.netns != target.netns {
                icmp.append(
                    Probe(
                        kind: "icmp", from: source.netns, proto: .icmp, destination: target.ip, port: 0,
                        label: "\(source.name) → \(target.name) \(target.ip) ping"))
            }
        }
        for service in cluster.services {
            guard let clusterIP = service.clusterIP else { continue }
            for port in service.ports where port.proto == .tcp || port.proto == .udp {
                for source in cluster.pods {
                    services.append(
                        Probe(
                            kind: "pod→ClusterIP", from: source.netns, proto: port.proto, destination: clusterIP,
                            port: port.port,
                            label: "\(source.name) → svc/\(service.name) \(clusterIP):\(port.port)/\(port.proto)"))
                }
                guard let nodePort = port.nodePort else { continue }
                for (host, hostID) in cluster.hosts.sorted(by: { $0.key < $1.key }) {
                    for node in cluster.spec.nodes {
                        nodePorts.append(
                            Probe(
                                kind: "external→NodePort", from: hostID, proto: port.proto, destination: node.address,
                                port: nodePort,
                                label:
                                    "\(host) → \(node.name) \(node.address):\(nodePort)/\(port.proto) (svc/\(service.name))"
                            ))
                    }
                }
            }
        }
        return [crossPod, samePod, services, nodePorts, nodeToPod, icmp].filter { !$0.isEmpty }
    }

    /// Probes that should not reach a listener: what comes back (a reset, an ICMP error from where, after
    /// how long) is the emulator's claim under test.
    private func refusals() -> [[Probe]] {
        var closedPorts: [Probe] = []
        for (index, target) in cluster.pods.enumerated() {
            let others = cluster.pods.filter { $0.netns != target.netns }
            guard !others.isEmpty else { continue }
            let source = others.first { $0.node != target.node } ?? others[index % others.count]
            for proto in [IPProtocol.tcp, .udp] {
                let listened = Set(target.containerPorts.filter { $0.proto == proto }.map(\.port))
                guard let port = (9...1023).lazy.map(UInt16.init).first(where: { !listened.contains($0) }) else {
                    continue
                }
                closedPorts.append(
                    Probe(
                        kind: "pod→closed port", from: source.netns, proto: proto, destination: target.ip, port: port,
                        label: "\(source.name) → \(target.name) \(target.ip):\(port)/\(proto) (nothing listens)"))
            }
        }
        // Failed ARP takes the kernel 3 s to report, so two of these: into the sender's own subnet (its stack
        // answers) and into another node's pod CIDR (that node answers).
        var noPod: [Probe] = []
        let used = Set(cluster.pods.map(\.ip))
        let unused = cluster.spec.nodes.compactMap { node -> (node: NodeSpec, address: IPv4Address)? in
            guard node.podCIDR.length <= 30 else { return nil }
            let size = UInt32(1) << UInt32(32 - node.podCIDR.length)
            let address = IPv4Address(rawValue: node.podCIDR.network.rawValue + size - 2)
            return used.contains(address) ? nil : (node, address)
        }
        var sameNode: ((node: NodeSpec, address: IPv4Address), PodInstance)?
        var otherNode: ((node: NodeSpec, address: IPv4Address), PodInstance)?
        for target in unused {
            if sameNode == nil, let pod = cluster.pods.first(where: { $0.node == target.node.name }) {
                sameNode = (target, pod)
            } else if otherNode == nil, let pod = cluster.pods.first(where: { $0.node != target.node.name }) {
                otherNode = (target, pod)
            }
        }
        for (target, source) in [sameNode, otherNode].compactMap({ $0 }) {
            noPod.append(
                Probe(
                    kind: "pod→no pod", from: source.netns, proto: .tcp, destination: target.address, port: 80,
                    label: "\(source.name) → \(target.address):80/tcp (no pod has it; \(target.node.name)'s pod CIDR)"))
        }
        return [closedPorts, noPod].filter { !$0.isEmpty }
    }

    /// Picks `count` probes (all when nil), taking kinds in turn so every kind is covered, each kind's
    /// order shuffled by `seed`.
    public func select(count: Int?, seed: UInt64) -> [Probe] {
        var random = SeededRandom(seed: seed)
        var groups = candidates().map { $0.shuffled(using: &random) }
        let total = groups.map(\.count).reduce(0, +)
        let wanted = min(count ?? total, total)
        var chosen: [Probe] = []
        while chosen.count < wanted {
            for index in groups.indices where !groups[index].isEmpty && chosen.count < wanted {
                chosen.append(groups[index].removeFirst())
            }
        }
        return chosen
    }

    /// The emulator's possible outcomes for a probe, in the sender's and listeners' terms: every path through
    /// `-m statistic` rules, each checked for its answer getting back (TCP handshake, echo reply). `patience`
    /// is how long the kernel may take to show it: longer when a path ends in failed neighbour resolution,
    /// whose ICMP host unreachable comes only after the ARP retries.
    func predict(_ probe: Probe) -> (outcomes: [ProbeSockets.Observation], patience: Double) {
        let packet = PacketFactory.make(
            proto: probe.proto, source: .any, destination: probe.destination, sourcePort: 40000,
            destinationPort: probe.port)
        let dataplane = cluster.dataplane
        let paths = dataplane.sendAllPathsWithState(packet, from: probe.from, source: "probe", destination: "probe")
        var outcomes: [ProbeSockets.Observation] = []
        var patience = 0.0
        for (trace, after) in paths {
            if trace.allEvents.contains(where: { if case .dropped(_, .neighborFailed) = $0 { true } else { false } }) {
                patience = Self.neighbourFailureSeconds
            }
            guard let delivery = trace.delivery else {
                outcomes.append(Self.senderView(of: trace, proto: probe.proto))
                continue
            }
            var replying = after
            let answered = replying.reply(to: trace)?.delivery != nil
            switch probe.proto {
            case .icmp:
                outcomes.append(answered ? .replied(from: probe.destination) : .silent)
            case .tcp where !answered:
                outcomes.append(.silent)
            default:
                outcomes.append(.delivered(netns: delivery.netns, source: delivery.packet.header.source))
            }
        }
        return (outcomes, patience)
    }

    /// How long failed neighbour resolution takes to report: `mcast_solicit` (3) requests `retrans_time_ms`
    /// (1000) apart, the kernel's defaults, which the lab does not change.
    static let neighbourFailureSeconds = 3.0

    /// What the sender of an undelivered probe sees: the ICMP error that came back to it (type, code, and
    /// the source it came from), a reset, its own stack's errno when the packet never left it, or nothing.
    static func senderView(of trace: Trace, proto: IPProtocol) -> ProbeSockets.Observation {
        if let (message, source) = trace.deliveredICMPErrors.first {
            return .icmpError(type: message.type, code: message.code, from: source)
        }
        guard case .dropped(let place, let reason)? = trace.outcome else { return .silent }
        switch reason {
        case .tcpReset: return proto == .tcp ? .reset : .silent
        case .netfilterReject(_, _, _, _, let with) where with.contains("tcp-reset"):
            return proto == .tcp ? .reset : .silent
        default: break
        }
        // Dropped before leaving the sender: the socket call itself fails (ip_route_connect, ip_local_out).
        guard case .originate(let origin, _)? = trace.root.events.first, place.netns == origin.netns,
            !trace.allEvents.contains(where: { if case .transmit = $0 { true } else { false } })
        else { return .silent }
        switch reason {
        case .noRoute: return .localError(ENETUNREACH)
        case .unreachableRoute: return .localError(EHOSTUNREACH)
        case .prohibitRoute: return .localError(EACCES)
        case .blackhole: return .localError(EINVAL)
        // A TCP SYN dropped in OUTPUT is retransmitted (the connect hangs); a datagram's send fails.
        case .netfilterDrop: return proto == .tcp ? .silent : .localError(EPERM)
        default: return .silent
        }
    }

    /// Runs the probes in the lab and compares; also the BGP tables, and says what the kernel cannot do.
    public func run(_ probes: [Probe], timeout: Double = 1.0) throws(LabError) -> Report {
        var report = Report()
        if let first = network.namespaces.first, !Self.hasIPVS(in: kernelName(first.id)) {
            report.skipped.append(
                "IPVS: this kernel has no ip_vs (generic netlink family IPVS not found); IPVS-mode Services cannot be verified here"
            )
        }
        var sockets = ProbeSockets()
        defer { sockets.closeAll() }
        for netns in network.namespaces where !netns.listeners.isEmpty {
            try sockets.listen(
                in: kernelName(netns.id), label: netns.name, netns.listeners.map { ($0.proto, $0.port) })
        }
        for (index, probe) in probes.enumerated() {
            let (predicted, patience) = predict(probe)
            let wait = timeout + patience
            let observed: ProbeSockets.Observation =
                probe.proto == .icmp
                ? try sockets.ping(
                    from: kernelName(probe.from), destination: probe.destination,
                    identifier: UInt16(truncatingIfNeeded: 0x4B00 + index), timeout: wait)
                : try sockets.probe(
                    from: kernelName(probe.from), proto: probe.proto, destination: probe.destination,
                    port: probe.port, timeout: wait)
            let agrees = predicted.contains(observed)
            var seen: [String] = []
            for text in predicted.map(describe) where !seen.contains(text) { seen.append(text) }
            report.rows.append(Row(probe: probe, predicted: seen, observed: describe(observed), agrees: agrees))
        }
        if let bgp = cluster.bgp {
            for speaker in bgp.topology.speakers {
                guard let id = cluster.nodes[speaker.name] ?? cluster.routers[speaker.name] else { continue }
                let comparison = try LabReadBack.compare(lab: lab, cluster: cluster, netns: id, what: .routes)
                let bird = { (line: String) in line.contains(" proto bird") }
                report.bgp.append(
                    (speaker.name, comparison.onlyEmulator.filter(bird), comparison.onlyKernel.filter(bird)))
            }
        }
        return report
    }

    func describe(_ observation: ProbeSockets.Observation) -> String {
        switch observation {
        case .delivered(let netns, let source): return "delivered to \(netns) from \(source)"
        case .replied(let from): return "echo reply from \(from)"
        case .icmpError(let type, let code, let from):
            let name =
                switch type {
                case 3: ICMPv4UnreachableCode(rawValue: code).description
                case 11: "time exceeded"
                default: "type \(type) code \(code)"
                }
            return "ICMP \(name) (\(type)/\(code)) from \(from)"
        case .reset: return "reset (connection refused)"
        case .localError(let code): return "sender's stack: \(String(cString: strerror(code)))"
        case .silent: return "no answer"
        }
    }

    /// Whether the kernel has IPVS, asked as ipvsadm does: resolve the `IPVS` generic netlink family.
    static func hasIPVS(in netns: String) -> Bool {
        let found = try? inNamespace(netns) { () -> Bool in
            guard let socket = nl_socket_alloc() else { return false }
            defer { nl_socket_free(socket) }
            guard genl_connect(socket) >= 0 else { return false }
            return genl_ctrl_resolve(socket, "IPVS") >= 0
        }
        return found ?? false
    }
}
