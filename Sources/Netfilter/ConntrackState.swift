/// A connection tracking state as `--ctstate` / `--state` name it, in the order `iptables-save` prints them.
///
/// Linux: `enum ip_conntrack_info` plus the pseudo-states of `xt_conntrack` (`XT_CONNTRACK_STATE_SNAT`/`DNAT`).
public enum ConntrackState: String, Hashable, Sendable, CaseIterable, Comparable {
    /// `INVALID`: could not be tracked.
    case invalid = "INVALID"
    /// `NEW`: no reply seen yet.
    case new = "NEW"
    /// `RELATED`: expected by another connection (ICMP errors, FTP data).
    case related = "RELATED"
    /// `ESTABLISHED`: a reply has been seen.
    case established = "ESTABLISHED"
    /// `UNTRACKED`: NOTRACK / `CT --notrack` in raw.
    case untracked = "UNTRACKED"
    /// `SNAT`: the original source differs from the reply destination (conntrack only).
    case snat = "SNAT"
    /// `DNAT`: the original destination differs from the reply source (conntrack only).
    case dnat = "DNAT"

    /// Parses a comma list (any case); nil when a name is unknown.
    static func parseList(_ text: String) -> [ConntrackState]? {
        var states: [ConntrackState] = []
        for name in text.split(separator: ",", omittingEmptySubsequences: false) {
            guard let state = ConntrackState(rawValue: name.uppercased()) else { return nil }
            states.append(state)
        }
        return states
    }

    /// The list in save order without duplicates.
    static func savedList(_ states: [ConntrackState]) -> String {
        Set(states).sorted().map(\.rawValue).joined(separator: ",")
    }

    /// Save order: INVALID, NEW, RELATED, ESTABLISHED, UNTRACKED, SNAT, DNAT.
    public static func < (lhs: ConntrackState, rhs: ConntrackState) -> Bool {
        order(lhs) < order(rhs)
    }

    private static func order(_ state: ConntrackState) -> Int {
        allCases.firstIndex(of: state) ?? 0
    }
}
