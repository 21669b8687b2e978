/// `[!] -i|-o NAME`: the packet arrived on / leaves by a device; a trailing `+` matches every name with that
/// prefix.
///
/// iptables: `ipt_ip.iniface`/`outiface` with their masks and `IPT_INV_VIA_IN`/`IPT_INV_VIA_OUT`.
public struct InterfaceMatch: Hashable, Sendable {
    /// The device name, possibly ending in `+`.
    public var name: String
    /// True for `! -i …`.
    public var negated: Bool

    /// Creates an interface match.
    public init(_ name: String, negated: Bool = false) {
        self.name = name
        self.negated = negated
    }

    /// True when `device` satisfies the match.
    ///
    /// Linux: `ip_packet_match` compares the name under the wildcard mask.
    public func matches(_ device: String) -> Bool {
        let hit = name.hasSuffix("+") ? device.hasPrefix(name.dropLast()) : device == name
        return hit != negated
    }

    func text(option: String) -> String {
        "\(negated ? "! " : "")\(option) \(name)"
    }
}
