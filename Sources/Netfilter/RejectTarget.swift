/// `-j REJECT [--reject-with TYPE]`: drop and tell the sender.
///
/// iptables: libipt_REJECT; `iptables-save` always prints the type, `icmp-port-unreachable` by default
/// (fact 18). Linux: `reject_tg` → `nf_send_unreach` / `nf_send_reset`.
public struct RejectTarget: Hashable, Sendable {
    /// The reply sent.
    public enum RejectType: String, Hashable, Sendable, CaseIterable {
        /// ICMP 3/0.
        case netUnreachable = "icmp-net-unreachable"
        /// ICMP 3/1.
        case hostUnreachable = "icmp-host-unreachable"
        /// ICMP 3/3, the default.
        case portUnreachable = "icmp-port-unreachable"
        /// ICMP 3/2.
        case protocolUnreachable = "icmp-proto-unreachable"
        /// ICMP 3/9.
        case netProhibited = "icmp-net-prohibited"
        /// ICMP 3/10.
        case hostProhibited = "icmp-host-prohibited"
        /// ICMP 3/13.
        case adminProhibited = "icmp-admin-prohibited"
        /// A TCP RST (TCP only).
        case tcpReset = "tcp-reset"

        /// Parses a canonical name or its short alias (`port-unreach`, `tcp-rst`).
        static func parse(_ text: String) -> RejectType? {
            if let type = RejectType(rawValue: text) { return type }
            let aliases: [String: RejectType] = [
                "net-unreach": .netUnreachable, "host-unreach": .hostUnreachable, "port-unreach": .portUnreachable,
                "proto-unreach": .protocolUnreachable, "net-prohib": .netProhibited, "host-prohib": .hostProhibited,
                "admin-prohib": .adminProhibited, "tcp-rst": .tcpReset,
            ]
            return aliases[text]
        }
    }

    /// `--reject-with`, nil when not given.
    public var type: RejectType?

    /// Creates a REJECT target.
    public init(with type: RejectType? = nil) {
        self.type = type
    }

    /// The reply actually sent.
    public var effectiveType: RejectType { type ?? .portUnreachable }
}

/// `-j REJECT` while parsed and printed.
struct RejectModule: TargetExtension {
    var value = RejectTarget()

    init(_ value: RejectTarget = RejectTarget()) {
        self.value = value
    }

    func canonicalOption(_ option: String) -> String? { option == "--reject-with" ? option : nil }

    mutating func apply(_ option: ParsedOption, _ reader: inout TokenReader) throws(IptablesParseError)
        -> RuleLayout.Spelling
    {
        try option.requireNotNegated(line: reader.line)
        let word = try reader.value(for: option.token)
        guard let type = RejectTarget.RejectType.parse(word.text) else { throw reader.invalid(word, for: option.token) }
        value.type = type
        return .standard
    }

    var target: Target { .reject(value) }

    func saveOptions() -> [PrintedOption] {
        [PrintedOption(key: "--reject-with", text: "--reject-with \(value.effectiveType.rawValue)")]
    }

    func restoreOptions(_ spelling: (String) -> RuleLayout.Spelling) -> [PrintedOption] {
        guard let type = value.type else { return [] }
        return [PrintedOption(key: "--reject-with", text: "--reject-with \(type.rawValue)")]
    }
}
