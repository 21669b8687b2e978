/// Parses `iptables-save` output and `iptables-restore` input into a ``Ruleset``.
///
/// iptables: the line grammar of `iptables-restore` — `*table`, `:CHAIN POLICY [packets:bytes]`, `-A`, `-I`,
/// `-N`, `-X`, `-F`, `-P`, `COMMIT`, `#` comments and blank lines; an optional `[packets:bytes]` before a rule
/// (`iptables-save -c`). A rule may only name chains its block declared (`:` or `-N`); built-in chains included.
public enum IptablesParser {
    /// Parses the whole text.
    public static func parse(_ text: String) throws(IptablesParseError) -> Ruleset {
        var state = State()
        var lineNumber = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            let indent = line.prefix { $0 == " " || $0 == "\t" }.count
            let content = line.dropFirst(indent)
            if content.allSatisfy({ $0 == " " || $0 == "\t" }) || content.hasPrefix("#") { continue }
            try state.parseLine(line, content: content, indent: indent, number: lineNumber)
        }
        if let open = state.table {
            throw .missingCommit(line: max(lineNumber, 1), column: 1, table: open.name.rawValue)
        }
        return state.ruleset
    }

    /// The open table's chains by name (and its user chains, which `-j` may name): kept alongside the
    /// table so that each rule costs a hash lookup, not a scan, in rulesets with tens of thousands of chains.
    struct ChainLookup {
        var index: [String: Int] = [:]
        var userChains: Set<String> = []

        mutating func add(_ name: String, at position: Int, in table: NetfilterTable) {
            index[name] = position
            if !table.isBuiltin(name) { userChains.insert(name) }
        }
    }

    private struct State {
        var ruleset = Ruleset()
        var table: NetfilterTable?
        var lookup = ChainLookup()

        mutating func parseLine(_ line: Substring, content: Substring, indent: Int, number: Int)
            throws(IptablesParseError)
        {
            if content.hasPrefix("*") {
                if let open = table {
                    throw .missingCommit(line: number, column: indent + 1, table: open.name.rawValue)
                }
                let name = content.dropFirst().trimmingTrailingSpaces
                guard let tableName = NetfilterTable.Name(rawValue: String(name)) else {
                    throw .unknownTable(line: number, column: indent + 2, table: String(name))
                }
                table = NetfilterTable(name: tableName, ruleLineOrder: [])
                lookup = ChainLookup()
                return
            }
            guard var current = table else {
                let first = content.split(separator: " ", maxSplits: 1).first ?? content
                throw .ruleOutsideTable(line: number, column: indent + 1, text: String(first))
            }
            if content.trimmingTrailingSpaces == "COMMIT" {
                ruleset.tables.append(current)
                table = nil
                return
            }
            // Drop the state's reference so that `current` is mutated in place, not copied per line.
            table = nil
            defer { table = current }
            if content.hasPrefix(":") {
                try Self.declareChain(content, indent: indent, number: number, in: &current, lookup: &lookup)
            } else {
                let tokens = try IptablesTokenizer.tokenize(line, lineNumber: number)
                try Self.command(tokens, number: number, in: &current, lookup: &lookup)
            }
        }

        static func declareChain(
            _ content: Substring, indent: Int, number: Int, in table: inout NetfilterTable, lookup: inout ChainLookup
        ) throws(IptablesParseError) {
            let words = content.split(whereSeparator: { $0 == " " || $0 == "\t" })
            let malformed = IptablesParseError.malformedChain(line: number, column: indent + 1, text: String(content))
            guard (1...3).contains(words.count), words[0].count > 1 else { throw malformed }
            let name = String(words[0].dropFirst())
            var policy: Chain.Policy?
            if words.count > 1, words[1] != "-" {
                guard let parsed = Chain.Policy(rawValue: String(words[1])) else { throw malformed }
                policy = parsed
            }
            var counters: Counters?
            if words.count == 3 {
                guard let parsed = Counters(bracketed: words[2]) else { throw malformed }
                counters = parsed
            }
            guard lookup.index[name] == nil else {
                throw .duplicateChain(line: number, column: indent + 2, chain: name)
            }
            table.chains.append(Chain(name: name, policy: policy, counters: counters))
            lookup.add(name, at: table.chains.count - 1, in: table)
        }

        static func command(
            _ allTokens: [Token], number: Int, in table: inout NetfilterTable, lookup: inout ChainLookup
        ) throws(IptablesParseError) {
            var tokens = allTokens[...]
            var ruleCounters: Counters?
            if let first = tokens.first, !first.quoted, let counters = Counters(bracketed: first.text) {
                ruleCounters = counters
                tokens = tokens.dropFirst()
            }
            guard let command = tokens.popFirst() else { return }
            func chainArgument() throws(IptablesParseError) -> (name: String, token: Token) {
                guard let token = tokens.popFirst() else {
                    throw .missingValue(line: number, column: command.column, option: command.text)
                }
                return (token.text, token)
            }
            func declaredIndex(_ name: String, _ token: Token) throws(IptablesParseError) -> Int {
                guard let index = lookup.index[name] else {
                    throw .unknownChain(line: number, column: token.column, chain: name)
                }
                return index
            }
            switch command.text {
            case "-A", "--append", "-I", "--insert":
                let (name, token) = try chainArgument()
                let index = try declaredIndex(name, token)
                try addRule(
                    command, tokens, counters: ruleCounters, chain: index, number: number, in: &table,
                    userChains: lookup.userChains)
                return
            case "-N", "--new-chain":
                let (name, token) = try chainArgument()
                guard lookup.index[name] == nil else {
                    throw .duplicateChain(line: number, column: token.column, chain: name)
                }
                table.chains.append(Chain(name: name, counters: nil))
                lookup.add(name, at: table.chains.count - 1, in: table)
            case "-X", "--delete-chain":
                let (name, _) = try chainArgument()
                table.deletedChains.append(name)
            case "-F", "--flush":
                if tokens.isEmpty {
                    for index in table.chains.indices { table.chains[index].rules.removeAll() }
                    table.ruleLineOrder = []
                } else {
                    let (name, token) = try chainArgument()
                    table.chains[try declaredIndex(name, token)].rules.removeAll()
                    table.ruleLineOrder?.removeAll { $0 == name }
                }
            case "-P", "--policy":
                let (name, token) = try chainArgument()
                let index = try declaredIndex(name, token)
                guard let word = tokens.popFirst() else {
                    throw .missingValue(line: number, column: command.column, option: command.text)
                }
                guard let policy = Chain.Policy(rawValue: word.text) else {
                    throw .invalidValue(line: number, column: word.column, option: command.text, value: word.text)
                }
                table.chains[index].policy = policy
            default:
                throw .unknownCommand(line: number, column: command.column, command: command.text)
            }
            if let extra = tokens.first {
                throw .unexpectedArgument(line: number, column: extra.column, argument: extra.raw)
            }
        }

        /// `-A CHAIN rule…` or `-I CHAIN [N] rule…`; `-j` may name the block's user chains.
        static func addRule(
            _ command: Token, _ arguments: ArraySlice<Token>, counters: Counters?, chain index: Int, number: Int,
            in table: inout NetfilterTable, userChains: Set<String>
        ) throws(IptablesParseError) {
            var tokens = arguments
            var position = table.chains[index].rules.count
            if command.text == "-I" || command.text == "--insert" {
                position = 0
                if let word = tokens.first, !word.quoted, let requested = Int(word.text) {
                    guard requested >= 1, requested <= table.chains[index].rules.count + 1 else {
                        throw .invalidValue(line: number, column: word.column, option: command.text, value: word.text)
                    }
                    position = requested - 1
                    tokens = tokens.dropFirst()
                }
            }
            var parser = RuleParser(reader: TokenReader(tokens: Array(tokens), line: number), chains: userChains)
            var rule = try parser.parse()
            rule.counters = counters
            table.chains[index].rules.insert(rule, at: position)
            table.ruleLineOrder?.append(table.chains[index].name)
        }
    }
}

extension Substring {
    var trimmingTrailingSpaces: Substring {
        var result = self
        while let last = result.last, last == " " || last == "\t" { result = result.dropLast() }
        return result
    }
}
