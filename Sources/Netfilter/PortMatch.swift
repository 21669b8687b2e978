/// The options of `-m tcp`, `-m udp` and `-m sctp`: source and destination port ranges, each optionally
/// inverted, and for TCP the flags.
///
/// iptables: libxt_tcp / libxt_udp / libxt_sctp; saved as `--sport`, `--dport`, `--tcp-flags` in that order.
public struct PortMatch: Hashable, Sendable {
    /// `--sport`, if given.
    public var sourcePort: PortRange?
    /// True for `! --sport`.
    public var sourceNegated: Bool
    /// `--dport`, if given.
    public var destinationPort: PortRange?
    /// True for `! --dport`.
    public var destinationNegated: Bool
    /// `--tcp-flags` / `--syn` (TCP only).
    public var tcpFlags: TCPFlagsMatch?

    /// Creates a port match; with no arguments it matches every packet of the protocol (`-m tcp` alone).
    public init(
        sourcePort: PortRange? = nil, sourceNegated: Bool = false, destinationPort: PortRange? = nil,
        destinationNegated: Bool = false, tcpFlags: TCPFlagsMatch? = nil
    ) {
        self.sourcePort = sourcePort
        self.sourceNegated = sourceNegated
        self.destinationPort = destinationPort
        self.destinationNegated = destinationNegated
        self.tcpFlags = tcpFlags
    }

    /// `--dport P`.
    public static func destination(_ port: UInt16) -> PortMatch {
        PortMatch(destinationPort: PortRange(port))
    }

    /// True when a packet with these ports satisfies every given option.
    public func matches(sourcePort source: UInt16, destinationPort destination: UInt16) -> Bool {
        if let range = sourcePort, range.contains(source) == sourceNegated { return false }
        if let range = destinationPort, range.contains(destination) == destinationNegated { return false }
        return true
    }
}

/// `-m tcp|udp|sctp` while parsed and printed.
struct PortModule: MatchExtension {
    enum Kind: String, Sendable {
        case tcp, udp, sctp
    }

    var kind: Kind
    var ports = PortMatch()

    var moduleName: String { kind.rawValue }

    func canonicalOption(_ option: String) -> String? {
        switch option {
        case "--sport", "--source-port": "--sport"
        case "--dport", "--destination-port": "--dport"
        case "--tcp-flags", "--syn": kind == .tcp ? "--tcp-flags" : nil
        default: nil
        }
    }

    mutating func apply(_ option: ParsedOption, _ reader: inout TokenReader) throws(IptablesParseError)
        -> RuleLayout.Spelling
    {
        switch option.key {
        case "--tcp-flags":
            guard ports.tcpFlags == nil else {
                throw .duplicateOption(line: reader.line, column: option.token.column, option: option.token.text)
            }
            if option.token.text == "--syn" {
                ports.tcpFlags = TCPFlagsMatch(mask: 0x17, compare: 0x02, negated: option.negated)
                return .standard
            }
            let maskToken = try reader.value(for: option.token)
            let compareToken = try reader.value(for: option.token)
            guard let mask = TCPFlagsMatch.parseFlags(maskToken.text) else {
                throw reader.invalid(maskToken, for: option.token)
            }
            guard let compare = TCPFlagsMatch.parseFlags(compareToken.text) else {
                throw reader.invalid(compareToken, for: option.token)
            }
            ports.tcpFlags = TCPFlagsMatch(mask: mask, compare: compare, negated: option.negated)
        default:
            let value = try reader.value(for: option.token)
            guard let range = PortRange(value.text) else { throw reader.invalid(value, for: option.token) }
            let isSource = option.key == "--sport"
            guard (isSource ? ports.sourcePort : ports.destinationPort) == nil else {
                throw .duplicateOption(line: reader.line, column: option.token.column, option: option.token.text)
            }
            if isSource {
                ports.sourcePort = range
                ports.sourceNegated = option.negated
            } else {
                ports.destinationPort = range
                ports.destinationNegated = option.negated
            }
        }
        return .standard
    }

    var match: Match {
        switch kind {
        case .tcp: .tcp(ports)
        case .udp: .udp(ports)
        case .sctp: .sctp(ports)
        }
    }

    func saveOptions() -> [PrintedOption] {
        var options: [PrintedOption] = []
        if let range = ports.sourcePort {
            options.append(PrintedOption(key: "--sport", text: "\(ports.sourceNegated ? "! " : "")--sport \(range)"))
        }
        if let range = ports.destinationPort {
            let text = "\(ports.destinationNegated ? "! " : "")--dport \(range)"
            options.append(PrintedOption(key: "--dport", text: text))
        }
        if let flags = ports.tcpFlags {
            options.append(PrintedOption(key: "--tcp-flags", text: flags.text))
        }
        return options
    }
}
