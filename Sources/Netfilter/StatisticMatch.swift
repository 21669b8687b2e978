/// `-m statistic`: match a random share of packets, or every n-th.
///
/// iptables: libxt_statistic; saved `--mode random [!] --probability P` or
/// `--mode nth [!] --every N --packet P`. Linux: `xt_statistic`.
public struct StatisticMatch: Hashable, Sendable {
    /// The two modes.
    public enum Mode: Hashable, Sendable {
        /// `--mode random --probability P`.
        case random(probability: Probability)
        /// `--mode nth --every N --packet P`: packet `P` (0-based) of every `N`.
        case nth(every: UInt32, packet: UInt32)
    }

    /// The mode and its parameters.
    public var mode: Mode
    /// True for `! --probability` / `! --every`.
    public var negated: Bool

    /// Creates a statistic match.
    public init(_ mode: Mode, negated: Bool = false) {
        self.mode = mode
        self.negated = negated
    }

    /// `--mode random --probability P`.
    public static func random(_ probability: Probability) -> StatisticMatch {
        StatisticMatch(.random(probability: probability))
    }
}

/// `-m statistic` while parsed and printed.
struct StatisticModule: MatchExtension {
    var mode: String?
    var probability: Probability?
    var every: UInt32?
    var packet: UInt32?
    var negated = false

    init() {}

    init(_ value: StatisticMatch) {
        negated = value.negated
        switch value.mode {
        case .random(let probability):
            mode = "random"
            self.probability = probability
        case .nth(let every, let packet):
            mode = "nth"
            self.every = every
            self.packet = packet
        }
    }

    var moduleName: String { "statistic" }

    func canonicalOption(_ option: String) -> String? {
        ["--mode", "--probability", "--every", "--packet"].contains(option) ? option : nil
    }

    mutating func apply(_ option: ParsedOption, _ reader: inout TokenReader) throws(IptablesParseError)
        -> RuleLayout.Spelling
    {
        if option.key == "--mode" || option.key == "--packet" { try option.requireNotNegated(line: reader.line) }
        let value = try reader.value(for: option.token)
        switch option.key {
        case "--mode":
            guard value.text == "random" || value.text == "nth" else { throw reader.invalid(value, for: option.token) }
            mode = value.text
        case "--probability":
            guard let parsed = Probability(value.text) else { throw reader.invalid(value, for: option.token) }
            probability = parsed
            negated = option.negated
        case "--every":
            guard let parsed = UInt32(value.text), parsed > 0 else { throw reader.invalid(value, for: option.token) }
            every = parsed
            negated = option.negated
        default:
            guard let parsed = UInt32(value.text) else { throw reader.invalid(value, for: option.token) }
            packet = parsed
        }
        return .standard
    }

    func validate(at token: Token, line: Int) throws(IptablesParseError) {
        try require(mode != nil, "--mode", at: token, line: line)
        if mode == "random" {
            try require(probability != nil, "--probability", at: token, line: line)
        } else {
            try require(every != nil, "--every", at: token, line: line)
            try require(packet != nil, "--packet", at: token, line: line)
        }
    }

    var match: Match {
        if mode == "nth" {
            return .statistic(StatisticMatch(.nth(every: every ?? 1, packet: packet ?? 0), negated: negated))
        }
        return .statistic(StatisticMatch(.random(probability: probability ?? .zero), negated: negated))
    }

    func saveOptions() -> [PrintedOption] { options(saved: true) }

    func restoreOptions(_ spelling: (String) -> RuleLayout.Spelling) -> [PrintedOption] { options(saved: false) }

    private func options(saved: Bool) -> [PrintedOption] {
        let bang = negated ? "! " : ""
        var options = [PrintedOption(key: "--mode", text: "--mode \(mode ?? "random")")]
        if let probability {
            let text = saved ? probability.savedText : probability.description
            options.append(PrintedOption(key: "--probability", text: "\(bang)--probability \(text)"))
        }
        if let every { options.append(PrintedOption(key: "--every", text: "\(bang)--every \(every)")) }
        if let packet { options.append(PrintedOption(key: "--packet", text: "--packet \(packet)")) }
        return options
    }
}
