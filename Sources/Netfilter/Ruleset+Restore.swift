extension Ruleset {
    /// An empty kernel ruleset: no tables loaded.
    public static let empty = Ruleset()

    /// The tables the kernel holds after `iptables-restore` reads `script` on top of this ruleset, ordered as
    /// `iptables-nft-save` prints them.
    ///
    /// iptables: each `*table` block is applied atomically. A table not yet loaded starts with its built-in chains
    /// (policy ACCEPT). Without `noflush` the block first empties the table and deletes its user chains; with it,
    /// a `:CHAIN` line creates a missing user chain or empties an existing one (built-in chains only take the
    /// policy). Rules are appended, `-X` deletes, and user chains are kept sorted by name (libiptc / nft order).
    /// Chain and rule counters restart at zero, as without `--counters`.
    /// - Parameters:
    ///   - script: the restore input.
    ///   - noflush: `iptables-restore --noflush`, as kube-proxy runs it.
    public func restoring(_ script: Ruleset, noflush: Bool = false) -> Ruleset {
        var state = self
        for block in script.tables {
            let index = state.tables.firstIndex { $0.name == block.name }
            var table = index.map { state.tables[$0] } ?? Self.freshTable(block.name)
            if !noflush { table = Self.freshTable(block.name) }
            Self.apply(block, to: &table)
            if let index { state.tables[index] = table } else { state.tables.append(table) }
        }
        state.tables.sort { $0.name.saveOrder < $1.name.saveOrder }
        return state
    }

    private static func freshTable(_ name: NetfilterTable.Name) -> NetfilterTable {
        NetfilterTable(name: name, chains: name.builtinChains.map { Chain(name: $0, policy: .accept) })
    }

    private static func apply(_ block: NetfilterTable, to table: inout NetfilterTable) {
        // Chains by name, maintained as chains are added: large rulesets have tens of thousands.
        var position: [String: Int] = [:]
        position.reserveCapacity(table.chains.count + block.chains.count)
        for (index, chain) in table.chains.enumerated() { position[chain.name] = index }
        for declared in block.chains {
            if let existing = position[declared.name] {
                if table.isBuiltin(declared.name) {
                    if let policy = declared.policy { table.chains[existing].policy = policy }
                } else {
                    table.chains[existing].rules.removeAll()
                }
            } else {
                table.chains.append(Chain(name: declared.name, policy: nil))
                position[declared.name] = table.chains.count - 1
            }
        }
        for declared in block.chains where !declared.rules.isEmpty {
            guard let index = position[declared.name] else { continue }
            table.chains[index].rules += declared.rules.map { rule in
                var copy = rule
                copy.counters = nil
                return copy
            }
        }
        let deleted = Set(block.deletedChains).subtracting(table.name.builtinChains)
        if !deleted.isEmpty { table.chains.removeAll { deleted.contains($0.name) } }
        let builtins = table.name.builtinChains.compactMap { name in table.chains.first { $0.name == name } }
        let userChains = table.chains.filter { !table.isBuiltin($0.name) }
            .sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
        table.chains = (builtins + userChains).map { chain in
            var zeroed = chain
            zeroed.counters = .zero
            return zeroed
        }
        table.deletedChains = []
        table.ruleLineOrder = nil
    }
}
