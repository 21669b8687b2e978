/// `-m multiport [!] --sports|--dports|--ports LIST`: up to 15 ports or ranges.
///
/// iptables: libxt_multiport (revision 1), saved as written with `:` ranges. Linux: `xt_multiport`.
public struct MultiportMatch: Hashable, Sendable {
    /// Which ports are tested.
    public enum Direction: String, Hashable, Sendable {
        /// `--sports`.
        case source = "--sports"
        /// `--dports`.
        case destination = "--dports"
        /// `--ports`: either.
        case either = "--ports"
    }

    /// Which ports are tested.
    public var direction: Direction
    /// The ports and ranges.
    public var ports: [PortRange]
    /// True for `! --dports` etc.
    public var negated: Bool

    /// Creates a multiport match.
    public init(_ direction: Direction, ports: [PortRange], negated: Bool = false) {
        self.direction = direction
        self.ports = ports
        self.negated = negated
    }
}

/// `-m multiport` while parsed and printed.
struct MultiportModule: MatchExtension {
    var value: MultiportMatch?

    init(_ value: MultiportMatch? = nil) {
        self.value = value
    }

    var moduleName: String { "multiport" }

    func canonicalOption(_ option: String) -> String? {
        switch option {
        case "--sports", "--source-ports": "--sports"
        case "--dports", "--destination-ports": "--dports"
        case "--ports": "--ports"
        default: nil
        }
    }

    mutating func apply(_ option: ParsedOption, _ reader: inout TokenReader) throws(IptablesParseError)
        -> RuleLayout.Spelling
    {
        guard value == nil else {
            throw .duplicateOption(line: reader.line, column: option.token.column, option: option.token.text)
        }
        let word = try reader.value(for: option.token)
        var ports: [PortRange] = []
        for part in word.text.split(separator: ",", omittingEmptySubsequences: false) {
            guard let range = PortRange(String(part)) else { throw reader.invalid(word, for: option.token) }
            ports.append(range)
        }
        guard let direction = MultiportMatch.Direction(rawValue: option.key), (1...15).contains(ports.count) else {
            throw reader.invalid(word, for: option.token)
        }
        value = MultiportMatch(direction, ports: ports, negated: option.negated)
        return .standard
    }

    func validate(at token: Token, line: Int) throws(IptablesParseError) {
        try require(value != nil, "--dports, --sports or --ports", at: token, line: line)
    }

    var match: Match { .multiport(value ?? MultiportMatch(.destination, ports: [])) }

    func saveOptions() -> [PrintedOption] {
        guard let value else { return [] }
        let list = value.ports.map(\.description).joined(separator: ",")
        let key = value.direction.rawValue
        return [PrintedOption(key: key, text: "\(value.negated ? "! " : "")\(key) \(list)")]
    }
}
