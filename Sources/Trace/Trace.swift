import NetCore
import Wire

/// How much of a trace to show. The minimal view is the regression contract (goldens).
public enum DetailLevel: String, CaseIterable, Sendable, Comparable {
    case minimal, summary, detailed
    var rank: Int {
        switch self {
        case .minimal: 0
        case .summary: 1
        case .detailed: 2
        }
    }
    public static func < (lhs: DetailLevel, rhs: DetailLevel) -> Bool { lhs.rank < rhs.rank }
}

/// The end of a walk.
public enum TraceOutcome: Hashable, Sendable {
    case delivered(TracePlace, socket: String, ttl: UInt8)
    case dropped(TracePlace, DropReason)

    public var isDelivered: Bool {
        if case .delivered = self { return true }
        return false
    }
}

/// One packet's whole walk: what was asked, and the typed tree of what happened.
public struct Trace: Hashable, Sendable {
    /// `pod default/client`.
    public var source: String
    /// `pod default/web`, `10.244.9.9`.
    public var destination: String
    /// The packet as the source sent it.
    public var packet: IPv4Packet
    public var root: TraceBranch
    /// Where the packet reached a socket, and how it looked there (after any NAT): what a reply starts from.
    public var delivery: Delivery?
    /// The probability of this path when it was chosen among `-m statistic` alternatives (all-paths mode).
    public var probability: Double?

    /// The receiving end of a delivered packet.
    public struct Delivery: Hashable, Sendable {
        /// The kernel-side netns name (`ip netns` name).
        public var netns: String
        public var packet: IPv4Packet
        public init(netns: String, packet: IPv4Packet) {
            self.netns = netns
            self.packet = packet
        }
    }

    public init(source: String, destination: String, packet: IPv4Packet, root: TraceBranch) {
        self.source = source
        self.destination = destination
        self.packet = packet
        self.root = root
    }

    /// The packet's outcome: delivered if any path delivered it, else the first meaningful drop.
    public var outcome: TraceOutcome? { Trace.outcome(of: root) }

    static func outcome(of branch: TraceBranch) -> TraceOutcome? {
        var candidates: [TraceOutcome] = []
        for event in branch.events {
            switch event {
            case .delivered(let place, let socket, let ttl): return .delivered(place, socket: socket, ttl: ttl)
            case .dropped(let place, let reason): candidates.append(.dropped(place, reason))
            case .fork(let branches): candidates.append(contentsOf: branches.compactMap { outcome(of: $0) })
            default: continue
            }
        }
        if let delivered = candidates.first(where: \.isDelivered) { return delivered }
        return candidates.first {
            if case .dropped(_, let reason) = $0 { return !reason.isIncidental }
            return false
        } ?? candidates.first
    }

    /// Every frame the walk put on a device, in order, with the device it left (for `--pcap`).
    public var transmittedFrames: [(place: TracePlace, frame: EthernetFrame)] {
        var frames: [(TracePlace, EthernetFrame)] = []
        Trace.collectFrames(root, into: &frames)
        return frames
    }

    static func collectFrames(_ branch: TraceBranch, into frames: inout [(TracePlace, EthernetFrame)]) {
        for event in branch.events {
            switch event {
            case .transmit(let place, let frame): frames.append((place, frame))
            case .fork(let branches): branches.forEach { collectFrames($0, into: &frames) }
            case .neighbor(_, _, .resolved(_, let exchange)), .neighbor(_, _, .failed(let exchange)):
                collectFrames(exchange, into: &frames)
            case .icmpError(_, _, let walk): collectFrames(walk, into: &frames)
            default: continue
            }
        }
    }
}

extension Trace {
    /// Every event of the trace, depth first (forks, ARP exchanges and ICMP error walks included).
    public var allEvents: [TraceEvent] {
        var result: [TraceEvent] = []
        func walk(_ branch: TraceBranch) {
            for event in branch.events {
                result.append(event)
                switch event {
                case .fork(let branches): branches.forEach(walk)
                case .neighbor(_, _, .resolved(_, let exchange)), .neighbor(_, _, .failed(let exchange)): walk(exchange)
                case .icmpError(_, _, let inner): walk(inner)
                default: break
                }
            }
        }
        walk(root)
        return result
    }

    /// The ICMP errors the walk generated, in order.
    public var icmpErrors: [ICMPv4Message] {
        allEvents.compactMap {
            if case .icmpError(_, let message, _) = $0 { return message }
            return nil
        }
    }

    /// The ICMP errors that reached a socket (the sender's), with the source each was sent from: what a
    /// sender sees as "refused"/"unreachable".
    public var deliveredICMPErrors: [(message: ICMPv4Message, from: IPv4Address)] {
        allEvents.compactMap {
            guard case .icmpError(_, let message, let walk) = $0, Trace.outcome(of: walk)?.isDelivered == true,
                case .originate(_, let error)? = walk.events.first
            else { return nil }
            return (message, error.header.source)
        }
    }

    /// Why the packet was dropped, when it was.
    public var dropReason: DropReason? {
        if case .dropped(_, let reason)? = outcome { return reason }
        return nil
    }

    /// The TTL the packet arrived with, when it was delivered.
    public var deliveredTTL: UInt8? {
        if case .delivered(_, _, let ttl)? = outcome { return ttl }
        return nil
    }
}
