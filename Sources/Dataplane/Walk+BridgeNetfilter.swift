import NetCore
import Netfilter
import Routing
import Trace
import Wire

extension Walk {
    /// br_netfilter is loaded and `bridge-nf-call-iptables` is on for the bridge's namespace.
    func brNetfilterActive(_ bridge: DeviceID) -> Bool {
        let netns = network.namespace(network.device(bridge).netns)
        return netns.ruleset != nil && netns.bridgeCallsIPTables
    }

    /// IPv4 PREROUTING for a frame entering a bridge port, before the bridge decides anything.
    /// Linux: `br_nf_pre_routing` → `br_nf_pre_routing_finish`: when DNAT changed the destination and the new
    /// route leaves through the same bridge, the frame stays bridged with the neighbour's MAC ("bridged
    /// DNAT": no TTL decrement); otherwise it is addressed to the bridge and handed to the IP stack, which
    /// does not run PREROUTING again (`ip_sabotage_in`).
    func brNFPreRouting(bridge: DeviceID, port: DeviceID, _ frame: EthernetFrame) -> EthernetFrame? {
        guard let packet = frame.ipv4 else { return frame }
        let netns = network.device(bridge).netns
        let bridgeDevice = network.device(bridge)
        guard
            let hooked = nfHook(
                .prerouting, netns, packet, inName: bridgeDevice.name, physIn: network.device(port).name)
        else {
            return nil
        }
        var frame = EthernetFrame(header: frame.header, payload: .ipv4(hooked))
        skb.preroutingDone = true
        guard hooked.header.destination != packet.header.destination else { return frame }
        let match = network.namespace(netns).routing.lookup(hooked.header.destination, source: hooked.header.source)
        if let route = match?.route, route.type == .unicast, route.device == bridgeDevice.name {
            // Recorded only here: a routed DNAT is looked up again, visibly, by the IP stack.
            record(
                .routeLookup(
                    place(netns), direction: .input, destination: hooked.header.destination, route: route,
                    table: match?.table))
            let nextHop = route.gateway ?? hooked.header.destination
            guard let mac = neighResolve(netns, bridge, nextHop, sourceHint: hooked.header.source) else {
                record(.dropped(place(netns, bridge), .neighborFailed(nextHop, device: bridgeDevice.name)))
                return nil
            }
            frame.header.destination = mac
            frame.header.source = bridgeDevice.mac
            skb.preroutingDone = false
        } else {
            frame.header.destination = bridgeDevice.mac
        }
        return frame
    }

    /// A bridged IPv4 frame leaving through `to`: FORWARD and POSTROUTING with in = out = the bridge
    /// (`br_nf_forward_ip`, `br_nf_post_routing`), then the port transmits it.
    func brForward(bridge: DeviceID, from: DeviceID, to: DeviceID, _ frame: EthernetFrame) {
        guard brNetfilterActive(bridge), let packet = frame.ipv4 else {
            devQueueXmit(to, frame)
            return
        }
        let netns = network.device(bridge).netns
        let name = network.device(bridge).name
        let physIn = network.device(from).name
        let physOut = network.device(to).name
        guard
            let forwarded = nfHook(
                .forward, netns, packet, inName: name, outName: name, physIn: physIn, physOut: physOut),
            let posted = nfHook(
                .postrouting, netns, forwarded, outName: name, physIn: physIn, physOut: physOut, outDevice: bridge)
        else { return }
        devQueueXmit(to, EthernetFrame(header: frame.header, payload: .ipv4(posted)))
    }
}
