/// `-m nfacct --nfacct-name NAME` while parsed and printed.
///
/// iptables: libxt_nfacct. Its save function prints `--nfacct-name ` and then the name through
/// `xtables_save_string`, which adds its own leading space: the saved rule has two spaces before the name.
struct NfacctModule: MatchExtension {
    var name: String?

    init(name: String? = nil) {
        self.name = name
    }

    var moduleName: String { "nfacct" }

    func canonicalOption(_ option: String) -> String? { option == "--nfacct-name" ? "--nfacct-name" : nil }

    mutating func apply(_ option: ParsedOption, _ reader: inout TokenReader) throws(IptablesParseError)
        -> RuleLayout.Spelling
    {
        try option.requireNotNegated(line: reader.line)
        guard name == nil else {
            throw .duplicateOption(line: reader.line, column: option.token.column, option: option.token.text)
        }
        name = try reader.value(for: option.token).text
        return .standard
    }

    func validate(at token: Token, line: Int) throws(IptablesParseError) {
        try require(name != nil, "--nfacct-name", at: token, line: line)
    }

    var match: Match { .nfacct(name: name ?? "") }

    func saveOptions() -> [PrintedOption] {
        [PrintedOption(key: "--nfacct-name", text: "--nfacct-name  \(IptablesQuoting.save(name ?? ""))")]
    }

    func restoreOptions(_ spelling: (String) -> RuleLayout.Spelling) -> [PrintedOption] {
        let value = IptablesQuoting.restore(name ?? "", spelling: spelling("--nfacct-name"))
        return [PrintedOption(key: "--nfacct-name", text: "--nfacct-name \(value)")]
    }
}
