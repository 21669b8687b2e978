import NetCore
import Netfilter
import Routing
import Trace
import Wire

/// One packet's walk through the emulated kernel. Holds the configured network (read-only), the learned
/// state it updates, and the trace branches being recorded. Each stage is a method named after the Linux
/// function it models (see the `+Link`, `+IP`, `+Neighbor` extensions).
final class Walk {
    let network: Network
    var state: DataplaneState
    /// Branches under construction; events go to the last one.
    private var branches: [TraceBranch] = [TraceBranch()]
    /// Frames each L2 journey has already delivered to a device (loop detection).
    private var visited: Set<VisitKey> = []
    /// Flows each namespace has forwarded in this walk (routing-loop detection).
    var forwarded: Set<ForwardKey> = []
    var loopReported: Set<NetnsID> = []
    private var journey = 0
    private var journeys = 0
    private var steps = 0
    /// Upper bound on recorded events for one trace; reaching it reports a loop.
    let stepBudget: Int
    /// The kernel metadata travelling with the packet being walked (`sk_buff` fields beside the headers).
    var skb = SKBMeta()
    /// Decides `-m statistic` matches.
    var chooser: WalkChooser
    /// The first delivery of the walk's packet to a socket (not of ARP or ICMP errors).
    var delivery: Trace.Delivery?
    private(set) var budgetExhausted = false

    struct ForwardKey: Hashable {
        var netns: NetnsID
        var source: IPv4Address
        var destination: IPv4Address
        var proto: IPProtocol
        var identification: UInt16
    }

    struct VisitKey: Hashable {
        var journey: Int
        var device: DeviceID
    }

    init(
        network: Network, state: DataplaneState, chooser: WalkChooser = .seeded(SeededChooser(seed: 1)),
        stepBudget: Int = 20_000
    ) {
        self.chooser = chooser
        self.network = network
        self.state = state
        self.stepBudget = stepBudget
    }

    /// The recorded main branch.
    var root: TraceBranch { branches[0] }

    func place(_ netns: NetnsID, _ device: DeviceID? = nil) -> TracePlace {
        TracePlace(netns: network.namespace(netns).label, device: device.map { network.device($0).name })
    }

    func place(_ device: DeviceID) -> TracePlace { place(network.device(device).netns, device) }

    /// Records an event; false when the step budget is spent (the caller stops walking).
    @discardableResult
    func record(_ event: TraceEvent) -> Bool {
        steps += 1
        guard steps <= stepBudget else {
            if !budgetExhausted {
                budgetExhausted = true
                branches[branches.count - 1].events.append(
                    .dropped(TracePlace(netns: "walk"), .loop("step budget of \(stepBudget) events")))
            }
            return false
        }
        branches[branches.count - 1].events.append(event)
        return true
    }

    /// Runs `body` recording into a new branch and returns that branch (not yet attached). The packet's
    /// metadata is restored afterwards, so sibling branches (flood copies) each start from the same skb.
    func branch(_ label: String?, _ body: () -> Void) -> TraceBranch {
        branches.append(TraceBranch(label: label))
        let saved = skb
        body()
        skb = saved
        return branches.removeLast()
    }

    /// Runs `body` for a different packet (an ARP exchange, an ICMP error) with fresh metadata.
    func withFreshSKB(_ body: () -> Void) {
        let saved = skb
        skb = SKBMeta()
        body()
        skb = saved
    }

    /// Runs `body` as a new L2 journey (a frame emitted by an IP stack, bridged and flooded within it),
    /// restoring the enclosing journey afterwards.
    func inNewJourney(_ body: () -> Void) {
        let saved = journey
        journeys += 1
        journey = journeys
        body()
        journey = saved
    }

    /// Marks that the current journey reached `device`; false when it had already (an L2 loop).
    func visit(_ device: DeviceID) -> Bool { visited.insert(VisitKey(journey: journey, device: device)).inserted }

    var isStopped: Bool { budgetExhausted }

    /// Advances the simulated clock by one microsecond per frame on the wire (pcap timestamps).
    func tick() { state.now = state.now.advanced(byNanoseconds: 1_000) }
}
