/// The iptables-restore input kube-proxy writes for one sync: per table, the chain declarations and the
/// rules, as text lines in kube-proxy's own argument order (`-m comment --comment … -m tcp -p tcp -d IP
/// --dport N -j TARGET`, `--or-mark`, unsuffixed hosts) and in the order its sync writes them (rules of
/// different chains interleave, as in kube-proxy's line buffers; `iptables-restore` appends each to its chain).
/// The text is the contract, so it is built as text; the Netfilter module parses it back into typed rules.
public struct IptablesPayload: Sendable {
    /// `:CHAIN - [0:0]` declarations, by table, in declaration order.
    public var filterChains: [String] = []
    public var natChains: [String] = []
    /// `-A CHAIN …` lines, each ending in a newline, by table.
    public var filterText = ""
    public var natText = ""
    /// How many rule lines each table's text holds.
    public var filterRuleCount = 0
    public var natRuleCount = 0
    /// Chains deleted by this sync (`-X`), by table.
    public var filterDeleted: [String] = []
    public var natDeleted: [String] = []

    public init() {}

    /// The filter rule lines (without newlines).
    public var filterRules: [String] { filterText.split(separator: "\n").map(String.init) }
    /// The nat rule lines (without newlines).
    public var natRules: [String] { natText.split(separator: "\n").map(String.init) }

    /// The restore text: `*filter` then `*nat`, each with declarations, rules, deletions and `COMMIT`.
    public var text: String {
        var out = ""
        out.reserveCapacity(
            filterText.utf8.count + natText.utf8.count + (filterChains.count + natChains.count) * 40 + 64)
        for (table, chains, rules, deleted) in [
            ("filter", filterChains, filterText, filterDeleted), ("nat", natChains, natText, natDeleted),
        ] {
            out += "*"
            out += table
            out += "\n"
            for chain in chains {
                out += ":"
                out += chain
                out += " - [0:0]\n"
            }
            out += rules
            for chain in deleted {
                out += "-X "
                out += chain
                out += "\n"
            }
            out += "COMMIT\n"
        }
        return out
    }
}

extension IptablesPayload {
    /// Adds stale chains to the nat table: each declared (which flushes it) and then deleted with `-X`.
    ///
    /// kube-proxy: the end of `syncProxyRules` — every chain `iptables-save -t nat` lists that looks like a
    /// service chain (`isServiceChainName`) and is not active gets `:CHAIN - [0:0]` and `-X CHAIN`.
    public mutating func deleteNATChains(_ chains: [String]) {
        guard !chains.isEmpty else { return }
        let declared = Set(natChains)
        natChains += chains.filter { !declared.contains($0) }
        natDeleted = Self.sortedLikeKubeProxyTests(Array(Set(natDeleted + chains)))
    }

    /// Chains in the order kube-proxy's tests sort them to: KUBE-NODEPORTS, KUBE-SERVICES, the other KUBE-*
    /// chains in byte order, then the rest in byte order.
    static func sortedLikeKubeProxyTests(_ chains: [String]) -> [String] {
        func rank(_ chain: String) -> Int {
            if chain == IptablesCompiler.kubeNodePorts { return 0 }
            if chain == IptablesCompiler.kubeServices { return 1 }
            return chain.hasPrefix("KUBE-") ? 2 : 3
        }
        return chains.sorted { lhs, rhs in
            let (left, right) = (rank(lhs), rank(rhs))
            return left != right ? left < right : lhs.utf8.lexicographicallyPrecedes(rhs.utf8)
        }
    }
}

/// Builds one rule line from arguments (quoting is the caller's: kube-proxy writes comments pre-quoted).
struct RuleLine {
    private(set) var text: String

    init(_ chain: String) {
        text = "-A "
        text.reserveCapacity(192)
        text += chain
    }

    mutating func add(_ arguments: String...) {
        for argument in arguments {
            text += " "
            text += argument
        }
    }

    /// `-m comment --comment "<text>"` (quoted, as kube-proxy formats with `"%s …"`).
    mutating func comment(_ value: String) {
        text += " -m comment --comment \""
        text += value
        text += "\""
    }

    /// `-m comment --comment <name>` unquoted, as kube-proxy writes the bare service port name.
    mutating func bareComment(_ value: String) {
        text += " -m comment --comment "
        text += value
    }
}
