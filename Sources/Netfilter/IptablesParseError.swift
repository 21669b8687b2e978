/// Why iptables-save / iptables-restore text could not be parsed: what was wrong, the 1-based line and
/// column, and the offending token.
///
/// iptables: the conditions under which `iptables-restore` stops with `Error occurred at line: N`.
public enum IptablesParseError: Error, Hashable, Sendable, CustomStringConvertible {
    /// An option no loaded match or target takes. iptables: `unknown option "--foo"`.
    case unknownOption(line: Int, column: Int, option: String)
    /// An option that needs a value ended the line. iptables: `option "--dport" requires an argument`.
    case missingValue(line: Int, column: Int, option: String)
    /// A value the option does not accept (a port over 65535, an unknown state, a bad mark).
    case invalidValue(line: Int, column: Int, option: String, value: String)
    /// An address or prefix that is not IPv4 dotted-quad with an optional `/len` or `/mask`.
    case invalidAddress(line: Int, column: Int, value: String)
    /// A word where an option was expected. iptables: ``Bad argument `health'``.
    case unexpectedArgument(line: Int, column: Int, argument: String)
    /// `!` before an option that cannot be inverted. iptables: `option "--mode" cannot be inverted`.
    case unexpectedNegation(line: Int, column: Int, option: String)
    /// The same option twice in one rule or match. iptables: `multiple -s flags not allowed`.
    case duplicateOption(line: Int, column: Int, option: String)
    /// A match or target lacks an option it requires (`-m statistic` without `--mode`).
    case missingOption(line: Int, column: Int, module: String, option: String)
    /// A double quote that is never closed.
    case unterminatedQuote(line: Int, column: Int)
    /// `*name` with a name that is not raw, mangle, nat, filter or security.
    case unknownTable(line: Int, column: Int, table: String)
    /// A chain line, rule or command before any `*table` line (or after its `COMMIT`).
    case ruleOutsideTable(line: Int, column: Int, text: String)
    /// A rule or command naming a chain that this table block has not declared.
    /// iptables-restore: `Chain 'X' does not exist`.
    case unknownChain(line: Int, column: Int, chain: String)
    /// A chain declared twice in one table block.
    case duplicateChain(line: Int, column: Int, chain: String)
    /// A chain line that is not `:NAME POLICY [packets:bytes]`.
    case malformedChain(line: Int, column: Int, text: String)
    /// A line starting with something other than `*`, `:`, `-A`, `-I`, `-N`, `-X`, `-F`, `-P` or `COMMIT`.
    case unknownCommand(line: Int, column: Int, command: String)
    /// A table block not closed by `COMMIT` before the next `*table` line or the end of the text.
    /// iptables-restore: `COMMIT expected at line N`.
    case missingCommit(line: Int, column: Int, table: String)

    /// The 1-based line of the problem.
    public var line: Int {
        switch self {
        case .unknownOption(let line, _, _), .missingValue(let line, _, _), .invalidValue(let line, _, _, _),
            .invalidAddress(let line, _, _), .unexpectedArgument(let line, _, _),
            .unexpectedNegation(let line, _, _), .duplicateOption(let line, _, _),
            .missingOption(let line, _, _, _), .unterminatedQuote(let line, _), .unknownTable(let line, _, _),
            .ruleOutsideTable(let line, _, _), .unknownChain(let line, _, _), .duplicateChain(let line, _, _),
            .malformedChain(let line, _, _), .unknownCommand(let line, _, _), .missingCommit(let line, _, _):
            line
        }
    }

    /// The 1-based column (in characters) where the offending token starts.
    public var column: Int {
        switch self {
        case .unknownOption(_, let column, _), .missingValue(_, let column, _), .invalidValue(_, let column, _, _),
            .invalidAddress(_, let column, _), .unexpectedArgument(_, let column, _),
            .unexpectedNegation(_, let column, _), .duplicateOption(_, let column, _),
            .missingOption(_, let column, _, _), .unterminatedQuote(_, let column),
            .unknownTable(_, let column, _), .ruleOutsideTable(_, let column, _), .unknownChain(_, let column, _),
            .duplicateChain(_, let column, _), .malformedChain(_, let column, _),
            .unknownCommand(_, let column, _), .missingCommit(_, let column, _):
            column
        }
    }

    /// `line L, column C: message`.
    public var description: String {
        "line \(line), column \(column): \(message)"
    }

    private var message: String {
        switch self {
        case .unknownOption(_, _, let option): "unknown option \"\(option)\""
        case .missingValue(_, _, let option): "option \"\(option)\" requires a value"
        case .invalidValue(_, _, let option, let value): "invalid value \"\(value)\" for \"\(option)\""
        case .invalidAddress(_, _, let value): "invalid IPv4 address or prefix \"\(value)\""
        case .unexpectedArgument(_, _, let argument): "unexpected argument \"\(argument)\""
        case .unexpectedNegation(_, _, let option): "option \"\(option)\" cannot be inverted with \"!\""
        case .duplicateOption(_, _, let option): "option \"\(option)\" given more than once"
        case .missingOption(_, _, let module, let option): "\(module) needs \"\(option)\""
        case .unterminatedQuote: "unterminated double quote"
        case .unknownTable(_, _, let table): "unknown table \"\(table)\""
        case .ruleOutsideTable(_, _, let text): "\"\(text)\" outside a *table … COMMIT block"
        case .unknownChain(_, _, let chain): "chain \"\(chain)\" is not declared in this table"
        case .duplicateChain(_, _, let chain): "chain \"\(chain)\" declared twice"
        case .malformedChain(_, _, let text): "malformed chain line \"\(text)\" (expected :NAME POLICY [p:b])"
        case .unknownCommand(_, _, let command): "unknown command \"\(command)\""
        case .missingCommit(_, _, let table): "table \(table) is not closed by COMMIT"
        }
    }
}
