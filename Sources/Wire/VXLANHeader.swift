/// A VXLAN header (RFC 7348), 8 bytes after the outer UDP header.
///
/// ```
/// |R|R|R|R|I|R|R|R|            reserved (24)                      |
/// |                VNI (24)                       | reserved (8)  |
/// ```
public struct VXLANHeader: Hashable, Sendable {
    /// The flags byte; `0x08` (the I flag: VNI valid) on every frame Linux sends.
    public var flags: UInt8
    /// The 24-bit VXLAN network identifier (flannel uses 1).
    public var vni: UInt32

    public init(flags: UInt8 = VXLANHeader.validVNI, vni: UInt32) {
        self.flags = flags
        self.vni = vni & 0xFF_FFFF
    }

    /// The I flag.
    public static let validVNI: UInt8 = 0x08
    /// Header length in bytes.
    public static let length = 8
    /// flannel's UDP port (the Linux default); IANA's is 4789.
    public static let flannelPort: UInt16 = 8472
    /// The IANA-assigned port.
    public static let ianaPort: UInt16 = 4789

    public static func parse(_ bytes: ArraySlice<UInt8>) throws(WireError) -> VXLANHeader {
        try bytes.require(length, "VXLAN")
        return VXLANHeader(flags: bytes.u8(at: 0), vni: bytes.u32(at: 4) >> 8)
    }

    public func emit(into buffer: inout [UInt8]) {
        buffer.append(flags)
        buffer.append(contentsOf: [0, 0, 0])
        buffer.append32(vni << 8)
    }
}
