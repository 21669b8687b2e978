/// `-j MASQUERADE [--to-ports P[-Q]] [--random] [--random-fully]`: SNAT to the address of the output device.
///
/// iptables: libipt_MASQUERADE, saved in that order. Linux: `nf_nat_masquerade_ipv4` (source from
/// `inet_select_addr` on the output device).
public struct MasqueradeTarget: Hashable, Sendable {
    /// `--to-ports`.
    public var ports: PortRange?
    /// `--random`.
    public var random: Bool
    /// `--random-fully` (kube-proxy adds it when iptables supports it).
    public var randomFully: Bool

    /// Creates a MASQUERADE target.
    public init(ports: PortRange? = nil, random: Bool = false, randomFully: Bool = false) {
        self.ports = ports
        self.random = random
        self.randomFully = randomFully
    }
}

/// `-j MASQUERADE` while parsed and printed.
struct MasqueradeModule: TargetExtension {
    var value = MasqueradeTarget()

    init(_ value: MasqueradeTarget = MasqueradeTarget()) {
        self.value = value
    }

    func canonicalOption(_ option: String) -> String? {
        ["--to-ports", "--random", "--random-fully"].contains(option) ? option : nil
    }

    mutating func apply(_ option: ParsedOption, _ reader: inout TokenReader) throws(IptablesParseError)
        -> RuleLayout.Spelling
    {
        try option.requireNotNegated(line: reader.line)
        switch option.key {
        case "--random": value.random = true
        case "--random-fully": value.randomFully = true
        default:
            let word = try reader.value(for: option.token)
            guard let range = PortRange(word.text, separator: "-") else {
                throw reader.invalid(word, for: option.token)
            }
            value.ports = range
        }
        return .standard
    }

    var target: Target { .masquerade(value) }

    func saveOptions() -> [PrintedOption] {
        var options: [PrintedOption] = []
        if let ports = value.ports {
            options.append(PrintedOption(key: "--to-ports", text: "--to-ports \(ports.text(separator: "-"))"))
        }
        if value.random { options.append(PrintedOption(key: "--random", text: "--random")) }
        if value.randomFully { options.append(PrintedOption(key: "--random-fully", text: "--random-fully")) }
        return options
    }
}
