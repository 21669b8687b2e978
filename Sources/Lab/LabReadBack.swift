import CNetlink
import Dataplane
import NetCore
import Routing
import Scenario

/// `kdp lab show`: one namespace's kernel state read back through libnl and compared with the emulator's,
/// both printed in the same `ip`/`bridge` syntax so the difference is a plain set difference of lines.
public enum LabReadBack {
    public enum What: String, Sendable, CaseIterable { case routes, neigh, fdb, links, addrs }

    /// The two listings, sorted, and the lines only one side has.
    public struct Comparison: Sendable {
        public var emulator: [String]
        public var kernel: [String]
        public var onlyEmulator: [String] {
            let kernel = Set(self.kernel)
            return emulator.filter { !kernel.contains($0) }
        }
        public var onlyKernel: [String] {
            let emulator = Set(self.emulator)
            return kernel.filter { !emulator.contains($0) }
        }
        public var agrees: Bool { emulator == kernel }
    }

    /// Reads `what` in the lab's copy of emulator namespace `netns` and lists the emulator's side.
    ///
    /// Compared: routes of every table (BGP routes as the emulator's BGP model installed them); permanent
    /// neighbours; VXLAN FDB entries and the bridges' own permanent entries (learned entries depend on
    /// traffic, the kernel's multicast `self` entries are not modelled); links by name, kind, MAC, MTU, state,
    /// master and VXLAN settings (a NIC on an underlay segment is a veth in the lab); IPv4 addresses with
    /// their prefix length, device and scope.
    public static func compare(lab: String, cluster: Cluster, netns: NetnsID, what: What) throws(LabError)
        -> Comparison
    {
        let network = cluster.dataplane.network
        let kernelName = LabPlan.kernelName(lab: lab, network.namespace(netns).name)
        guard KernelNamespace.exists(kernelName) else {
            throw .ledger("lab \(lab) has no namespace \(kernelName); is the lab up with this topology?")
        }
        let reader = KernelReader(socket: try NetlinkSocket(netns: kernelName))
        let emulator: [String]
        let kernel: [String]
        switch what {
        case .routes:
            emulator = network.namespace(netns).routing.tables.values.flatMap(\.routes).map(routeLine)
            kernel = try reader.routes().map(routeLine)
        case .neigh:
            emulator = network.namespace(netns).permanentNeighbors.compactMap { entry in
                entry.mac.map { "\(entry.address) dev \(entry.device) lladdr \($0) PERMANENT" }
            }
            kernel = try reader.neighborsAndFDB().neighbors.compactMap { address, device, mac, state in
                guard state & Int32(NUD_PERMANENT) != 0, let mac else { return nil }
                return "\(address) dev \(device) lladdr \(mac) PERMANENT"
            }
        case .fdb:
            emulator = emulatorFDB(network, netns)
            kernel = try reader.neighborsAndFDB().fdb.compactMap { entry in
                if let destination = entry.destination, entry.isSelf {
                    return "\(entry.mac) dev \(entry.device) dst \(destination) self permanent"
                }
                guard entry.permanent, !entry.isSelf, !entry.mac.isMulticast, let master = entry.master else {
                    return nil
                }
                return "\(entry.mac) dev \(entry.device) master \(master) permanent"
            }
        case .links:
            emulator = network.namespace(netns).devices.map { linkLine(network, network.device($0)) }
            kernel = try reader.links().map(linkLine)
        case .addrs:
            emulator = network.namespace(netns).devices.flatMap { id in
                let device = network.device(id)
                return device.addresses.map { addressLine($0, device: device.name) }
            }
            kernel = try reader.addresses().map { addressLine($0.prefix, device: $0.device, scope: $0.scope) }
        }
        return Comparison(emulator: Array(Set(emulator)).sorted(), kernel: Array(Set(kernel)).sorted())
    }

    /// `ip -4 addr` syntax, one address per line: `inet 10.244.1.1/24 scope global cni0`. The emulator's
    /// scope is the kernel's default for the address (host for 127/8).
    static func addressLine(_ prefix: IPv4Prefix, device: String, scope: String? = nil) -> String {
        "inet \(prefix) scope \(scope ?? (prefix.address.isLoopback ? "host" : "global")) \(device)"
    }

    /// `ip route show table all` syntax with the table named unless it is main.
    static func routeLine(_ route: Route) -> String {
        route.table == .main ? route.description : "\(route.description) table \(route.table)"
    }

    static func emulatorFDB(_ network: Network, _ netns: NetnsID) -> [String] {
        var lines: [String] = []
        for id in network.namespace(netns).devices {
            let device = network.device(id)
            if device.kind == .bridge {
                lines.append("\(device.mac) dev \(device.name) master \(device.name) permanent")
                for port in network.ports(of: id) {
                    lines.append(
                        "\(network.device(port).mac) dev \(network.device(port).name) master \(device.name) permanent")
                }
            }
            if case .vxlan(let config) = device.kind {
                for (mac, remote) in config.fdb {
                    lines.append("\(mac) dev \(device.name) dst \(remote) self permanent")
                }
            }
        }
        return lines
    }

    static func linkLine(_ network: Network, _ device: Device) -> String {
        let kind =
            switch device.kind {
            case .ethernet: "veth"
            default: device.kind.name
            }
        var vxlan: String?
        if case .vxlan(let config) = device.kind {
            vxlan =
                "vxlan id \(config.vni) local \(config.local) dev \(config.underlay) dstport \(config.port) nolearning"
        }
        return linkLine(
            KernelLink(
                name: device.name, kind: kind, mac: device.kind == .loopback ? MACAddress.zero : device.mac,
                mtu: device.mtu, isUp: device.isUp, master: device.master.map { network.device($0).name },
                vxlan: vxlan))
    }

    static func linkLine(_ link: KernelLink) -> String {
        var parts = [link.name, link.kind, "address \(link.mac.map { "\($0)" } ?? "none")", "mtu \(link.mtu)"]
        parts.append(link.isUp ? "up" : "down")
        if let master = link.master { parts.append("master \(master)") }
        if let vxlan = link.vxlan { parts.append(vxlan) }
        return parts.joined(separator: " ")
    }
}
