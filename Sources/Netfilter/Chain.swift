/// One chain of a table: a built-in hook chain with a policy, or a user chain.
///
/// iptables: the `:NAME POLICY [packets:bytes]` line of `iptables-save` and the `-A NAME …` lines that follow.
public struct Chain: Hashable, Sendable {
    /// What a built-in chain does with a packet that falls off its end.
    ///
    /// iptables: `iptables -P CHAIN ACCEPT|DROP`; user chains print `-` and return to the caller instead.
    public enum Policy: String, Hashable, Sendable, CaseIterable {
        /// `ACCEPT`.
        case accept = "ACCEPT"
        /// `DROP`.
        case drop = "DROP"
    }

    /// The chain name (`KUBE-SERVICES`, `INPUT`).
    public var name: String
    /// The policy; nil prints `-` (every user chain, and built-ins in kube-proxy's restore input).
    public var policy: Policy?
    /// The chain counters; nil when the declaration had none (printed `[0:0]`).
    public var counters: Counters?
    /// The rules in evaluation order.
    public var rules: [Rule]

    /// Creates a chain.
    public init(name: String, policy: Policy? = nil, counters: Counters? = .zero, rules: [Rule] = []) {
        self.name = name
        self.policy = policy
        self.counters = counters
        self.rules = rules
    }

    /// The declaration line: `:KUBE-SERVICES - [0:0]`, `:INPUT ACCEPT [12:720]`.
    ///
    /// iptables: `iptables-save` prints one for every chain before any rule of the table.
    public var declaration: String {
        ":\(name) \(policy?.rawValue ?? "-") \(counters ?? .zero)"
    }
}
