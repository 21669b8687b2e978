/// `-m set [!] --match-set NAME FLAGS [--return-nomatch]`: membership of an ipset, keyed by the packet fields
/// `FLAGS` names (`dst,dst` = destination address and destination port).
///
/// iptables: libxt_set (revision 4 and later). Linux: `xt_set`, `ip_set_test`.
public struct SetMatch: Hashable, Sendable {
    /// Which packet field fills one dimension of the set's key.
    public enum Direction: String, Hashable, Sendable {
        /// `src`.
        case source = "src"
        /// `dst`.
        case destination = "dst"
    }

    /// The set name (`KUBE-CLUSTER-IP`).
    public var name: String
    /// One direction per dimension of the set type.
    public var flags: [Direction]
    /// True for `! --match-set`.
    public var negated: Bool
    /// `--return-nomatch`: match the entries stored with `nomatch`.
    public var returnNoMatch: Bool

    /// Creates a set match.
    public init(_ name: String, flags: [Direction], negated: Bool = false, returnNoMatch: Bool = false) {
        self.name = name
        self.flags = flags
        self.negated = negated
        self.returnNoMatch = returnNoMatch
    }
}

/// `-m set` while parsed and printed.
struct SetModule: MatchExtension {
    var value: SetMatch?
    var returnNoMatch = false

    init(_ value: SetMatch? = nil) {
        self.value = value
        returnNoMatch = value?.returnNoMatch ?? false
    }

    var moduleName: String { "set" }

    func canonicalOption(_ option: String) -> String? {
        option == "--match-set" || option == "--return-nomatch" ? option : nil
    }

    mutating func apply(_ option: ParsedOption, _ reader: inout TokenReader) throws(IptablesParseError)
        -> RuleLayout.Spelling
    {
        if option.key == "--return-nomatch" {
            try option.requireNotNegated(line: reader.line)
            returnNoMatch = true
            value?.returnNoMatch = true
            return .standard
        }
        guard value == nil else {
            throw .duplicateOption(line: reader.line, column: option.token.column, option: option.token.text)
        }
        let name = try reader.value(for: option.token)
        let flagsWord = try reader.value(for: option.token)
        var flags: [SetMatch.Direction] = []
        for flag in flagsWord.text.split(separator: ",", omittingEmptySubsequences: false) {
            guard let direction = SetMatch.Direction(rawValue: String(flag)) else {
                throw reader.invalid(flagsWord, for: option.token)
            }
            flags.append(direction)
        }
        value = SetMatch(name.text, flags: flags, negated: option.negated, returnNoMatch: returnNoMatch)
        return .standard
    }

    func validate(at token: Token, line: Int) throws(IptablesParseError) {
        try require(value != nil, "--match-set", at: token, line: line)
    }

    var match: Match { .set(value ?? SetMatch("", flags: [])) }

    func saveOptions() -> [PrintedOption] {
        guard let value else { return [] }
        let flags = value.flags.map(\.rawValue).joined(separator: ",")
        var options = [
            PrintedOption(key: "--match-set", text: "\(value.negated ? "! " : "")--match-set \(value.name) \(flags)")
        ]
        if value.returnNoMatch { options.append(PrintedOption(key: "--return-nomatch", text: "--return-nomatch")) }
        return options
    }
}
