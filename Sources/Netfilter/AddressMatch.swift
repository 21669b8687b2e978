import NetCore

/// `[!] -s|-d ADDRESS[/LEN|/MASK]`: the packet's source or destination is (not) inside a prefix.
///
/// iptables: `ipt_ip.src`/`dst` with `smsk`/`dmsk` and `IPT_INV_SRCIP`/`IPT_INV_DSTIP`.
public struct AddressMatch: Hashable, Sendable {
    /// The prefix as written (host bits kept; the kernel masks them, and `iptables-save` prints the network).
    public var prefix: IPv4Prefix
    /// True for `! -s …`.
    public var negated: Bool

    /// Creates an address match.
    public init(_ prefix: IPv4Prefix, negated: Bool = false) {
        self.prefix = prefix
        self.negated = negated
    }

    /// True when `address` satisfies the match.
    ///
    /// Linux: `ip_packet_match` — `(addr & mask) == prefix`, inverted by `!`.
    public func matches(_ address: IPv4Address) -> Bool {
        prefix.contains(address) != negated
    }

    /// Parses `a.b.c.d`, `a.b.c.d/len` or `a.b.c.d/m.m.m.m` (a contiguous netmask); nil otherwise.
    static func parsePrefix(_ text: String) -> IPv4Prefix? {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        if parts.count == 2, parts[1].contains(".") {
            guard let address = IPv4Address(parts[0]), let mask = IPv4Address(parts[1]) else { return nil }
            let length = mask.rawValue.nonzeroBitCount
            guard mask.rawValue == (length == 0 ? 0 : UInt32.max << (32 - UInt32(length))) else { return nil }
            return IPv4Prefix(address: address, length: length)
        }
        return IPv4Prefix(text)
    }

    /// `[! ]-s NETWORK/LEN`, a single host with `/32` (fact 18).
    func saveText(option: String) -> String {
        "\(negated ? "! " : "")\(option) \(prefix.masked)"
    }

    /// Restore input: a single host bare (kube-proxy's `-d 172.30.0.41`) unless written with `/32`.
    func restoreText(option: String, spelling: RuleLayout.Spelling) -> String {
        let value =
            prefix.length == 32 && spelling != .withPrefixLength ? prefix.address.description : prefix.description
        return "\(negated ? "! " : "")\(option) \(value)"
    }
}
