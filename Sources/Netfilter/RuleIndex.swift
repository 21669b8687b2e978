/// A ruleset with its chains indexed by name, built once so that jumps cost a hash lookup however large
/// the ruleset (kube-proxy writes tens of thousands of chains for a large cluster).
public struct RuleIndex: Sendable {
    public let ruleset: Ruleset
    let chains: [NetfilterTable.Name: [String: Chain]]

    public init(_ ruleset: Ruleset) {
        self.ruleset = ruleset
        var chains: [NetfilterTable.Name: [String: Chain]] = [:]
        for table in ruleset.tables {
            var byName = chains[table.name] ?? [:]
            byName.reserveCapacity(table.chains.count)
            for chain in table.chains where byName[chain.name] == nil { byName[chain.name] = chain }
            chains[table.name] = byName
        }
        self.chains = chains
    }

    /// The chain `name` of `table`.
    public func chain(_ name: String, in table: NetfilterTable.Name) -> Chain? { chains[table]?[name] }

    /// Whether the table exists in the ruleset.
    public func hasTable(_ table: NetfilterTable.Name) -> Bool { chains[table] != nil }
}

extension RuleIndex: Hashable {
    public static func == (lhs: RuleIndex, rhs: RuleIndex) -> Bool { lhs.ruleset == rhs.ruleset }
    /// Cheap on purpose (tables and chain counts): equal rulesets hash alike, which is all Hashable needs.
    public func hash(into hasher: inout Hasher) {
        for table in ruleset.tables {
            hasher.combine(table.name)
            hasher.combine(table.chains.count)
        }
    }
}
