import NetCore
import Wire

/// Why a packet stopped. Each case names the Linux behaviour it models.
public enum DropReason: Hashable, Sendable, CustomStringConvertible {
    /// No route matched. Forwarded: ICMP net unreachable; local: `connect: Network is unreachable`.
    case noRoute(IPv4Address)
    /// A `blackhole` route: silent drop (local senders get EINVAL).
    case blackhole(route: String)
    /// An `unreachable` route: ICMP host unreachable.
    case unreachableRoute(route: String)
    /// A `prohibit` route: ICMP admin prohibited.
    case prohibitRoute(route: String)
    /// `ip_forward()` TTL check: TTL ≤ 1 on a forwarded packet.
    case ttlExceeded
    /// DF set and larger than the output MTU (`ip_forward` / `ip_fragment`).
    case fragmentationNeeded(mtu: Int)
    /// ARP got no reply for the next hop.
    case neighborFailed(IPv4Address, device: String)
    /// `ip_rcv` drops PACKET_OTHERHOST: the frame's destination MAC is not this device's.
    case notForThisHost(MACAddress)
    /// Forwarding is off on the ingress device (`ip_forward=0`): silent.
    case forwardingDisabled
    /// UDP to a port with no socket: ICMP port unreachable.
    case udpPortClosed(UInt16)
    /// TCP to a port with no listener: the kernel answers RST.
    case tcpReset(UInt16)
    /// The frame is larger than the receiving device's MTU (`veth_xmit` / `is_skb_forwardable`).
    case frameTooBig(length: Int, mtu: Int)
    /// The device or its peer is down.
    case linkDown(String)
    /// The same frame came back to a place it had been: a loop (bridge or routing without TTL).
    case loop(String)
    /// The bridge would send the frame back out its ingress port, which has hairpin mode off.
    case hairpinOff(port: String)
    /// An iptables rule (or a DROP policy) dropped the packet.
    case netfilterDrop(table: String, chain: String, rule: Int, text: String)
    /// An iptables REJECT rule: dropped, and the sender gets `with` (ICMP or a TCP reset).
    case netfilterReject(table: String, chain: String, rule: Int, text: String, with: String)
    /// No other device is attached to the segment.
    case noReceiver(segment: String)
    /// The VXLAN device has no FDB entry for the inner destination MAC (flannel runs without L2MISS).
    case vxlanNoForwardingEntry(MACAddress)
    /// A datagram arrived on a VXLAN port with a VNI no device of the namespace carries.
    case vxlanUnknownVNI(port: UInt16)
    /// A datagram to a VXLAN port that is not VXLAN (no valid header).
    case vxlanMalformed(port: UInt16)
    /// An ARP request nobody else handles (not for an address of ours).
    case arpNotForUs(IPv4Address)
    /// No device in the network matches.
    case noSuchDevice(String)

    public var description: String {
        switch self {
        case .noRoute(let address): "no route to \(address)"
        case .blackhole(let route): "blackhole route (\(route)): silent drop"
        case .unreachableRoute(let route): "unreachable route (\(route))"
        case .prohibitRoute(let route): "prohibit route (\(route))"
        case .ttlExceeded: "TTL exceeded in transit"
        case .fragmentationNeeded(let mtu): "DF set and larger than MTU \(mtu): fragmentation needed"
        case .neighborFailed(let address, let device): "ARP for \(address) on \(device) failed: no reply"
        case .notForThisHost(let mac): "destination MAC \(mac) is not this host's (PACKET_OTHERHOST)"
        case .forwardingDisabled: "ip_forward is off: not forwarded (silent)"
        case .udpPortClosed(let port): "no socket on udp/\(port): port unreachable"
        case .tcpReset(let port): "no listener on tcp/\(port): connection refused (RST)"
        case .frameTooBig(let length, let mtu): "frame of \(length) bytes exceeds device MTU \(mtu)"
        case .linkDown(let device): "\(device) is down"
        case .loop(let place): "loop detected at \(place)"
        case .hairpinOff(let port): "the frame's destination is behind its ingress port \(port) and hairpin is off"
        case .noReceiver(let segment): "no other device on segment \(segment)"
        case .netfilterDrop(let table, let chain, let rule, let text):
            "dropped by iptables -t \(table) \(chain) rule \(rule): \(text)"
        case .netfilterReject(let table, let chain, let rule, let text, let with):
            "rejected (\(with)) by iptables -t \(table) \(chain) rule \(rule): \(text)"
        case .vxlanNoForwardingEntry(let mac): "VXLAN FDB has no entry for \(mac): not encapsulated"
        case .vxlanUnknownVNI(let port): "VXLAN datagram on udp/\(port) with a VNI no device carries"
        case .vxlanMalformed(let port): "datagram to the VXLAN port udp/\(port) is not VXLAN: dropped by vxlan_rcv"
        case .arpNotForUs(let address): "ARP request for \(address): not ours"
        case .noSuchDevice(let name): "no such device \(name)"
        }
    }

    /// True for drops that are the normal fate of flood copies (not the packet's real outcome).
    public var isIncidental: Bool {
        switch self {
        case .notForThisHost, .arpNotForUs: true
        default: false
        }
    }

    /// A short stable identifier, used by the JSON renderer.
    public var code: String {
        switch self {
        case .noRoute: "no-route"
        case .blackhole: "blackhole"
        case .unreachableRoute: "unreachable-route"
        case .prohibitRoute: "prohibit-route"
        case .ttlExceeded: "ttl-exceeded"
        case .fragmentationNeeded: "fragmentation-needed"
        case .neighborFailed: "neighbor-failed"
        case .notForThisHost: "not-for-this-host"
        case .forwardingDisabled: "forwarding-disabled"
        case .udpPortClosed: "udp-port-closed"
        case .tcpReset: "tcp-reset"
        case .frameTooBig: "frame-too-big"
        case .linkDown: "link-down"
        case .loop: "loop"
        case .hairpinOff: "hairpin-off"
        case .noReceiver: "no-receiver"
        case .netfilterDrop: "netfilter-drop"
        case .netfilterReject: "netfilter-reject"
        case .vxlanNoForwardingEntry: "vxlan-no-fdb-entry"
        case .vxlanUnknownVNI: "vxlan-unknown-vni"
        case .vxlanMalformed: "vxlan-malformed"
        case .arpNotForUs: "arp-not-for-us"
        case .noSuchDevice: "no-such-device"
        }
    }
}
