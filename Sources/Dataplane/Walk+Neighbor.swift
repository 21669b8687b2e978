import NetCore
import Routing
import Trace
import Wire

extension Walk {
    /// Resolves `nextHop` on `device` to a MAC. Linux: `neigh_resolve_output` / `arp_solicit` — a cache hit
    /// is used as is (REACHABLE or STALE); otherwise a broadcast ARP request is sent and the walk follows
    /// it until the reply updates the cache. The kernel retries `mcast_solicit` (3) times before FAILED;
    /// the emulator's wire is lossless, so one unanswered request is already final.
    func neighResolve(_ netns: NetnsID, _ device: DeviceID, _ nextHop: IPv4Address, sourceHint: IPv4Address)
        -> MACAddress?
    {
        let dev = network.device(device)
        let here = place(netns, device)
        if dev.noARP {
            record(.neighbor(here, address: nextHop, outcome: .noARP))
            return dev.kind == .loopback ? dev.mac : .broadcast
        }
        let now = state.now
        if let entry = state.neighbors[netns.rawValue].lookup(nextHop, device: dev.name, now: now), let mac = entry.mac,
            entry.state != .failed
        {
            record(.neighbor(here, address: nextHop, outcome: .cached(mac, entry.state)))
            return mac
        }
        let senderIP = network.isLocal(sourceHint, in: netns) ? sourceHint : selectSource(device, toward: nextHop)
        let request = ARPPacket(
            operation: .request, senderMAC: dev.mac, senderIP: senderIP, targetMAC: .zero, targetIP: nextHop)
        let frame = EthernetFrame(
            header: EthernetHeader(destination: .broadcast, source: dev.mac, etherType: .arp), payload: .arp(request))
        let exchange = branch("ARP who-has \(nextHop)") {
            withFreshSKB { inNewJourney { devQueueXmit(device, frame) } }
        }
        if let entry = state.neighbors[netns.rawValue].lookup(nextHop, device: dev.name, now: state.now),
            let mac = entry.mac,
            entry.state != .failed
        {
            record(.neighbor(here, address: nextHop, outcome: .resolved(mac, exchange: exchange)))
            return mac
        }
        state.neighbors[netns.rawValue].fail(nextHop, device: dev.name, now: state.now)
        record(.neighbor(here, address: nextHop, outcome: .failed(exchange: exchange)))
        return nil
    }

    /// Linux: `arp_process`. A request for one of our addresses (any device of the namespace, `arp_ignore=0`)
    /// creates a neighbour entry for the sender and is answered; with `proxy_arp`, requests for addresses
    /// routed through another device are answered with our MAC. A reply addressed to us confirms the entry.
    func arpRcv(_ device: DeviceID, _ frame: EthernetFrame, _ arp: ARPPacket) {
        let dev = network.device(device)
        let netns = dev.netns
        let here = place(device)
        let now = state.now
        guard frame.header.destination == dev.mac || frame.header.destination.isBroadcast else {
            record(.dropped(here, .notForThisHost(frame.header.destination)))
            return
        }
        record(.receive(here, frame))
        switch arp.operation {
        case .request:
            let ours = network.isLocal(arp.targetIP, in: netns)
            let proxied = !ours && dev.proxyARP && proxyTarget(netns, device, arp.targetIP)
            guard ours || proxied else {
                record(.dropped(here, .arpNotForUs(arp.targetIP)))
                return
            }
            do {
                // Linux creates the sender's entry for requests it answers, proxied ones included
                // (neigh_event_ns → STALE).
                state.neighbors[netns.rawValue].confirm(
                    arp.senderIP, device: dev.name, mac: arp.senderMAC, now: now, state: .stale)
                record(.arpLearn(here, address: arp.senderIP, mac: arp.senderMAC))
            }
            let reply = ARPPacket(
                operation: .reply, senderMAC: dev.mac, senderIP: arp.targetIP, targetMAC: arp.senderMAC,
                targetIP: arp.senderIP)
            let replyFrame = EthernetFrame(
                header: EthernetHeader(destination: arp.senderMAC, source: dev.mac, etherType: .arp),
                payload: .arp(reply))
            record(.arpReply(here, address: arp.targetIP, to: arp.senderIP))
            inNewJourney { devQueueXmit(device, replyFrame) }
        case .reply:
            guard network.isLocal(arp.targetIP, in: netns) else {
                record(.dropped(here, .arpNotForUs(arp.targetIP)))
                return
            }
            state.neighbors[netns.rawValue].confirm(arp.senderIP, device: dev.name, mac: arp.senderMAC, now: now)
            record(.arpLearn(here, address: arp.senderIP, mac: arp.senderMAC))
        default:
            record(.dropped(here, .arpNotForUs(arp.targetIP)))
        }
    }

    /// Proxy ARP answers when the target is routed out of a different device (`arp_fwd_proxy`).
    func proxyTarget(_ netns: NetnsID, _ device: DeviceID, _ target: IPv4Address) -> Bool {
        guard let route = network.namespace(netns).routing.lookup(target, source: nil)?.route, route.type == .unicast
        else { return false }
        return route.device != network.device(device).name
    }
}
