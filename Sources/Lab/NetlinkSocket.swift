import CNetlink
import Glibc
import NetCore

/// A NETLINK_ROUTE socket bound to one lab namespace, through libnl-route-3.
///
/// The socket is opened once, on a dedicated thread that entered the namespace; a socket stays in the
/// namespace it was created in, so it is then used from the caller's thread (lab-notes §2). Not thread-safe
/// (`nl_sock` is not): one owner at a time, handed over whole from the thread that opened it (hence
/// `@unchecked Sendable`). Every write names its iproute2 equivalent. Links are addressed by interface index,
/// which the plan fixes at creation, so no write has to look a name up first.
final class NetlinkSocket: @unchecked Sendable {
    let netns: String
    private let socket: OpaquePointer
    var rawSocket: OpaquePointer { socket }

    /// Enters `netns` on a fresh thread and connects the socket there.
    convenience init(netns: String) throws(LabError) {
        self.init(netns: netns, socket: try inNamespace(netns) { () throws(LabError) in try Self.connect(netns) })
    }

    /// Connects in the calling thread's namespace, which must be `netns` (the lab's namespace workers call
    /// this right after creating it).
    convenience init(current netns: String) throws(LabError) {
        self.init(netns: netns, socket: try Self.connect(netns))
    }

    private init(netns: String, socket: OpaquePointer) {
        self.netns = netns
        self.socket = socket
    }

    private static func connect(_ netns: String) throws(LabError) -> OpaquePointer {
        guard let socket = nl_socket_alloc() else { throw LabError.system(call: "nl_socket_alloc", errno: ENOMEM) }
        let status = nl_connect(socket, NETLINK_ROUTE)
        guard status >= 0 else {
            nl_socket_free(socket)
            throw LabError.netlink(operation: "connect", netns: netns, message: Self.message(status))
        }
        return socket
    }

    deinit { nl_socket_free(socket) }

    static func message(_ status: Int32) -> String { String(cString: nl_geterror(status)) }

    private func check(_ status: Int32, _ operation: @autoclosure () -> String) throws(LabError) {
        guard status >= 0 else { throw .netlink(operation: operation(), netns: netns, message: Self.message(status)) }
    }

    // MARK: links

    /// The highest interface index in the namespace (1 in a fresh one: only `lo`; more where the kernel adds
    /// tunnel devices such as `tunl0` or `sit0` to every new namespace).
    func highestIndex() throws(LabError) -> Int32 {
        var highest: Int32 = 1
        try dump(.links) { object in highest = max(highest, rtnl_link_get_ifindex(object)) }
        return highest
    }

    /// Equivalent to: `ip link add NAME index I address MAC mtu N [master M] up type veth peer name PEER index
    /// PI address PMAC netns PEERNS` (the peer cannot be up before it has a namespace, so the caller brings
    /// it up with the peer namespace's socket).
    func addVeth(_ end: LinkEnd, master: Int32?, peer: LinkEnd, peerNamespaceFD: Int32) throws(LabError) {
        guard let link = rtnl_link_veth_alloc() else { throw .system(call: "rtnl_link_veth_alloc", errno: ENOMEM) }
        defer { rtnl_link_put(link) }
        try configure(link, end, up: true, master: master)
        guard let peerLink = rtnl_link_veth_get_peer(link) else { throw .system(call: "veth peer", errno: ENOMEM) }
        defer { rtnl_link_put(peerLink) }
        try configure(peerLink, peer, up: false, master: nil)
        rtnl_link_set_ns_fd(peerLink, peerNamespaceFD)
        try check(
            rtnl_link_add(socket, link, Int32(NLM_F_CREATE | NLM_F_EXCL)),
            "ip link add \(end.name) index \(end.index) type veth peer \(peer.name) index \(peer.index)")
    }

    /// Equivalent to: `ip link add NAME index I address MAC mtu N up type bridge`.
    func addBridge(_ end: LinkEnd) throws(LabError) {
        guard let link = rtnl_link_bridge_alloc() else { throw .system(call: "rtnl_link_bridge_alloc", errno: ENOMEM) }
        defer { rtnl_link_put(link) }
        try configure(link, end, up: true, master: nil)
        try check(
            rtnl_link_add(socket, link, Int32(NLM_F_CREATE | NLM_F_EXCL)),
            "ip link add \(end.name) index \(end.index) type bridge")
    }

    /// Equivalent to: `ip link add NAME index I address MAC mtu N up type vxlan id VNI local A dev UNDERLAY
    /// dstport PORT nolearning`.
    func addVXLAN(
        _ end: LinkEnd, vni: UInt32, local: IPv4Address, underlay: Int32, port: UInt16
    ) throws(LabError) {
        guard let link = rtnl_link_vxlan_alloc() else { throw .system(call: "rtnl_link_vxlan_alloc", errno: ENOMEM) }
        defer { rtnl_link_put(link) }
        try configure(link, end, up: true, master: nil)
        let address = try NetlinkAddress(local)
        rtnl_link_vxlan_set_id(link, vni)
        rtnl_link_vxlan_set_local(link, address.pointer)
        rtnl_link_vxlan_set_link(link, UInt32(underlay))
        rtnl_link_vxlan_set_port(link, UInt32(port))  // host order; libnl converts
        rtnl_link_vxlan_set_learning(link, 0)
        try check(
            rtnl_link_add(socket, link, Int32(NLM_F_CREATE | NLM_F_EXCL)),
            "ip link add \(end.name) index \(end.index) type vxlan")
    }

    /// Equivalent to: `ip link set NAME up` and, when asked, `sysctl -w net.ipv4.conf.NAME.proxy_arp=1`.
    func setUp(_ index: Int32, name: String, proxyARP: Bool = false) throws(LabError) {
        try change(index) { change throws(LabError) in
            rtnl_link_set_flags(change, UInt32(IFF_UP.rawValue))
            if proxyARP { rtnl_link_inet_set_conf(change, UInt32(IPV4_DEVCONF_PROXY_ARP), 1) }
        } operation: {
            "ip link set \(name) up"
        }
        if proxyARP { try setProxyDelayZero(index, name: name) }
    }

    /// Equivalent to: `ip link set NAME master BRIDGE`.
    func setMaster(_ index: Int32, name: String, master: Int32) throws(LabError) {
        try change(index) { change throws(LabError) in
            rtnl_link_set_master(change, master)
        } operation: {
            "ip link set \(name) master #\(master)"
        }
    }

    /// Equivalent to: `bridge link set dev NAME hairpin on`.
    func setHairpin(_ index: Int32, name: String) throws(LabError) {
        try change(index, family: Int32(AF_BRIDGE)) { change throws(LabError) in
            try check(rtnl_link_bridge_set_flags(change, UInt32(RTNL_BRIDGE_HAIRPIN_MODE.rawValue)), "hairpin flag")
        } operation: {
            "bridge link set dev \(name) hairpin on"
        }
    }

    /// One RTM_NEWLINK change of link `index`, built by `body`; no read of the link first (libnl takes the
    /// index from the "original", and the flags `body` sets carry their own change mask).
    private func change(
        _ index: Int32, family: Int32? = nil, _ body: (OpaquePointer) throws(LabError) -> Void,
        operation: () -> String
    ) throws(LabError) {
        guard let change = rtnl_link_alloc() else { throw .system(call: "rtnl_link_alloc", errno: ENOMEM) }
        defer { rtnl_link_put(change) }
        rtnl_link_set_ifindex(change, index)
        if let family { rtnl_link_set_family(change, family) }
        try body(change)
        try check(rtnl_link_change(socket, change, change, 0), operation())
    }

    /// Equivalent to: `sysctl -w net.ipv4.neigh.NAME.proxy_delay=0`. Proxy ARP answers at once in the
    /// emulator; the kernel waits a random time up to proxy_delay (0.8 s) unless told otherwise, as Calico's
    /// felix does for every cali interface.
    private func setProxyDelayZero(_ index: Int32, name: String) throws(LabError) {
        guard let table = rtnl_neightbl_alloc() else { throw .system(call: "rtnl_neightbl_alloc", errno: ENOMEM) }
        defer { nl_object_put(table) }
        rtnl_neightbl_set_family(table, AF_INET)
        rtnl_neightbl_set_name(table, "arp_cache")
        rtnl_neightbl_set_dev(table, index)
        rtnl_neightbl_set_proxy_delay(table, 0)
        try check(rtnl_neightbl_change(socket, table, table), "sysctl net.ipv4.neigh.\(name).proxy_delay=0")
    }

    private func configure(_ link: OpaquePointer, _ end: LinkEnd, up: Bool, master: Int32?) throws(LabError) {
        rtnl_link_set_name(link, end.name)
        rtnl_link_set_ifindex(link, end.index)
        let address = try NetlinkAddress(end.mac)
        rtnl_link_set_addr(link, address.pointer)
        rtnl_link_set_mtu(link, UInt32(end.mtu))
        if up { rtnl_link_set_flags(link, UInt32(IFF_UP.rawValue)) }
        if let master { rtnl_link_set_master(link, master) }
    }

    // MARK: addresses, routes, neighbours

    /// Equivalent to: `ip addr add A/N dev DEV`.
    func addAddress(_ prefix: IPv4Prefix, device: Int32) throws(LabError) {
        guard let address = rtnl_addr_alloc() else { throw .system(call: "rtnl_addr_alloc", errno: ENOMEM) }
        defer { rtnl_addr_put(address) }
        let local = try NetlinkAddress(prefix.address, length: prefix.length)
        rtnl_addr_set_ifindex(address, device)
        try check(rtnl_addr_set_local(address, local.pointer), "address \(prefix)")
        if prefix.length < 31 {
            let broadcast = try NetlinkAddress(prefix.broadcast)
            rtnl_addr_set_broadcast(address, broadcast.pointer)
        }
        let status = rtnl_addr_add(socket, address, 0)
        if status == -NLE_EXIST { return }  // re-applying is idempotent
        try check(status, "ip addr add \(prefix) dev #\(device)")
    }

    /// Equivalent to: `ip route replace ROUTE` (type, table, proto, scope, src, metric, via, dev, onlink).
    func replaceRoute(_ route: KernelRoute) throws(LabError) {
        guard let object = rtnl_route_alloc() else { throw .system(call: "rtnl_route_alloc", errno: ENOMEM) }
        defer { rtnl_route_put(object) }
        rtnl_route_set_family(object, UInt8(AF_INET))
        let destination = try NetlinkAddress(route.destination.address, length: route.destination.length)
        try check(rtnl_route_set_dst(object, destination.pointer), "route destination")
        rtnl_route_set_type(object, route.type)
        rtnl_route_set_table(object, route.table)
        rtnl_route_set_protocol(object, route.proto)
        rtnl_route_set_scope(object, route.scope)
        rtnl_route_set_priority(object, route.metric)
        if let source = route.source {
            let address = try NetlinkAddress(source)
            try check(rtnl_route_set_pref_src(object, address.pointer), "route src")
        }
        if let device = route.device {
            guard let hop = rtnl_route_nh_alloc() else { throw .system(call: "rtnl_route_nh_alloc", errno: ENOMEM) }
            rtnl_route_nh_set_ifindex(hop, device)
            if let gateway = route.gateway {
                let address = try NetlinkAddress(gateway)
                rtnl_route_nh_set_gateway(hop, address.pointer)
            }
            if route.onlink { rtnl_route_nh_set_flags(hop, UInt32(RTNH_F_ONLINK)) }
            rtnl_route_add_nexthop(object, hop)  // the route owns the next hop now
        }
        try check(
            rtnl_route_add(socket, object, Int32(NLM_F_CREATE | NLM_F_REPLACE)), "ip route replace \(route.text)")
    }

    /// Equivalent to: `ip neigh replace ADDRESS lladdr MAC dev DEV nud permanent`.
    func replaceNeighbor(_ address: IPv4Address, mac: MACAddress, device: Int32) throws(LabError) {
        try replacePermanent(address, mac: mac, device: device, fdb: false, "ip neigh replace \(address) lladdr \(mac)")
    }

    /// Equivalent to: `bridge fdb replace MAC dev DEV dst REMOTE self permanent`.
    func replaceFDB(_ mac: MACAddress, remote: IPv4Address, device: Int32) throws(LabError) {
        try replacePermanent(remote, mac: mac, device: device, fdb: true, "bridge fdb replace \(mac) dst \(remote)")
    }

    /// A permanent neighbour entry, or (`fdb`) its AF_BRIDGE twin: a VXLAN FDB entry `self` with a remote.
    private func replacePermanent(
        _ address: IPv4Address, mac: MACAddress, device: Int32, fdb: Bool, _ operation: String
    ) throws(LabError) {
        guard let entry = rtnl_neigh_alloc() else { throw .system(call: "rtnl_neigh_alloc", errno: ENOMEM) }
        defer { rtnl_neigh_put(entry) }
        let destination = try NetlinkAddress(address)
        let link = try NetlinkAddress(mac)
        rtnl_neigh_set_ifindex(entry, device)
        // The destination first: setting it adopts its family, and AF_BRIDGE must come after (lab-notes §3).
        try check(rtnl_neigh_set_dst(entry, destination.pointer), operation)
        if fdb {
            rtnl_neigh_set_family(entry, Int32(AF_BRIDGE))
            rtnl_neigh_set_flags(entry, UInt32(NTF_SELF))
        }
        rtnl_neigh_set_lladdr(entry, link.pointer)
        rtnl_neigh_set_state(entry, Int32(NUD_PERMANENT))
        try check(rtnl_neigh_add(socket, entry, Int32(NLM_F_CREATE | NLM_F_REPLACE)), operation)
    }

    // MARK: read-back

    /// Every object of a freshly dumped cache, handed to `body` (the cache is freed afterwards).
    func dump(_ what: Dump, _ body: (OpaquePointer) throws(LabError) -> Void) throws(LabError) {
        var cache: OpaquePointer?
        let status: Int32
        switch what {
        case .links: status = rtnl_link_alloc_cache(socket, AF_UNSPEC, &cache)
        case .addresses: status = rtnl_addr_alloc_cache(socket, &cache)
        case .routes: status = rtnl_route_alloc_cache(socket, AF_INET, 0, &cache)
        case .neighbors: status = rtnl_neigh_alloc_cache_flags(socket, &cache, UInt32(NL_CACHE_AF_ITER))
        }
        try check(status, "dump \(what)")
        guard let cache else { return }
        defer { nl_cache_free(cache) }
        var object = nl_cache_get_first(cache)
        while let current = object {
            try body(current)
            object = nl_cache_get_next(current)
        }
    }

    enum Dump { case links, addresses, routes, neighbors }
}

/// A route in the kernel's numbers, ready for `rtnl_route_add`.
struct KernelRoute {
    var destination: IPv4Prefix
    var type: UInt8
    var table: UInt32
    var proto: UInt8
    var scope: UInt8
    var metric: UInt32
    var source: IPv4Address?
    var device: Int32?
    var gateway: IPv4Address?
    var onlink: Bool
    /// `ip route` text for error messages.
    var text: String
}

/// An owned `struct nl_addr`.
final class NetlinkAddress {
    let pointer: OpaquePointer

    init(_ address: IPv4Address, length: Int = 32) throws(LabError) {
        var bytes = address.bytes
        guard let pointer = nl_addr_build(AF_INET, &bytes, 4) else {
            throw .system(call: "nl_addr_build", errno: ENOMEM)
        }
        nl_addr_set_prefixlen(pointer, Int32(length))
        self.pointer = pointer
    }

    init(_ mac: MACAddress) throws(LabError) {
        var bytes = mac.bytes
        guard let pointer = nl_addr_build(AF_LLC, &bytes, 6) else {
            throw .system(call: "nl_addr_build", errno: ENOMEM)
        }
        self.pointer = pointer
    }

    deinit { nl_addr_put(pointer) }

    /// Reads an IPv4 address out of a borrowed `nl_addr` (nil for other families or lengths).
    static func ipv4(_ pointer: OpaquePointer?) -> IPv4Address? {
        guard let pointer, nl_addr_get_family(pointer) == AF_INET, nl_addr_get_len(pointer) == 4,
            let raw = nl_addr_get_binary_addr(pointer)
        else { return nil }
        let bytes = raw.assumingMemoryBound(to: UInt8.self)
        return IPv4Address(bytes[0], bytes[1], bytes[2], bytes[3])
    }

    /// Reads a MAC address out of a borrowed `nl_addr`.
    static func mac(_ pointer: OpaquePointer?) -> MACAddress? {
        guard let pointer, nl_addr_get_len(pointer) == 6, let raw = nl_addr_get_binary_addr(pointer) else { return nil }
        return MACAddress(bytes: UnsafeBufferPointer(start: raw.assumingMemoryBound(to: UInt8.self), count: 6))
    }
}
