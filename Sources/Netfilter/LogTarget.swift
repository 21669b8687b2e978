/// `-j LOG`: write the packet headers to the kernel log and continue.
///
/// iptables: libipt_LOG, saved in the order `--log-prefix`, `--log-level` (omitted at the default 4),
/// `--log-tcp-sequence`, `--log-tcp-options`, `--log-ip-options`, `--log-uid`, `--log-macdecode`.
public struct LogTarget: Hashable, Sendable {
    /// `--log-prefix` (up to 29 characters).
    public var prefix: String?
    /// `--log-level` as a syslog number; nil means 4 (warning).
    public var level: UInt8?
    /// `--log-tcp-sequence`.
    public var tcpSequence: Bool
    /// `--log-tcp-options`.
    public var tcpOptions: Bool
    /// `--log-ip-options`.
    public var ipOptions: Bool
    /// `--log-uid`.
    public var uid: Bool
    /// `--log-macdecode`.
    public var macDecode: Bool

    /// Creates a LOG target.
    public init(
        prefix: String? = nil, level: UInt8? = nil, tcpSequence: Bool = false, tcpOptions: Bool = false,
        ipOptions: Bool = false, uid: Bool = false, macDecode: Bool = false
    ) {
        self.prefix = prefix
        self.level = level
        self.tcpSequence = tcpSequence
        self.tcpOptions = tcpOptions
        self.ipOptions = ipOptions
        self.uid = uid
        self.macDecode = macDecode
    }
}

/// `-j LOG` while parsed and printed.
struct LogModule: TargetExtension {
    var value = LogTarget()

    init(_ value: LogTarget = LogTarget()) {
        self.value = value
    }

    static let flags = ["--log-tcp-sequence", "--log-tcp-options", "--log-ip-options", "--log-uid", "--log-macdecode"]
    static let levels: [String: UInt8] = [
        "emerg": 0, "alert": 1, "crit": 2, "error": 3, "err": 3, "warning": 4, "warn": 4, "notice": 5, "info": 6,
        "debug": 7,
    ]

    func canonicalOption(_ option: String) -> String? {
        (["--log-prefix", "--log-level"] + Self.flags).contains(option) ? option : nil
    }

    mutating func apply(_ option: ParsedOption, _ reader: inout TokenReader) throws(IptablesParseError)
        -> RuleLayout.Spelling
    {
        try option.requireNotNegated(line: reader.line)
        switch option.key {
        case "--log-prefix":
            let word = try reader.value(for: option.token)
            value.prefix = word.text
            return word.quoted ? .quoted : .bare
        case "--log-level":
            let word = try reader.value(for: option.token)
            guard let level = Self.levels[word.text.lowercased()] ?? UInt8(word.text), level <= 7 else {
                throw reader.invalid(word, for: option.token)
            }
            value.level = level
        case "--log-tcp-sequence": value.tcpSequence = true
        case "--log-tcp-options": value.tcpOptions = true
        case "--log-ip-options": value.ipOptions = true
        case "--log-uid": value.uid = true
        default: value.macDecode = true
        }
        return .standard
    }

    var target: Target { .log(value) }

    func saveOptions() -> [PrintedOption] { options(saved: true, prefixSpelling: .standard) }

    func restoreOptions(_ spelling: (String) -> RuleLayout.Spelling) -> [PrintedOption] {
        options(saved: false, prefixSpelling: spelling("--log-prefix"))
    }

    private func options(saved: Bool, prefixSpelling: RuleLayout.Spelling) -> [PrintedOption] {
        var options: [PrintedOption] = []
        if let prefix = value.prefix {
            let text = saved ? IptablesQuoting.save(prefix) : IptablesQuoting.restore(prefix, spelling: prefixSpelling)
            options.append(PrintedOption(key: "--log-prefix", text: "--log-prefix \(text)"))
        }
        if let level = value.level, !saved || level != 4 {
            options.append(PrintedOption(key: "--log-level", text: "--log-level \(level)"))
        }
        let set = [value.tcpSequence, value.tcpOptions, value.ipOptions, value.uid, value.macDecode]
        for (flag, isSet) in zip(Self.flags, set) where isSet {
            options.append(PrintedOption(key: flag, text: flag))
        }
        return options
    }
}
