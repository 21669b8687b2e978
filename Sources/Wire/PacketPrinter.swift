import NetCore

/// One-line packet descriptions in `tcpdump -n` style (with `-e`, the link-level header too).
public enum PacketPrinter {
    /// `tcpdump -n -e` style: `src > dst, ethertype IPv4 (0x0800), length 74: IP …`.
    public static func line(_ frame: EthernetFrame, linkLevel: Bool = false) -> String {
        let body: String
        switch frame.payload {
        case .arp(let arp): body = line(arp)
        case .ipv4(let packet): body = line(packet)
        case .raw(let bytes): body = "ethertype \(frame.header.etherType), length \(bytes.count)"
        }
        guard linkLevel else { return body }
        let type = String(frame.header.etherType.rawValue, radix: 16)
        return "\(frame.header.source) > \(frame.header.destination), ethertype \(frame.header.etherType) "
            + "(0x\(String(repeating: "0", count: 4 - type.count))\(type)), length \(frame.length): \(body)"
    }

    /// `ARP, Request who-has 10.0.0.1 tell 10.0.0.2, length 28`.
    public static func line(_ arp: ARPPacket) -> String {
        switch arp.operation {
        case .request: "ARP, Request who-has \(arp.targetIP) tell \(arp.senderIP), length 28"
        case .reply: "ARP, Reply \(arp.senderIP) is-at \(arp.senderMAC), length 28"
        default: "ARP, op \(arp.operation.rawValue), length 28"
        }
    }

    /// `IP 10.0.0.1.40000 > 10.0.0.2.80: Flags [S], seq 1, win 64240, length 0`.
    public static func line(_ packet: IPv4Packet) -> String {
        let h = packet.header
        switch packet.payload {
        case .tcp(let segment):
            let t = segment.header
            var text = "IP \(h.source).\(t.sourcePort) > \(h.destination).\(t.destinationPort): Flags [\(t.flags)]"
            if t.flags.contains(.syn) || !segment.payload.isEmpty || t.flags.contains(.rst) {
                text += ", seq \(t.sequenceNumber)"
            }
            if t.flags.contains(.ack) { text += ", ack \(t.acknowledgmentNumber)" }
            text += ", win \(t.window)"
            if t.options.count >= 4, t.options[0] == 2 {
                text += ", options [mss \(UInt16(t.options[2]) << 8 | UInt16(t.options[3]))]"
            }
            return text + ", length \(segment.payload.count)"
        case .udp(let datagram):
            let u = datagram.header
            let prefix = "IP \(h.source).\(u.sourcePort) > \(h.destination).\(u.destinationPort): "
            if case .vxlan(let vxlan, let inner) = datagram.payload {
                let flags = String(vxlan.flags, radix: 16)
                return prefix
                    + "VXLAN, flags [\(vxlan.flags & 0x08 != 0 ? "I" : ".")] (0x\(flags.count == 1 ? "0" : "")\(flags)), "
                    + "vni \(vxlan.vni)\n" + line(inner, linkLevel: true)
            }
            return prefix + "UDP, length \(datagram.payload.length)"
        case .icmp(let message):
            return "IP \(h.source) > \(h.destination): ICMP \(describe(message)), length \(message.length)"
        case .raw(let bytes):
            return "IP \(h.source) > \(h.destination): ip-proto-\(h.protocol.rawValue) \(bytes.count)"
        }
    }

    /// The ICMP part of a tcpdump line: `echo request, id 1, seq 1`, `host 10.0.0.9 unreachable`.
    public static func describe(_ message: ICMPv4Message) -> String {
        switch message {
        case .echoRequest(let id, let seq, _): return "echo request, id \(id), seq \(seq)"
        case .echoReply(let id, let seq, _): return "echo reply, id \(id), seq \(seq)"
        case .timeExceeded: return "time exceeded in-transit"
        case .destinationUnreachable(let code, let mtu, let invoking):
            let quoted = QuotedDatagram(invoking)
            let target = quoted.map { "\($0.destination)" } ?? "?"
            switch code {
            case .network: return "net \(target) unreachable"
            case .host: return "host \(target) unreachable"
            case .port:
                return
                    "\(target) \(quoted.map { "\($0.protocol)" } ?? "ip") port \(quoted?.destinationPort ?? 0) unreachable"
            case .fragmentationNeeded: return "\(target) unreachable - need to frag (mtu \(mtu))"
            default: return "\(target) unreachable - \(code)"
            }
        case .other(let type, let code, _, _): return "type-#\(type) code \(code)"
        }
    }
}

/// The start of the datagram an ICMP error quotes (IP header + 8 bytes): enough to name what failed.
struct QuotedDatagram {
    var destination: IPv4Address
    var `protocol`: IPProtocol
    var destinationPort: UInt16

    init?(_ bytes: [UInt8]) {
        guard bytes.count >= 20, bytes[0] >> 4 == 4 else { return nil }
        let slice = bytes[...]
        let ihl = Int(bytes[0] & 0x0F) * 4
        destination = IPv4Address(rawValue: slice.u32(at: 16))
        self.protocol = IPProtocol(rawValue: bytes[9])
        destinationPort = bytes.count >= ihl + 4 ? slice.u16(at: ihl + 2) : 0
    }
}
