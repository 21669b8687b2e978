/// One word of an iptables-restore line as the tokeniser split it.
struct Token: Hashable, Sendable {
    /// The word with quotes removed and escapes resolved.
    var text: String
    /// The word exactly as written, quotes included.
    var raw: String
    /// The 1-based column of the word's first character.
    var column: Int
    /// True when any part of the word was inside double quotes.
    var quoted: Bool

    /// True for an option word (`-s`, `--dport`), never for a quoted word.
    var isOption: Bool { !quoted && text.hasPrefix("-") && text.count > 1 }
    /// True for an unquoted `!`.
    var isNegation: Bool { !quoted && text == "!" }
}

/// A cursor over the words of one rule.
struct TokenReader: Sendable {
    let tokens: [Token]
    let line: Int
    private(set) var index = 0

    init(tokens: [Token], line: Int) {
        self.tokens = tokens
        self.line = line
    }

    /// The next word without consuming it.
    func peek() -> Token? { index < tokens.count ? tokens[index] : nil }

    /// Consumes and returns the next word.
    mutating func next() -> Token? {
        guard index < tokens.count else { return nil }
        defer { index += 1 }
        return tokens[index]
    }

    /// Consumes the value of `option`; throws `missingValue` at the option when the line ends.
    mutating func value(for option: Token) throws(IptablesParseError) -> Token {
        guard let token = next() else {
            throw .missingValue(line: line, column: option.column, option: option.text)
        }
        return token
    }

    /// An `invalidValue` error for `value` given to `option`.
    func invalid(_ value: Token, for option: Token) -> IptablesParseError {
        .invalidValue(line: line, column: value.column, option: option.text, value: value.text)
    }
}
