/// `-m comment --comment TEXT` while parsed and printed.
///
/// iptables: libxt_comment (up to 255 bytes; saved with `xtables_save_string`). As a leniency for kube-proxy's
/// test fake, which joins its jump rules' arguments unquoted (`--comment kubernetes service portals`), further
/// bare words up to the next option are taken as part of the comment; iptables-restore would reject them.
struct CommentModule: MatchExtension {
    var text: String?

    init(text: String? = nil) {
        self.text = text
    }

    var moduleName: String { "comment" }

    func canonicalOption(_ option: String) -> String? { option == "--comment" ? "--comment" : nil }

    mutating func apply(_ option: ParsedOption, _ reader: inout TokenReader) throws(IptablesParseError)
        -> RuleLayout.Spelling
    {
        try option.requireNotNegated(line: reader.line)
        guard text == nil else {
            throw .duplicateOption(line: reader.line, column: option.token.column, option: option.token.text)
        }
        let value = try reader.value(for: option.token)
        guard !value.quoted else {
            text = value.text
            return .quoted
        }
        var words = [value.text]
        while let next = reader.peek(), !next.quoted, !next.isOption, !next.isNegation {
            words.append(next.text)
            _ = reader.next()
        }
        text = words.joined(separator: " ")
        return .bare
    }

    func validate(at token: Token, line: Int) throws(IptablesParseError) {
        try require(text != nil, "--comment", at: token, line: line)
    }

    var match: Match { .comment(text ?? "") }

    func saveOptions() -> [PrintedOption] {
        [PrintedOption(key: "--comment", text: "--comment \(IptablesQuoting.save(text ?? ""))")]
    }

    func restoreOptions(_ spelling: (String) -> RuleLayout.Spelling) -> [PrintedOption] {
        let value = IptablesQuoting.restore(text ?? "", spelling: spelling("--comment"))
        return [PrintedOption(key: "--comment", text: "--comment \(value)")]
    }
}
