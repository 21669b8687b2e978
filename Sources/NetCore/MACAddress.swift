/// A 48-bit IEEE 802 MAC address.
///
/// Stored in the low 48 bits of a `UInt64` so that comparisons and hashing are a single word.
public struct MACAddress: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The address in the low 48 bits, most significant byte first on the wire.
    public let rawValue: UInt64

    /// Creates an address from the low 48 bits of `rawValue`.
    public init(rawValue: UInt64) { self.rawValue = rawValue & 0xFFFF_FFFF_FFFF }

    /// Creates an address from six bytes in wire order.
    public init<C: Collection>(bytes: C) where C.Element == UInt8 {
        precondition(bytes.count == 6, "a MAC address is 6 bytes")
        self.init(rawValue: bytes.reduce(0) { ($0 << 8) | UInt64($1) })
    }

    /// Parses `aa:bb:cc:dd:ee:ff` (case-insensitive); returns nil for anything else.
    public init?(_ text: some StringProtocol) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 6 else { return nil }
        var value: UInt64 = 0
        for part in parts {
            guard part.count == 2, part.allSatisfy(\.isHexDigit), let byte = UInt8(part, radix: 16) else { return nil }
            value = (value << 8) | UInt64(byte)
        }
        self.init(rawValue: value)
    }

    /// The six bytes in wire order.
    public var bytes: [UInt8] { (0..<6).map { UInt8(truncatingIfNeeded: rawValue >> (40 - 8 * $0)) } }

    /// `ff:ff:ff:ff:ff:ff`.
    public static let broadcast = MACAddress(rawValue: 0xFFFF_FFFF_FFFF)
    /// `00:00:00:00:00:00`, as ARP requests carry in the target hardware address.
    public static let zero = MACAddress(rawValue: 0)

    /// True for the broadcast address.
    public var isBroadcast: Bool { self == .broadcast }
    /// True when the I/G bit is set (multicast, including broadcast).
    public var isMulticast: Bool { rawValue & 0x0100_0000_0000 != 0 }

    /// A locally administered unicast address derived from a stable name, so that emulated devices get
    /// the same MAC on every run (the kernel picks random ones; determinism matters more here).
    public static func derived(from name: String) -> MACAddress {
        var hash = StableHash.fnv1a64(name)
        hash = (hash & ~0xFF00_0000_0000) | (UInt64((UInt8(truncatingIfNeeded: hash >> 40) & 0xFE) | 0x02) << 40)
        return MACAddress(rawValue: hash)
    }

    public var description: String {
        bytes.map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined(separator: ":")
    }

    public static func < (lhs: MACAddress, rhs: MACAddress) -> Bool { lhs.rawValue < rhs.rawValue }
}
