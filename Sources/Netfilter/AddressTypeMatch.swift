/// `-m addrtype [!] --src-type TYPES [!] --dst-type TYPES [--limit-iface-in|--limit-iface-out]`: the routing
/// type of the packet's source or destination address.
///
/// iptables: libxt_addrtype (revision 1), saved `--src-type` before `--dst-type`, types in kernel order.
/// Linux: `xt_addrtype`, `inet_addr_type` (`LOCAL` = an address of this host, kube-proxy's NodePort test).
public struct AddressTypeMatch: Hashable, Sendable {
    /// A routing address type (`RTN_*`), in save order.
    public enum AddressType: String, Hashable, Sendable, CaseIterable {
        /// `UNSPEC`.
        case unspecified = "UNSPEC"
        /// `UNICAST`.
        case unicast = "UNICAST"
        /// `LOCAL`.
        case local = "LOCAL"
        /// `BROADCAST`.
        case broadcast = "BROADCAST"
        /// `ANYCAST`.
        case anycast = "ANYCAST"
        /// `MULTICAST`.
        case multicast = "MULTICAST"
        /// `BLACKHOLE`.
        case blackhole = "BLACKHOLE"
        /// `UNREACHABLE`.
        case unreachable = "UNREACHABLE"
        /// `PROHIBIT`.
        case prohibit = "PROHIBIT"
        /// `THROW`.
        case `throw` = "THROW"
        /// `NAT`.
        case nat = "NAT"
        /// `XRESOLVE`.
        case externalResolve = "XRESOLVE"
    }

    /// `--src-type`, in written order; nil when absent.
    public var sourceTypes: [AddressType]?
    /// True for `! --src-type`.
    public var sourceNegated: Bool
    /// `--dst-type`, in written order; nil when absent.
    public var destinationTypes: [AddressType]?
    /// True for `! --dst-type`.
    public var destinationNegated: Bool
    /// `--limit-iface-in`: look the address up on the input device only.
    public var limitInterfaceIn: Bool
    /// `--limit-iface-out`.
    public var limitInterfaceOut: Bool

    /// Creates an address type match.
    public init(
        sourceTypes: [AddressType]? = nil, sourceNegated: Bool = false, destinationTypes: [AddressType]? = nil,
        destinationNegated: Bool = false, limitInterfaceIn: Bool = false, limitInterfaceOut: Bool = false
    ) {
        self.sourceTypes = sourceTypes
        self.sourceNegated = sourceNegated
        self.destinationTypes = destinationTypes
        self.destinationNegated = destinationNegated
        self.limitInterfaceIn = limitInterfaceIn
        self.limitInterfaceOut = limitInterfaceOut
    }

    /// `--dst-type LOCAL`.
    public static let destinationLocal = AddressTypeMatch(destinationTypes: [.local])
}

/// `-m addrtype` while parsed and printed.
struct AddressTypeModule: MatchExtension {
    var value = AddressTypeMatch()

    init() {}

    init(_ value: AddressTypeMatch) {
        self.value = value
    }

    var moduleName: String { "addrtype" }

    func canonicalOption(_ option: String) -> String? {
        ["--src-type", "--dst-type", "--limit-iface-in", "--limit-iface-out"].contains(option) ? option : nil
    }

    mutating func apply(_ option: ParsedOption, _ reader: inout TokenReader) throws(IptablesParseError)
        -> RuleLayout.Spelling
    {
        switch option.key {
        case "--limit-iface-in", "--limit-iface-out":
            try option.requireNotNegated(line: reader.line)
            if option.key == "--limit-iface-in" {
                value.limitInterfaceIn = true
            } else {
                value.limitInterfaceOut = true
            }
        default:
            let word = try reader.value(for: option.token)
            var types: [AddressTypeMatch.AddressType] = []
            for name in word.text.split(separator: ",", omittingEmptySubsequences: false) {
                guard let type = AddressTypeMatch.AddressType(rawValue: name.uppercased()) else {
                    throw reader.invalid(word, for: option.token)
                }
                types.append(type)
            }
            if option.key == "--src-type" {
                value.sourceTypes = types
                value.sourceNegated = option.negated
            } else {
                value.destinationTypes = types
                value.destinationNegated = option.negated
            }
        }
        return .standard
    }

    var match: Match { .addressType(value) }

    func saveOptions() -> [PrintedOption] { options(saved: true) }

    func restoreOptions(_ spelling: (String) -> RuleLayout.Spelling) -> [PrintedOption] { options(saved: false) }

    private func options(saved: Bool) -> [PrintedOption] {
        func list(_ types: [AddressTypeMatch.AddressType]) -> String {
            let ordered = saved ? AddressTypeMatch.AddressType.allCases.filter(types.contains) : types
            return ordered.map(\.rawValue).joined(separator: ",")
        }
        var options: [PrintedOption] = []
        if let types = value.sourceTypes {
            let text = "\(value.sourceNegated ? "! " : "")--src-type \(list(types))"
            options.append(PrintedOption(key: "--src-type", text: text))
        }
        if let types = value.destinationTypes {
            let text = "\(value.destinationNegated ? "! " : "")--dst-type \(list(types))"
            options.append(PrintedOption(key: "--dst-type", text: text))
        }
        if value.limitInterfaceIn { options.append(PrintedOption(key: "--limit-iface-in", text: "--limit-iface-in")) }
        if value.limitInterfaceOut {
            options.append(PrintedOption(key: "--limit-iface-out", text: "--limit-iface-out"))
        }
        return options
    }
}
