/// `-m physdev`: the bridge ports a bridged packet entered or leaves by.
///
/// iptables: libxt_physdev, saved in the order `--physdev-is-in`, `--physdev-in`, `--physdev-is-out`,
/// `--physdev-out`, `--physdev-is-bridged`, each optionally after `!`. Linux: `xt_physdev` (needs br_netfilter).
public struct PhysdevMatch: Hashable, Sendable {
    /// `[!] --physdev-in NAME`.
    public var inInterface: InterfaceMatch?
    /// `[!] --physdev-out NAME`.
    public var outInterface: InterfaceMatch?
    /// `--physdev-is-in` (true) or `! --physdev-is-in` (false).
    public var isIn: Bool?
    /// `--physdev-is-out` (true) or `! --physdev-is-out` (false).
    public var isOut: Bool?
    /// `--physdev-is-bridged` (true) or `! --physdev-is-bridged` (false).
    public var isBridged: Bool?

    /// Creates a physdev match.
    public init(
        inInterface: InterfaceMatch? = nil, outInterface: InterfaceMatch? = nil, isIn: Bool? = nil,
        isOut: Bool? = nil, isBridged: Bool? = nil
    ) {
        self.inInterface = inInterface
        self.outInterface = outInterface
        self.isIn = isIn
        self.isOut = isOut
        self.isBridged = isBridged
    }
}

/// `-m physdev` while parsed and printed.
struct PhysdevModule: MatchExtension {
    var value = PhysdevMatch()

    init() {}

    init(_ value: PhysdevMatch) {
        self.value = value
    }

    var moduleName: String { "physdev" }

    func canonicalOption(_ option: String) -> String? {
        let options = ["--physdev-in", "--physdev-out", "--physdev-is-in", "--physdev-is-out", "--physdev-is-bridged"]
        return options.contains(option) ? option : nil
    }

    mutating func apply(_ option: ParsedOption, _ reader: inout TokenReader) throws(IptablesParseError)
        -> RuleLayout.Spelling
    {
        switch option.key {
        case "--physdev-in", "--physdev-out":
            let word = try reader.value(for: option.token)
            let interface = InterfaceMatch(word.text, negated: option.negated)
            if option.key == "--physdev-in" { value.inInterface = interface } else { value.outInterface = interface }
        case "--physdev-is-in": value.isIn = !option.negated
        case "--physdev-is-out": value.isOut = !option.negated
        default: value.isBridged = !option.negated
        }
        return .standard
    }

    var match: Match { .physdev(value) }

    func saveOptions() -> [PrintedOption] {
        var options: [PrintedOption] = []
        func flag(_ state: Bool?, _ name: String) {
            guard let state else { return }
            options.append(PrintedOption(key: name, text: "\(state ? "" : "! ")\(name)"))
        }
        flag(value.isIn, "--physdev-is-in")
        if let interface = value.inInterface {
            options.append(PrintedOption(key: "--physdev-in", text: interface.text(option: "--physdev-in")))
        }
        flag(value.isOut, "--physdev-is-out")
        if let interface = value.outInterface {
            options.append(PrintedOption(key: "--physdev-out", text: interface.text(option: "--physdev-out")))
        }
        flag(value.isBridged, "--physdev-is-bridged")
        return options
    }
}
