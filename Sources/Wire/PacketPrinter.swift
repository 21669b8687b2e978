import NetCore

/// One-line packet descriptions as `tcpdump -n` prints them (with `-e`, the link-level header too).
public enum PacketPrinter {
    /// `tcpdump -n` (or `-n -e` with `linkLevel`) for a frame. A VXLAN packet prints as `tcpdump -T vxlan`
    /// does: the outer line, then the inner frame on its own line.
    public static func line(_ frame: EthernetFrame, linkLevel: Bool = false) -> String {
        let body: String
        switch frame.payload {
        case .arp(let arp): body = (linkLevel ? "" : "ARP, ") + describe(arp)
        case .ipv4(let packet): body = line(packet, tagged: !linkLevel, innerLinkLevel: linkLevel)
        case .raw(let bytes): body = "ethertype \(frame.header.etherType), length \(bytes.count)"
        }
        guard linkLevel else { return body }
        let type = String(frame.header.etherType.rawValue, radix: 16)
        return "\(frame.header.source) > \(frame.header.destination), ethertype \(frame.header.etherType) "
            + "(0x\(String(repeating: "0", count: max(0, 4 - type.count)))\(type)), length \(frame.length): \(body)"
    }

    /// `IP 10.0.0.1.40000 > 10.0.0.2.80: Flags [S], seq 1, win 64240, length 0`.
    public static func line(_ packet: IPv4Packet) -> String { line(packet, tagged: true, innerLinkLevel: false) }

    static func line(_ packet: IPv4Packet, tagged: Bool, innerLinkLevel: Bool) -> String {
        let h = packet.header
        let tag = tagged ? "IP " : ""
        switch packet.payload {
        case .tcp(let segment):
            return
                "\(tag)\(h.source).\(segment.header.sourcePort) > \(h.destination).\(segment.header.destinationPort): "
                + describe(segment)
        case .udp(let datagram):
            let u = datagram.header
            let prefix = "\(tag)\(h.source).\(u.sourcePort) > \(h.destination).\(u.destinationPort): "
            if case .vxlan(let vxlan, let inner) = datagram.payload {
                let flags = String(vxlan.flags, radix: 16)
                return prefix
                    + "VXLAN, flags [\(vxlan.flags & VXLANHeader.validVNI != 0 ? "I" : ".")] "
                    + "(0x\(flags.count == 1 ? "0" : "")\(flags)), vni \(vxlan.vni)\n"
                    + line(inner, linkLevel: innerLinkLevel)
            }
            return prefix + "UDP, length \(datagram.payload.length)"
        case .icmp(let message):
            return "\(tag)\(h.source) > \(h.destination): ICMP \(describe(message)), length \(message.length)"
        case .raw(let bytes):
            return
                "\(tag)\(h.source)\(fragmentLine(h, bytes) ?? " > \(h.destination):  ip-proto-\(h.protocol.rawValue) \(bytes.count)")"
        }
    }

    /// A first fragment's transport summary, as tcpdump prints it from the partial header.
    static func fragmentLine(_ h: IPv4Header, _ bytes: [UInt8]) -> String? {
        guard h.isFragment, bytes.count >= 8 else { return nil }
        let slice = bytes[...]
        guard h.fragmentOffset == 0 else { return " > \(h.destination): ip-proto-\(h.protocol.rawValue)" }
        switch h.protocol {
        case .udp:
            return
                ".\(slice.u16(at: 0)) > \(h.destination).\(slice.u16(at: 2)): UDP, length \(Int(slice.u16(at: 4)) - 8)"
        case .tcp:
            return ".\(slice.u16(at: 0)) > \(h.destination).\(slice.u16(at: 2)): tcp \(bytes.count)"
        default: return nil
        }
    }

    /// `Request who-has 10.0.0.1 tell 10.0.0.2, length 28` (tcpdump puts `ARP, ` before it without `-e`).
    public static func describe(_ arp: ARPPacket) -> String {
        switch arp.operation {
        case .request: "Request who-has \(arp.targetIP) tell \(arp.senderIP), length 28"
        case .reply: "Reply \(arp.senderIP) is-at \(arp.senderMAC), length 28"
        default: "op \(arp.operation.rawValue), length 28"
        }
    }

    /// The TCP part: `Flags [S], seq 1, win 64240, options [mss 1460], length 0`.
    static func describe(_ segment: TCPSegment) -> String {
        let t = segment.header
        var text = "Flags [\(t.flags)]"
        let length = segment.payload.count
        if length > 0 {
            text += ", seq \(t.sequenceNumber):\(t.sequenceNumber &+ UInt32(length))"
        } else if !t.flags.isDisjoint(with: [.syn, .fin, .rst]) {
            text += ", seq \(t.sequenceNumber)"
        }
        if t.flags.contains(.ack) { text += ", ack \(t.acknowledgmentNumber)" }
        text += ", win \(t.window)"
        if t.flags.contains(.urg) { text += ", urg \(t.urgentPointer)" }
        if let options = describeOptions(t.options) { text += ", options [\(options)]" }
        return text + ", length \(length)"
    }

    /// TCP options as tcpdump names them: `mss 1460,sackOK,TS val 1 ecr 0,nop,wscale 7`.
    static func describeOptions(_ bytes: [UInt8]) -> String? {
        var parts: [String] = []
        var index = 0
        while index < bytes.count {
            let kind = bytes[index]
            if kind == 0 {
                parts.append("eol")
                break
            }
            if kind == 1 {
                parts.append("nop")
                index += 1
                continue
            }
            guard index + 1 < bytes.count, bytes[index + 1] >= 2, index + Int(bytes[index + 1]) <= bytes.count else {
                parts.append("bad opt")
                break
            }
            let length = Int(bytes[index + 1])
            let value = bytes[(index + 2)..<(index + length)]
            let slice = Array(value)[...]
            switch (kind, length) {
            case (2, 4): parts.append("mss \(slice.u16(at: 0))")
            case (3, 3): parts.append("wscale \(slice.u8(at: 0))")
            case (4, 2): parts.append("sackOK")
            case (8, 10): parts.append("TS val \(slice.u32(at: 0)) ecr \(slice.u32(at: 4))")
            default: parts.append("opt-\(kind):" + value.map { String(format2: $0) }.joined())
            }
            index += length
        }
        return parts.isEmpty ? nil : parts.joined(separator: ",")
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
            case .protocol: return "\(target) protocol \(quoted?.protocol.rawValue ?? 0) unreachable"
            case .port:
                return
                    "\(target) \(quoted.map { "\($0.protocol)" } ?? "ip") port \(quoted?.destinationPort ?? 0) unreachable"
            case .fragmentationNeeded: return "\(target) unreachable - need to frag (mtu \(mtu))"
            case .administrativelyProhibited: return "host \(target) unreachable - admin prohibited filter"
            default: return "\(target) unreachable - \(code)"
            }
        case .other(let type, let code, _, _): return "type-#\(type) code \(code)"
        }
    }
}

extension String {
    /// Two lower-case hex digits.
    init(format2 byte: UInt8) {
        let hex = String(byte, radix: 16)
        self = byte < 16 ? "0" + hex : hex
    }
}
