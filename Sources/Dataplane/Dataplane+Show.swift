import NetCore
import Routing

/// What `ip`/`bridge` would print inside one namespace, from the emulated state.
extension Dataplane {
    /// `ip route show` (table main), then `ip route show table local` under a `# table local` line.
    public func showRoutes(_ netns: NetnsID, includeLocal: Bool = true) -> String {
        let routing = network.namespace(netns).routing
        // The kernel dumps a table in trie order: by destination address, shorter prefix first.
        func dumpOrder(_ routes: [Route]) -> [Route] {
            routes.sorted {
                ($0.destination.address, $0.destination.length, $0.metric) < (
                    $1.destination.address, $1.destination.length, $1.metric
                )
            }
        }
        var lines = dumpOrder(routing.routes(in: .main)).map(\.description)
        if includeLocal {
            lines.append("# ip route show table local")
            lines += dumpOrder(routing.routes(in: .local)).map(\.description)
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `ip neigh show`: learned and permanent entries at the current simulated time.
    public func showNeighbors(_ netns: NetnsID) -> String {
        state.neighbors[netns.rawValue].listing(now: state.now).map(\.description).map { $0 + "\n" }.joined()
    }

    /// `bridge fdb show` for every bridge in the namespace (learned entries without `permanent`), then the
    /// VXLAN devices' entries (`MAC dev flannel.1 dst IP self permanent`).
    public func showFDB(_ netns: NetnsID) -> String {
        var lines: [String] = []
        for id in network.namespace(netns).devices where network.device(id).kind == .bridge {
            let bridge = network.device(id)
            let entries = (state.fdb[id]?.entries.values.map { $0 } ?? []).filter {
                $0.isLocal || state.now.seconds(since: $0.updated) < (state.fdb[id]?.ageingTime ?? 300)
            }
            for entry in entries.sorted(by: { ($0.port, $0.mac) < ($1.port, $1.mac) }) {
                let port = network.device(entry.port).name
                lines.append("\(entry.mac) dev \(port) master \(bridge.name)\(entry.isLocal ? " permanent" : "")")
            }
        }
        for id in network.namespace(netns).devices {
            guard case .vxlan(let config) = network.device(id).kind else { continue }
            let name = network.device(id).name
            for (mac, remote) in config.fdb.sorted(by: { $0.key < $1.key }) {
                lines.append("\(mac) dev \(name) dst \(remote) self permanent")
            }
        }
        return lines.map { $0 + "\n" }.joined()
    }

    /// `ip link show`.
    public func showLinks(_ netns: NetnsID) -> String {
        network.namespace(netns).devices.map { linkLines(network.device($0)).joined(separator: "\n") + "\n" }.joined()
    }

    /// `ip addr show`.
    public func showAddresses(_ netns: NetnsID) -> String {
        network.namespace(netns).devices.map { id -> String in
            let dev = network.device(id)
            var lines = linkLines(dev)
            for address in dev.addresses {
                let scope = address.address.isLoopback ? "host" : "global"
                let brd = address.length < 31 ? " brd \(address.broadcast)" : ""
                lines.append("    inet \(address)\(brd) scope \(scope) \(dev.name)")
            }
            return lines.joined(separator: "\n") + "\n"
        }.joined()
    }

    func linkLines(_ dev: Device) -> [String] {
        var name = dev.name
        var netnsSuffix = ""
        if case .veth(let peer) = dev.kind {
            let peerDev = network.device(peer)
            name += "@if\(peerDev.ifindex)"
            if peerDev.netns != dev.netns { netnsSuffix = " link-netns \(network.namespace(peerDev.netns).name)" }
        }
        let up = dev.isUp ? ",UP,LOWER_UP" : ""
        let flags = dev.kind == .loopback ? "LOOPBACK\(up)" : "BROADCAST,MULTICAST\(up)"
        let master = dev.master.map { " master \(network.device($0).name)" } ?? ""
        let state = dev.kind == .loopback ? "UNKNOWN" : (dev.isUp ? "UP" : "DOWN")
        let link =
            dev.kind == .loopback
            ? "    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00"
            : "    link/ether \(dev.mac) brd ff:ff:ff:ff:ff:ff\(netnsSuffix)"
        return ["\(dev.ifindex): \(name): <\(flags)> mtu \(dev.mtu)\(master) state \(state)", link]
    }
}
