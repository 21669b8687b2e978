import NetCore
import Routing
import Trace
import Wire

/// The emulated dataplane: a configured `Network` plus its learned `DataplaneState`. Tracing a packet
/// walks it through Linux's stages, updates the state (ARP caches, FDBs, clock) and returns the trace.
public struct Dataplane: Sendable {
    public let network: Network
    public var state: DataplaneState

    public init(network: Network) {
        self.network = network
        state = DataplaneState(network: network)
    }

    /// Sends `packet` from a socket in `netns` and walks it to its fate.
    ///
    /// - Parameters:
    ///   - netns: the sending namespace.
    ///   - packet: the packet as the socket hands it to the stack; a source of `0.0.0.0` is chosen by routing.
    ///   - source, destination: labels for the trace header.
    public mutating func send(_ packet: IPv4Packet, from netns: NetnsID, source: String, destination: String) -> Trace {
        let walk = Walk(network: network, state: state)
        let packet = walk.withSource(packet, in: netns)
        walk.record(.originate(walk.place(netns), packet))
        walk.ipLocalOut(netns, packet)
        state = walk.state
        return Trace(source: source, destination: destination, packet: packet, root: walk.root)
    }
}
