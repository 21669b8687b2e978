/// `-j CT --notrack` or `-j CT --zone N` (raw table): connection tracking templates.
///
/// iptables: libxt_CT, saved `--notrack` before `--zone`. Linux: `xt_ct_target` (`--notrack` makes the packet
/// UNTRACKED, like `-j NOTRACK`).
public struct CTTarget: Hashable, Sendable {
    /// `--notrack`.
    public var notrack: Bool
    /// `--zone N`.
    public var zone: UInt16?

    /// Creates a CT target.
    public init(notrack: Bool = false, zone: UInt16? = nil) {
        self.notrack = notrack
        self.zone = zone
    }
}

/// `-j CT` while parsed and printed.
struct CTModule: TargetExtension {
    var value = CTTarget()

    init(_ value: CTTarget = CTTarget()) {
        self.value = value
    }

    func canonicalOption(_ option: String) -> String? { option == "--notrack" || option == "--zone" ? option : nil }

    mutating func apply(_ option: ParsedOption, _ reader: inout TokenReader) throws(IptablesParseError)
        -> RuleLayout.Spelling
    {
        try option.requireNotNegated(line: reader.line)
        if option.key == "--notrack" {
            value.notrack = true
            return .standard
        }
        let word = try reader.value(for: option.token)
        guard let zone = UInt16(word.text) else { throw reader.invalid(word, for: option.token) }
        value.zone = zone
        return .standard
    }

    var target: Target { .ct(value) }

    func saveOptions() -> [PrintedOption] {
        var options: [PrintedOption] = []
        if value.notrack { options.append(PrintedOption(key: "--notrack", text: "--notrack")) }
        if let zone = value.zone { options.append(PrintedOption(key: "--zone", text: "--zone \(zone)")) }
        return options
    }
}
