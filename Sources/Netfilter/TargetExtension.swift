/// A `-j` target while its rule is parsed and when it is printed.
protocol TargetExtension: Sendable {
    /// The canonical long name when this target takes `option`, else nil.
    func canonicalOption(_ option: String) -> String?
    /// Consumes the option's values from `reader`; returns how the value was spelled.
    mutating func apply(_ option: ParsedOption, _ reader: inout TokenReader) throws(IptablesParseError)
        -> RuleLayout.Spelling
    /// The key a ``RuleLayout`` records for `option`, asked right after `apply`.
    func layoutKey(for option: ParsedOption) -> String
    /// Checks the finished target; `token` is its `-j` word.
    func validate(at token: Token, line: Int) throws(IptablesParseError)
    /// The target this extension describes.
    var target: Target { get }
    /// The options as `iptables-save` prints them.
    func saveOptions() -> [PrintedOption]
    /// The options as restore input (as given, without the defaults `iptables-save` adds), each spelled as
    /// `spelling(key)` says.
    func restoreOptions(_ spelling: (String) -> RuleLayout.Spelling) -> [PrintedOption]
}

extension TargetExtension {
    func layoutKey(for option: ParsedOption) -> String { option.key }

    func validate(at token: Token, line: Int) throws(IptablesParseError) {}
    func restoreOptions(_ spelling: (String) -> RuleLayout.Spelling) -> [PrintedOption] { saveOptions() }
}
