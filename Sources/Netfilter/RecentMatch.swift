import NetCore

/// `-m recent`: named lists of recently seen addresses (kube-proxy's ClientIP session affinity).
///
/// iptables: libxt_recent, saved in the order `[!] --set|--rcheck|--update|--remove [--seconds N] [--reap]
/// [--hitcount N] [--rttl] --name NAME --mask M --rsource|--rdest`, with the defaults `DEFAULT`,
/// `255.255.255.255` and `--rsource` filled in (iptables 1.8.9 prints the default mask; newer releases omit it).
/// Linux: `xt_recent` (`--set` always matches; `--rcheck` matches a listed address).
public struct RecentMatch: Hashable, Sendable {
    /// What to do with the list.
    public enum Command: String, Hashable, Sendable, CaseIterable {
        /// `--set`: add or refresh the address; always matches.
        case set = "--set"
        /// `--rcheck`: match if listed.
        case rcheck = "--rcheck"
        /// `--update`: match if listed, and refresh.
        case update = "--update"
        /// `--remove`: match if listed, and remove.
        case remove = "--remove"
    }

    /// Which address is listed.
    public enum Side: String, Hashable, Sendable {
        /// `--rsource` (the default).
        case source = "--rsource"
        /// `--rdest`.
        case destination = "--rdest"
    }

    /// The command.
    public var command: Command
    /// True for `! --rcheck` etc.
    public var negated: Bool
    /// `--name`; nil means the list `DEFAULT`.
    public var name: String?
    /// `--seconds N`: only entries seen within N seconds count.
    public var seconds: UInt32?
    /// `--reap`: purge entries older than `seconds`.
    public var reap: Bool
    /// `--hitcount N`.
    public var hitCount: UInt32?
    /// `--rttl`: the TTL must also match.
    public var rttl: Bool
    /// `--mask`; nil means 255.255.255.255.
    public var mask: IPv4Address?
    /// `--rsource` / `--rdest`; nil means source.
    public var side: Side?

    /// Creates a recent match.
    public init(
        _ command: Command, name: String? = nil, negated: Bool = false, seconds: UInt32? = nil, reap: Bool = false,
        hitCount: UInt32? = nil, rttl: Bool = false, mask: IPv4Address? = nil, side: Side? = nil
    ) {
        self.command = command
        self.name = name
        self.negated = negated
        self.seconds = seconds
        self.reap = reap
        self.hitCount = hitCount
        self.rttl = rttl
        self.mask = mask
        self.side = side
    }
}

/// `-m recent` while parsed and printed.
struct RecentModule: MatchExtension {
    var value = RecentMatch(.set)
    var command: RecentMatch.Command?

    init() {}

    init(_ value: RecentMatch) {
        self.value = value
        command = value.command
    }

    var moduleName: String { "recent" }

    func canonicalOption(_ option: String) -> String? {
        let options = [
            "--set", "--rcheck", "--update", "--remove", "--seconds", "--reap", "--hitcount", "--rttl", "--name",
            "--mask", "--rsource", "--rdest",
        ]
        return options.contains(option) ? option : nil
    }

    mutating func apply(_ option: ParsedOption, _ reader: inout TokenReader) throws(IptablesParseError)
        -> RuleLayout.Spelling
    {
        if let parsed = RecentMatch.Command(rawValue: option.key) {
            guard command == nil else {
                throw .duplicateOption(line: reader.line, column: option.token.column, option: option.token.text)
            }
            command = parsed
            value.command = parsed
            value.negated = option.negated
            return .standard
        }
        try option.requireNotNegated(line: reader.line)
        switch option.key {
        case "--reap": value.reap = true
        case "--rttl": value.rttl = true
        case "--rsource": value.side = .source
        case "--rdest": value.side = .destination
        default:
            let word = try reader.value(for: option.token)
            switch option.key {
            case "--name": value.name = word.text
            case "--mask":
                guard let mask = IPv4Address(word.text) else {
                    throw .invalidAddress(line: reader.line, column: word.column, value: word.text)
                }
                value.mask = mask
            default:
                guard let number = UInt32(word.text) else { throw reader.invalid(word, for: option.token) }
                if option.key == "--seconds" { value.seconds = number } else { value.hitCount = number }
            }
        }
        return .standard
    }

    func validate(at token: Token, line: Int) throws(IptablesParseError) {
        try require(command != nil, "--set, --rcheck, --update or --remove", at: token, line: line)
    }

    var match: Match { .recent(value) }

    func saveOptions() -> [PrintedOption] {
        var options = [PrintedOption(key: value.command.rawValue, text: "\(commandText)")]
        options += countingOptions
        options.append(PrintedOption(key: "--name", text: "--name \(value.name ?? "DEFAULT")"))
        options.append(PrintedOption(key: "--mask", text: "--mask \(value.mask ?? .limitedBroadcast)"))
        options.append(PrintedOption(key: (value.side ?? .source).rawValue, text: (value.side ?? .source).rawValue))
        return options
    }

    func restoreOptions(_ spelling: (String) -> RuleLayout.Spelling) -> [PrintedOption] {
        var options = [PrintedOption(key: value.command.rawValue, text: "\(commandText)")]
        options += countingOptions
        if let name = value.name { options.append(PrintedOption(key: "--name", text: "--name \(name)")) }
        if let mask = value.mask { options.append(PrintedOption(key: "--mask", text: "--mask \(mask)")) }
        if let side = value.side { options.append(PrintedOption(key: side.rawValue, text: side.rawValue)) }
        return options
    }

    private var commandText: String { (value.negated ? "! " : "") + value.command.rawValue }

    private var countingOptions: [PrintedOption] {
        var options: [PrintedOption] = []
        if let seconds = value.seconds { options.append(PrintedOption(key: "--seconds", text: "--seconds \(seconds)")) }
        if value.reap { options.append(PrintedOption(key: "--reap", text: "--reap")) }
        if let hits = value.hitCount { options.append(PrintedOption(key: "--hitcount", text: "--hitcount \(hits)")) }
        if value.rttl { options.append(PrintedOption(key: "--rttl", text: "--rttl")) }
        return options
    }
}
