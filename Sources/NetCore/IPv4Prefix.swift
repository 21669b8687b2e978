/// An IPv4 address with a prefix length: a network (`10.244.0.0/16`) or an interface address
/// (`10.244.1.1/24`, host bits kept).
public struct IPv4Prefix: Hashable, Sendable, CustomStringConvertible {
    /// The address as written; host bits are kept for interface addresses.
    public let address: IPv4Address
    /// Prefix length, 0...32.
    public let length: Int

    /// Creates a prefix; `length` must be in 0...32.
    public init(address: IPv4Address, length: Int) {
        precondition((0...32).contains(length), "prefix length out of range")
        self.address = address
        self.length = length
    }

    /// Parses `a.b.c.d/n`, or a bare address as /32. Nil when malformed or the length is over 32.
    public init?(_ text: some StringProtocol) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = IPv4Address(parts[0]) else { return nil }
        var length = 32
        if parts.count == 2 {
            guard let parsed = Int(parts[1]), (0...32).contains(parsed), !parts[1].hasPrefix("+") else { return nil }
            length = parsed
        }
        self.init(address: address, length: length)
    }

    /// The netmask as a 32-bit value.
    public var mask: UInt32 { length == 0 ? 0 : UInt32.max << (32 - UInt32(length)) }
    /// The network address (host bits cleared).
    public var network: IPv4Address { IPv4Address(rawValue: address.rawValue & mask) }
    /// The same prefix with host bits cleared.
    public var masked: IPv4Prefix { IPv4Prefix(address: network, length: length) }
    /// The directed broadcast address (all host bits set).
    public var broadcast: IPv4Address { IPv4Address(rawValue: address.rawValue | ~mask) }
    /// True when no host bits are set (a network, as a CIDR field expects).
    public var isNetwork: Bool { address.rawValue & ~mask == 0 }
    /// Number of addresses covered.
    public var size: UInt64 { UInt64(1) << UInt64(32 - length) }

    /// True when `other` falls within this prefix.
    public func contains(_ other: IPv4Address) -> Bool { other.rawValue & mask == address.rawValue & mask }
    /// True when the two prefixes share any address.
    public func overlaps(_ other: IPv4Prefix) -> Bool {
        let shorter = min(length, other.length)
        let common = IPv4Prefix(address: address, length: shorter)
        return common.contains(other.address)
    }

    /// `0.0.0.0/0`.
    public static let defaultRoute = IPv4Prefix(address: .any, length: 0)

    public var description: String { "\(address)/\(length)" }
}
