/// One rule: matches that must all hold, and an optional target.
///
/// iptables: a line `-A CHAIN [matches] [-j TARGET]`; a rule without a target only counts packets (kube-proxy's
/// `KUBE-FW-*` "other traffic … will be dropped" rule).
public struct Rule: Sendable {
    /// The matches in order: header matches (`-s`, `-d`, `-p`, `-i`, `-o`, `-f`) and `-m` modules. Changing them
    /// discards ``layout``.
    public var matches: [Match] {
        didSet { layout = nil }
    }
    /// What happens to a matching packet; nil for a counting-only rule. Changing it discards ``layout``.
    public var target: Target? {
        didSet { layout = nil }
    }
    /// Rule counters (`iptables-save -c` prints them as a `[packets:bytes]` prefix); nil when not given.
    public var counters: Counters?
    /// How the rule was written, when it came from text; ``RestorePrinter`` follows it.
    public var layout: RuleLayout?

    /// Creates a rule.
    public init(matches: [Match] = [], target: Target? = nil, counters: Counters? = nil, layout: RuleLayout? = nil) {
        self.matches = matches
        self.target = target
        self.counters = counters
        self.layout = layout
    }

    /// Parses the arguments of one rule (`-m comment --comment x -p tcp --dport 80 -j ACCEPT`).
    ///
    /// iptables: `-j NAME` is a jump when `NAME` is in `chains` or is not a known target; a known target
    /// (`ACCEPT`, `DNAT`, …) otherwise.
    /// - Parameters:
    ///   - arguments: the rule without `-A CHAIN`.
    ///   - chains: the user chains of the table, which `-j` may name.
    public init(parsing arguments: String, chains: Set<String> = []) throws(IptablesParseError) {
        let tokens = try IptablesTokenizer.tokenize(Substring(arguments), lineNumber: 1)
        var parser = RuleParser(reader: TokenReader(tokens: tokens, line: 1), chains: chains)
        self = try parser.parse()
    }

    /// The user chain this rule jumps or goes to, if any.
    public var jumpChain: String? {
        switch target {
        case .jump(let chain), .goto(let chain): chain
        default: nil
        }
    }

    /// The `--comment` text, if the rule has one.
    public var comment: String? {
        for match in matches {
            if case .comment(let text) = match { return text }
        }
        return nil
    }
}

extension Rule: Hashable {
    /// The matches as the kernel holds them: header matches (in `-s -d -i -o -p -f` order) apart from the
    /// modules, which keep their order.
    public var canonicalMatches: [Match] {
        matches.filter(\.isHeader).sorted { $0.headerRank < $1.headerRank } + matches.filter { !$0.isHeader }
    }

    /// Rules are equal when their ``canonicalMatches``, target and counters are: where the header matches were
    /// written, and the ``layout``, are spelling, not meaning.
    public static func == (lhs: Rule, rhs: Rule) -> Bool {
        lhs.canonicalMatches == rhs.canonicalMatches && lhs.target == rhs.target && lhs.counters == rhs.counters
    }

    /// Hashes the canonical matches, target and counters.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(canonicalMatches)
        hasher.combine(target)
        hasher.combine(counters)
    }
}
