import NetCore

/// An Ethernet II header.
///
/// ```
///  0                   1                   2                   3
/// +-------------------------------+-------------------------------+
/// |              destination MAC (6)  |  source MAC (6)  | type (2) |
/// +-------------------------------+-------------------------------+
/// ```
public struct EthernetHeader: Hashable, Sendable {
    public var destination: MACAddress
    public var source: MACAddress
    public var etherType: EtherType

    public init(destination: MACAddress, source: MACAddress, etherType: EtherType) {
        self.destination = destination
        self.source = source
        self.etherType = etherType
    }

    /// Header length in bytes.
    public static let length = 14

    /// Reads the first 14 bytes.
    public static func parse(_ bytes: ArraySlice<UInt8>) throws(WireError) -> EthernetHeader {
        try bytes.require(length, "Ethernet")
        return EthernetHeader(
            destination: MACAddress(bytes: bytes.sub(0, 6)),
            source: MACAddress(bytes: bytes.sub(6, 6)),
            etherType: EtherType(rawValue: bytes.u16(at: 12)))
    }

    /// Appends the 14 header bytes.
    public func emit(into buffer: inout [UInt8]) {
        buffer.append(contentsOf: destination.bytes)
        buffer.append(contentsOf: source.bytes)
        buffer.append16(etherType.rawValue)
    }
}
