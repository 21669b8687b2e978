/// What a matching rule does: a verdict, a jump to a user chain, or a target extension.
///
/// The cases cover what kube-proxy, kubelet and flannel write; any other target is kept as
/// ``other(name:arguments:)`` so that real dumps round-trip.
/// iptables: the `xt_entry_target` of a rule (`-j`), or `-g` (goto: `IPT_F_GOTO`).
public enum Target: Hashable, Sendable {
    /// `-j ACCEPT`.
    case accept
    /// `-j DROP`.
    case drop
    /// `-j RETURN`: back to the calling chain (or the policy of a built-in chain).
    case `return`
    /// `-j CHAIN`: evaluate a user chain, then come back.
    case jump(String)
    /// `-g CHAIN`: continue in a user chain without coming back here.
    case goto(String)
    /// `-j REJECT [--reject-with TYPE]`.
    case reject(RejectTarget)
    /// `-j DNAT --to-destination …`.
    case dnat(NATTarget)
    /// `-j SNAT --to-source …`.
    case snat(NATTarget)
    /// `-j MASQUERADE [--to-ports …] [--random] [--random-fully]`.
    case masquerade(MasqueradeTarget)
    /// `-j MARK --set-xmark|--set-mark|--or-mark|--and-mark|--xor-mark …`.
    case mark(MarkTarget)
    /// `-j LOG …`.
    case log(LogTarget)
    /// `-j NOTRACK` (raw table).
    case notrack
    /// `-j CT --notrack|--zone N` (raw table).
    case ct(CTTarget)
    /// Any other target, with its argument words exactly as written (quotes kept).
    case other(name: String, arguments: [String])

    /// The word after `-j` / `-g`.
    public var name: String {
        switch self {
        case .accept: "ACCEPT"
        case .drop: "DROP"
        case .return: "RETURN"
        case .jump(let chain), .goto(let chain): chain
        case .reject: "REJECT"
        case .dnat: "DNAT"
        case .snat: "SNAT"
        case .masquerade: "MASQUERADE"
        case .mark: "MARK"
        case .log: "LOG"
        case .notrack: "NOTRACK"
        case .ct: "CT"
        case .other(let name, _): name
        }
    }

    /// True for `-g`.
    public var isGoto: Bool {
        if case .goto = self { return true }
        return false
    }

    /// `-j NAME` or `-g NAME`.
    var verb: String { "\(isGoto ? "-g" : "-j") \(name)" }

    /// The extension behind this target, for its options; nil for verdicts and chains.
    var extensionValue: (any TargetExtension)? {
        switch self {
        case .accept, .drop, .return, .jump, .goto, .notrack: nil
        case .reject(let value): RejectModule(value)
        case .dnat(let value): NATModule(kind: .destination, value: value)
        case .snat(let value): NATModule(kind: .source, value: value)
        case .masquerade(let value): MasqueradeModule(value)
        case .mark(let value): MarkTargetModule(value)
        case .log(let value): LogModule(value)
        case .ct(let value): CTModule(value)
        case .other(let name, let arguments): OtherTarget(name: name, arguments: arguments)
        }
    }

    /// The extension that parses the options of `-j name`, or nil for a verdict or user chain.
    ///
    /// iptables: a declared chain wins over an extension of the same name; an unknown name followed by `--`
    /// options is an extension kdp does not model, otherwise a jump to a chain declared elsewhere (partial
    /// restores name chains they do not redeclare).
    static func parsing(_ name: String, chains: Set<String>, next: Token?) -> (Target?, (any TargetExtension)?) {
        if chains.contains(name) { return (.jump(name), nil) }
        switch name {
        case "ACCEPT": return (.accept, nil)
        case "DROP": return (.drop, nil)
        case "RETURN": return (.return, nil)
        case "NOTRACK": return (.notrack, nil)
        case "REJECT": return (nil, RejectModule())
        case "DNAT": return (nil, NATModule(kind: .destination))
        case "SNAT": return (nil, NATModule(kind: .source))
        case "MASQUERADE": return (nil, MasqueradeModule())
        case "MARK": return (nil, MarkTargetModule())
        case "LOG": return (nil, LogModule())
        case "CT": return (nil, CTModule())
        default:
            if let next, next.isOption, next.text.hasPrefix("--") { return (nil, OtherTarget(name: name)) }
            return (.jump(name), nil)
        }
    }
}
