/// The five IPv4 netfilter hooks.
public enum Hook: String, Hashable, Sendable, CaseIterable {
    case prerouting = "PREROUTING"
    case input = "INPUT"
    case forward = "FORWARD"
    case output = "OUTPUT"
    case postrouting = "POSTROUTING"

    /// The tables registered at this hook, in priority order (Linux: NF_IP_PRI_RAW −300, conntrack −200,
    /// MANGLE −150, NAT_DST −100, FILTER 0, SECURITY 50, NAT_SRC 100).
    public var tables: [NetfilterTable.Name] {
        switch self {
        case .prerouting: [.raw, .mangle, .nat]
        case .input: [.mangle, .filter, .security, .nat]
        case .forward: [.mangle, .filter, .security]
        case .output: [.raw, .mangle, .nat, .filter, .security]
        case .postrouting: [.mangle, .nat]
        }
    }

    /// Hooks where NAT rewrites the destination (DNAT, and the reverse of SNAT for replies).
    public var manipulatesDestination: Bool { self == .prerouting || self == .output }
}
