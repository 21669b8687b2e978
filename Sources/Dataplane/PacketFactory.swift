import NetCore
import Wire

/// Builds the packets a socket would send, as Linux does for a connect()/sendto()/ping.
public enum PacketFactory {
    /// A TCP SYN (DF set, MSS option for `mtu`), a UDP datagram of `payloadSize` bytes, or an ICMP echo
    /// request with ping's 56 data bytes.
    public static func make(
        proto: IPProtocol, source: IPv4Address, destination: IPv4Address, sourcePort: UInt16, destinationPort: UInt16,
        mtu: Int = 1500, payloadSize: Int = 32, sequence: UInt32 = 1_000_000, ttl: UInt8 = 64,
        identification: UInt16 = 0
    ) -> IPv4Packet {
        let header = IPv4Header(
            identification: identification, dontFragment: true, timeToLive: ttl, protocol: proto, source: source,
            destination: destination)
        switch proto {
        case .tcp:
            let tcp = TCPHeader(
                sourcePort: sourcePort, destinationPort: destinationPort, sequenceNumber: sequence, flags: .syn,
                window: 64240, options: TCPHeader.mssOption(UInt16(clamping: mtu - 40)))
            return IPv4Packet(header: header, payload: .tcp(TCPSegment(header: tcp)))
        case .udp:
            let udp = UDPHeader(sourcePort: sourcePort, destinationPort: destinationPort)
            return IPv4Packet(
                header: header,
                payload: .udp(UDPDatagram(header: udp, payload: .raw(Array(repeating: 0x6B, count: payloadSize)))))
        case .icmp:
            let data = (0..<payloadSize).map { UInt8(truncatingIfNeeded: $0) }
            return IPv4Packet(
                header: header, payload: .icmp(.echoRequest(identifier: sourcePort, sequence: 1, data: data)))
        default:
            return IPv4Packet(header: header, payload: .raw(Array(repeating: 0, count: payloadSize)))
        }
    }

    /// The answer a socket (or the kernel, for ping) sends to `packet`.
    public static func reply(to packet: IPv4Packet) -> IPv4Packet {
        let header = IPv4Header(
            dontFragment: true, timeToLive: 64, protocol: packet.header.protocol, source: packet.header.destination,
            destination: packet.header.source)
        switch packet.payload {
        case .tcp(let segment):
            let tcp = TCPHeader(
                sourcePort: segment.header.destinationPort, destinationPort: segment.header.sourcePort,
                sequenceNumber: 2_000_000, acknowledgmentNumber: segment.header.sequenceNumber &+ 1,
                flags: segment.header.flags.contains(.syn) ? [.syn, .ack] : [.ack], window: 65160,
                options: segment.header.options)
            return IPv4Packet(header: header, payload: .tcp(TCPSegment(header: tcp)))
        case .udp(let datagram):
            let udp = UDPHeader(
                sourcePort: datagram.header.destinationPort, destinationPort: datagram.header.sourcePort)
            return IPv4Packet(header: header, payload: .udp(UDPDatagram(header: udp, payload: datagram.payload)))
        case .icmp(.echoRequest(let id, let sequence, let data)):
            var echo = header
            echo.dontFragment = false
            return IPv4Packet(header: echo, payload: .icmp(.echoReply(identifier: id, sequence: sequence, data: data)))
        default:
            return IPv4Packet(header: header, payload: packet.payload)
        }
    }
}
