import NetCore
import Netfilter
import Routing
import Trace
import Wire

extension Walk {
    /// Runs a netfilter hook in `netns`: conntrack classification (PREROUTING/OUTPUT), NAT for known
    /// connections, each registered table in priority order (nat only for a connection's first packet),
    /// and confirmation of new connections (POSTROUTING/INPUT). Returns the packet as rewritten, or nil when
    /// a rule dropped or rejected it (the drop is recorded, a REJECT answered).
    /// Linux: `NF_HOOK` → `nf_hook_slow` over the hook's `nf_hook_entries`.
    func nfHook(
        _ hook: Hook, _ netns: NetnsID, _ packet: IPv4Packet, inName: String? = nil, outName: String? = nil,
        physIn: String? = nil, physOut: String? = nil, outDevice: DeviceID? = nil
    ) -> IPv4Packet? {
        guard let index = network.namespace(netns).ruleset else { return packet }
        var packet = packet
        if hook == .prerouting || hook == .output, skb.connection?.netns != netns {
            skb.connection = conntrackIn(netns, hook, packet)
        }
        packet = natExisting(hook, netns, packet)
        let evaluator = RuleEvaluator(index: index)
        let local = localAddresses(netns)
        for table in hook.tables where index.hasTable(table) {
            if table == .nat, skb.connection?.isNew != true { continue }
            let context = PacketContext(
                packet: packet, inInterface: inName, outInterface: outName, physicalIn: physIn, physicalOut: physOut,
                mark: skb.mark, state: skb.connection?.state ?? .invalid,
                isDestinationNATed: skb.connection?.entry.isDestinationNATed ?? false,
                isSourceNATed: skb.connection?.entry.isSourceNATed ?? false, localAddresses: local)
            let outcome = evaluator.run(
                table, hook: hook, context: context, recent: &state.recent[netns.rawValue], chooser: &chooser,
                now: state.now)
            // The jumps leading to a NAT target, DROP or REJECT are the decision; the rest fell through.
            for hit in outcome.hits {
                record(
                    .netfilter(
                        place(netns), hook: hook.rawValue, table: table.rawValue, chain: hit.chain, rule: hit.number,
                        text: hit.text, decisive: outcome.path.contains(hit)))
            }
            skb.mark = outcome.mark
            switch outcome.verdict {
            case .accept: break
            case .drop:
                let rule = outcome.decidedBy
                record(
                    .dropped(
                        place(netns),
                        .netfilterDrop(
                            table: table.rawValue, chain: rule?.chain ?? hook.rawValue, rule: rule?.number ?? 0,
                            text: rule?.text ?? "")))
                return nil
            case .reject(let type):
                reject(netns, packet, type, rule: outcome.decidedBy, table: table)
                return nil
            }
            if let decision = outcome.nat { packet = bind(decision, hook, netns, packet, outDevice: outDevice) }
        }
        if hook == .postrouting || hook == .input, var connection = skb.connection, connection.netns == netns,
            connection.isNew
        {
            state.conntrack[netns.rawValue].confirm(connection.entry)
            connection.isNew = false
            skb.connection = connection
        }
        return packet
    }

    /// Linux: `nf_conntrack_in` — find the packet's connection (either direction), or start a new one;
    /// ICMP errors are RELATED to the connection of the datagram they quote.
    func conntrackIn(_ netns: NetnsID, _ hook: Hook, _ packet: IPv4Packet) -> ConnectionRef? {
        let now = state.now
        if case .icmp(let message) = packet.payload, message.isError {
            return relatedConnection(netns, hook, message)
        }
        guard let tuple = ConntrackTuple(packet) else { return nil }
        if let (entry, direction) = state.conntrack[netns.rawValue].lookup(tuple, now: now) {
            let refreshed = state.conntrack[netns.rawValue].refresh(tuple, direction: direction, now: now) ?? entry
            let connection = ConnectionRef(netns: netns, entry: refreshed, direction: direction, isNew: false)
            record(
                .conntrack(
                    place(netns), hook: hook.rawValue,
                    state: "\(connection.state.rawValue)\(direction == .reply ? " (reply)" : "")",
                    entry: "\(refreshed)", created: false))
            return connection
        }
        var entry = ConntrackEntry(original: tuple, expires: now)
        entry.expires = now.advanced(bySeconds: entry.timeout)
        record(.conntrack(place(netns), hook: hook.rawValue, state: "NEW", entry: "\(entry)", created: true))
        return ConnectionRef(netns: netns, entry: entry, direction: .original, isNew: true)
    }

    func relatedConnection(_ netns: NetnsID, _ hook: Hook, _ message: ICMPv4Message) -> ConnectionRef? {
        guard let invoking = message.quoted else { return nil }
        // The quoted datagram travelled the other way, so its inverse is the error's own tuple: it
        // matches the connection's original or reply tuple as the datagram was after NAT.
        guard let quoted = ConntrackTuple(quoting: invoking),
            let (entry, direction) = state.conntrack[netns.rawValue].lookup(quoted.inverted, now: state.now)
        else {
            record(
                .conntrack(
                    place(netns), hook: hook.rawValue, state: "INVALID", entry: "ICMP error without a connection",
                    created: false))
            return nil
        }
        let connection = ConnectionRef(netns: netns, entry: entry, direction: direction, isNew: false, isRelated: true)
        record(.conntrack(place(netns), hook: hook.rawValue, state: "RELATED", entry: "\(entry)", created: false))
        return connection
    }

    /// NAT for packets of known connections: the binding applies at destination hooks (PREROUTING,
    /// OUTPUT) and source hooks (POSTROUTING, INPUT) in the matching direction.
    func natExisting(_ hook: Hook, _ netns: NetnsID, _ packet: IPv4Packet) -> IPv4Packet {
        guard hook != .forward, let connection = skb.connection, connection.netns == netns, !connection.isNew else {
            return packet
        }
        let destinationHook = hook.manipulatesDestination
        let translated: IPv4Packet
        if connection.isRelated {
            guard let related = translateRelated(packet, connection, destinationHook: destinationHook) else {
                return packet
            }
            translated = related
        } else {
            translated = connection.entry.translate(
                packet, direction: connection.direction, destinationHook: destinationHook)
        }
        guard translated != packet else { return packet }
        let kind: String
        switch (connection.direction, destinationHook) {
        case (.original, true): kind = "DNAT (established)"
        case (.original, false): kind = "SNAT (established)"
        case (.reply, true): kind = "un-SNAT"
        case (.reply, false): kind = "un-DNAT"
        }
        record(
            .nat(
                place(netns), hook: hook.rawValue, kind: kind, from: endpoint(packet, destination: destinationHook),
                to: endpoint(translated, destination: destinationHook)))
        return translated
    }

    /// NAT for an ICMP error about a known connection, as `nf_nat_icmp_reply_translation` does it: only
    /// when the connection had the NAT this hook undoes or repeats (a masquerade-only connection leaves a
    /// router's address alone at POSTROUTING), rewriting the outer header and the quoted datagram so the
    /// error names the addresses the receiving socket knows.
    func translateRelated(_ packet: IPv4Packet, _ connection: ConnectionRef, destinationHook: Bool) -> IPv4Packet? {
        let entry = connection.entry
        // The NAT that this hook applies in the error's direction: DNAT for destination hooks in the
        // original direction, SNAT for source hooks, the other way round in the reply direction.
        let needsDestinationNAT = destinationHook == (connection.direction == .original)
        guard needsDestinationNAT ? entry.isDestinationNATed : entry.isSourceNATed else { return nil }
        guard case .icmp(let message) = packet.payload else { return nil }
        var translated = entry.translate(packet, direction: connection.direction, destinationHook: destinationHook)
        // The quoted datagram travelled the other way: its source is rewritten where the outer
        // destination is, and its destination where the outer source is.
        let other = connection.direction == .reply ? entry.original : entry.reply
        translated.payload = .icmp(
            message.mappingQuoted {
                destinationHook
                    ? QuotedDatagram.rewrite($0, source: (other.source, other.sourcePort))
                    : QuotedDatagram.rewrite($0, destination: (other.destination, other.destinationPort))
            })
        return translated
    }

    func endpoint(_ packet: IPv4Packet, destination: Bool) -> String {
        let address = destination ? packet.header.destination : packet.header.source
        guard let ports = packet.ports else { return "\(address)" }
        return "\(address):\(destination ? ports.destination : ports.source)"
    }

    func localAddresses(_ netns: NetnsID) -> Set<IPv4Address> {
        var addresses: Set<IPv4Address> = []
        for id in network.namespace(netns).devices {
            for address in network.device(id).addresses { addresses.insert(address.address) }
        }
        return addresses
    }
}

extension ConntrackTuple {
    /// The tuple of a datagram an ICMP error quotes; nil when the quote is too short to hold its ports.
    init?(quoting bytes: [UInt8]) {
        guard let quoted = QuotedDatagram(bytes), quoted.hasTransportHeader else { return nil }
        self.init(
            source: quoted.source, destination: quoted.destination, proto: quoted.protocol,
            sourcePort: quoted.sourcePort, destinationPort: quoted.destinationPort)
    }
}
