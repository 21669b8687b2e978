import Dataplane
import KubeModel
import NetCore
import Scenario
import Wire

/// A trace's resolved endpoints and the packet to send.
struct TraceRequest {
    var netns: NetnsID
    var packet: IPv4Packet
    var sourceLabel: String
    var destinationLabel: String

    /// Where a packet goes: an address, a port if the target implies one, and a label.
    struct Target {
        var address: IPv4Address
        var port: Int?
        var proto: IPProtocol?
        var label: String
    }

    /// Resolves `--from`/`--to` against the cluster and builds the packet a socket would send.
    /// `proto` nil means: the Service port's protocol for `svc/…` targets, TCP otherwise.
    static func resolve(
        cluster: Cluster, from: String, to: String, proto: IPProtocol?, port: Int?, sport: Int?, size: Int, ttl: UInt8,
        seed: UInt64
    ) throws -> TraceRequest {
        let network = cluster.dataplane.network
        let sender = try resolveSender(cluster, from)
        let target = try resolveTarget(cluster, to, proto: proto)
        let proto = proto ?? target.proto ?? .tcp
        let destinationPort = port ?? target.port ?? 80
        var random = SeededRandom(seed: seed)
        // Linux ip_local_port_range default: 32768-60999.
        let sourcePort = UInt16(sport ?? Int.random(in: 32768...60999, using: &random))
        // The socket's MSS comes from the MTU of the device the route to the destination uses.
        let outDevice = network.namespace(sender.netns).routing.lookup(target.address, source: nil)?.route.device
            .flatMap { network.device(named: $0, in: sender.netns) }
        let packet = PacketFactory.make(
            proto: proto, source: .any, destination: target.address,
            sourcePort: proto == .icmp ? UInt16(truncatingIfNeeded: seed) : sourcePort,
            destinationPort: UInt16(destinationPort), mtu: outDevice?.mtu ?? 1500, payloadSize: size, ttl: ttl)
        let label = proto == .icmp ? target.label : "\(target.label):\(destinationPort)"
        return TraceRequest(netns: sender.netns, packet: packet, sourceLabel: sender.label, destinationLabel: label)
    }

    static func resolveSender(_ cluster: Cluster, _ from: String) throws -> (netns: NetnsID, label: String) {
        if let pod = cluster.pod(from) { return (pod.netns, "pod \(pod.namespace)/\(pod.name)") }
        if let netns = machineNamespace(cluster, from) {
            return (netns, cluster.dataplane.network.namespace(netns).label)
        }
        throw InputError(message: "\(cluster.spec.file): --from: unknown pod, node, router or host \"\(from)\"")
    }

    /// `POD`, `NODE`, `HOST`, `IP` or `svc/NAMESPACE/NAME`, each with an optional `:PORT` (a Service port may
    /// also be named).
    static func resolveTarget(_ cluster: Cluster, _ to: String, proto: IPProtocol?) throws -> Target {
        var name = to
        var portText: String?
        if let colon = to.lastIndex(of: ":") {
            portText = String(to[to.index(after: colon)...])
            name = String(to[..<colon])
        }
        if name.hasPrefix("svc/") {
            return try serviceTarget(cluster, String(name.dropFirst(4)), portText, proto: proto)
        }
        var explicitPort: Int?
        if let portText {
            guard let parsed = Int(portText), (1...65535).contains(parsed) else {
                throw InputError(message: "--to: invalid port in \"\(to)\"")
            }
            explicitPort = parsed
        }
        if let pod = cluster.pod(name) {
            let containerPort = pod.containerPorts.first { $0.proto == (proto ?? .tcp) }.map { Int($0.port) }
            return Target(
                address: pod.ip, port: explicitPort ?? containerPort, proto: nil,
                label: "pod \(pod.namespace)/\(pod.name)")
        }
        if let address = cluster.nodeAddress(name) {
            return Target(address: address, port: explicitPort, proto: nil, label: name)
        }
        if let address = IPv4Address(name) {
            let pod = cluster.pods.first { $0.ip == address }
            let containerPort = pod?.containerPorts.first { $0.proto == (proto ?? .tcp) }.map { Int($0.port) }
            return Target(
                address: address, port: explicitPort ?? containerPort, proto: nil,
                label: pod.map { "pod \($0.namespace)/\($0.name)" } ?? "\(address)")
        }
        throw InputError(
            message:
                "\(cluster.spec.file): --to: unknown pod, node, router or host \"\(name)\" (and not an IPv4 address or svc/NAMESPACE/NAME)"
        )
    }

    static func serviceTarget(_ cluster: Cluster, _ reference: String, _ portText: String?, proto: IPProtocol?) throws
        -> Target
    {
        guard let service = cluster.service(reference) else {
            throw InputError(
                message: "\(cluster.spec.file): --to: unknown Service \"\(reference)\" (kubernetes.manifests)")
        }
        guard let clusterIP = service.clusterIP else {
            throw InputError(message: "--to: Service \(service.key) has no IPv4 cluster IP (headless or ExternalName)")
        }
        let candidates = service.ports.filter { proto == nil || $0.proto == proto }
        let chosen: ServicePort?
        if let portText {
            chosen = candidates.first { $0.name == portText || String($0.port) == portText }
        } else {
            chosen = candidates.first
        }
        guard let port = chosen else {
            throw InputError(
                message:
                    "--to: Service \(service.key) has no port \"\(portText ?? "")\"\(proto.map { " for \($0)" } ?? "")")
        }
        return Target(
            address: clusterIP, port: Int(port.port), proto: port.proto, label: "svc/\(service.key) (\(clusterIP))")
    }
}
