import NetCore

/// Destination-unreachable codes (RFC 792/1812), open so that unknown codes round-trip.
public struct ICMPv4UnreachableCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let network = ICMPv4UnreachableCode(rawValue: 0)
    public static let host = ICMPv4UnreachableCode(rawValue: 1)
    public static let `protocol` = ICMPv4UnreachableCode(rawValue: 2)
    public static let port = ICMPv4UnreachableCode(rawValue: 3)
    public static let fragmentationNeeded = ICMPv4UnreachableCode(rawValue: 4)
    public static let administrativelyProhibited = ICMPv4UnreachableCode(rawValue: 13)

    /// tcpdump's wording.
    public var description: String {
        switch self {
        case .network: "net unreachable"
        case .host: "host unreachable"
        case .protocol: "protocol unreachable"
        case .port: "port unreachable"
        case .fragmentationNeeded: "need to frag"
        case .administrativelyProhibited: "administratively prohibited filter"
        default: "unreachable code \(rawValue)"
        }
    }
}

/// An ICMPv4 message (RFC 792). The checksum is derived on emit and verified on parse.
///
/// ```
/// |     Type      |     Code      |          Checksum             |
/// |   identifier / unused / next-hop MTU (4 bytes, per type)      |
/// |   data: echo payload, or the invoking IP header + 8 bytes     |
/// ```
public enum ICMPv4Message: Hashable, Sendable {
    /// Type 8.
    case echoRequest(identifier: UInt16, sequence: UInt16, data: [UInt8])
    /// Type 0.
    case echoReply(identifier: UInt16, sequence: UInt16, data: [UInt8])
    /// Type 3; `nextHopMTU` is meaningful for code 4 (RFC 1191) and zero otherwise.
    case destinationUnreachable(code: ICMPv4UnreachableCode, nextHopMTU: UInt16, invoking: [UInt8])
    /// Type 11; code 0 is TTL exceeded in transit.
    case timeExceeded(code: UInt8, invoking: [UInt8])
    /// Any other type, kept whole.
    case other(type: UInt8, code: UInt8, rest: UInt32, data: [UInt8])

    /// The type byte.
    public var type: UInt8 {
        switch self {
        case .echoReply: 0
        case .destinationUnreachable: 3
        case .echoRequest: 8
        case .timeExceeded: 11
        case .other(let type, _, _, _): type
        }
    }

    /// The code byte.
    public var code: UInt8 {
        switch self {
        case .echoRequest, .echoReply: 0
        case .destinationUnreachable(let code, _, _): code.rawValue
        case .timeExceeded(let code, _): code
        case .other(_, let code, _, _): code
        }
    }

    /// True for error messages (which must never trigger another ICMP error).
    public var isError: Bool {
        switch self {
        case .destinationUnreachable, .timeExceeded: true
        case .other(let type, _, _, _): [4, 5, 12].contains(type)
        default: false
        }
    }

    /// Message length in bytes.
    public var length: Int {
        switch self {
        case .echoRequest(_, _, let data), .echoReply(_, _, let data): 8 + data.count
        case .destinationUnreachable(_, _, let invoking), .timeExceeded(_, let invoking): 8 + invoking.count
        case .other(_, _, _, let data): 8 + data.count
        }
    }

    /// The bytes of the datagram that caused an error: its IP header plus the first 8 bytes of its payload,
    /// as Linux `icmp_send` quotes it (it quotes more, up to 576 bytes in all; 8 is what RFC 792 requires).
    public static func invoking(_ packet: IPv4Packet) -> [UInt8] {
        let bytes = packet.emit()
        return Array(bytes.prefix(packet.header.headerLength + 8))
    }

    public static func parse(_ bytes: ArraySlice<UInt8>) throws(WireError) -> ICMPv4Message {
        try bytes.require(8, "ICMP")
        guard Checksum.compute(bytes) == 0 else { throw .badChecksum(header: "ICMP") }
        let type = bytes.u8(at: 0)
        let code = bytes.u8(at: 1)
        let data = Array(bytes.from(8))
        switch (type, code) {
        case (8, 0): return .echoRequest(identifier: bytes.u16(at: 4), sequence: bytes.u16(at: 6), data: data)
        case (0, 0): return .echoReply(identifier: bytes.u16(at: 4), sequence: bytes.u16(at: 6), data: data)
        case (3, _) where bytes.u16(at: 4) == 0:
            return .destinationUnreachable(
                code: ICMPv4UnreachableCode(rawValue: code), nextHopMTU: bytes.u16(at: 6), invoking: data)
        case (11, _) where bytes.u32(at: 4) == 0: return .timeExceeded(code: code, invoking: data)
        default: return .other(type: type, code: code, rest: bytes.u32(at: 4), data: data)
        }
    }

    public func emit(into buffer: inout [UInt8]) {
        let start = buffer.count
        buffer.append(type)
        buffer.append(code)
        buffer.append16(0)
        switch self {
        case .echoRequest(let identifier, let sequence, let data), .echoReply(let identifier, let sequence, let data):
            buffer.append16(identifier)
            buffer.append16(sequence)
            buffer.append(contentsOf: data)
        case .destinationUnreachable(_, let mtu, let invoking):
            buffer.append16(0)
            buffer.append16(mtu)
            buffer.append(contentsOf: invoking)
        case .timeExceeded(_, let invoking):
            buffer.append32(0)
            buffer.append(contentsOf: invoking)
        case .other(_, _, let rest, let data):
            buffer.append32(rest)
            buffer.append(contentsOf: data)
        }
        buffer.set16(Checksum.compute(buffer[start...]), at: start + 2)
    }
}
