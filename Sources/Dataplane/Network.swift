import NetCore
import Netfilter
import Routing

/// Errors building a network (programming the emulated kernel), in the kernel's words.
public enum NetworkError: Error, Equatable, Sendable, CustomStringConvertible {
    case duplicateNamespace(String)
    case duplicateDevice(netns: String, device: String)
    case unknownDevice(netns: String, device: String)
    case duplicateAddress(netns: String, address: String)
    case route(netns: String, RouteError)

    public var description: String {
        switch self {
        case .duplicateNamespace(let name): "netns \(name) exists"
        case .duplicateDevice(let netns, let device): "\(netns): RTNETLINK answers: File exists (device \(device))"
        case .unknownDevice(let netns, let device): "\(netns): Cannot find device \"\(device)\""
        case .duplicateAddress(let netns, let address): "\(netns): RTNETLINK answers: File exists (address \(address))"
        case .route(let netns, let error): "\(netns): \(error)"
        }
    }
}

/// An underlay L2 segment: a switch that delivers a frame to the NIC with the destination MAC, or to
/// every other NIC for broadcast and unknown destinations.
public struct Segment: Hashable, Sendable {
    public let id: SegmentID
    public var name: String
    public var devices: [DeviceID] = []
}

/// The configured network: namespaces, devices, segments. Learned state lives in `DataplaneState`.
///
/// Building methods mirror `ip` commands and document their equivalent.
public struct Network: Hashable, Sendable {
    public private(set) var namespaces: [NetworkNamespace] = []
    public private(set) var devices: [Device] = []
    public private(set) var segments: [Segment] = []
    private var namespaceIndex: [String: NetnsID] = [:]

    public init() {}

    public func namespace(_ id: NetnsID) -> NetworkNamespace { namespaces[id.rawValue] }
    public func device(_ id: DeviceID) -> Device { devices[id.rawValue] }
    public func segment(_ id: SegmentID) -> Segment { segments[id.rawValue] }

    /// The namespace with this kernel-side name.
    public func namespace(named name: String) -> NetworkNamespace? {
        namespaceIndex[name].map { namespaces[$0.rawValue] }
    }

    /// The device `name` in namespace `netns`.
    public func device(named name: String, in netns: NetnsID) -> Device? {
        namespaces[netns.rawValue].devices.lazy.map { self.devices[$0.rawValue] }.first { $0.name == name }
    }

    /// Ports of a bridge, in ifindex order.
    public func ports(of bridge: DeviceID) -> [DeviceID] {
        namespaces[device(bridge).netns.rawValue].devices.filter { devices[$0.rawValue].master == bridge }
    }

    /// True when `address` is configured on any device of `netns`.
    public func isLocal(_ address: IPv4Address, in netns: NetnsID) -> Bool {
        namespace(netns).devices.contains { devices[$0.rawValue].addresses.contains { $0.address == address } }
    }

    /// Equivalent to: `ip netns add NAME`, with `lo` up and `127.0.0.1/8` on it.
    @discardableResult
    public mutating func addNamespace(name: String, role: NetnsRole) throws(NetworkError) -> NetnsID {
        guard namespaceIndex[name] == nil else { throw .duplicateNamespace(name) }
        let id = NetnsID(namespaces.count)
        namespaces.append(NetworkNamespace(id: id, name: name, role: role))
        namespaceIndex[name] = id
        let lo = try addDevice(in: id, name: "lo", kind: .loopback, mac: .zero, mtu: 65536)
        devices[lo.rawValue].noARP = true
        try addAddress(IPv4Prefix(address: IPv4Address(127, 0, 0, 1), length: 8), to: lo)
        return id
    }

    /// Equivalent to: `ip link add NAME type KIND` (up, with `mac` and `mtu`).
    @discardableResult
    public mutating func addDevice(
        in netns: NetnsID, name: String, kind: DeviceKind, mac: MACAddress, mtu: Int = 1500
    ) throws(NetworkError) -> DeviceID {
        guard device(named: name, in: netns) == nil else {
            throw .duplicateDevice(netns: namespace(netns).name, device: name)
        }
        let id = DeviceID(devices.count)
        let ifindex = namespaces[netns.rawValue].devices.count + 1
        devices.append(Device(id: id, ifindex: ifindex, name: name, netns: netns, kind: kind, mac: mac, mtu: mtu))
        namespaces[netns.rawValue].devices.append(id)
        if case .ethernet(let segment?) = kind { segments[segment.rawValue].devices.append(id) }
        return id
    }

    /// Equivalent to: `ip link add A type veth peer name B netns NS` (both ends up).
    @discardableResult
    public mutating func addVethPair(
        _ a: (netns: NetnsID, name: String, mac: MACAddress), _ b: (netns: NetnsID, name: String, mac: MACAddress),
        mtu: Int = 1500
    ) throws(NetworkError) -> (DeviceID, DeviceID) {
        // Both names are checked before either end exists, so a failure leaves nothing behind.
        if device(named: a.name, in: a.netns) != nil {
            throw .duplicateDevice(netns: namespace(a.netns).name, device: a.name)
        }
        if device(named: b.name, in: b.netns) != nil || (a.netns == b.netns && a.name == b.name) {
            throw .duplicateDevice(netns: namespace(b.netns).name, device: b.name)
        }
        let first = DeviceID(devices.count)
        let second = DeviceID(devices.count + 1)
        try addDevice(in: a.netns, name: a.name, kind: .veth(peer: second), mac: a.mac, mtu: mtu)
        try addDevice(in: b.netns, name: b.name, kind: .veth(peer: first), mac: b.mac, mtu: mtu)
        return (first, second)
    }

    /// Creates an underlay L2 segment.
    @discardableResult
    public mutating func addSegment(name: String) -> SegmentID {
        let id = SegmentID(segments.count)
        segments.append(Segment(id: id, name: name))
        return id
    }

    /// Equivalent to: `bridge fdb append MAC dev VXLAN dst REMOTE self permanent`.
    public mutating func addVXLANForwarding(_ mac: MACAddress, remote: IPv4Address, on device: DeviceID) {
        guard case .vxlan(var config) = devices[device.rawValue].kind else { return }
        config.fdb[mac] = remote
        devices[device.rawValue].kind = .vxlan(config)
    }

    /// Equivalent to: `ip link set PORT master BRIDGE`.
    public mutating func enslave(_ port: DeviceID, to bridge: DeviceID) { devices[port.rawValue].master = bridge }

    /// Equivalent to: `bridge link set dev PORT hairpin on|off`.
    public mutating func setHairpin(_ port: DeviceID, _ on: Bool) { devices[port.rawValue].hairpin = on }

    /// Equivalent to: `ip link set DEV mtu N`.
    public mutating func setMTU(_ device: DeviceID, _ mtu: Int) { devices[device.rawValue].mtu = mtu }

    /// Equivalent to: `ip link set DEV up|down`.
    public mutating func setUp(_ device: DeviceID, _ up: Bool) { devices[device.rawValue].isUp = up }

    /// Equivalent to: `sysctl -w net.ipv4.conf.DEV.proxy_arp=1`.
    public mutating func setProxyARP(_ device: DeviceID, _ on: Bool) { devices[device.rawValue].proxyARP = on }

    /// Equivalent to: `sysctl -w net.ipv4.ip_forward=0|1` inside the namespace.
    public mutating func setIPForward(_ netns: NetnsID, _ on: Bool) { namespaces[netns.rawValue].ipForward = on }

    /// Adds a listening socket.
    public mutating func addListener(_ listener: Listener, in netns: NetnsID) {
        namespaces[netns.rawValue].listeners.append(listener)
    }

    /// Equivalent to: `ip netns exec NS iptables-restore < RULES` (the whole ruleset of the namespace).
    public mutating func setRuleset(_ ruleset: Ruleset?, in netns: NetnsID) {
        namespaces[netns.rawValue].ruleset = ruleset.map(RuleIndex.init)
    }

    /// Equivalent to: `sysctl -w net.bridge.bridge-nf-call-iptables=0|1` (per netns in recent kernels).
    public mutating func setBridgeCallsIPTables(_ on: Bool, in netns: NetnsID) {
        namespaces[netns.rawValue].bridgeCallsIPTables = on
    }

    /// Equivalent to: `ip neigh replace ADDRESS lladdr MAC dev DEV nud permanent`.
    public mutating func addPermanentNeighbor(_ address: IPv4Address, mac: MACAddress, device: DeviceID) {
        let dev = self.device(device)
        namespaces[dev.netns.rawValue].permanentNeighbors.append(
            NeighborEntry(address: address, device: dev.name, mac: mac, state: .permanent, updated: .zero))
    }

    /// Equivalent to: `ip addr add A/N dev DEV`. Like the kernel (`fib_add_ifaddr`) this also installs
    /// `local A` and `broadcast` routes in table local and the connected prefix route in table main.
    public mutating func addAddress(_ address: IPv4Prefix, to id: DeviceID) throws(NetworkError) {
        let dev = device(id)
        let netnsName = namespace(dev.netns).name
        guard !dev.addresses.contains(where: { $0.address == address.address }) else {
            throw .duplicateAddress(netns: netnsName, address: "\(address)")
        }
        devices[id.rawValue].addresses.append(address)
        var routing = namespaces[dev.netns.rawValue].routing
        let host = IPv4Prefix(address: address.address, length: 32)
        var kernelRoutes = [
            Route(
                type: .local, destination: host, device: dev.name, scope: .host, proto: .kernel,
                source: address.address, table: .local)
        ]
        if address.length < 31 {
            kernelRoutes.append(
                Route(
                    type: .broadcast, destination: IPv4Prefix(address: address.broadcast, length: 32), device: dev.name,
                    scope: .link, proto: .kernel, source: address.address, table: .local))
        }
        if dev.kind == .loopback {
            kernelRoutes.append(
                Route(
                    type: .local, destination: address.masked, device: dev.name, scope: .host, proto: .kernel,
                    source: address.address, table: .local))
        } else if address.length < 32 {
            kernelRoutes.append(
                Route(
                    destination: address.masked, device: dev.name, scope: .link, proto: .kernel, source: address.address
                ))
        }
        for route in kernelRoutes {
            // The same local/broadcast address on several devices shares one entry (the kernel refcounts it).
            let present = routing.routes(in: route.table).contains {
                $0.destination == route.destination && $0.type == route.type
                    && ($0.type != .unicast || $0.device == route.device)
            }
            if !present { try? routing.add(route, exclusive: false) }
        }
        namespaces[dev.netns.rawValue].routing = routing
    }

    /// Equivalent to: `ip route add ROUTE` in the namespace; the device must exist and a gateway must be
    /// reachable unless the route is `onlink`.
    public mutating func addRoute(_ route: Route, in netns: NetnsID) throws(NetworkError) {
        let name = namespace(netns).name
        if let deviceName = route.device, device(named: deviceName, in: netns) == nil {
            throw .route(netns: name, .unknownDevice(deviceName))
        }
        var routing = namespaces[netns.rawValue].routing
        do { try routing.add(route) } catch { throw .route(netns: name, error) }
        namespaces[netns.rawValue].routing = routing
    }
}
