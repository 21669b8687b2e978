import NetCore
import Netfilter

/// A packet flow as kube-proxy's unit tests describe it.
public struct PacketFlow: Hashable, Sendable {
    public var name: String
    public var source: IPv4Address
    public var destination: IPv4Address
    public var port: UInt16
    /// `tcp`, `udp` or `sctp`.
    public var proto: String

    public init(name: String, source: IPv4Address, destination: IPv4Address, port: UInt16, proto: String) {
        self.name = name
        self.source = source
        self.destination = destination
        self.port = port
        self.proto = proto
    }
}

/// What the tracer concluded: the endpoints (or ACCEPT/REJECT/DROP) reached, comma separated, and
/// whether the packet was marked for masquerade.
public struct FlowResult: Hashable, Sendable {
    public var name: String
    public var output: String
    public var masq: Bool
}

/// kube-proxy's packet-flow oracle (its `tracePacket`), reproduced so that conformance flows and users'
/// dumps can be checked the same way: nat PREROUTING, then the filter chains KUBE-SERVICES,
/// KUBE-EXTERNAL-SERVICES, KUBE-NODEPORTS and KUBE-PROXY-FIREWALL each in full. Probabilistic jumps do not
/// stop the scan, so every endpoint a service can pick is listed. Rules needing state the oracle does not
/// model (`--rcheck`, `--mark`, `--ctstate`) never match. The full netfilter engine (conntrack, marks,
/// affinity) is what `kdp trace` uses; this is the contract kube-proxy's tests define.
public struct KubeProxyTracer: Sendable {
    public let index: RuleIndex
    /// 127.0.0.1 and the node's addresses: `--src-type/--dst-type LOCAL` means "in this set".
    public let localIPs: Set<IPv4Address>

    public init(ruleset: Ruleset, nodeIPs: [IPv4Address]) {
        index = RuleIndex(ruleset)
        localIPs = Set(nodeIPs + [IPv4Address(127, 0, 0, 1)])
    }

    public func trace(_ flow: PacketFlow) -> FlowResult {
        var state = TraceState(flow: flow)
        _ = run("PREROUTING", table: .nat, &state)
        if let first = state.outputs.first, let host = first.split(separator: ":").first,
            let address = IPv4Address(host)
        {
            state.destination = address
        }
        for chain in ["KUBE-SERVICES", "KUBE-EXTERNAL-SERVICES", "KUBE-NODEPORTS", "KUBE-PROXY-FIREWALL"] {
            _ = run(chain, table: .filter, &state)
        }
        return FlowResult(name: flow.name, output: state.outputs.joined(separator: ", "), masq: state.masq)
    }

    struct TraceState {
        let flow: PacketFlow
        var destination: IPv4Address
        var outputs: [String] = []
        var masq = false
        var depth = 0
        init(flow: PacketFlow) {
            self.flow = flow
            destination = flow.destination
        }
    }

    /// Runs a chain; true when it reached a terminal verdict.
    func run(_ chainName: String, table: NetfilterTable.Name, _ state: inout TraceState) -> Bool {
        guard state.depth < 64, let chain = index.chain(chainName, in: table) else { return false }
        state.depth += 1
        defer { state.depth -= 1 }
        for rule in chain.rules {
            guard let target = rule.target, matches(rule, state) else { continue }
            switch target {
            case .jump("KUBE-MARK-MASQ"):
                state.masq = true
            case .accept:
                state.outputs.append("ACCEPT")
                return true
            case .drop:
                state.outputs.append("DROP")
                return true
            case .reject:
                state.outputs.append("REJECT")
                return true
            case .dnat(let nat):
                state.outputs.append(nat.range.map { "\($0)" } ?? "")
                return true
            case .jump(let next), .goto(let next):
                let terminated = run(next, table: table, &state)
                let probabilistic = rule.matches.contains {
                    if case .statistic = $0 { return true } else { return false }
                }
                if terminated && !probabilistic { return true }
            default:
                continue
            }
        }
        return false
    }

    func matches(_ rule: Rule, _ state: TraceState) -> Bool {
        for match in rule.matches {
            switch match {
            case .source(let address): if !address.matches(state.flow.source) { return false }
            case .destination(let address): if !address.matches(state.destination) { return false }
            case .ipProtocol(let proto): if proto.negated == (proto.name == state.flow.proto) { return false }
            case .tcp(let ports), .udp(let ports), .sctp(let ports):
                if let range = ports.destinationPort, ports.destinationNegated == range.contains(state.flow.port) {
                    return false
                }
            case .addressType(let types):
                if let wanted = types.sourceTypes, !typeMatches(wanted, negated: types.sourceNegated, state.flow.source)
                {
                    return false
                }
                if let wanted = types.destinationTypes,
                    !typeMatches(wanted, negated: types.destinationNegated, state.destination)
                {
                    return false
                }
            case .recent(let recent): if recent.command == .rcheck { return false }
            case .mark, .conntrack: return false
            default: continue
            }
        }
        return true
    }

    func typeMatches(_ types: [AddressTypeMatch.AddressType], negated: Bool, _ address: IPv4Address) -> Bool {
        let isLocal = localIPs.contains(address)
        let hit = types.contains { $0 == .local ? isLocal : false }
        return hit != negated
    }
}
