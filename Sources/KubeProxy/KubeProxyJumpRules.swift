import Netfilter

/// The jump rules kube-proxy installs with "ensure rule, prepend" outside the restore payload (reference
/// §5.1), as an iptables-restore script of the built-in chains, in the order a fresh node ends up with
/// (each prepend puts the newer rule first).
public enum KubeProxyJumpRules {
    public static let text = """
        *filter
        :INPUT ACCEPT [0:0]
        :FORWARD ACCEPT [0:0]
        :OUTPUT ACCEPT [0:0]
        :KUBE-EXTERNAL-SERVICES - [0:0]
        :KUBE-NODEPORTS - [0:0]
        :KUBE-SERVICES - [0:0]
        :KUBE-FORWARD - [0:0]
        :KUBE-PROXY-FIREWALL - [0:0]
        :KUBE-FIREWALL - [0:0]
        -A INPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes load balancer firewall" -j KUBE-PROXY-FIREWALL
        -A INPUT -m comment --comment "kubernetes health check service ports" -j KUBE-NODEPORTS
        -A INPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes externally-visible service portals" -j KUBE-EXTERNAL-SERVICES
        -A INPUT -j KUBE-FIREWALL
        -A FORWARD -m conntrack --ctstate NEW -m comment --comment "kubernetes load balancer firewall" -j KUBE-PROXY-FIREWALL
        -A FORWARD -m comment --comment "kubernetes forwarding rules" -j KUBE-FORWARD
        -A FORWARD -m conntrack --ctstate NEW -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
        -A FORWARD -m conntrack --ctstate NEW -m comment --comment "kubernetes externally-visible service portals" -j KUBE-EXTERNAL-SERVICES
        -A OUTPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes load balancer firewall" -j KUBE-PROXY-FIREWALL
        -A OUTPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
        -A OUTPUT -j KUBE-FIREWALL
        COMMIT
        *nat
        :PREROUTING ACCEPT [0:0]
        :INPUT ACCEPT [0:0]
        :OUTPUT ACCEPT [0:0]
        :POSTROUTING ACCEPT [0:0]
        :KUBE-SERVICES - [0:0]
        :KUBE-POSTROUTING - [0:0]
        -A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
        -A OUTPUT -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
        -A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING
        COMMIT

        """

    /// `live` with every jump rule present: missing destination chains created, missing rules prepended.
    ///
    /// kube-proxy: the start of a full `syncProxyRules` — `EnsureChain` for each jump's destination, then
    /// `EnsureRule(Prepend, …)` (`iptables -C`, and `-I CHAIN 1` when absent) for iptablesJumpChains and
    /// iptablesKubeletJumpChains. Rules already there, wherever they are, are left alone.
    public static func ensure(in live: Ruleset) -> Ruleset {
        guard let jumps = try? IptablesParser.parse(text) else { return live }
        var state = live
        for block in jumps.tables {
            let existing = Set(state[table: block.name]?.chains.map(\.name) ?? [])
            let missing = block.chains.filter { !block.isBuiltin($0.name) && !existing.contains($0.name) }
            let creation = NetfilterTable(name: block.name, chains: missing.map { Chain(name: $0.name) })
            state = state.restoring(Ruleset(tables: [creation]), noflush: true)
            guard let tableIndex = state.tables.firstIndex(where: { $0.name == block.name }) else { continue }
            for chain in block.chains where block.isBuiltin(chain.name) {
                guard let index = state.tables[tableIndex].index(ofChain: chain.name) else { continue }
                for rule in chain.rules.reversed() where !state.tables[tableIndex].chains[index].rules.contains(rule) {
                    state.tables[tableIndex].chains[index].rules.insert(rule, at: 0)
                }
            }
        }
        return state
    }

    /// The node's ruleset after kube-proxy's start-up jumps and one `iptables-restore --noflush` of `payload`.
    public static func ruleset(applying payload: String) throws(IptablesParseError) -> Ruleset {
        let base = try IptablesParser.parse(text)
        return base.restoring(try IptablesParser.parse(payload), noflush: true)
    }
}
