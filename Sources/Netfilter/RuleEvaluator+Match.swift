import NetCore
import Wire

extension RuleEvaluator {
    /// True when every match of the rule holds. Statistic and recent matches are evaluated last, as their
    /// side effects (a random draw, a recorded address) only happen when the rest matched — xtables runs
    /// matches in order and stops at the first miss; kube-proxy puts these last, so the order is the same.
    func matches<Chooser: StatisticChooser>(
        _ rule: Rule, _ context: PacketContext, recent: inout RecentTable, chooser: inout Chooser, now: Instant
    ) -> Bool {
        let header = context.packet.header
        let ports = context.packet.ports
        for match in rule.matches {
            switch match {
            case .source(let address): if !address.matches(header.source) { return false }
            case .destination(let address): if !address.matches(header.destination) { return false }
            case .inInterface(let interface):
                if !interface.matches(context.inInterface ?? "") { return false }
            case .outInterface(let interface):
                if !interface.matches(context.outInterface ?? "") { return false }
            case .ipProtocol(let proto): if !proto.matches(header.protocol) { return false }
            case .fragment(let negated): if header.isFragment == negated { return false }
            case .comment, .nfacct: continue
            case .tcp(let match):
                if header.protocol != .tcp || !portsMatch(match, ports) { return false }
                if let flags = match.tcpFlags {
                    guard case .tcp(let segment) = context.packet.payload, flags.matches(segment.header.flags.rawValue)
                    else { return false }
                }
            case .udp(let match): if header.protocol != .udp || !portsMatch(match, ports) { return false }
            case .sctp(let match): if header.protocol != .sctp || !portsMatch(match, ports) { return false }
            case .multiport(let match): if !multiportMatches(match, ports) { return false }
            case .mark(let mark): if !mark.matches(context.mark) { return false }
            case .conntrack(let match): if !conntrackMatches(match, context) { return false }
            case .state(let match): if match.states.contains(context.state) == match.negated { return false }
            case .addressType(let match): if !addressTypeMatches(match, context) { return false }
            case .physdev(let match): if !physdevMatches(match, context) { return false }
            case .statistic, .recent: continue
            case .set, .other: return false  // ipsets and unknown modules are not modelled: never match
            }
        }
        for match in rule.matches {
            switch match {
            case .statistic(let statistic):
                guard case .random(let probability) = statistic.mode else { return false }
                if chooser.choose(probability) == statistic.negated { return false }
            case .recent(let recentMatch):
                let address = recentMatch.side == .destination ? header.destination : header.source
                if !recent.evaluate(recentMatch, address: address, now: now) { return false }
            default: continue
            }
        }
        return true
    }

    func portsMatch(_ match: PortMatch, _ ports: (source: UInt16, destination: UInt16)?) -> Bool {
        guard let ports else { return false }
        return match.matches(sourcePort: ports.source, destinationPort: ports.destination)
    }

    func multiportMatches(_ match: MultiportMatch, _ ports: (source: UInt16, destination: UInt16)?) -> Bool {
        guard let ports else { return false }
        let hit = match.ports.contains { range in
            switch match.direction {
            case .source: range.contains(ports.source)
            case .destination: range.contains(ports.destination)
            case .either: range.contains(ports.source) || range.contains(ports.destination)
            }
        }
        return hit != match.negated
    }

    func conntrackMatches(_ match: ConntrackMatch, _ context: PacketContext) -> Bool {
        if let states = match.states {
            let present = states.contains {
                $0 == context.state || $0 == .dnat && context.isDestinationNATed
                    || $0 == .snat && context.isSourceNATed
            }
            if present == match.statesNegated { return false }
        }
        return match.statuses == nil  // --ctstatus is not modelled beyond its absence
    }

    func addressTypeMatches(_ match: AddressTypeMatch, _ context: PacketContext) -> Bool {
        func isType(_ types: [AddressTypeMatch.AddressType], _ address: IPv4Address) -> Bool {
            types.contains { type in
                switch type {
                case .local: context.localAddresses.contains(address) || address.isLoopback
                case .unicast: !address.isMulticast && address != .limitedBroadcast
                case .broadcast: address == .limitedBroadcast
                case .multicast: address.isMulticast
                default: false
                }
            }
        }
        if let types = match.sourceTypes, isType(types, context.packet.header.source) == match.sourceNegated {
            return false
        }
        if let types = match.destinationTypes,
            isType(types, context.packet.header.destination) == match.destinationNegated
        {
            return false
        }
        return true
    }

    func physdevMatches(_ match: PhysdevMatch, _ context: PacketContext) -> Bool {
        if let interface = match.inInterface, context.physicalIn.map(interface.matches) != true { return false }
        if let interface = match.outInterface, context.physicalOut.map(interface.matches) != true { return false }
        if let isBridged = match.isBridged, isBridged != (context.physicalIn != nil || context.physicalOut != nil) {
            return false
        }
        return true
    }
}
