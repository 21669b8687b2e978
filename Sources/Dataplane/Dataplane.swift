import NetCore
import Netfilter
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
    public mutating func send(
        _ packet: IPv4Packet, from netns: NetnsID, source: String, destination: String, seed: UInt64 = 1
    ) -> Trace {
        let walk = Walk(network: network, state: state, chooser: .seeded(SeededChooser(seed: seed)))
        let trace = run(walk, packet, from: netns, source: source, destination: destination)
        state = walk.state
        return trace
    }

    /// Every path the packet can take through `-m statistic` rules, each with its probability, walked from
    /// the current state (which is left unchanged). Linux picks one per connection; this lists them all.
    public func sendAllPaths(
        _ packet: IPv4Packet, from netns: NetnsID, source: String, destination: String, limit: Int = 256
    ) -> [Trace] {
        sendAllPathsWithState(packet, from: netns, source: source, destination: destination, limit: limit).map(\.trace)
    }

    /// `sendAllPaths`, each path with the dataplane as that path left it (conntrack entries, caches), so
    /// the answer to each path can be walked back with `reply(to:)`.
    public func sendAllPathsWithState(
        _ packet: IPv4Packet, from netns: NetnsID, source: String, destination: String, limit: Int = 256
    ) -> [(trace: Trace, after: Dataplane)] {
        var paths: [(trace: Trace, after: Dataplane)] = []
        var pending: [[Bool]] = [[]]
        while let script = pending.popLast(), paths.count < limit {
            let walk = Walk(network: network, state: state, chooser: .scripted(ScriptedChooser(script: script)))
            var trace = run(walk, packet, from: netns, source: source, destination: destination)
            guard case .scripted(let chooser) = walk.chooser else { break }
            // Every decision beyond the given script was taken as "match"; its "no match" sibling is another path.
            for position in script.count..<chooser.script.count {
                pending.append(Array(chooser.script[..<position]) + [false])
            }
            trace.probability = chooser.pathProbability
            var after = self
            after.state = walk.state
            paths.append((trace, after))
        }
        return paths
    }

    func run(_ walk: Walk, _ packet: IPv4Packet, from netns: NetnsID, source: String, destination: String) -> Trace {
        let packet = walk.withSource(packet, in: netns)
        if let socket = ConnectedSocket(sending: packet) { walk.state.connectedSockets[netns.rawValue].insert(socket) }
        walk.record(.originate(walk.place(netns), packet))
        walk.ipLocalOut(netns, packet)
        var trace = Trace(source: source, destination: destination, packet: packet, root: walk.root)
        trace.delivery = walk.delivery
        return trace
    }

    /// The answer to a delivered packet, sent from where it arrived: addresses and ports swapped, a TCP
    /// SYN answered with SYN-ACK, an echo request with an echo reply. Conntrack state left by the original
    /// packet un-NATs it on the way back.
    public mutating func reply(to trace: Trace, seed: UInt64 = 1) -> Trace? {
        guard let delivery = trace.delivery, let netns = network.namespace(named: delivery.netns) else { return nil }
        let packet = PacketFactory.reply(to: delivery.packet)
        return send(
            packet, from: netns.id, source: netns.label, destination: "\(packet.header.destination)", seed: seed)
    }
}
