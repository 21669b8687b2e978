/// `[!] --tcp-flags MASK COMP` of `-m tcp`: of the flags in `mask`, exactly those in `compare` are set.
/// `--syn` is `--tcp-flags FIN,SYN,RST,ACK SYN`.
///
/// iptables: libxt_tcp `xt_tcp.flg_mask`/`flg_cmp`; saved as flag names in the order FIN,SYN,RST,PSH,ACK,URG,
/// `NONE` for none (`ALL` is never printed).
public struct TCPFlagsMatch: Hashable, Sendable {
    /// The flags examined, as the TCP header bits (FIN 0x01 … URG 0x20).
    public var mask: UInt8
    /// The flags that must be set among `mask`.
    public var compare: UInt8
    /// True for `! --tcp-flags …`.
    public var negated: Bool

    /// Creates a flags match.
    public init(mask: UInt8, compare: UInt8, negated: Bool = false) {
        self.mask = mask
        self.compare = compare
        self.negated = negated
    }

    /// `--syn`.
    public static let syn = TCPFlagsMatch(mask: 0x17, compare: 0x02)

    static let flagNames: [(String, UInt8)] = [
        ("FIN", 0x01), ("SYN", 0x02), ("RST", 0x04), ("PSH", 0x08), ("ACK", 0x10), ("URG", 0x20),
    ]

    /// Parses a comma list of flag names, `ALL` or `NONE`.
    static func parseFlags(_ text: String) -> UInt8? {
        var bits: UInt8 = 0
        for name in text.split(separator: ",", omittingEmptySubsequences: false) {
            switch name.uppercased() {
            case "ALL": bits |= 0x3F
            case "NONE": continue
            case let upper:
                guard let flag = flagNames.first(where: { $0.0 == upper }) else { return nil }
                bits |= flag.1
            }
        }
        return bits
    }

    static func flagsText(_ bits: UInt8) -> String {
        let names = flagNames.filter { bits & $0.1 != 0 }.map(\.0)
        return names.isEmpty ? "NONE" : names.joined(separator: ",")
    }

    /// True when a segment with `flags` satisfies the match.
    public func matches(_ flags: UInt8) -> Bool {
        (flags & mask == compare) != negated
    }

    var text: String {
        "\(negated ? "! " : "")--tcp-flags \(Self.flagsText(mask)) \(Self.flagsText(compare))"
    }
}
