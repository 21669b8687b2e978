import Netfilter

/// Why the kernel refused a table of an `iptables-restore` input.
public struct IptablesRestoreError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The table whose COMMIT failed; empty when the input did not parse.
    public var table: String
    /// What iptables-restore would complain about.
    public var message: String

    /// Creates an error.
    public init(table: String, message: String) {
        self.table = table
        self.message = message
    }

    /// `iptables-restore: table nat: …`.
    public var description: String {
        table.isEmpty ? "iptables-restore: \(message)" : "iptables-restore: table \(table): \(message)"
    }
}

/// `iptables-restore --noflush` as the kernel takes it: table by table, each block committed atomically, with
/// the refusals a kube-proxy sync can run into.
///
/// iptables: each `*table … COMMIT` block is one commit (`iptc_commit` / one nft batch). The commit fails, and
/// the restore stops there, when a `-X` names a chain that does not exist (ENOENT), still holds rules
/// (ENOTEMPTY) or is still the target of a rule (EMLINK / EBUSY), or when a rule jumps to a chain that does not
/// exist ("Couldn't load target"). Tables committed before the failing one stay applied.
/// kube-proxy: `iptables.RestoreAll(data, NoFlushTables, RestoreCounters)` at the end of `syncProxyRules`; an
/// error there counts as a failed sync.
public enum IptablesRestore {
    /// Target names that are extensions, not chains, although written without options.
    static let optionlessExtensions: Set<String> = ["TRACE", "NFLOG", "NFQUEUE", "REDIRECT", "AUDIT", "ULOG"]

    /// The tables after the restore, and the error that stopped it, if any.
    /// - Parameters:
    ///   - script: the parsed restore input.
    ///   - live: the kernel's tables before.
    public static func apply(_ script: Ruleset, to live: Ruleset) -> (ruleset: Ruleset, error: IptablesRestoreError?) {
        var state = live
        for block in script.tables {
            let before = state[table: block.name]
            let after = state.restoring(Ruleset(tables: [block]), noflush: true)
            guard let table = after[table: block.name] else { continue }
            if let problem = refusal(block: block, before: before, after: table) {
                return (state, IptablesRestoreError(table: block.name.rawValue, message: problem))
            }
            state = after
        }
        return (state, nil)
    }

    /// The first reason the kernel would refuse `block`, given the table before and after it.
    static func refusal(block: NetfilterTable, before: NetfilterTable?, after: NetfilterTable) -> String? {
        let declared = Set(block.chains.map(\.name))
        for chain in block.deletedChains {
            if after.isBuiltin(chain) { return "-X \(chain): cannot delete a built-in chain" }
            guard declared.contains(chain) || before?[chain: chain] != nil else {
                return "-X \(chain): No chain/target/match by that name"
            }
            if !declared.contains(chain), let rules = before?[chain: chain]?.rules, !rules.isEmpty {
                return "-X \(chain): Directory not empty (the chain still has rules)"
            }
            if let user = after.chains.first(where: { $0.rules.contains { $0.jumpChain == chain } }) {
                return "-X \(chain): Too many links (still referenced from \(user.name))"
            }
        }
        let chains = Set(after.chains.map(\.name))
        for chain in after.chains {
            for rule in chain.rules {
                guard let target = rule.jumpChain, !chains.contains(target),
                    !optionlessExtensions.contains(target)
                else { continue }
                return "-A \(chain.name) … -j \(target): Couldn't load target `\(target)'"
            }
        }
        return nil
    }
}
