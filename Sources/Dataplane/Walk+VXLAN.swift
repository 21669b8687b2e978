import NetCore
import Routing
import Trace
import Wire

extension Walk {
    /// A frame sent out a VXLAN device. Linux: `vxlan_xmit` → `vxlan_xmit_one` — the inner destination MAC
    /// is looked up in the device FDB for the remote VTEP (no entry: dropped, flannel sets no L2MISS), the
    /// frame is wrapped in outer IPv4/UDP/VXLAN (source port from the inner flow hash, TTL 64, DF clear)
    /// and the outer packet leaves through the underlay like any locally generated packet.
    func vxlanXmit(_ device: DeviceID, _ config: VXLANConfig, _ frame: EthernetFrame) {
        let dev = network.device(device)
        guard let remote = config.fdb[frame.header.destination] else {
            record(.dropped(place(device), .vxlanNoForwardingEntry(frame.header.destination)))
            return
        }
        let udp = UDPHeader(sourcePort: Self.flowSourcePort(frame), destinationPort: config.port)
        let outer = IPv4Packet(
            header: IPv4Header(
                dontFragment: false, timeToLive: 64, protocol: .udp, source: config.local, destination: remote),
            payload: .udp(UDPDatagram(header: udp, payload: .vxlan(VXLANHeader(vni: config.vni), frame))))
        record(.encapsulate(place(device), vni: config.vni, outer: outer))
        guard network.device(named: config.underlay, in: dev.netns) != nil else {
            record(.dropped(place(device), .noSuchDevice(config.underlay)))
            return
        }
        skb.scrub(crossingNamespaces: false)  // iptunnel_xmit scrubs the skb: the outer packet is a new flow
        ipLocalOut(dev.netns, outer)
    }

    /// Linux: `vxlan_rcv` via the UDP tunnel socket on the VXLAN port — the VNI must match a VXLAN device of
    /// the namespace bound to that port; the inner frame is then received on that device.
    /// Returns false when no VXLAN device owns the datagram (the caller treats it as ordinary UDP).
    func vxlanReceive(_ netns: NetnsID, _ packet: IPv4Packet, _ datagram: UDPDatagram) -> Bool {
        let port = datagram.header.destinationPort
        let devices = network.namespace(netns).devices.map(network.device).filter {
            if case .vxlan(let config) = $0.kind { return config.port == port }
            return false
        }
        guard !devices.isEmpty else { return false }
        guard case .vxlan(let header, let inner) = datagram.payload else {
            // vxlan_rcv drops datagrams without a valid VXLAN header (I flag clear, too short).
            record(.dropped(place(netns), .vxlanMalformed(port: port)))
            return true
        }
        guard
            let device = devices.first(where: {
                if case .vxlan(let config) = $0.kind { return config.vni == header.vni }
                return false
            })
        else {
            record(.dropped(place(netns), .vxlanUnknownVNI(port: port)))
            return true
        }
        record(.decapsulate(place(device.id), vni: header.vni, from: packet.header.source))
        skb.scrub(crossingNamespaces: false)
        netifReceive(device.id, inner)
        return true
    }

    /// The outer UDP source port: a hash of the inner flow spread over 32768–60999 as `udp_flow_src_port`
    /// does (`hash ^= hash << 16`, then scaled into the range). The kernel's hash is seeded per boot; this
    /// one is stable so that traces repeat, and like the kernel's it is the same for every packet of a flow.
    static func flowSourcePort(_ frame: EthernetFrame) -> UInt16 {
        var key = "\(frame.header.source)>\(frame.header.destination)"
        if let packet = frame.ipv4 {
            key = "\(packet.header.source)>\(packet.header.destination)/\(packet.header.protocol.rawValue)"
            if let ports = packet.ports { key += ":\(ports.source)>\(ports.destination)" }
        }
        var hash = UInt32(truncatingIfNeeded: StableHash.fnv1a64(key))
        hash ^= hash << 16
        let low: UInt64 = 32768
        let high: UInt64 = 60999
        return UInt16((UInt64(hash) * (high - low)) >> 32 + low)
    }
}
