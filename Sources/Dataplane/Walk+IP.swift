import NetCore
import Routing
import Trace
import Wire

extension Walk {
    /// A socket in `netns` sends `packet` (source `0.0.0.0` means "let routing choose").
    /// Linux: `ip_route_output_key` → `ip_local_out` (OUTPUT hook; a rewritten destination is routed again,
    /// `ip_route_me_harder`) → `ip_output`.
    func ipLocalOut(_ netns: NetnsID, _ packet: IPv4Packet) {
        var packet = packet
        guard var route = routeOutput(netns, &packet) else { return }
        let destination = packet.header.destination
        let outName = route.device ?? "lo"
        let outDevice = route.device.flatMap { network.device(named: $0, in: netns)?.id }
        guard let hooked = nfHook(.output, netns, packet, outName: outName, outDevice: outDevice) else { return }
        packet = hooked
        if packet.header.destination != destination {
            guard let rerouted = routeOutput(netns, &packet) else { return }
            route = rerouted
        }
        switch route.type {
        case .local, .broadcast:
            let lo = network.namespace(netns).devices[0]
            record(.link(from: place(netns, lo), to: place(netns, lo), medium: "loopback"))
            ipLocalDeliver(netns, lo, packet)
            return
        default:
            break
        }
        guard let deviceName = route.device, let out = network.device(named: deviceName, in: netns) else {
            record(.dropped(place(netns), .noSuchDevice(route.device ?? "(none)")))
            return
        }
        if packet.header.dontFragment, packet.totalLength > out.mtu {
            record(.dropped(place(netns, out.id), .fragmentationNeeded(mtu: out.mtu)))
            return
        }
        ipOutput(netns, out: out.id, nextHop: route.gateway ?? packet.header.destination, packet)
    }

    /// The output route for a locally generated packet (recorded), its source chosen when unset; nil when
    /// the packet cannot be sent (no route, or a blackhole/unreachable/prohibit route: the socket's error).
    func routeOutput(_ netns: NetnsID, _ packet: inout IPv4Packet) -> Route? {
        let source = packet.header.source == .any ? nil : packet.header.source
        let match = network.namespace(netns).routing.lookup(packet.header.destination, source: source)
        record(
            .routeLookup(
                place(netns), direction: .output, destination: packet.header.destination, route: match?.route,
                table: match?.table))
        guard let route = match?.route else {
            record(.dropped(place(netns), .noRoute(packet.header.destination)))
            return nil
        }
        switch route.type {
        case .local, .broadcast:
            if packet.header.source == .any { packet.header.source = route.source ?? packet.header.destination }
            return route
        case .blackhole:
            record(.dropped(place(netns), .blackhole(route: route.description)))
            return nil
        case .unreachable:
            record(.dropped(place(netns), .unreachableRoute(route: route.description)))
            return nil
        case .prohibit:
            record(.dropped(place(netns), .prohibitRoute(route: route.description)))
            return nil
        case .unicast, .throw:
            if packet.header.source == .any, let name = route.device, let out = network.device(named: name, in: netns) {
                packet.header.source =
                    route.source ?? selectSource(out.id, toward: route.gateway ?? packet.header.destination)
            }
            return route
        }
    }

    /// The packet with its source filled in when it is `0.0.0.0`: the output route's `src`, else the
    /// address `selectSource` picks on the output device (what `ip_route_output_key` hands the socket).
    func withSource(_ packet: IPv4Packet, in netns: NetnsID) -> IPv4Packet {
        guard packet.header.source == .any,
            let route = network.namespace(netns).routing.lookup(packet.header.destination, source: nil)?.route
        else { return packet }
        var packet = packet
        if route.type == .local || route.type == .broadcast {
            packet.header.source = route.source ?? packet.header.destination
        } else if let name = route.device, let device = network.device(named: name, in: netns) {
            packet.header.source =
                route.source ?? selectSource(device.id, toward: route.gateway ?? packet.header.destination)
        }
        return packet
    }

    /// Source address selection (`inet_select_addr`): an address of `device` on the next hop's subnet,
    /// else its primary address, else any non-loopback address of the namespace.
    func selectSource(_ device: DeviceID, toward nextHop: IPv4Address) -> IPv4Address {
        let dev = network.device(device)
        if let onLink = dev.addresses.first(where: { $0.contains(nextHop) }) { return onLink.address }
        if let primary = dev.addresses.first { return primary.address }
        for id in network.namespace(dev.netns).devices {
            if let address = network.device(id).addresses.first(where: { !$0.address.isLoopback }) {
                return address.address
            }
        }
        return .any
    }

    /// A received IPv4 packet. Linux: `ip_rcv` (drops PACKET_OTHERHOST) → PREROUTING → `ip_route_input_slow`.
    func ipRcv(_ device: DeviceID, _ frame: EthernetFrame, _ packet: IPv4Packet) {
        let dev = network.device(device)
        let destinationMAC = frame.header.destination
        guard destinationMAC == dev.mac || destinationMAC.isMulticast || dev.kind == .loopback else {
            record(.dropped(place(device), .notForThisHost(destinationMAC)))
            return
        }
        record(.receive(place(device), frame))
        let netns = dev.netns
        var packet = packet
        if skb.preroutingDone {
            skb.preroutingDone = false  // br_netfilter ran PREROUTING at the bridge (ip_sabotage_in)
        } else {
            guard let hooked = nfHook(.prerouting, netns, packet, inName: dev.name) else { return }
            packet = hooked
        }
        let match = network.namespace(netns).routing.lookup(packet.header.destination, source: packet.header.source)
        record(
            .routeLookup(
                place(netns), direction: .input, destination: packet.header.destination, route: match?.route,
                table: match?.table))
        guard let route = match?.route else {
            if network.namespace(netns).ipForward {
                record(.dropped(place(netns), .noRoute(packet.header.destination)))
                icmpSend(
                    netns, about: packet,
                    .destinationUnreachable(code: .network, nextHopMTU: 0, invoking: ICMPv4Message.invoking(packet)))
            } else {
                record(.dropped(place(netns), .forwardingDisabled))
            }
            return
        }
        switch route.type {
        case .local, .broadcast:
            ipLocalDeliver(netns, device, packet)
        case .unicast, .throw:
            ipForward(netns, in: device, packet, route)
        case .blackhole:
            record(.dropped(place(netns), .blackhole(route: route.description)))
        case .unreachable:
            record(.dropped(place(netns), .unreachableRoute(route: route.description)))
            icmpSend(
                netns, about: packet,
                .destinationUnreachable(code: .host, nextHopMTU: 0, invoking: ICMPv4Message.invoking(packet)))
        case .prohibit:
            record(.dropped(place(netns), .prohibitRoute(route: route.description)))
            icmpSend(
                netns, about: packet,
                .destinationUnreachable(
                    code: .administrativelyProhibited, nextHopMTU: 0, invoking: ICMPv4Message.invoking(packet)))
        }
    }

    /// Linux: `ip_forward` — forwarding switch, TTL check (before the FORWARD hook), MTU/DF check,
    /// TTL decrement, then `ip_forward_finish` → output.
    func ipForward(_ netns: NetnsID, in device: DeviceID, _ packet: IPv4Packet, _ route: Route) {
        var packet = packet
        guard network.namespace(netns).ipForward else {
            record(.dropped(place(netns), .forwardingDisabled))
            return
        }
        guard let deviceName = route.device, let out = network.device(named: deviceName, in: netns) else {
            record(.dropped(place(netns), .noSuchDevice(route.device ?? "(none)")))
            return
        }
        guard packet.header.timeToLive > 1 else {
            record(.dropped(place(netns, device), .ttlExceeded))
            icmpSend(netns, about: packet, .timeExceeded(code: 0, invoking: ICMPv4Message.invoking(packet)))
            return
        }
        if packet.header.dontFragment, packet.totalLength > out.mtu {
            record(.dropped(place(netns, out.id), .fragmentationNeeded(mtu: out.mtu)))
            icmpSend(
                netns, about: packet,
                .destinationUnreachable(
                    code: .fragmentationNeeded, nextHopMTU: UInt16(clamping: out.mtu),
                    invoking: ICMPv4Message.invoking(packet)))
            return
        }
        let key = ForwardKey(
            netns: netns, source: packet.header.source, destination: packet.header.destination,
            proto: packet.header.protocol, identification: packet.header.identification)
        if !forwarded.insert(key).inserted, !loopReported.contains(netns) {
            loopReported.insert(netns)
            record(.routingLoop(place(netns), route: route))
        }
        let before = packet.header.timeToLive
        packet.header.timeToLive -= 1
        record(
            .forward(
                place(netns), from: network.device(device).name, to: out.name, ttlBefore: before,
                ttlAfter: packet.header.timeToLive))
        guard let hooked = nfHook(.forward, netns, packet, inName: network.device(device).name, outName: out.name)
        else {
            return
        }
        packet = hooked
        ipOutput(netns, out: out.id, nextHop: route.gateway ?? packet.header.destination, packet)
    }

    /// Linux: `ip_finish_output2` — neighbour lookup for the next hop, Ethernet header, `dev_queue_xmit`.
    /// A failed resolution drops the packet and earns its sender ICMP host unreachable (`arp_error_report` →
    /// `ipv4_link_failure`), a local sender too: ping prints "Destination Host Unreachable" from itself.
    func ipOutput(_ netns: NetnsID, out: DeviceID, nextHop: IPv4Address, _ packet: IPv4Packet) {
        let dev = network.device(out)
        guard let packet = nfHook(.postrouting, netns, packet, outName: dev.name, outDevice: out) else { return }
        let mac: MACAddress
        switch neighResolve(netns, out, nextHop, sourceHint: packet.header.source) {
        case .some(let resolved): mac = resolved
        case .none:
            record(.dropped(place(netns, out), .neighborFailed(nextHop, device: dev.name)))
            icmpSend(
                netns, about: packet,
                .destinationUnreachable(code: .host, nextHopMTU: 0, invoking: ICMPv4Message.invoking(packet)))
            return
        }
        let frame = EthernetFrame(
            header: EthernetHeader(destination: mac, source: dev.mac, etherType: .ipv4), payload: .ipv4(packet))
        inNewJourney { devQueueXmit(out, frame) }
    }

    /// Local delivery. Linux: `ip_local_deliver` → INPUT → the protocol's receive (`icmp_rcv`,
    /// `tcp_v4_rcv`, `udp_rcv`), which finds a socket or answers RST / port unreachable.
    func ipLocalDeliver(_ netns: NetnsID, _ device: DeviceID, _ packet: IPv4Packet) {
        guard let packet = nfHook(.input, netns, packet, inName: network.device(device).name) else { return }
        let ns = network.namespace(netns)
        let here = place(netns, device)
        let ttl = packet.header.timeToLive
        func deliver(_ socket: String) {
            if delivery == nil, !isErrorPacket(packet) { delivery = Trace.Delivery(netns: ns.name, packet: packet) }
            record(.delivered(here, socket: socket, ttl: ttl))
        }
        switch packet.payload {
        case .icmp(let message):
            switch message {
            case .echoRequest: deliver("icmp echo (the kernel replies)")
            case .echoReply: deliver("icmp echo reply (ping socket)")
            default:
                record(
                    .delivered(
                        here, socket: "ICMP \(PacketPrinter.describe(message)) (error to the sending socket)", ttl: ttl)
                )
            }
        case .tcp where connectedSocket(netns, packet) != nil, .udp where connectedSocket(netns, packet) != nil:
            deliver("\(packet.header.protocol)/\(packet.ports?.destination ?? 0) (connected socket)")
        case .tcp(let segment):
            let port = segment.header.destinationPort
            if let listener = ns.listeners.first(where: { $0.proto == .tcp && $0.port == port }) {
                deliver(socketName(listener))
            } else {
                record(.dropped(here, .tcpReset(port)))
            }
        case .udp(let datagram):
            let port = datagram.header.destinationPort
            if vxlanReceive(netns, packet, datagram) { return }
            if let listener = ns.listeners.first(where: { $0.proto == .udp && $0.port == port }) {
                deliver(socketName(listener))
            } else {
                record(.dropped(here, .udpPortClosed(port)))
                icmpSend(
                    netns, about: packet,
                    .destinationUnreachable(code: .port, nextHopMTU: 0, invoking: ICMPv4Message.invoking(packet)))
            }
        case .raw:
            deliver("raw ip-proto-\(packet.header.protocol.rawValue)")
        }
    }

    /// The client socket a received packet answers, if any (`__inet_lookup_established`).
    func connectedSocket(_ netns: NetnsID, _ packet: IPv4Packet) -> ConnectedSocket? {
        guard let socket = ConnectedSocket(receiving: packet), state.connectedSockets[netns.rawValue].contains(socket)
        else { return nil }
        return socket
    }

    func isErrorPacket(_ packet: IPv4Packet) -> Bool {
        if case .icmp(let message) = packet.payload { return message.isError }
        return false
    }

    func socketName(_ listener: Listener) -> String {
        "\(listener.proto)/\(listener.port)" + (listener.name.map { " (\($0))" } ?? "")
    }

    /// Linux: `icmp_send` — never about an ICMP error, a fragment other than the first, or a broadcast;
    /// the source is chosen by routing back to the sender. The error is walked back as its own branch.
    func icmpSend(_ netns: NetnsID, about packet: IPv4Packet, _ message: ICMPv4Message) {
        guard !isStopped else { return }
        if case .icmp(let original) = packet.payload, original.isError { return }
        guard packet.header.fragmentOffset == 0, !packet.header.destination.isMulticast,
            packet.header.destination != .limitedBroadcast, packet.header.source != .any
        else { return }
        let error = withSource(
            IPv4Packet(
                header: IPv4Header(
                    dontFragment: false, timeToLive: 64, protocol: .icmp, source: .any,
                    destination: packet.header.source),
                payload: .icmp(message)),
            in: netns)
        let walk = branch("ICMP error to \(packet.header.source)") {
            withFreshSKB {
                record(.originate(place(netns), error))
                ipLocalOut(netns, error)
            }
        }
        record(.icmpError(place(netns), message, walk: walk))
    }
}
