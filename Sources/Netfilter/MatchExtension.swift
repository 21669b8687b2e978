/// One option of a match or target as printed: its long name (the key a ``RuleLayout`` refers to) and its text
/// without a leading space (`! --dport 22`).
struct PrintedOption: Hashable, Sendable {
    var key: String
    var text: String
}

/// An option word being applied to a match or target.
struct ParsedOption: Sendable {
    /// The option word as written.
    var token: Token
    /// The canonical long name (`--dport` for `--destination-port`).
    var key: String
    /// True when a `!` preceded it.
    var negated: Bool

    /// Throws `unexpectedNegation` when the option was inverted.
    func requireNotNegated(line: Int) throws(IptablesParseError) {
        if negated { throw .unexpectedNegation(line: line, column: token.column, option: token.text) }
    }
}

/// A `-m` module while its rule is parsed and when it is printed.
///
/// iptables: each `libxt_*` extension parses its own options, checks them once the rule is complete, and prints
/// them in its own order for `iptables-save`.
protocol MatchExtension: Sendable {
    /// The `-m` name.
    var moduleName: String { get }
    /// The canonical long name when this module takes `option`, else nil.
    func canonicalOption(_ option: String) -> String?
    /// Consumes the option's values from `reader`; returns how the value was spelled.
    mutating func apply(_ option: ParsedOption, _ reader: inout TokenReader) throws(IptablesParseError)
        -> RuleLayout.Spelling
    /// The key a ``RuleLayout`` records for `option`, asked right after `apply` (its canonical name, or for
    /// raw modules the index of its argument group).
    func layoutKey(for option: ParsedOption) -> String
    /// Checks the finished module; `token` is its `-m` word.
    func validate(at token: Token, line: Int) throws(IptablesParseError)
    /// The match this module describes.
    var match: Match { get }
    /// The options as `iptables-save` prints them, in its order.
    func saveOptions() -> [PrintedOption]
    /// The options as restore input, each spelled as `spelling(key)` says.
    func restoreOptions(_ spelling: (String) -> RuleLayout.Spelling) -> [PrintedOption]
}

extension MatchExtension {
    func layoutKey(for option: ParsedOption) -> String { option.key }

    func validate(at token: Token, line: Int) throws(IptablesParseError) {}

    func restoreOptions(_ spelling: (String) -> RuleLayout.Spelling) -> [PrintedOption] { saveOptions() }

    /// Throws `missingOption` unless `present`.
    func require(_ present: Bool, _ option: String, at token: Token, line: Int) throws(IptablesParseError) {
        if !present {
            throw .missingOption(line: line, column: token.column, module: "-m \(moduleName)", option: option)
        }
    }
}
