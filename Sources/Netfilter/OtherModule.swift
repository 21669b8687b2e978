/// A `-m` module kdp does not model, kept as its raw argument words so that real dumps round-trip.
///
/// Options go to it when no modelled module loaded before takes them; each option takes the following words
/// that do not start with `-` (and a `!` before an option stays with it).
struct OtherModule: MatchExtension {
    var moduleName: String
    var arguments: [String] = []

    func canonicalOption(_ option: String) -> String? { option }

    mutating func apply(_ option: ParsedOption, _ reader: inout TokenReader) throws(IptablesParseError)
        -> RuleLayout.Spelling
    {
        ArgumentGroups.consume(option, &reader, into: &arguments)
        return .standard
    }

    func layoutKey(for option: ParsedOption) -> String { "#\(ArgumentGroups.split(arguments).count - 1)" }

    var match: Match { .other(module: moduleName, arguments: arguments) }

    func saveOptions() -> [PrintedOption] { ArgumentGroups.printed(arguments) }
}

/// A `-j` target kdp does not model, kept as its raw argument words.
struct OtherTarget: TargetExtension {
    var name: String
    var arguments: [String] = []

    func canonicalOption(_ option: String) -> String? { option }

    mutating func apply(_ option: ParsedOption, _ reader: inout TokenReader) throws(IptablesParseError)
        -> RuleLayout.Spelling
    {
        ArgumentGroups.consume(option, &reader, into: &arguments)
        return .standard
    }

    func layoutKey(for option: ParsedOption) -> String { "#\(ArgumentGroups.split(arguments).count - 1)" }

    var target: Target { .other(name: name, arguments: arguments) }

    func saveOptions() -> [PrintedOption] { ArgumentGroups.printed(arguments) }
}

extension ArgumentGroups {
    /// Takes an option and the words after it that are not options, as written (`!` kept before it).
    static func consume(_ option: ParsedOption, _ reader: inout TokenReader, into arguments: inout [String]) {
        if option.negated { arguments.append("!") }
        arguments.append(option.token.raw)
        while let next = reader.peek(), !next.isOption, !next.isNegation {
            arguments.append(next.raw)
            _ = reader.next()
        }
    }
}

/// Options written as `[!] --name [value…]` groups, the shape of an unknown module's or target's arguments.
enum ArgumentGroups {
    /// Splits raw words into groups, each starting at a `!` or a word beginning with `-`.
    static func split(_ words: [String]) -> [[String]] {
        var groups: [[String]] = []
        for word in words {
            let startsGroup = word == "!" || (word.hasPrefix("-") && !(groups.last?.last == "!"))
            if startsGroup || groups.isEmpty {
                groups.append([word])
            } else {
                groups[groups.count - 1].append(word)
            }
        }
        return groups
    }

    /// One printed option per group, keyed `#0`, `#1`, … in order.
    static func printed(_ words: [String]) -> [PrintedOption] {
        split(words).enumerated().map { PrintedOption(key: "#\($0.offset)", text: $0.element.joined(separator: " ")) }
    }
}
