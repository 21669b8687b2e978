import NetCore
import Routing
import Wire

/// Where an event happened: a network namespace (by its display label) and optionally a device.
public struct TracePlace: Hashable, Sendable, CustomStringConvertible {
    /// `node-a`, `pod default/web`, `router r1`.
    public var netns: String
    public var device: String?
    public init(netns: String, device: String? = nil) {
        self.netns = netns
        self.device = device
    }
    public var description: String { device.map { "\(netns) \($0)" } ?? netns }
}

/// Which way a route lookup went.
public enum LookupDirection: String, Hashable, Sendable {
    /// `ip_route_output_key`: a locally generated packet.
    case output
    /// `ip_route_input_slow`: a received packet.
    case input
}

/// What the bridge decided for a frame (`br_handle_frame_finish`).
public enum BridgeDecision: Hashable, Sendable {
    /// FDB hit on another port.
    case forward(port: String)
    /// Destination is the bridge itself (`local` FDB entry): up to the host stack.
    case local
    /// Broadcast or multicast: up to the host and flooded.
    case broadcast(ports: [String])
    /// Unknown unicast: flooded.
    case flood(ports: [String])
    /// FDB hit on the ingress port without hairpin: not sent back (`should_deliver`).
    case filteredIngress(port: String)
}

/// How a neighbour lookup was answered.
public enum NeighborOutcome: Hashable, Sendable {
    /// Already in the cache.
    case cached(MACAddress, NeighborState)
    /// Resolved now by an ARP exchange (its frames are in `exchange`).
    case resolved(MACAddress, exchange: TraceBranch)
    /// ARP got no answer.
    case failed(exchange: TraceBranch)
    /// The device does not do ARP (`NOARP`); the frame goes out with the broadcast address.
    case noARP
}

/// One typed step of a packet's walk. Rendering is separate (`TraceRenderer`).
public indirect enum TraceEvent: Hashable, Sendable {
    /// A local socket sends the packet.
    case originate(TracePlace, IPv4Packet)
    /// Routing decision. `route` nil means no route matched.
    case routeLookup(
        TracePlace, direction: LookupDirection, destination: IPv4Address, route: Route?, table: RouteTableID?)
    /// `ip_forward`: TTL decremented between devices.
    case forward(TracePlace, from: String, to: String, ttlBefore: UInt8, ttlAfter: UInt8)
    /// Neighbour resolution of a next hop on a device.
    case neighbor(TracePlace, address: IPv4Address, outcome: NeighborOutcome)
    /// A frame leaves a device (what a capture on that device shows).
    case transmit(TracePlace, EthernetFrame)
    /// The frame crosses a link (veth pair or L2 segment) to the receiving device.
    case link(from: TracePlace, to: TracePlace, medium: String)
    /// A bridge port receives a frame: learning and the forwarding decision.
    case bridge(TracePlace, port: String, learned: MACAddress?, decision: BridgeDecision)
    /// A frame is received by the IP or ARP layer of a device (`ip_rcv` / `arp_rcv`).
    case receive(TracePlace, EthernetFrame)
    /// An ARP packet updates the neighbour table (request addressed to us, or reply).
    case arpLearn(TracePlace, address: IPv4Address, mac: MACAddress)
    /// An ARP reply is sent.
    case arpReply(TracePlace, address: IPv4Address, to: IPv4Address)
    /// The walk splits (flood copies, broadcast).
    case fork([TraceBranch])
    /// The kernel generates an ICMP error; `walk` follows it back toward the sender.
    case icmpError(TracePlace, ICMPv4Message, walk: TraceBranch)
    /// End of this branch: delivered.
    case delivered(TracePlace, socket: String, ttl: UInt8)
    /// End of this branch: dropped.
    case dropped(TracePlace, DropReason)
    /// A VXLAN device wraps a frame for a remote VTEP (`vxlan_xmit_one`); `outer` is the packet that will be
    /// routed through the underlay.
    case encapsulate(TracePlace, vni: UInt32, outer: IPv4Packet)
    /// A VXLAN device unwraps a datagram from `from` (`vxlan_rcv`); the inner frame is received on it.
    case decapsulate(TracePlace, vni: UInt32, from: IPv4Address)
    /// An iptables rule matched and acted (`iptables -t TABLE … CHAIN` rule `rule`, text as iptables-save prints it).
    /// `decisive`: the rule is on the path to the table's decision (a NAT target, a DROP or REJECT), which
    /// the minimal view keeps; jumps into chains that decided nothing show from the summary view up.
    case netfilter(TracePlace, hook: String, table: String, chain: String, rule: Int, text: String, decisive: Bool)
    /// Conntrack classified the packet (`created`: a new connection, committed if the packet survives).
    case conntrack(TracePlace, hook: String, state: String, entry: String, created: Bool)
    /// NAT rewrote an address/port (`DNAT`, `SNAT`, `MASQUERADE`, or the reverse for replies).
    case nat(TracePlace, hook: String, kind: String, from: String, to: String)
    /// A namespace forwards the same packet a second time: a routing loop (TTL expiry will end it).
    case routingLoop(TracePlace, route: Route)
}

/// A linear sequence of events, one path of the walk; forks nest further branches.
public struct TraceBranch: Hashable, Sendable {
    /// Why this branch exists (`flood copy to vethX`), nil for the main path.
    public var label: String?
    public var events: [TraceEvent]
    public init(label: String? = nil, events: [TraceEvent] = []) {
        self.label = label
        self.events = events
    }
}
