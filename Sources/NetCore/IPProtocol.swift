/// The IPv4 protocol number, open so that unknown values round-trip (swift-nio style).
public struct IPProtocol: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let icmp = IPProtocol(rawValue: 1)
    public static let tcp = IPProtocol(rawValue: 6)
    public static let udp = IPProtocol(rawValue: 17)
    public static let sctp = IPProtocol(rawValue: 132)

    /// The lower-case name iptables and `ip` use (`tcp`), or the number.
    public var description: String {
        switch self {
        case .icmp: "icmp"
        case .tcp: "tcp"
        case .udp: "udp"
        case .sctp: "sctp"
        default: String(rawValue)
        }
    }

    /// Parses `tcp`/`udp`/`icmp`/`sctp` (any case) or a number.
    public init?(name: String) {
        switch name.lowercased() {
        case "icmp": self = .icmp
        case "tcp": self = .tcp
        case "udp": self = .udp
        case "sctp": self = .sctp
        default:
            guard let number = UInt8(name) else { return nil }
            self.init(rawValue: number)
        }
    }
}

/// The Ethernet II type field, open like `IPProtocol`.
public struct EtherType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    public static let ipv4 = EtherType(rawValue: 0x0800)
    public static let arp = EtherType(rawValue: 0x0806)
    public static let ipv6 = EtherType(rawValue: 0x86DD)

    public var description: String {
        switch self {
        case .ipv4: "IPv4"
        case .arp: "ARP"
        case .ipv6: "IPv6"
        default: "0x" + String(rawValue, radix: 16)
        }
    }
}
