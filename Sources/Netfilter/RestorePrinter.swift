/// Prints a ruleset as `iptables-restore` input in the form kube-proxy writes it — the form of the conformance
/// `expected-iptables.txt` files — rather than the normalised `iptables-save` form.
///
/// Each rule follows its ``RuleLayout`` when it has one that still fits its matches and target: options in
/// written order (`-m comment … -m tcp -p tcp -d IP --dport N`), an implicitly loaded protocol match without
/// `-m`, comments quoted as written, single hosts bare unless written with `/32`. Values are printed from the typed
/// model as written: `--probability` with its written decimals, `MARK --or-mark`, `REJECT` without the default
/// `--reject-with`. Without a layout, parts follow `iptables-save`'s order with those restore spellings. Rule
/// lines follow the table's ``NetfilterTable/ruleLineOrder`` when it fits, and `-X` lines come last.
/// iptables: the input `iptables-restore --noflush` reads; kube-proxy: `proxier.syncProxyRules`' output.
public struct RestorePrinter: Sendable {
    /// Creates a printer.
    public init() {}

    /// Every table block in order.
    public func print(_ ruleset: Ruleset) -> String {
        ruleset.tables.map(print).joined()
    }

    /// One table block: `*name`, every chain line, the rules, the `-X` lines, `COMMIT`.
    public func print(_ table: NetfilterTable) -> String {
        var lines = ["*\(table.name.rawValue)"]
        for chain in table.chains {
            let counters = chain.counters.map { " \($0)" } ?? ""
            lines.append(":\(chain.name) \(chain.policy?.rawValue ?? "-")\(counters)")
        }
        for (chain, rule) in Self.ruleLines(of: table) {
            lines.append(line(for: rule, in: chain))
        }
        lines += table.deletedChains.map { "-X \($0)" }
        lines.append("COMMIT")
        return lines.joined(separator: "\n") + "\n"
    }

    /// The rule's arguments after `-A CHAIN`.
    public func arguments(of rule: Rule) -> String {
        let layout = rule.layout
        func spelling(_ part: RuleLayout.Part) -> RuleLayout.Spelling { layout?.spelling(of: part) ?? .standard }
        var texts: [RuleLayout.Part: String] = [:]
        var order: [RuleLayout.Part] = []
        func add(_ part: RuleLayout.Part, _ text: String) {
            texts[part] = text
            order.append(part)
        }
        let headers = rule.matches.enumerated().filter { $0.element.isHeader }
        for (index, match) in headers.sorted(by: { $0.element.headerRank < $1.element.headerRank }) {
            add(.match(index), match.headerRestoreText(spelling(.match(index))))
        }
        for (index, match) in rule.matches.enumerated() where !match.isHeader {
            if let module = match.extensionValue {
                add(.module(index), "-m \(module.moduleName)")
                for option in module.restoreOptions({ spelling(.option(match: index, key: $0)) }) {
                    add(.option(match: index, key: option.key), option.text)
                }
            }
        }
        if let target = rule.target {
            add(.target, target.verb)
            let options = target.extensionValue?.restoreOptions { spelling(.targetOption(key: $0)) } ?? []
            for option in options { add(.targetOption(key: option.key), option.text) }
        }
        if let written = layout?.elements.map(\.part), Self.fits(written, order) {
            order = written
        }
        return order.compactMap { texts[$0] }.joined(separator: " ")
    }

    /// A written order fits when it names each printed part once, and leaves out only `-m` parts (a protocol
    /// match loaded by `-p`).
    private static func fits(_ written: [RuleLayout.Part], _ printed: [RuleLayout.Part]) -> Bool {
        let writtenSet = Set(written)
        guard writtenSet.count == written.count, writtenSet.isSubset(of: printed) else { return false }
        return printed.allSatisfy { part in
            if writtenSet.contains(part) { return true }
            if case .module = part { return true }
            return false
        }
    }

    /// The rules with their chains, in the table's written line order when it still fits, else chain by chain.
    static func ruleLines(of table: NetfilterTable) -> [(String, Rule)] {
        let byChain = table.chains.map { ($0.name, $0.rules) }
        let chainByChain = byChain.flatMap { name, rules in rules.map { (name, $0) } }
        guard let order = table.ruleLineOrder else { return chainByChain }
        var remaining = Dictionary(byChain, uniquingKeysWith: { first, _ in first }).mapValues { $0[...] }
        var lines: [(String, Rule)] = []
        for name in order {
            guard let rule = remaining[name]?.popFirst() else { return chainByChain }
            lines.append((name, rule))
        }
        guard remaining.values.allSatisfy(\.isEmpty) else { return chainByChain }
        return lines
    }
}
