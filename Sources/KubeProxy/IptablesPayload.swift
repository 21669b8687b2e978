/// The iptables-restore input kube-proxy writes for one sync: per table, the chain declarations and the
/// rules, as text lines in kube-proxy's own argument order (`-m comment --comment … -m tcp -p tcp -d IP
/// --dport N -j TARGET`, `--or-mark`, unsuffixed hosts) — the text is the contract, so it is built as text,
/// the way kube-proxy's line buffers do. The Netfilter module parses it back into typed rules to run packets.
public struct IptablesPayload: Sendable {
    /// `:CHAIN - [0:0]` declarations, by table.
    public var filterChains: [String] = []
    public var natChains: [String] = []
    /// `-A CHAIN …` lines, by table.
    public var filterRules: [String] = []
    public var natRules: [String] = []
    /// Chains deleted by this sync (`-X`), by table.
    public var filterDeleted: [String] = []
    public var natDeleted: [String] = []

    public init() {}

    /// The restore text: `*filter` then `*nat`, each with declarations, rules, deletions and `COMMIT`.
    public var text: String {
        var out = ""
        out.reserveCapacity((filterRules.count + natRules.count) * 120 + (filterChains.count + natChains.count) * 40)
        for (table, chains, rules, deleted) in [
            ("filter", filterChains, filterRules, filterDeleted), ("nat", natChains, natRules, natDeleted),
        ] {
            out += "*\(table)\n"
            for chain in chains { out += ":\(chain) - [0:0]\n" }
            for rule in rules {
                out += rule
                out += "\n"
            }
            for chain in deleted { out += "-X \(chain)\n" }
            out += "COMMIT\n"
        }
        return out
    }
}

/// Builds one rule line from arguments (quoting is the caller's: kube-proxy writes comments pre-quoted).
struct RuleLine {
    private(set) var text: String

    init(_ chain: String) {
        text = "-A "
        text += chain
    }

    mutating func add(_ arguments: String...) {
        for argument in arguments {
            text += " "
            text += argument
        }
    }

    /// `-m comment --comment "<text>"` (quoted, as kube-proxy formats with `"%s …"`).
    mutating func comment(_ value: String) { add("-m", "comment", "--comment", "\"" + value + "\"") }

    /// `-m comment --comment <name>` unquoted, as kube-proxy writes the bare service port name.
    mutating func bareComment(_ value: String) { add("-m", "comment", "--comment", value) }
}
