import NetCore

/// TCP control flags, as an option set over the 8 flag bits.
public struct TCPFlags: OptionSet, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let fin = TCPFlags(rawValue: 0x01)
    public static let syn = TCPFlags(rawValue: 0x02)
    public static let rst = TCPFlags(rawValue: 0x04)
    public static let psh = TCPFlags(rawValue: 0x08)
    public static let ack = TCPFlags(rawValue: 0x10)
    public static let urg = TCPFlags(rawValue: 0x20)
    public static let ece = TCPFlags(rawValue: 0x40)
    public static let cwr = TCPFlags(rawValue: 0x80)

    /// tcpdump's letters, in tcpdump's order (F S R P . U E W): `S`, `S.`, `R.`, `P.`, `F.`, `FS` …
    public var description: String {
        let letters: [(TCPFlags, String)] = [
            (.fin, "F"), (.syn, "S"), (.rst, "R"), (.psh, "P"), (.ack, "."), (.urg, "U"), (.ece, "E"), (.cwr, "W"),
        ]
        let text = letters.filter { contains($0.0) }.map(\.1).joined()
        return text.isEmpty ? "none" : text
    }
}

/// A TCP header (RFC 9293). Data offset and checksum are derived on emit; options are kept as bytes.
///
/// ```
/// |          Source Port          |       Destination Port        |
/// |                        Sequence Number                        |
/// |                    Acknowledgment Number                      |
/// | Offset| Rsrvd |     Flags     |            Window             |
/// |           Checksum            |         Urgent Pointer        |
/// |                    Options (preserved)                        |
/// ```
public struct TCPHeader: Hashable, Sendable {
    public var sourcePort: UInt16
    public var destinationPort: UInt16
    public var sequenceNumber: UInt32
    public var acknowledgmentNumber: UInt32
    public var flags: TCPFlags
    public var window: UInt16
    public var urgentPointer: UInt16
    /// Option bytes (padded to 4 with zero on emit).
    public var options: [UInt8]

    public init(
        sourcePort: UInt16, destinationPort: UInt16, sequenceNumber: UInt32 = 0, acknowledgmentNumber: UInt32 = 0,
        flags: TCPFlags, window: UInt16 = 64240, urgentPointer: UInt16 = 0, options: [UInt8] = []
    ) {
        self.sourcePort = sourcePort
        self.destinationPort = destinationPort
        self.sequenceNumber = sequenceNumber
        self.acknowledgmentNumber = acknowledgmentNumber
        self.flags = flags
        self.window = window
        self.urgentPointer = urgentPointer
        self.options = options
    }

    /// Header length with options.
    public var headerLength: Int { 20 + (options.count + 3) / 4 * 4 }

    /// The MSS option (kind 2, length 4).
    public static func mssOption(_ mss: UInt16) -> [UInt8] { [2, 4, UInt8(mss >> 8), UInt8(mss & 0xFF)] }

    /// Reads header and payload (the rest of `bytes`), verifying the checksum.
    public static func parse(
        _ bytes: ArraySlice<UInt8>, source: IPv4Address, destination: IPv4Address
    ) throws(WireError) -> (TCPHeader, ArraySlice<UInt8>) {
        try bytes.require(20, "TCP")
        let offset = Int(bytes.u8(at: 12) >> 4) * 4
        guard offset >= 20 else { throw .malformed(header: "TCP", field: "data offset", value: offset / 4) }
        try bytes.require(offset, "TCP")
        let pseudo = Checksum.pseudoHeader(
            source: source, destination: destination, protocol: .tcp, length: bytes.count)
        guard Checksum.finish(Checksum.accumulate(bytes, into: pseudo)) == 0 else { throw .badChecksum(header: "TCP") }
        let header = TCPHeader(
            sourcePort: bytes.u16(at: 0), destinationPort: bytes.u16(at: 2),
            sequenceNumber: bytes.u32(at: 4), acknowledgmentNumber: bytes.u32(at: 8),
            flags: TCPFlags(rawValue: bytes.u8(at: 13)), window: bytes.u16(at: 14),
            urgentPointer: bytes.u16(at: 18), options: Array(bytes.sub(20, offset - 20)))
        return (header, bytes.from(offset))
    }

    /// Appends header and `payload` with the checksum over the pseudo-header.
    public func emit(payload: [UInt8], source: IPv4Address, destination: IPv4Address, into buffer: inout [UInt8]) {
        let start = buffer.count
        let length = headerLength
        buffer.append16(sourcePort)
        buffer.append16(destinationPort)
        buffer.append32(sequenceNumber)
        buffer.append32(acknowledgmentNumber)
        buffer.append(UInt8(length / 4) << 4)
        buffer.append(flags.rawValue)
        buffer.append16(window)
        buffer.append16(0)
        buffer.append16(urgentPointer)
        buffer.append(contentsOf: options)
        buffer.append(contentsOf: repeatElement(0, count: length - 20 - options.count))
        buffer.append(contentsOf: payload)
        let pseudo = Checksum.pseudoHeader(
            source: source, destination: destination, protocol: .tcp, length: buffer.count - start)
        buffer.set16(Checksum.finish(Checksum.accumulate(buffer[start...], into: pseudo)), at: start + 16)
    }
}
