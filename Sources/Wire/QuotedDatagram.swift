import NetCore

/// The datagram an ICMP error quotes: its IP header and the first bytes of its payload (RFC 792 requires
/// 8). Read from fixed offsets, since the quote is truncated and its total length does not hold.
public struct QuotedDatagram: Hashable, Sendable {
    public var source: IPv4Address
    public var destination: IPv4Address
    public var `protocol`: IPProtocol
    /// TCP/UDP ports; for ICMP both are the echo identifier; 0 when the quote is too short to hold them.
    public var sourcePort: UInt16
    public var destinationPort: UInt16
    /// The quoted IP header's length (IHL × 4).
    public var headerLength: Int
    /// Whether the quote holds the 8 payload bytes that ports (or the ICMP identifier) live in.
    public var hasTransportHeader: Bool

    public init?(_ bytes: [UInt8]) {
        guard bytes.count >= 20, bytes[0] >> 4 == 4 else { return nil }
        let slice = bytes[...]
        let ihl = Int(bytes[0] & 0x0F) * 4
        guard ihl >= 20, bytes.count >= ihl else { return nil }
        headerLength = ihl
        source = IPv4Address(rawValue: slice.u32(at: 12))
        destination = IPv4Address(rawValue: slice.u32(at: 16))
        self.protocol = IPProtocol(rawValue: bytes[9])
        hasTransportHeader = bytes.count >= ihl + 8
        if self.protocol == .icmp {
            sourcePort = hasTransportHeader ? slice.u16(at: ihl + 4) : 0
            destinationPort = sourcePort
        } else {
            sourcePort = bytes.count >= ihl + 2 ? slice.u16(at: ihl) : 0
            destinationPort = bytes.count >= ihl + 4 ? slice.u16(at: ihl + 2) : 0
        }
    }

    /// `bytes` with the quoted source and/or destination address (and TCP/UDP port) replaced and the quoted
    /// IP header checksum recomputed, as NAT rewrites an error's payload. The transport checksum is left
    /// alone: the quote is truncated. Bytes that quote no IPv4 header are returned unchanged.
    public static func rewrite(
        _ bytes: [UInt8], source: (IPv4Address, UInt16)? = nil, destination: (IPv4Address, UInt16)? = nil
    ) -> [UInt8] {
        guard let quoted = QuotedDatagram(bytes) else { return bytes }
        let ihl = quoted.headerLength
        let ported = quoted.protocol == .tcp || quoted.protocol == .udp
        var bytes = bytes
        func put(_ address: IPv4Address, _ port: UInt16, addressAt: Int, portAt: Int) {
            bytes.set16(UInt16(truncatingIfNeeded: address.rawValue >> 16), at: addressAt)
            bytes.set16(UInt16(truncatingIfNeeded: address.rawValue), at: addressAt + 2)
            if ported, bytes.count >= ihl + portAt + 2 { bytes.set16(port, at: ihl + portAt) }
        }
        if let (address, port) = source { put(address, port, addressAt: 12, portAt: 0) }
        if let (address, port) = destination { put(address, port, addressAt: 16, portAt: 2) }
        bytes.set16(0, at: 10)
        bytes.set16(Checksum.compute(bytes[0..<ihl]), at: 10)
        return bytes
    }
}

extension ICMPv4Message {
    /// The quoted datagram's bytes of an error message; nil for other messages.
    public var quoted: [UInt8]? {
        switch self {
        case .destinationUnreachable(_, _, let invoking), .timeExceeded(_, let invoking): invoking
        default: nil
        }
    }

    /// The message with its quoted bytes transformed; messages that quote nothing are returned unchanged.
    public func mappingQuoted(_ transform: ([UInt8]) -> [UInt8]) -> ICMPv4Message {
        switch self {
        case .destinationUnreachable(let code, let mtu, let invoking):
            .destinationUnreachable(code: code, nextHopMTU: mtu, invoking: transform(invoking))
        case .timeExceeded(let code, let invoking): .timeExceeded(code: code, invoking: transform(invoking))
        default: self
        }
    }
}
