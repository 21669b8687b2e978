import NetCore
import Netfilter

/// Kernel metadata that travels with a packet but is not part of it (Linux: `sk_buff` fields).
struct SKBMeta {
    /// `skb->mark`.
    var mark: UInt32 = 0
    /// The packet's connection in the current namespace (`skb->_nfct`).
    var connection: ConnectionRef?
    /// PREROUTING already ran at the bridge (br_netfilter); `ip_rcv` must not run it again (`ip_sabotage_in`).
    var preroutingDone = false

    /// What crossing a veth does (`skb_scrub_packet`): conntrack always cleared, the mark too across netns.
    mutating func scrub(crossingNamespaces: Bool) {
        connection = nil
        preroutingDone = false
        if crossingNamespaces { mark = 0 }
    }
}

/// The packet's link to a conntrack entry.
struct ConnectionRef {
    var netns: NetnsID
    /// The entry; for a new connection, the pending (unconfirmed) one carrying its NAT binding.
    var entry: ConntrackEntry
    var direction: ConntrackDirection
    /// Not yet in the table (`nf_ct_is_confirmed` false).
    var isNew: Bool
    /// RELATED (an ICMP error about this connection).
    var isRelated = false

    var state: ConntrackState {
        if isRelated { return .related }
        if direction == .reply || entry.seenReply { return .established }
        return .new
    }
}

/// How the walk decides statistic matches.
enum WalkChooser {
    case seeded(SeededChooser)
    case scripted(ScriptedChooser)

    mutating func choose(_ probability: Probability) -> Bool {
        switch self {
        case .seeded(var chooser):
            let result = chooser.choose(probability)
            self = .seeded(chooser)
            return result
        case .scripted(var chooser):
            let result = chooser.choose(probability)
            self = .scripted(chooser)
            return result
        }
    }
}

extension WalkChooser: StatisticChooser {}
