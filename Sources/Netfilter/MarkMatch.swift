/// `-m mark [!] --mark VALUE[/MASK]`: `(skb->mark & mask) == value`.
///
/// iptables: libxt_mark, saved in hex with the mask only when it is not `0xffffffff`
/// (`--mark 0x4000/0x4000`, fact 17). Linux: `xt_mark`.
public struct MarkMatch: Hashable, Sendable {
    /// The value compared after masking.
    public var value: UInt32
    /// The mask (`0xffffffff` when none was given).
    public var mask: UInt32
    /// True for `! --mark`.
    public var negated: Bool

    /// Creates a mark match.
    public init(value: UInt32, mask: UInt32 = .max, negated: Bool = false) {
        self.value = value
        self.mask = mask
        self.negated = negated
    }

    /// True when a packet with `mark` satisfies the match.
    public func matches(_ mark: UInt32) -> Bool { (mark & mask == value) != negated }

    /// `0xV` or `0xV/0xM`.
    var valueText: String {
        mask == .max ? MarkNumber.hex(value) : "\(MarkNumber.hex(value))/\(MarkNumber.hex(mask))"
    }
}

/// `-m mark` while parsed and printed.
struct MarkModule: MatchExtension {
    var value: MarkMatch?

    init(_ value: MarkMatch? = nil) {
        self.value = value
    }

    var moduleName: String { "mark" }

    func canonicalOption(_ option: String) -> String? { option == "--mark" ? option : nil }

    mutating func apply(_ option: ParsedOption, _ reader: inout TokenReader) throws(IptablesParseError)
        -> RuleLayout.Spelling
    {
        let word = try reader.value(for: option.token)
        guard let pair = MarkNumber.parsePair(word.text) else { throw reader.invalid(word, for: option.token) }
        value = MarkMatch(value: pair.value, mask: pair.mask ?? .max, negated: option.negated)
        return .standard
    }

    func validate(at token: Token, line: Int) throws(IptablesParseError) {
        try require(value != nil, "--mark", at: token, line: line)
    }

    var match: Match { .mark(value ?? MarkMatch(value: 0)) }

    func saveOptions() -> [PrintedOption] {
        guard let value else { return [] }
        return [PrintedOption(key: "--mark", text: "\(value.negated ? "! " : "")--mark \(value.valueText)")]
    }
}
