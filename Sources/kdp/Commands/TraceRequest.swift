import Dataplane
import NetCore
import Scenario
import Wire

/// A trace's resolved endpoints and the packet to send.
struct TraceRequest {
    var netns: NetnsID
    var packet: IPv4Packet
    var sourceLabel: String
    var destinationLabel: String

    /// Resolves `--from`/`--to` against the cluster and builds the packet a socket would send.
    static func resolve(
        cluster: Cluster, from: String, to: String, proto: IPProtocol, port: Int?, sport: Int?, size: Int, ttl: UInt8,
        seed: UInt64
    ) throws -> TraceRequest {
        let network = cluster.dataplane.network
        let sender: (netns: NetnsID, label: String)
        if let pod = cluster.pod(from) {
            sender = (pod.netns, "pod \(pod.namespace)/\(pod.name)")
        } else if let node = cluster.nodes[from] ?? cluster.routers[from] {
            sender = (node, network.namespace(node).label)
        } else {
            throw InputError(message: "\(cluster.spec.file): --from: unknown pod, node or router \"\(from)\"")
        }

        var target = to
        var explicitPort: Int?
        if let colon = to.lastIndex(of: ":") {
            guard let parsed = Int(to[to.index(after: colon)...]), (1...65535).contains(parsed) else {
                throw InputError(message: "--to: invalid port in \"\(to)\"")
            }
            explicitPort = parsed
            target = String(to[..<colon])
        }
        let destination: IPv4Address
        var label: String
        var targetPod: PodInstance?
        if let pod = cluster.pod(target) {
            destination = pod.ip
            label = "pod \(pod.namespace)/\(pod.name)"
            targetPod = pod
        } else if let address = cluster.nodeAddress(target) {
            destination = address
            label = target
        } else if let address = IPv4Address(target) {
            destination = address
            targetPod = cluster.pods.first { $0.ip == address }
            label = targetPod.map { "pod \($0.namespace)/\($0.name)" } ?? "\(address)"
        } else {
            throw InputError(
                message:
                    "\(cluster.spec.file): --to: unknown pod, node or router \"\(target)\" (and not an IPv4 address)")
        }
        let destinationPort =
            port ?? explicitPort
            ?? targetPod?.containerPorts.first(where: { $0.proto == proto }).map { Int($0.port) } ?? 80
        var random = SeededRandom(seed: seed)
        // Linux ip_local_port_range default: 32768-60999.
        let sourcePort = UInt16(sport ?? Int.random(in: 32768...60999, using: &random))
        // The socket's MSS comes from the MTU of the device the route to the destination uses.
        let outDevice = network.namespace(sender.netns).routing.lookup(destination, source: nil)?.route.device
            .flatMap { network.device(named: $0, in: sender.netns) }
        let mtu = outDevice?.mtu ?? 1500
        let packet = PacketFactory.make(
            proto: proto, source: .any, destination: destination,
            sourcePort: proto == .icmp ? UInt16(truncatingIfNeeded: seed) : sourcePort,
            destinationPort: UInt16(destinationPort), mtu: mtu, payloadSize: size, ttl: ttl)
        if proto != .icmp { label += ":\(destinationPort)" }
        return TraceRequest(netns: sender.netns, packet: packet, sourceLabel: sender.label, destinationLabel: label)
    }
}
