import NetCore

/// An IPv4 header (RFC 791). Version, IHL, total length and the header checksum are derived on emit.
///
/// ```
///  0                   1                   2                   3
/// |Version|  IHL  |  DSCP/ECN     |          Total Length         |
/// |         Identification        |Flags|     Fragment Offset     |
/// |  Time to Live |    Protocol   |         Header Checksum       |
/// |                       Source Address                          |
/// |                    Destination Address                        |
/// |                    Options (preserved)                        |
/// ```
public struct IPv4Header: Hashable, Sendable {
    /// The DSCP and ECN bits (the old TOS byte).
    public var typeOfService: UInt8
    public var identification: UInt16
    /// The DF flag.
    public var dontFragment: Bool
    /// The MF flag.
    public var moreFragments: Bool
    /// Fragment offset in 8-byte units.
    public var fragmentOffset: UInt16
    public var timeToLive: UInt8
    public var `protocol`: IPProtocol
    public var source: IPv4Address
    public var destination: IPv4Address
    /// Option bytes, kept as received (length a multiple of 4 on emit; padded with zero).
    public var options: [UInt8]

    public init(
        typeOfService: UInt8 = 0, identification: UInt16 = 0, dontFragment: Bool = true,
        moreFragments: Bool = false, fragmentOffset: UInt16 = 0, timeToLive: UInt8 = 64,
        protocol proto: IPProtocol, source: IPv4Address, destination: IPv4Address, options: [UInt8] = []
    ) {
        self.typeOfService = typeOfService
        self.identification = identification
        self.dontFragment = dontFragment
        self.moreFragments = moreFragments
        self.fragmentOffset = fragmentOffset
        self.timeToLive = timeToLive
        self.protocol = proto
        self.source = source
        self.destination = destination
        self.options = options
    }

    /// Header length in bytes, options included (padded to 4).
    public var headerLength: Int { 20 + (options.count + 3) / 4 * 4 }

    /// True when this is a fragment (MF set or non-zero offset).
    public var isFragment: Bool { moreFragments || fragmentOffset != 0 }

    /// Reads a header and returns it with the payload its total length declares. Verifies the checksum.
    public static func parse(_ bytes: ArraySlice<UInt8>) throws(WireError) -> (IPv4Header, ArraySlice<UInt8>) {
        try bytes.require(20, "IPv4")
        let version = Int(bytes.u8(at: 0) >> 4)
        guard version == 4 else { throw .malformed(header: "IPv4", field: "version", value: version) }
        let ihl = Int(bytes.u8(at: 0) & 0x0F)
        guard ihl >= 5 else { throw .malformed(header: "IPv4", field: "IHL", value: ihl) }
        try bytes.require(ihl * 4, "IPv4")
        let totalLength = Int(bytes.u16(at: 2))
        guard totalLength >= ihl * 4 else {
            throw .malformed(header: "IPv4", field: "total length", value: totalLength)
        }
        try bytes.require(totalLength, "IPv4")
        guard Checksum.compute(bytes.sub(0, ihl * 4)) == 0 else { throw .badChecksum(header: "IPv4") }
        let flags = bytes.u16(at: 6)
        let header = IPv4Header(
            typeOfService: bytes.u8(at: 1), identification: bytes.u16(at: 4),
            dontFragment: flags & 0x4000 != 0, moreFragments: flags & 0x2000 != 0,
            fragmentOffset: flags & 0x1FFF, timeToLive: bytes.u8(at: 8),
            protocol: IPProtocol(rawValue: bytes.u8(at: 9)),
            source: IPv4Address(rawValue: bytes.u32(at: 12)),
            destination: IPv4Address(rawValue: bytes.u32(at: 16)),
            options: Array(bytes.sub(20, ihl * 4 - 20)))
        return (header, bytes.sub(ihl * 4, totalLength - ihl * 4))
    }

    /// Appends the header for a payload of `payloadLength` bytes, with total length and checksum filled in.
    public func emit(payloadLength: Int, into buffer: inout [UInt8]) {
        let start = buffer.count
        let length = headerLength
        buffer.append(UInt8(0x40 | (length / 4)))
        buffer.append(typeOfService)
        buffer.append16(UInt16(truncatingIfNeeded: length + payloadLength))
        buffer.append16(identification)
        var flags = fragmentOffset & 0x1FFF
        if dontFragment { flags |= 0x4000 }
        if moreFragments { flags |= 0x2000 }
        buffer.append16(flags)
        buffer.append(timeToLive)
        buffer.append(self.protocol.rawValue)
        buffer.append16(0)
        buffer.append32(source.rawValue)
        buffer.append32(destination.rawValue)
        buffer.append(contentsOf: options)
        buffer.append(contentsOf: repeatElement(0, count: length - 20 - options.count))
        buffer.set16(Checksum.compute(buffer[start..<(start + length)]), at: start + 10)
    }
}
