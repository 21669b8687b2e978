import NetCore
import Wire

/// What rules can look at besides the headers: devices, the mark and the connection's state.
///
/// Linux: the `nf_hook_state` (in/out devices) and the skb fields xtables matches read (`skb->mark`,
/// `nf_ct_get`, br_netfilter's physdev info).
public struct PacketContext: Sendable {
    public var packet: IPv4Packet
    public var inInterface: String?
    public var outInterface: String?
    /// Bridge ports, for bridged packets (`-m physdev`).
    public var physicalIn: String?
    public var physicalOut: String?
    public var mark: UInt32
    /// The conntrack state (`-m conntrack --ctstate`): NEW, ESTABLISHED, RELATED, INVALID, UNTRACKED.
    public var state: ConntrackState
    /// Whether the connection has a destination or source NAT binding (`--ctstate DNAT/SNAT`).
    public var isDestinationNATed: Bool
    public var isSourceNATed: Bool
    /// The namespace's local addresses (`-m addrtype --src-type/--dst-type LOCAL`).
    public var localAddresses: Set<IPv4Address>

    public init(
        packet: IPv4Packet, inInterface: String? = nil, outInterface: String? = nil, physicalIn: String? = nil,
        physicalOut: String? = nil, mark: UInt32 = 0, state: ConntrackState = .new, isDestinationNATed: Bool = false,
        isSourceNATed: Bool = false, localAddresses: Set<IPv4Address> = []
    ) {
        self.packet = packet
        self.inInterface = inInterface
        self.outInterface = outInterface
        self.physicalIn = physicalIn
        self.physicalOut = physicalOut
        self.mark = mark
        self.state = state
        self.isDestinationNATed = isDestinationNATed
        self.isSourceNATed = isSourceNATed
        self.localAddresses = localAddresses
    }
}

/// Chooses the outcome of `-m statistic --mode random`: a seeded draw, or an explicit script (used to
/// enumerate every path a packet can take).
public protocol StatisticChooser {
    /// Whether a rule with this probability matches now.
    mutating func choose(_ probability: Probability) -> Bool
}

/// A seeded draw against the probability the kernel stores (`xt_statistic` compares a 31-bit random).
public struct SeededChooser: StatisticChooser {
    public var random: SeededRandom
    public init(seed: UInt64) { random = SeededRandom(seed: seed) }
    public mutating func choose(_ probability: Probability) -> Bool {
        UInt32(truncatingIfNeeded: random.next() >> 33) < probability.kernelValue
    }
}

/// Follows a script of decisions and records where the script ran out, so that a caller can enumerate all
/// paths: each unscripted decision takes `true` and notes the alternative.
public struct ScriptedChooser: StatisticChooser {
    public var script: [Bool]
    public private(set) var position = 0
    /// Probabilities of the decisions taken, in order (for the path's probability).
    public private(set) var taken: [(probability: Double, matched: Bool)] = []
    /// True when at least one decision was not in the script.
    public private(set) var extended = false

    public init(script: [Bool]) { self.script = script }

    public mutating func choose(_ probability: Probability) -> Bool {
        let decision: Bool
        if position < script.count {
            decision = script[position]
        } else {
            decision = true
            script.append(true)
            extended = true
        }
        position += 1
        taken.append((probability.value, decision))
        return decision
    }

    /// The probability of the path the decisions describe.
    public var pathProbability: Double {
        taken.reduce(1.0) { $0 * ($1.matched ? $1.probability : 1 - $1.probability) }
    }
}
