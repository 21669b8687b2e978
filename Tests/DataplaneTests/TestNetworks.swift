import Dataplane
import NetCore
import Routing
import Trace
import Wire

/// Small hand-built networks for engine tests.
struct Lan {
    var network = Network()
    var hosts: [String: NetnsID] = [:]

    /// Adds a host netns with `eth0` on `segment` at `address`, ip_forward as given.
    @discardableResult
    mutating func host(_ name: String, on segment: SegmentID, _ address: String, forward: Bool = false, mtu: Int = 1500)
        throws -> NetnsID
    {
        let netns = try network.addNamespace(name: name, role: .host(name: name))
        let eth = try network.addDevice(
            in: netns, name: "eth0", kind: .ethernet(segment: segment), mac: .derived(from: "\(name)/eth0"), mtu: mtu)
        try network.addAddress(IPv4Prefix(address)!, to: eth)
        network.setIPForward(netns, forward)
        hosts[name] = netns
        return netns
    }

    /// Adds a second NIC to an existing host.
    mutating func nic(_ host: String, _ name: String, on segment: SegmentID, _ address: String, mtu: Int = 1500) throws
    {
        let netns = hosts[host]!
        let dev = try network.addDevice(
            in: netns, name: name, kind: .ethernet(segment: segment), mac: .derived(from: "\(host)/\(name)"), mtu: mtu)
        try network.addAddress(IPv4Prefix(address)!, to: dev)
    }

    mutating func route(_ host: String, _ text: String) throws {
        try network.addRoute(try Route(parsing: text), in: hosts[host]!)
    }

    func send(
        _ dataplane: inout Dataplane, from: String, to: String, proto: IPProtocol = .udp, port: UInt16 = 7,
        ttl: UInt8 = 64, size: Int = 32
    ) -> Trace {
        let packet = PacketFactory.make(
            proto: proto, source: .any, destination: IPv4Address(to)!, sourcePort: 40000, destinationPort: port,
            payloadSize: size, ttl: ttl)
        return dataplane.send(packet, from: hosts[from]!, source: from, destination: to)
    }
}
