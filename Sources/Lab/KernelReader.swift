import CNetlink
import Glibc
import NetCore
import Routing

/// A link as the kernel reports it (`ip -d link show`).
public struct KernelLink: Hashable, Sendable {
    public var name: String
    public var kind: String
    public var mac: MACAddress?
    public var mtu: Int
    public var isUp: Bool
    public var master: String?
    /// `vxlan id VNI local A dev DEV dstport PORT`, when the link is a VXLAN device.
    public var vxlan: String?
}

/// An FDB entry as `bridge fdb show` lists it.
public struct KernelFDBEntry: Hashable, Sendable {
    public var mac: MACAddress
    public var device: String
    public var destination: IPv4Address?
    public var permanent: Bool
    public var isSelf: Bool
    /// The bridge, for entries of a bridge port (`master cni0`).
    public var master: String?
}

/// Reads a namespace's links, routes, neighbours and FDB back into model values, through its socket.
struct KernelReader {
    let socket: NetlinkSocket

    /// Equivalent to: `ip -d link show`.
    func links() throws(LabError) -> [KernelLink] {
        /// A VXLAN device's settings; the underlay is an ifindex until every link's name is known.
        typealias VXLAN = (vni: UInt32, local: IPv4Address?, underlay: Int32, port: UInt32, learning: Bool)
        var raw: [(index: Int32, link: KernelLink, master: Int32, vxlan: VXLAN?)] = []
        try socket.dump(.links) { object in
            let name = String(cString: rtnl_link_get_name(object))
            let type = rtnl_link_get_type(object).map { String(cString: $0) }
            let link = KernelLink(
                name: name, kind: type ?? (name == "lo" ? "loopback" : "ether"),
                mac: NetlinkAddress.mac(rtnl_link_get_addr(object)), mtu: Int(rtnl_link_get_mtu(object)),
                isUp: rtnl_link_get_flags(object) & UInt32(IFF_UP.rawValue) != 0)
            var vxlan: VXLAN?
            if type == "vxlan" {
                var vni: UInt32 = 0
                var port: UInt32 = 0
                var underlay: UInt32 = 0
                var local: OpaquePointer?
                rtnl_link_vxlan_get_id(object, &vni)
                rtnl_link_vxlan_get_port(object, &port)
                rtnl_link_vxlan_get_link(object, &underlay)
                rtnl_link_vxlan_get_local(object, &local)  // a new nl_addr, ours to put
                vxlan = (
                    vni, NetlinkAddress.ipv4(local), Int32(underlay), port, rtnl_link_vxlan_get_learning(object) != 0
                )
                if let local { nl_addr_put(local) }
            }
            raw.append((rtnl_link_get_ifindex(object), link, rtnl_link_get_master(object), vxlan))
        }
        let names = Dictionary(raw.map { ($0.index, $0.link.name) }, uniquingKeysWith: { a, _ in a })
        return raw.map { entry in
            var link = entry.link
            link.master = entry.master > 0 ? names[entry.master] : nil
            if let vxlan = entry.vxlan {
                link.vxlan =
                    "vxlan id \(vxlan.vni) local \(vxlan.local.map { "\($0)" } ?? "-")"
                    + " dev \(names[vxlan.underlay] ?? "#\(vxlan.underlay)") dstport \(vxlan.port)"
                    + (vxlan.learning ? "" : " nolearning")
            }
            return link
        }
    }

    private func deviceNames() throws(LabError) -> [Int32: String] {
        var names: [Int32: String] = [:]
        try socket.dump(.links) { object in
            names[rtnl_link_get_ifindex(object)] = String(cString: rtnl_link_get_name(object))
        }
        return names
    }

    /// Equivalent to: `ip -4 addr show`: each address with its prefix length, device and scope name.
    func addresses() throws(LabError) -> [(prefix: IPv4Prefix, device: String, scope: String)] {
        let names = try deviceNames()
        var addresses: [(prefix: IPv4Prefix, device: String, scope: String)] = []
        try socket.dump(.addresses) { object in
            guard rtnl_addr_get_family(object) == AF_INET, let local = NetlinkAddress.ipv4(rtnl_addr_get_local(object))
            else { return }
            let index = rtnl_addr_get_ifindex(object)
            let scope =
                switch rtnl_addr_get_scope(object) {
                case 0: "global"
                case 253: "link"
                case 254: "host"
                case let other: "\(other)"
                }
            addresses.append(
                (
                    IPv4Prefix(address: local, length: Int(rtnl_addr_get_prefixlen(object))),
                    names[index] ?? "#\(index)", scope
                ))
        }
        return addresses
    }

    /// Equivalent to: `ip route show table all` (IPv4; the first next hop of each route).
    func routes() throws(LabError) -> [Route] {
        let names = try deviceNames()
        var routes: [Route] = []
        try socket.dump(.routes) { object in
            guard let destination = rtnl_route_get_dst(object),
                let address = NetlinkAddress.ipv4(destination)
                    ?? (nl_addr_get_len(destination) == 0 ? IPv4Address.any : nil),
                let type = RouteNumbers.type(rtnl_route_get_type(object))
            else { return }
            let prefix = IPv4Prefix(address: address, length: Int(nl_addr_get_prefixlen(destination)))
            var gateway: IPv4Address?
            var device: String?
            var onlink = false
            if rtnl_route_get_nnexthops(object) > 0, let hop = rtnl_route_nexthop_n(object, 0) {
                gateway = NetlinkAddress.ipv4(rtnl_route_nh_get_gateway(hop))
                let index = rtnl_route_nh_get_ifindex(hop)
                device = index > 0 ? names[index] ?? "#\(index)" : nil
                onlink = rtnl_route_nh_get_flags(hop) & UInt32(RTNH_F_ONLINK) != 0
            }
            routes.append(
                Route(
                    type: type, destination: prefix, gateway: gateway, device: device,
                    metric: rtnl_route_get_priority(object),
                    scope: RouteNumbers.scope(rtnl_route_get_scope(object)) ?? .universe,
                    proto: RouteNumbers.proto(rtnl_route_get_protocol(object)),
                    source: NetlinkAddress.ipv4(rtnl_route_get_pref_src(object)), onlink: onlink,
                    table: RouteTableID(rawValue: rtnl_route_get_table(object))))
        }
        return routes
    }

    /// Equivalent to: `ip neigh show` (IPv4 entries) and `bridge fdb show` (AF_BRIDGE entries) in one dump.
    func neighborsAndFDB() throws(LabError) -> (
        neighbors: [(IPv4Address, String, MACAddress?, Int32)], fdb: [KernelFDBEntry]
    ) {
        let names = try deviceNames()
        var neighbors: [(IPv4Address, String, MACAddress?, Int32)] = []
        var fdb: [KernelFDBEntry] = []
        try socket.dump(.neighbors) { object in
            let device = names[rtnl_neigh_get_ifindex(object)] ?? "#\(rtnl_neigh_get_ifindex(object))"
            let state = rtnl_neigh_get_state(object)
            let mac = NetlinkAddress.mac(rtnl_neigh_get_lladdr(object))
            if rtnl_neigh_get_family(object) == AF_BRIDGE {
                guard let mac else { return }
                fdb.append(
                    KernelFDBEntry(
                        mac: mac, device: device, destination: NetlinkAddress.ipv4(rtnl_neigh_get_dst(object)),
                        permanent: state & Int32(NUD_PERMANENT) != 0,
                        isSelf: rtnl_neigh_get_flags(object) & UInt32(NTF_SELF) != 0,
                        master: rtnl_neigh_get_master(object) > 0 ? names[rtnl_neigh_get_master(object)] : nil))
            } else if let address = NetlinkAddress.ipv4(rtnl_neigh_get_dst(object)) {
                neighbors.append((address, device, mac, state))
            }
        }
        return (neighbors, fdb)
    }
}
