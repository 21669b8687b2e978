/// One `*table … COMMIT` block: its chains in declaration order and the chains it deletes.
///
/// iptables: `iptables-restore` applies each block atomically; `iptables-save` prints one block per table.
public struct NetfilterTable: Sendable {
    /// The five IPv4 tables.
    ///
    /// Linux: `iptable_raw`, `iptable_mangle`, `iptable_nat`, `iptable_filter`, `iptable_security`.
    public enum Name: String, Hashable, Sendable, CaseIterable {
        /// `raw`, before conntrack (NOTRACK, CT).
        case raw
        /// `mangle`, packet alteration (MARK, TCPMSS).
        case mangle
        /// `nat`, consulted for the first packet of a connection only.
        case nat
        /// `filter`, the default table.
        case filter
        /// `security`, SELinux marks.
        case security

        /// The built-in chains of this table in hook order, as `iptables-save` lists them.
        ///
        /// Linux: the `valid_hooks` of each `iptable_*` module.
        public var builtinChains: [String] {
            switch self {
            case .raw: ["PREROUTING", "OUTPUT"]
            case .mangle: ["PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"]
            case .nat: ["PREROUTING", "INPUT", "OUTPUT", "POSTROUTING"]
            case .filter: ["INPUT", "FORWARD", "OUTPUT"]
            case .security: ["INPUT", "FORWARD", "OUTPUT"]
            }
        }

        /// The order in which `iptables-nft-save` prints tables (mangle, security, raw, filter, nat).
        ///
        /// iptables: the nft backend's table list; `iptables-legacy-save` follows `/proc/net/ip_tables_names`.
        public var saveOrder: Int {
            switch self {
            case .mangle: 0
            case .security: 1
            case .raw: 2
            case .filter: 3
            case .nat: 4
            }
        }
    }

    /// The table name.
    public var name: Name
    /// The declared chains, in declaration order, each with its rules.
    public var chains: [Chain]
    /// Chains removed by `-X CHAIN` lines, printed after every rule of the block (kube-proxy's idiom for
    /// stale chains: declare to flush, then delete).
    public var deletedChains: [String]

    /// The chain of each rule line in the order the text had them, when it came from text. Rules of different
    /// chains may be interleaved in restore input; ``RestorePrinter`` keeps that order while the number of rules
    /// per chain still agrees, ``SavePrinter`` prints chain by chain.
    public var ruleLineOrder: [String]?

    /// Creates a table block.
    public init(name: Name, chains: [Chain] = [], deletedChains: [String] = [], ruleLineOrder: [String]? = nil) {
        self.name = name
        self.chains = chains
        self.deletedChains = deletedChains
        self.ruleLineOrder = ruleLineOrder
    }

    /// The chain named `name`, if declared.
    public subscript(chain name: String) -> Chain? {
        chains.first { $0.name == name }
    }

    /// The index of the chain named `name`, if declared.
    public func index(ofChain name: String) -> Int? {
        chains.firstIndex { $0.name == name }
    }

    /// True when `name` is one of this table's built-in chains.
    public func isBuiltin(_ name: String) -> Bool {
        self.name.builtinChains.contains(name)
    }
}

extension NetfilterTable: Hashable {
    /// Tables are equal when their names, chains and deleted chains are; ``ruleLineOrder`` is layout.
    public static func == (lhs: NetfilterTable, rhs: NetfilterTable) -> Bool {
        lhs.name == rhs.name && lhs.chains == rhs.chains && lhs.deletedChains == rhs.deletedChains
    }

    /// Hashes the name, chains and deleted chains.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(name)
        hasher.combine(chains)
        hasher.combine(deletedChains)
    }
}
