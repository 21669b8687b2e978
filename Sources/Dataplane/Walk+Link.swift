import NetCore
import Routing
import Trace
import Wire

extension Walk {
    /// A frame leaves `device`. Linux: `dev_queue_xmit` → the driver's `ndo_start_xmit`
    /// (`veth_xmit`, `br_dev_xmit`, a NIC onto its segment, `loopback_xmit`).
    func devQueueXmit(_ device: DeviceID, _ frame: EthernetFrame) {
        guard !isStopped else { return }
        let dev = network.device(device)
        guard dev.isUp else {
            record(.dropped(place(device), .linkDown(dev.name)))
            return
        }
        tick()
        switch dev.kind {
        case .bridge:
            brDevXmit(device, frame)
        case .veth(let peer):
            record(.transmit(place(device), frame))
            let peerDev = network.device(peer)
            guard peerDev.isUp else {
                record(.dropped(place(peer), .linkDown(peerDev.name)))
                return
            }
            record(.link(from: place(device), to: place(peer), medium: "veth"))
            skb.scrub(crossingNamespaces: peerDev.netns != dev.netns)
            netifReceive(peer, frame)
        case .ethernet(let segment):
            record(.transmit(place(device), frame))
            guard let segment else {
                record(.dropped(place(device), .linkDown("\(dev.name) (no carrier)")))
                return
            }
            segmentDeliver(segment, from: device, frame)
        case .loopback:
            netifReceive(device, frame)
        case .vxlan(let config):
            record(.transmit(place(device), frame))
            vxlanXmit(device, config, frame)
        }
    }

    /// The underlay switch: unicast to the NIC owning the destination MAC, else to every other NIC.
    func segmentDeliver(_ segment: SegmentID, from sender: DeviceID, _ frame: EthernetFrame) {
        let seg = network.segment(segment)
        let others = seg.devices.filter { $0 != sender }
        let owner = others.first { network.device($0).mac == frame.header.destination }
        let receivers = frame.header.destination.isMulticast ? others : owner.map { [$0] } ?? others
        let medium = "segment \(seg.name)"
        skb.scrub(crossingNamespaces: true)
        if receivers.count == 1, let only = receivers.first {
            record(.link(from: place(sender), to: place(only), medium: medium))
            netifReceive(only, frame)
            return
        }
        let copies = receivers.map { receiver in
            branch("\(medium) copy to \(place(receiver))") {
                record(.link(from: place(sender), to: place(receiver), medium: medium))
                netifReceive(receiver, frame)
            }
        }
        if copies.isEmpty {
            record(.dropped(place(sender), .noReceiver(segment: seg.name)))
        } else {
            record(.fork(copies))
        }
    }

    /// A device receives a frame. Linux: `__netif_receive_skb` → the bridge's rx handler for ports
    /// (`br_handle_frame`), else the protocol handler (`ip_rcv`, `arp_rcv`).
    func netifReceive(_ device: DeviceID, _ frame: EthernetFrame) {
        guard !isStopped else { return }
        let dev = network.device(device)
        guard visit(device) else {
            record(.dropped(place(device), .loop("\(place(device)): the same frame arrived twice (L2 loop)")))
            return
        }
        guard dev.isUp else {
            record(.dropped(place(device), .linkDown(dev.name)))
            return
        }
        if frame.length - EthernetHeader.length > dev.mtu {
            record(.dropped(place(device), .frameTooBig(length: frame.length - EthernetHeader.length, mtu: dev.mtu)))
            return
        }
        if let bridge = dev.master {
            brHandleFrame(bridge: bridge, port: device, frame)
            return
        }
        protocolReceive(device, frame)
    }

    /// Hands a frame to the L3 protocol handler of `device`.
    func protocolReceive(_ device: DeviceID, _ frame: EthernetFrame) {
        switch frame.payload {
        case .arp(let arp): arpRcv(device, frame, arp)
        case .ipv4(let packet): ipRcv(device, frame, packet)
        case .raw: record(.dropped(place(device), .notForThisHost(frame.header.destination)))
        }
    }

    /// A frame arrives on bridge port `port`. Linux: `br_handle_frame_finish` — learn the source, then
    /// deliver locally, forward to one port, or flood (`br_flood`), never back out the ingress port
    /// unless it has hairpin mode (`should_deliver`).
    func brHandleFrame(bridge: DeviceID, port: DeviceID, _ frame: EthernetFrame) {
        let now = state.now
        let learned = state.fdb[bridge, default: ForwardingDatabase()].learn(frame.header.source, port: port, now: now)
        let learnedMAC = learned ? frame.header.source : nil
        var frame = frame
        if brNetfilterActive(bridge), frame.ipv4 != nil, !frame.header.destination.isMulticast {
            guard let hooked = brNFPreRouting(bridge: bridge, port: port, frame) else { return }
            frame = hooked
        }
        let bridgePlace = place(bridge)
        let portName = network.device(port).name
        let destination = frame.header.destination
        if destination.isMulticast {
            let targets = floodTargets(bridge: bridge, ingress: port)
            record(
                .bridge(
                    bridgePlace, port: portName, learned: learnedMAC,
                    decision: .broadcast(ports: targets.map { network.device($0).name })))
            var copies = [branch("\(network.device(bridge).name) host stack") { protocolReceive(bridge, frame) }]
            copies += targets.map { target in
                branch("flood to \(network.device(target).name)") { devQueueXmit(target, frame) }
            }
            record(.fork(copies))
            return
        }
        guard let entry = state.fdb[bridge]?.lookup(destination, now: now) else {
            let targets = floodTargets(bridge: bridge, ingress: port)
            record(
                .bridge(
                    bridgePlace, port: portName, learned: learnedMAC,
                    decision: .flood(ports: targets.map { network.device($0).name })))
            let copies = targets.map { target in
                branch("flood to \(network.device(target).name)") {
                    brForward(bridge: bridge, from: port, to: target, frame)
                }
            }
            if copies.isEmpty {
                record(.dropped(bridgePlace, .notForThisHost(destination)))
            } else {
                record(.fork(copies))
            }
            return
        }
        if entry.isLocal {
            record(.bridge(bridgePlace, port: portName, learned: learnedMAC, decision: .local))
            protocolReceive(bridge, frame)
            return
        }
        let out = network.device(entry.port)
        if entry.port == port && !out.hairpin {
            record(
                .bridge(bridgePlace, port: portName, learned: learnedMAC, decision: .filteredIngress(port: out.name)))
            record(.dropped(bridgePlace, .hairpinOff(port: out.name)))
            return
        }
        record(.bridge(bridgePlace, port: portName, learned: learnedMAC, decision: .forward(port: out.name)))
        brForward(bridge: bridge, from: port, to: entry.port, frame)
    }

    /// Transmit on the bridge device itself (the host stack sending out `cni0`). Linux: `br_dev_xmit`.
    func brDevXmit(_ bridge: DeviceID, _ frame: EthernetFrame) {
        let now = state.now
        let bridgePlace = place(bridge)
        let name = network.device(bridge).name
        if !frame.header.destination.isMulticast,
            let entry = state.fdb[bridge]?.lookup(frame.header.destination, now: now), !entry.isLocal
        {
            record(
                .bridge(
                    bridgePlace, port: name, learned: nil, decision: .forward(port: network.device(entry.port).name)))
            devQueueXmit(entry.port, frame)
            return
        }
        let targets = floodTargets(bridge: bridge, ingress: bridge)
        let decision: BridgeDecision =
            frame.header.destination.isMulticast
            ? .broadcast(ports: targets.map { network.device($0).name })
            : .flood(ports: targets.map { network.device($0).name })
        record(.bridge(bridgePlace, port: name, learned: nil, decision: decision))
        let copies = targets.map { target in
            branch("flood to \(network.device(target).name)") { devQueueXmit(target, frame) }
        }
        record(.fork(copies))
    }

    /// Ports a flooded frame is copied to (`should_deliver`): up, and not the ingress port unless hairpin.
    func floodTargets(bridge: DeviceID, ingress: DeviceID) -> [DeviceID] {
        network.ports(of: bridge).filter { port in
            let dev = network.device(port)
            return dev.isUp && (port != ingress || dev.hairpin)
        }
    }
}
