import NetCore
import Wire

/// A connection's tuple: addresses, protocol and ports (the ICMP echo identifier for ICMP).
public struct ConntrackTuple: Hashable, Sendable, CustomStringConvertible {
    public var source: IPv4Address
    public var destination: IPv4Address
    public var proto: IPProtocol
    public var sourcePort: UInt16
    public var destinationPort: UInt16

    public init(
        source: IPv4Address, destination: IPv4Address, proto: IPProtocol, sourcePort: UInt16, destinationPort: UInt16
    ) {
        self.source = source
        self.destination = destination
        self.proto = proto
        self.sourcePort = sourcePort
        self.destinationPort = destinationPort
    }

    /// The tuple of `packet`, or nil for what conntrack does not track here (fragments, other protocols).
    /// ICMP echo request and reply share the identifier, so a reply inverts to the request's tuple.
    public init?(_ packet: IPv4Packet) {
        let header = packet.header
        switch packet.payload {
        case .tcp, .udp:
            guard let ports = packet.ports else { return nil }
            self.init(
                source: header.source, destination: header.destination, proto: header.protocol,
                sourcePort: ports.source, destinationPort: ports.destination)
        case .icmp(.echoRequest(let id, _, _)), .icmp(.echoReply(let id, _, _)):
            self.init(
                source: header.source, destination: header.destination, proto: .icmp, sourcePort: id,
                destinationPort: id)
        default:
            return nil
        }
    }

    /// The tuple of the answer to this one.
    public var inverted: ConntrackTuple {
        ConntrackTuple(
            source: destination, destination: source, proto: proto, sourcePort: destinationPort,
            destinationPort: sourcePort)
    }

    /// `conntrack -L` style: `src=10.0.0.1 dst=10.0.0.2 sport=40000 dport=80`.
    public var description: String {
        proto == .icmp
            ? "src=\(source) dst=\(destination) id=\(sourcePort)"
            : "src=\(source) dst=\(destination) sport=\(sourcePort) dport=\(destinationPort)"
    }
}

/// One tracked connection.
///
/// Linux: `struct nf_conn` — the original and reply tuples (the reply tuple carries the NAT binding), the
/// SEEN_REPLY status, a timeout on the simulated clock.
public struct ConntrackEntry: Hashable, Sendable, CustomStringConvertible {
    public var original: ConntrackTuple
    public var reply: ConntrackTuple
    public var seenReply = false
    public var expires: Instant

    public init(original: ConntrackTuple, expires: Instant) {
        self.original = original
        reply = original.inverted
        self.expires = expires
    }

    /// The destination was translated (DNAT).
    public var isDestinationNATed: Bool {
        reply.source != original.destination || reply.sourcePort != original.destinationPort
    }
    /// The source was translated (SNAT/MASQUERADE).
    public var isSourceNATed: Bool {
        reply.destination != original.source || reply.destinationPort != original.sourcePort
    }

    /// `conntrack -L` style line.
    public var description: String {
        "\(original.proto) \(original) \(seenReply ? "" : "[UNREPLIED] ")\(reply)"
    }

    /// Seconds a connection lives without traffic (Linux defaults: TCP established 5 days, unreplied 120 s
    /// — SYN_SENT; UDP 30 s unreplied, 120 s once replied; ICMP 30 s).
    public var timeout: Double {
        switch original.proto {
        case .tcp: seenReply ? 432_000 : 120
        case .udp: seenReply ? 120 : 30
        default: 30
        }
    }
}

/// Which way a packet goes relative to its connection.
public enum ConntrackDirection: String, Hashable, Sendable {
    case original
    case reply
}

/// A namespace's connection table.
///
/// Linux: `nf_conntrack_in` looks a packet's tuple up in both directions; `nf_conntrack_confirm` inserts a
/// new connection once its first packet survives POSTROUTING or INPUT.
public struct ConntrackTable: Hashable, Sendable {
    public private(set) var entries: [ConntrackEntry] = []
    private var index: [ConntrackTuple: (entry: Int, direction: ConntrackDirection)] = [:]

    public init() {}

    public static func == (lhs: ConntrackTable, rhs: ConntrackTable) -> Bool { lhs.entries == rhs.entries }
    public func hash(into hasher: inout Hasher) { hasher.combine(entries) }

    /// The live entry a tuple belongs to, with the packet's direction.
    public func lookup(_ tuple: ConntrackTuple, now: Instant) -> (entry: ConntrackEntry, direction: ConntrackDirection)?
    {
        guard let hit = index[tuple], entries[hit.entry].expires > now else { return nil }
        return (entries[hit.entry], hit.direction)
    }

    /// Inserts a confirmed connection (replacing an expired one with the same tuples).
    public mutating func confirm(_ entry: ConntrackEntry) {
        if let old = index[entry.original] { index[entries[old.entry].reply] = nil }
        entries.append(entry)
        index[entry.original] = (entries.count - 1, .original)
        index[entry.reply] = (entries.count - 1, .reply)
    }

    /// Refreshes an entry after a packet: a reply sets SEEN_REPLY; the timeout restarts. Returns the entry
    /// as refreshed.
    @discardableResult
    public mutating func refresh(_ tuple: ConntrackTuple, direction: ConntrackDirection, now: Instant)
        -> ConntrackEntry?
    {
        guard let hit = index[tuple] else { return nil }
        if direction == .reply { entries[hit.entry].seenReply = true }
        entries[hit.entry].expires = now.advanced(bySeconds: entries[hit.entry].timeout)
        return entries[hit.entry]
    }

    /// Live entries, as `conntrack -L` lists them.
    public func listing(now: Instant) -> [ConntrackEntry] {
        entries.filter { $0.expires > now && index[$0.original] != nil }
    }
}

extension ConntrackEntry {
    /// Rewrites `packet` as NAT does at a hook for a packet of this connection going `direction`:
    /// destination hooks (PREROUTING, OUTPUT) apply DNAT to originals and undo SNAT for replies; source
    /// hooks (POSTROUTING, INPUT) apply SNAT to originals and undo DNAT for replies.
    /// Linux: `nf_nat_packet` → `nf_nat_manip_pkt` with the tuple the binding implies.
    public func translate(_ packet: IPv4Packet, direction: ConntrackDirection, destinationHook: Bool) -> IPv4Packet {
        var packet = packet
        let target: (address: IPv4Address, port: UInt16)
        switch (direction, destinationHook) {
        case (.original, true): target = (reply.source, reply.sourcePort)
        case (.original, false): target = (reply.destination, reply.destinationPort)
        case (.reply, true): target = (original.source, original.sourcePort)
        case (.reply, false): target = (original.destination, original.destinationPort)
        }
        if destinationHook {
            packet.header.destination = target.address
            packet.setPorts(destination: target.port, icmp: original.proto == .icmp)
        } else {
            packet.header.source = target.address
            packet.setPorts(source: target.port, icmp: original.proto == .icmp)
        }
        return packet
    }
}

extension IPv4Packet {
    /// Sets the transport source or destination port (ICMP echo keeps its identifier).
    mutating func setPorts(source: UInt16? = nil, destination: UInt16? = nil, icmp: Bool) {
        guard !icmp else { return }
        switch payload {
        case .tcp(var segment):
            if let source { segment.header.sourcePort = source }
            if let destination { segment.header.destinationPort = destination }
            payload = .tcp(segment)
        case .udp(var datagram):
            if let source { datagram.header.sourcePort = source }
            if let destination { datagram.header.destinationPort = destination }
            payload = .udp(datagram)
        default: break
        }
    }
}
