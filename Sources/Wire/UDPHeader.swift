import NetCore

/// A UDP header (RFC 768). Length and checksum are derived on emit.
///
/// ```
/// |          Source Port          |       Destination Port        |
/// |            Length             |           Checksum            |
/// ```
public struct UDPHeader: Hashable, Sendable {
    public var sourcePort: UInt16
    public var destinationPort: UInt16

    public init(sourcePort: UInt16, destinationPort: UInt16) {
        self.sourcePort = sourcePort
        self.destinationPort = destinationPort
    }

    public static let length = 8

    /// Reads the header and the payload its length field declares; verifies a non-zero checksum against
    /// the pseudo-header of `source`/`destination`.
    public static func parse(
        _ bytes: ArraySlice<UInt8>, source: IPv4Address, destination: IPv4Address
    ) throws(WireError) -> (UDPHeader, ArraySlice<UInt8>) {
        try bytes.require(length, "UDP")
        let total = Int(bytes.u16(at: 4))
        guard total >= length else { throw .malformed(header: "UDP", field: "length", value: total) }
        try bytes.require(total, "UDP")
        if bytes.u16(at: 6) != 0 {
            let pseudo = Checksum.pseudoHeader(source: source, destination: destination, protocol: .udp, length: total)
            guard Checksum.finish(Checksum.accumulate(bytes.sub(0, total), into: pseudo)) == 0 else {
                throw .badChecksum(header: "UDP")
            }
        }
        return (
            UDPHeader(sourcePort: bytes.u16(at: 0), destinationPort: bytes.u16(at: 2)),
            bytes.sub(length, total - length)
        )
    }

    /// Appends header and `payload`, with the checksum over the pseudo-header.
    public func emit(payload: [UInt8], source: IPv4Address, destination: IPv4Address, into buffer: inout [UInt8]) {
        let start = buffer.count
        let total = Self.length + payload.count
        buffer.append16(sourcePort)
        buffer.append16(destinationPort)
        buffer.append16(UInt16(truncatingIfNeeded: total))
        buffer.append16(0)
        buffer.append(contentsOf: payload)
        let pseudo = Checksum.pseudoHeader(source: source, destination: destination, protocol: .udp, length: total)
        var checksum = Checksum.finish(Checksum.accumulate(buffer[start...], into: pseudo))
        if checksum == 0 { checksum = 0xFFFF }  // RFC 768: a computed zero is sent as all ones
        buffer.set16(checksum, at: start + 6)
    }
}
