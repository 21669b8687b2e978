import NetCore

/// What an Ethernet frame carries.
public indirect enum EthernetPayload: Hashable, Sendable {
    case arp(ARPPacket)
    case ipv4(IPv4Packet)
    case raw([UInt8])
}

/// A whole Ethernet frame as a layered value: header, then ARP or IPv4 (whose UDP may carry VXLAN and
/// an inner frame). Kernel metadata (mark, conntrack, devices) travels beside it, never inside.
public struct EthernetFrame: Hashable, Sendable {
    public var header: EthernetHeader
    public var payload: EthernetPayload

    public init(header: EthernetHeader, payload: EthernetPayload) {
        self.header = header
        self.payload = payload
    }

    /// Length on the wire without FCS or padding.
    public var length: Int {
        switch payload {
        case .arp: EthernetHeader.length + ARPPacket.length
        case .ipv4(let packet): EthernetHeader.length + packet.totalLength
        case .raw(let bytes): EthernetHeader.length + bytes.count
        }
    }

    /// The IPv4 packet inside, if any.
    public var ipv4: IPv4Packet? {
        if case .ipv4(let packet) = payload { return packet }
        return nil
    }

    /// Parses a frame; the payload is decoded as deep as the headers go.
    public static func parse(_ bytes: ArraySlice<UInt8>) throws(WireError) -> EthernetFrame {
        let header = try EthernetHeader.parse(bytes)
        let rest = bytes.from(EthernetHeader.length)
        switch header.etherType {
        case .arp: return EthernetFrame(header: header, payload: .arp(try ARPPacket.parse(rest)))
        case .ipv4: return EthernetFrame(header: header, payload: .ipv4(try IPv4Packet.parse(rest)))
        default: return EthernetFrame(header: header, payload: .raw(Array(rest)))
        }
    }

    /// The frame's bytes.
    public func emit() -> [UInt8] {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(length)
        emit(into: &buffer)
        return buffer
    }

    public func emit(into buffer: inout [UInt8]) {
        header.emit(into: &buffer)
        switch payload {
        case .arp(let arp): arp.emit(into: &buffer)
        case .ipv4(let packet): packet.emit(into: &buffer)
        case .raw(let bytes): buffer.append(contentsOf: bytes)
        }
    }
}

/// What an IPv4 packet carries.
public enum IPv4Payload: Hashable, Sendable {
    case icmp(ICMPv4Message)
    case udp(UDPDatagram)
    case tcp(TCPSegment)
    /// Another protocol, or a non-first fragment.
    case raw([UInt8])
}

/// An IPv4 header with its payload.
public struct IPv4Packet: Hashable, Sendable {
    public var header: IPv4Header
    public var payload: IPv4Payload

    public init(header: IPv4Header, payload: IPv4Payload) {
        self.header = header
        self.payload = payload
    }

    /// Payload length in bytes.
    public var payloadLength: Int {
        switch payload {
        case .icmp(let message): message.length
        case .udp(let datagram): datagram.length
        case .tcp(let segment): segment.header.headerLength + segment.payload.count
        case .raw(let bytes): bytes.count
        }
    }

    /// The total length field's value.
    public var totalLength: Int { header.headerLength + payloadLength }

    /// Source and destination transport ports, when the payload is TCP or UDP.
    public var ports: (source: UInt16, destination: UInt16)? {
        switch payload {
        case .tcp(let segment): (segment.header.sourcePort, segment.header.destinationPort)
        case .udp(let datagram): (datagram.header.sourcePort, datagram.header.destinationPort)
        default: nil
        }
    }

    public static func parse(_ bytes: ArraySlice<UInt8>) throws(WireError) -> IPv4Packet {
        let (header, rest) = try IPv4Header.parse(bytes)
        // Any fragment stays raw: a first fragment's transport length and checksum cover bytes it lacks,
        // so decoding it would not round-trip (the printer still summarises it as tcpdump does).
        if header.isFragment {
            return IPv4Packet(header: header, payload: .raw(Array(rest)))
        }
        switch header.protocol {
        case .icmp: return IPv4Packet(header: header, payload: .icmp(try ICMPv4Message.parse(rest)))
        case .udp:
            let (udp, data) = try UDPHeader.parse(rest, source: header.source, destination: header.destination)
            return IPv4Packet(
                header: header,
                payload: .udp(UDPDatagram(header: udp, payload: try UDPPayload.parse(data, header: udp))))
        case .tcp:
            let (tcp, data) = try TCPHeader.parse(rest, source: header.source, destination: header.destination)
            return IPv4Packet(header: header, payload: .tcp(TCPSegment(header: tcp, payload: Array(data))))
        default: return IPv4Packet(header: header, payload: .raw(Array(rest)))
        }
    }

    public func emit() -> [UInt8] {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(totalLength)
        emit(into: &buffer)
        return buffer
    }

    public func emit(into buffer: inout [UInt8]) {
        header.emit(payloadLength: payloadLength, into: &buffer)
        switch payload {
        case .icmp(let message): message.emit(into: &buffer)
        case .udp(let datagram):
            datagram.header.emit(
                payload: datagram.payload.bytes, source: header.source, destination: header.destination, into: &buffer)
        case .tcp(let segment):
            segment.header.emit(
                payload: segment.payload, source: header.source, destination: header.destination, into: &buffer)
        case .raw(let bytes): buffer.append(contentsOf: bytes)
        }
    }
}

/// A UDP header with its payload.
public struct UDPDatagram: Hashable, Sendable {
    public var header: UDPHeader
    public var payload: UDPPayload
    public init(header: UDPHeader, payload: UDPPayload) {
        self.header = header
        self.payload = payload
    }
    public var length: Int { UDPHeader.length + payload.length }
}

/// What a UDP datagram carries: VXLAN (on 8472 or 4789) with an inner frame, or opaque bytes.
public indirect enum UDPPayload: Hashable, Sendable {
    case vxlan(VXLANHeader, EthernetFrame)
    case raw([UInt8])

    public var length: Int {
        switch self {
        case .vxlan(_, let inner): VXLANHeader.length + inner.length
        case .raw(let bytes): bytes.count
        }
    }

    public var bytes: [UInt8] {
        switch self {
        case .vxlan(let vxlan, let inner):
            var buffer: [UInt8] = []
            buffer.reserveCapacity(length)
            vxlan.emit(into: &buffer)
            inner.emit(into: &buffer)
            return buffer
        case .raw(let bytes): return bytes
        }
    }

    /// Decodes VXLAN when the destination port is a VXLAN port and the bytes parse; raw otherwise.
    static func parse(_ bytes: ArraySlice<UInt8>, header: UDPHeader) throws(WireError) -> UDPPayload {
        guard header.destinationPort == VXLANHeader.flannelPort || header.destinationPort == VXLANHeader.ianaPort,
            let vxlan = try? VXLANHeader.parse(bytes), vxlan.flags & VXLANHeader.validVNI != 0,
            let inner = try? EthernetFrame.parse(bytes.from(VXLANHeader.length))
        else { return .raw(Array(bytes)) }
        return .vxlan(vxlan, inner)
    }
}

/// A TCP header with its payload.
public struct TCPSegment: Hashable, Sendable {
    public var header: TCPHeader
    public var payload: [UInt8]
    public init(header: TCPHeader, payload: [UInt8] = []) {
        self.header = header
        self.payload = payload
    }
}
