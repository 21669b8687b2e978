import NetCore

/// One condition of a rule: a header match (`-s`, `-d`, `-i`, `-o`, `-p`, `-f`) or a `-m` module.
///
/// The cases cover what kube-proxy (iptables and IPVS modes), kubelet and flannel write. Any other module is kept
/// as ``other(module:arguments:)`` so that a real `iptables-save` dump round-trips.
/// iptables: `struct ipt_ip` holds the header fields; each `-m` adds an `xt_entry_match`.
public enum Match: Hashable, Sendable {
    /// `[!] -s ADDR[/LEN]`.
    case source(AddressMatch)
    /// `[!] -d ADDR[/LEN]`.
    case destination(AddressMatch)
    /// `[!] -i NAME[+]`.
    case inInterface(InterfaceMatch)
    /// `[!] -o NAME[+]`.
    case outInterface(InterfaceMatch)
    /// `[!] -p PROTO`.
    case ipProtocol(ProtocolMatch)
    /// `[!] -f`: second and later fragments.
    case fragment(negated: Bool)
    /// `-m comment --comment TEXT`; matches every packet.
    case comment(String)
    /// `-m tcp [!] --sport P[:P] [!] --dport P[:P] [[!] --tcp-flags MASK COMP]`.
    case tcp(PortMatch)
    /// `-m udp [!] --sport … [!] --dport …`.
    case udp(PortMatch)
    /// `-m sctp [!] --sport … [!] --dport …`.
    case sctp(PortMatch)
    /// `-m multiport [!] --dports|--sports|--ports LIST`.
    case multiport(MultiportMatch)
    /// `-m statistic --mode random --probability P` or `--mode nth --every N --packet P`.
    case statistic(StatisticMatch)
    /// `-m recent --name N --set|--rcheck|--update|--remove …` (kube-proxy's session affinity).
    case recent(RecentMatch)
    /// `-m mark [!] --mark V[/M]`.
    case mark(MarkMatch)
    /// `-m conntrack [!] --ctstate LIST [!] --ctstatus LIST`.
    case conntrack(ConntrackMatch)
    /// `-m state [!] --state LIST`.
    case state(StateMatch)
    /// `-m addrtype [!] --src-type T [!] --dst-type T [--limit-iface-in|out]`.
    case addressType(AddressTypeMatch)
    /// `-m physdev …` (bridged traffic, IPVS mode's `! --physdev-is-in`).
    case physdev(PhysdevMatch)
    /// `-m nfacct --nfacct-name NAME`: counts into a named nfacct object; matches every packet.
    case nfacct(name: String)
    /// `-m set [!] --match-set NAME FLAGS` (IPVS mode's ipsets).
    case set(SetMatch)
    /// Any other module, with its argument words exactly as written (quotes kept).
    case other(module: String, arguments: [String])

    /// True for the fields of the IP header part of a rule, which `iptables-save` prints before every `-m`.
    public var isHeader: Bool {
        switch self {
        case .source, .destination, .inInterface, .outInterface, .ipProtocol, .fragment: true
        default: false
        }
    }

    /// The `-m` name of a module match; nil for header matches.
    public var moduleName: String? {
        guard !isHeader else { return nil }
        return self.extensionValue?.moduleName
    }

    /// Where `iptables-save` puts a header match: `-s`, `-d`, `-i`, `-o`, `-p`, `-f`.
    var headerRank: Int {
        switch self {
        case .source: 0
        case .destination: 1
        case .inInterface: 2
        case .outInterface: 3
        case .ipProtocol: 4
        case .fragment: 5
        default: 6
        }
    }

    /// A header match as `iptables-save` prints it.
    var headerSaveText: String {
        switch self {
        case .source(let address): address.saveText(option: "-s")
        case .destination(let address): address.saveText(option: "-d")
        case .inInterface(let interface): interface.text(option: "-i")
        case .outInterface(let interface): interface.text(option: "-o")
        case .ipProtocol(let proto): proto.saveText
        case .fragment(let negated): negated ? "! -f" : "-f"
        default: ""
        }
    }

    /// A header match as restore input, spelled as `spelling` says.
    func headerRestoreText(_ spelling: RuleLayout.Spelling) -> String {
        switch self {
        case .source(let address): address.restoreText(option: "-s", spelling: spelling)
        case .destination(let address): address.restoreText(option: "-d", spelling: spelling)
        case .ipProtocol(let proto): proto.restoreText
        default: headerSaveText
        }
    }

    /// True when `iptables-save` prints nothing for this header match (`-s 0.0.0.0/0`, `-p all`).
    var isSaveNoOp: Bool {
        switch self {
        case .source(let address), .destination(let address): !address.negated && address.prefix.length == 0
        case .ipProtocol(let proto): !proto.negated && proto.protocolNumber.rawValue == 0
        default: false
        }
    }

    /// The module behind a non-header match, for printing.
    var extensionValue: (any MatchExtension)? {
        switch self {
        case .source, .destination, .inInterface, .outInterface, .ipProtocol, .fragment: nil
        case .comment(let text): CommentModule(text: text)
        case .tcp(let ports): PortModule(kind: .tcp, ports: ports)
        case .udp(let ports): PortModule(kind: .udp, ports: ports)
        case .sctp(let ports): PortModule(kind: .sctp, ports: ports)
        case .multiport(let value): MultiportModule(value)
        case .statistic(let value): StatisticModule(value)
        case .recent(let value): RecentModule(value)
        case .mark(let value): MarkModule(value)
        case .conntrack(let value): ConntrackModule(value)
        case .state(let value): StateModule(value)
        case .addressType(let value): AddressTypeModule(value)
        case .physdev(let value): PhysdevModule(value)
        case .nfacct(let name): NfacctModule(name: name)
        case .set(let value): SetModule(value)
        case .other(let module, let arguments): OtherModule(moduleName: module, arguments: arguments)
        }
    }
}
