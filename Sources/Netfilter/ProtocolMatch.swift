import NetCore

/// `[!] -p PROTO`: the IP protocol field.
///
/// iptables: `ipt_ip.proto` and `IPT_INV_PROTO`; `-p all` (0) matches every protocol and is not printed.
public struct ProtocolMatch: Hashable, Sendable {
    /// The protocol number (0 = `all`).
    public var protocolNumber: IPProtocol
    /// True for `! -p …`.
    public var negated: Bool

    /// Creates a protocol match.
    public init(_ protocolNumber: IPProtocol, negated: Bool = false) {
        self.protocolNumber = protocolNumber
        self.negated = negated
    }

    /// Names `iptables-save` prints (from `/etc/protocols` on Debian), by number.
    static let names: [UInt8: String] = [
        0: "all", 1: "icmp", 2: "igmp", 4: "ipencap", 6: "tcp", 17: "udp", 41: "ipv6", 47: "gre", 50: "esp",
        51: "ah", 58: "ipv6-icmp", 89: "ospf", 94: "ipip", 103: "pim", 112: "vrrp", 132: "sctp", 136: "udplite",
    ]

    /// Parses a name (any case) or a number 0…255.
    static func parse(_ text: String) -> IPProtocol? {
        let lowered = text.lowercased()
        if let entry = names.first(where: { $0.value == lowered }) { return IPProtocol(rawValue: entry.key) }
        if lowered == "icmpv6" { return IPProtocol(rawValue: 58) }
        return UInt8(text).map(IPProtocol.init(rawValue:))
    }

    /// The name, or the number when it has none.
    public var name: String {
        Self.names[protocolNumber.rawValue] ?? String(protocolNumber.rawValue)
    }

    /// True when a packet of protocol `proto` satisfies the match.
    public func matches(_ proto: IPProtocol) -> Bool {
        (protocolNumber.rawValue == 0 || proto == protocolNumber) != negated
    }

    var saveText: String { "\(negated ? "! " : "")-p \(name)" }
    var restoreText: String { saveText }
}
