/// `-m conntrack [!] --ctstate LIST [!] --ctstatus LIST`.
///
/// iptables: libxt_conntrack (revision 3), saved `--ctstate` before `--ctstatus`, each list in kernel bit order.
/// Linux: `xt_conntrack`.
public struct ConntrackMatch: Hashable, Sendable {
    /// A conntrack status bit as `--ctstatus` names it, in save order.
    public enum Status: String, Hashable, Sendable, CaseIterable {
        /// `NONE`.
        case none = "NONE"
        /// `EXPECTED`.
        case expected = "EXPECTED"
        /// `SEEN_REPLY`.
        case seenReply = "SEEN_REPLY"
        /// `ASSURED`.
        case assured = "ASSURED"
        /// `CONFIRMED`.
        case confirmed = "CONFIRMED"
    }

    /// `--ctstate`, in written order; nil when absent.
    public var states: [ConntrackState]?
    /// True for `! --ctstate`.
    public var statesNegated: Bool
    /// `--ctstatus`, in written order; nil when absent.
    public var statuses: [Status]?
    /// True for `! --ctstatus`.
    public var statusesNegated: Bool

    /// Creates a conntrack match.
    public init(
        states: [ConntrackState]? = nil, statesNegated: Bool = false, statuses: [Status]? = nil,
        statusesNegated: Bool = false
    ) {
        self.states = states
        self.statesNegated = statesNegated
        self.statuses = statuses
        self.statusesNegated = statusesNegated
    }

    /// True when a packet in `state` satisfies `--ctstate` (statuses are not evaluated here).
    public func matches(state: ConntrackState) -> Bool {
        guard let states else { return true }
        return states.contains(state) != statesNegated
    }
}

/// `-m conntrack` while parsed and printed.
struct ConntrackModule: MatchExtension {
    var value = ConntrackMatch()

    init() {}

    init(_ value: ConntrackMatch) {
        self.value = value
    }

    var moduleName: String { "conntrack" }

    func canonicalOption(_ option: String) -> String? {
        option == "--ctstate" || option == "--ctstatus" ? option : nil
    }

    mutating func apply(_ option: ParsedOption, _ reader: inout TokenReader) throws(IptablesParseError)
        -> RuleLayout.Spelling
    {
        let word = try reader.value(for: option.token)
        if option.key == "--ctstate" {
            guard value.states == nil else {
                throw .duplicateOption(line: reader.line, column: option.token.column, option: option.token.text)
            }
            guard let states = ConntrackState.parseList(word.text) else {
                throw reader.invalid(word, for: option.token)
            }
            value.states = states
            value.statesNegated = option.negated
        } else {
            guard value.statuses == nil else {
                throw .duplicateOption(line: reader.line, column: option.token.column, option: option.token.text)
            }
            var statuses: [ConntrackMatch.Status] = []
            for name in word.text.split(separator: ",", omittingEmptySubsequences: false) {
                guard let status = ConntrackMatch.Status(rawValue: name.uppercased()) else {
                    throw reader.invalid(word, for: option.token)
                }
                statuses.append(status)
            }
            value.statuses = statuses
            value.statusesNegated = option.negated
        }
        return .standard
    }

    func validate(at token: Token, line: Int) throws(IptablesParseError) {
        try require(value.states != nil || value.statuses != nil, "--ctstate or --ctstatus", at: token, line: line)
    }

    var match: Match { .conntrack(value) }

    func saveOptions() -> [PrintedOption] { options(saved: true) }

    func restoreOptions(_ spelling: (String) -> RuleLayout.Spelling) -> [PrintedOption] { options(saved: false) }

    private func options(saved: Bool) -> [PrintedOption] {
        var options: [PrintedOption] = []
        if let states = value.states {
            let list = saved ? ConntrackState.savedList(states) : states.map(\.rawValue).joined(separator: ",")
            options.append(PrintedOption(key: "--ctstate", text: "\(value.statesNegated ? "! " : "")--ctstate \(list)"))
        }
        if let statuses = value.statuses {
            let ordered = saved ? ConntrackMatch.Status.allCases.filter(statuses.contains) : statuses
            let list = ordered.map(\.rawValue).joined(separator: ",")
            let text = "\(value.statusesNegated ? "! " : "")--ctstatus \(list)"
            options.append(PrintedOption(key: "--ctstatus", text: text))
        }
        return options
    }
}
