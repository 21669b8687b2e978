import NetCore

/// The options of `-j DNAT` and `-j SNAT`: the new address range and port range, and how ports are chosen.
///
/// iptables: libxt_DNAT / libxt_SNAT, saved `--to-destination|--to-source RANGE [--random] [--random-fully]
/// [--persistent]`. Linux: `nf_nat_setup_info`.
public struct NATTarget: Hashable, Sendable {
    /// `--to-destination` / `--to-source`: `[A[-B]][:P[-Q]]`.
    public var range: NATRange?
    /// `--random`.
    public var random: Bool
    /// `--random-fully` (SNAT only).
    public var randomFully: Bool
    /// `--persistent`.
    public var persistent: Bool

    /// Creates a NAT target.
    public init(_ range: NATRange?, random: Bool = false, randomFully: Bool = false, persistent: Bool = false) {
        self.range = range
        self.random = random
        self.randomFully = randomFully
        self.persistent = persistent
    }

    /// `--to-destination ADDRESS:PORT`, kube-proxy's endpoint DNAT.
    public static func to(_ address: IPv4Address, port: UInt16? = nil) -> NATTarget {
        NATTarget(NATRange(address: address, ports: port.map { PortRange($0) }))
    }
}

/// `-j DNAT` / `-j SNAT` while parsed and printed.
struct NATModule: TargetExtension {
    enum Kind: Sendable {
        case source, destination
    }

    var kind: Kind
    var value = NATTarget(nil)

    init(kind: Kind, value: NATTarget = NATTarget(nil)) {
        self.kind = kind
        self.value = value
    }

    private var rangeOption: String { kind == .destination ? "--to-destination" : "--to-source" }

    func canonicalOption(_ option: String) -> String? {
        let options = [rangeOption, "--random", "--persistent"] + (kind == .source ? ["--random-fully"] : [])
        return options.contains(option) ? option : nil
    }

    mutating func apply(_ option: ParsedOption, _ reader: inout TokenReader) throws(IptablesParseError)
        -> RuleLayout.Spelling
    {
        try option.requireNotNegated(line: reader.line)
        switch option.key {
        case "--random": value.random = true
        case "--random-fully": value.randomFully = true
        case "--persistent": value.persistent = true
        default:
            let word = try reader.value(for: option.token)
            guard value.range == nil else {
                throw .duplicateOption(line: reader.line, column: option.token.column, option: option.token.text)
            }
            guard let range = NATRange(word.text) else { throw reader.invalid(word, for: option.token) }
            value.range = range
        }
        return .standard
    }

    func validate(at token: Token, line: Int) throws(IptablesParseError) {
        if value.range == nil {
            let module = kind == .destination ? "-j DNAT" : "-j SNAT"
            throw .missingOption(line: line, column: token.column, module: module, option: rangeOption)
        }
    }

    var target: Target { kind == .destination ? .dnat(value) : .snat(value) }

    func saveOptions() -> [PrintedOption] {
        var options: [PrintedOption] = []
        if let range = value.range { options.append(PrintedOption(key: rangeOption, text: "\(rangeOption) \(range)")) }
        if value.random { options.append(PrintedOption(key: "--random", text: "--random")) }
        if value.randomFully { options.append(PrintedOption(key: "--random-fully", text: "--random-fully")) }
        if value.persistent { options.append(PrintedOption(key: "--persistent", text: "--persistent")) }
        return options
    }
}
