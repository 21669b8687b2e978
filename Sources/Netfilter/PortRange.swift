/// A port or an inclusive port range, written `80` or `8000:8080`.
///
/// iptables: `xtables_parse_port` ranges of libxt_tcp/udp/multiport; `A:` means `A:65535` and `:B` means `0:B`.
public struct PortRange: Hashable, Sendable, CustomStringConvertible {
    /// The first port.
    public var lower: UInt16
    /// The last port (equal to `lower` for a single port).
    public var upper: UInt16

    /// A single port.
    public init(_ port: UInt16) {
        lower = port
        upper = port
    }

    /// A range `lower:upper`.
    public init(_ lower: UInt16, _ upper: UInt16) {
        self.lower = lower
        self.upper = upper
    }

    /// Parses `P`, `A:B`, `A:` or `:B` (`separator` `-` for NAT and MASQUERADE ranges); nil when malformed or
    /// `A > B`.
    public init?(_ text: String, separator: Character = ":") {
        let parts = text.split(separator: separator, maxSplits: 1, omittingEmptySubsequences: false)
        guard let first = parts.first else { return nil }
        let lowerText = first.isEmpty && parts.count == 2 ? "0" : String(first)
        guard lowerText.allSatisfy(\.isASCIIDigit), let lower = UInt16(lowerText) else { return nil }
        var upper = lower
        if parts.count == 2 {
            let upperText = parts[1].isEmpty ? "65535" : String(parts[1])
            guard upperText.allSatisfy(\.isASCIIDigit), let parsed = UInt16(upperText) else { return nil }
            upper = parsed
        }
        guard lower <= upper else { return nil }
        self.init(lower, upper)
    }

    /// True when `port` is inside the range.
    public func contains(_ port: UInt16) -> Bool { lower <= port && port <= upper }

    /// `80` or `8000:8080`.
    public var description: String { text(separator: ":") }

    /// The range with `separator` between the bounds (`1024-2000` for `--to-ports`).
    func text(separator: String) -> String {
        lower == upper ? "\(lower)" : "\(lower)\(separator)\(upper)"
    }
}

extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
