/// `-m state [!] --state LIST`, the older spelling of `--ctstate`.
///
/// iptables: libxt_state (an alias of conntrack's state part), saved in the order INVALID,NEW,RELATED,
/// ESTABLISHED,UNTRACKED.
public struct StateMatch: Hashable, Sendable {
    /// The states, in written order.
    public var states: [ConntrackState]
    /// True for `! --state`.
    public var negated: Bool

    /// Creates a state match.
    public init(_ states: [ConntrackState], negated: Bool = false) {
        self.states = states
        self.negated = negated
    }
}

/// `-m state` while parsed and printed.
struct StateModule: MatchExtension {
    var value: StateMatch?

    init(_ value: StateMatch? = nil) {
        self.value = value
    }

    var moduleName: String { "state" }

    func canonicalOption(_ option: String) -> String? { option == "--state" ? option : nil }

    mutating func apply(_ option: ParsedOption, _ reader: inout TokenReader) throws(IptablesParseError)
        -> RuleLayout.Spelling
    {
        let word = try reader.value(for: option.token)
        guard let states = ConntrackState.parseList(word.text), !states.contains(.snat), !states.contains(.dnat)
        else { throw reader.invalid(word, for: option.token) }
        value = StateMatch(states, negated: option.negated)
        return .standard
    }

    func validate(at token: Token, line: Int) throws(IptablesParseError) {
        try require(value != nil, "--state", at: token, line: line)
    }

    var match: Match { .state(value ?? StateMatch([])) }

    func saveOptions() -> [PrintedOption] {
        guard let value else { return [] }
        let text = "\(value.negated ? "! " : "")--state \(ConntrackState.savedList(value.states))"
        return [PrintedOption(key: "--state", text: text)]
    }

    func restoreOptions(_ spelling: (String) -> RuleLayout.Spelling) -> [PrintedOption] {
        guard let value else { return [] }
        let list = value.states.map(\.rawValue).joined(separator: ",")
        return [PrintedOption(key: "--state", text: "\(value.negated ? "! " : "")--state \(list)")]
    }
}
