import NetCore
import Netfilter
import Routing
import Trace
import Wire

extension Walk {
    /// Applies a nat-table decision to a new connection: the binding goes into the pending entry's reply
    /// tuple and the packet is rewritten. Linux: `nf_nat_setup_info` (DNAT at PREROUTING/OUTPUT, SNAT and
    /// MASQUERADE at POSTROUTING/INPUT); MASQUERADE takes the output device's address (`nf_nat_masquerade_ipv4`).
    func bind(_ decision: NATDecision, _ hook: Hook, _ netns: NetnsID, _ packet: IPv4Packet, outDevice: DeviceID?)
        -> IPv4Packet
    {
        guard var connection = skb.connection, connection.netns == netns, connection.isNew else { return packet }
        let destinationHook = hook.manipulatesDestination
        var address: IPv4Address
        var port: UInt16?
        let kind: String
        switch decision {
        case .dnat(let target):
            guard destinationHook else { return packet }
            address = target.range?.minAddress ?? packet.header.destination
            port = target.range?.ports?.lower
            kind = "DNAT"
        case .snat(let target):
            guard !destinationHook else { return packet }
            address = target.range?.minAddress ?? packet.header.source
            port = target.range?.ports?.lower
            kind = "SNAT"
        case .masquerade(let target):
            guard !destinationHook, let outDevice else { return packet }
            address = selectSource(outDevice, toward: packet.header.destination)
            port = target.randomFully ? Self.randomFullyPort(connection.entry.original) : target.ports?.lower
            kind = "MASQUERADE" + (target.randomFully ? " --random-fully" : "")
        }
        if destinationHook {
            connection.entry.reply.source = address
            if let port, connection.entry.original.proto != .icmp { connection.entry.reply.sourcePort = port }
        } else {
            connection.entry.reply.destination = address
            if let port, connection.entry.original.proto != .icmp { connection.entry.reply.destinationPort = port }
        }
        skb.connection = connection
        let translated = connection.entry.translate(packet, direction: .original, destinationHook: destinationHook)
        record(
            .nat(
                place(netns), hook: hook.rawValue, kind: kind, from: endpoint(packet, destination: destinationHook),
                to: endpoint(translated, destination: destinationHook)))
        return translated
    }

    /// `--random-fully` picks the source port with a random draw; a stable hash of the flow stands in for it.
    static func randomFullyPort(_ tuple: ConntrackTuple) -> UInt16 {
        UInt16(1024 + StableHash.fnv1a64("\(tuple)") % (65535 - 1024))
    }

    /// `-j REJECT`: the packet is dropped and the sender told, with an ICMP error or (tcp-reset) a RST.
    /// Linux: `nf_send_unreach` / `nf_send_reset`.
    func reject(
        _ netns: NetnsID, _ packet: IPv4Packet, _ type: RejectTarget.RejectType, rule: RuleHit?,
        table: NetfilterTable.Name
    ) {
        record(
            .dropped(
                place(netns),
                .netfilterReject(
                    table: table.rawValue, chain: rule?.chain ?? "", rule: rule?.number ?? 0, text: rule?.text ?? "",
                    with: type.rawValue)))
        let code: ICMPv4UnreachableCode
        switch type {
        case .netUnreachable: code = .network
        case .hostUnreachable: code = .host
        case .protocolUnreachable: code = .protocol
        case .netProhibited: code = ICMPv4UnreachableCode(rawValue: 9)
        case .hostProhibited: code = ICMPv4UnreachableCode(rawValue: 10)
        case .adminProhibited: code = .administrativelyProhibited
        case .portUnreachable: code = .port
        case .tcpReset: return  // the sender's connect() fails with ECONNREFUSED; the RST itself is not walked
        }
        icmpSend(
            netns, about: packet,
            .destinationUnreachable(code: code, nextHopMTU: 0, invoking: ICMPv4Message.invoking(packet)))
    }
}
