import NetCore

/// The ARP operation, open so that unknown values round-trip.
public struct ARPOperation: RawRepresentable, Hashable, Sendable {
    public let rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }
    public static let request = ARPOperation(rawValue: 1)
    public static let reply = ARPOperation(rawValue: 2)
}

/// An ARP packet for IPv4 over Ethernet (RFC 826): hardware type 1, protocol 0x0800, lengths 6 and 4.
///
/// ```
/// | htype (2) | ptype (2) | hlen (1) | plen (1) | oper (2) |
/// | sender MAC (6) | sender IP (4) | target MAC (6) | target IP (4) |
/// ```
public struct ARPPacket: Hashable, Sendable {
    public var operation: ARPOperation
    public var senderMAC: MACAddress
    public var senderIP: IPv4Address
    public var targetMAC: MACAddress
    public var targetIP: IPv4Address

    public init(
        operation: ARPOperation, senderMAC: MACAddress, senderIP: IPv4Address, targetMAC: MACAddress,
        targetIP: IPv4Address
    ) {
        self.operation = operation
        self.senderMAC = senderMAC
        self.senderIP = senderIP
        self.targetMAC = targetMAC
        self.targetIP = targetIP
    }

    /// Length of an Ethernet/IPv4 ARP packet.
    public static let length = 28

    /// Reads an Ethernet/IPv4 ARP packet; other hardware or protocol types are rejected.
    public static func parse(_ bytes: ArraySlice<UInt8>) throws(WireError) -> ARPPacket {
        try bytes.require(length, "ARP")
        guard bytes.u16(at: 0) == 1 else {
            throw .malformed(header: "ARP", field: "hardware type", value: Int(bytes.u16(at: 0)))
        }
        guard bytes.u16(at: 2) == 0x0800 else {
            throw .malformed(header: "ARP", field: "protocol type", value: Int(bytes.u16(at: 2)))
        }
        guard bytes.u8(at: 4) == 6, bytes.u8(at: 5) == 4 else {
            throw .malformed(header: "ARP", field: "address length", value: Int(bytes.u8(at: 4)))
        }
        return ARPPacket(
            operation: ARPOperation(rawValue: bytes.u16(at: 6)),
            senderMAC: MACAddress(bytes: bytes.sub(8, 6)),
            senderIP: IPv4Address(rawValue: bytes.u32(at: 14)),
            targetMAC: MACAddress(bytes: bytes.sub(18, 6)),
            targetIP: IPv4Address(rawValue: bytes.u32(at: 24)))
    }

    /// Appends the 28 bytes.
    public func emit(into buffer: inout [UInt8]) {
        buffer.append16(1)
        buffer.append16(0x0800)
        buffer.append(6)
        buffer.append(4)
        buffer.append16(operation.rawValue)
        buffer.append(contentsOf: senderMAC.bytes)
        buffer.append32(senderIP.rawValue)
        buffer.append(contentsOf: targetMAC.bytes)
        buffer.append32(targetIP.rawValue)
    }
}
