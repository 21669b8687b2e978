import NetCore
import Wire

/// The cast of the Wire fixtures: pod A (10.244.1.2 on node 1, behind cni0 10.244.1.1) talks to pod B
/// (10.244.2.3 on node 2); node 1 (192.168.1.10) and node 2 (192.168.1.11) carry flannel VXLAN between them.
///
/// Byte fixtures in the test files were produced by a Python script that computes every Internet checksum
/// independently of `Wire.Checksum`, and were checked with `tcpdump -vvv` (all checksums "correct").
enum Fixture {
    static let podA = IPv4Address(10, 244, 1, 2)
    static let podB = IPv4Address(10, 244, 2, 3)
    static let cni0 = IPv4Address(10, 244, 1, 1)
    static let node1 = IPv4Address(192, 168, 1, 10)
    static let node2 = IPv4Address(192, 168, 1, 11)

    static let podAMAC = MACAddress(rawValue: 0x0A58_0AF4_0102)
    static let cni0MAC = MACAddress(rawValue: 0x0A58_0AF4_0101)
    static let node1MAC = MACAddress(rawValue: 0x5254_0000_010A)
    static let node2MAC = MACAddress(rawValue: 0x5254_0000_010B)
    static let flannel1MAC = MACAddress(rawValue: 0xDE07_AB56_6001)
    static let flannel2MAC = MACAddress(rawValue: 0xDE07_AB56_60FF)

    /// `who-has 10.244.1.1 tell 10.244.1.2`, broadcast.
    static let arpRequest = ARPPacket(
        operation: .request, senderMAC: podAMAC, senderIP: podA, targetMAC: .zero, targetIP: cni0)

    /// `10.244.1.1 is-at 0a:58:0a:f4:01:01`, back to pod A.
    static let arpReply = ARPPacket(
        operation: .reply, senderMAC: cni0MAC, senderIP: cni0, targetMAC: podAMAC, targetIP: podA)

    static var arpRequestFrame: EthernetFrame {
        EthernetFrame(
            header: EthernetHeader(destination: .broadcast, source: podAMAC, etherType: .arp), payload: .arp(arpRequest)
        )
    }

    static var arpReplyFrame: EthernetFrame {
        EthernetFrame(
            header: EthernetHeader(destination: podAMAC, source: cni0MAC, etherType: .arp), payload: .arp(arpReply))
    }

    /// Pod A's SYN to pod B port 80: seq 1000, window 64240, MSS 1460, DF, id 0.
    static func tcpSYN(timeToLive: UInt8 = 64) -> IPv4Packet {
        IPv4Packet(
            header: IPv4Header(timeToLive: timeToLive, protocol: .tcp, source: podA, destination: podB),
            payload: .tcp(
                TCPSegment(
                    header: TCPHeader(
                        sourcePort: 40000, destinationPort: 80, sequenceNumber: 1000, flags: .syn,
                        options: TCPHeader.mssOption(1460)))))
    }

    /// Pod A's 5-byte `hello` datagram to pod B port 9999 (id 0x99).
    static func udpHello(timeToLive: UInt8 = 64) -> IPv4Packet {
        IPv4Packet(
            header: IPv4Header(
                identification: 0x99, timeToLive: timeToLive, protocol: .udp, source: podA, destination: podB),
            payload: .udp(
                UDPDatagram(
                    header: UDPHeader(sourcePort: 40000, destinationPort: 9999), payload: .raw(Array("hello".utf8)))))
    }

    /// A full-sized (1500-byte) DF segment from pod A, as quoted by an ICMP "need to frag".
    static var fullSizedSegment: IPv4Packet {
        IPv4Packet(
            header: IPv4Header(identification: 0x04D2, protocol: .tcp, source: podA, destination: podB),
            payload: .tcp(
                TCPSegment(
                    header: TCPHeader(
                        sourcePort: 40000, destinationPort: 80, sequenceNumber: 1000, acknowledgmentNumber: 2000,
                        flags: [.psh, .ack], window: 502),
                    payload: [UInt8](repeating: 0, count: 1460))))
    }

    /// An IPv4 packet of pod A's in an Ethernet frame to cni0.
    static func ethernet(_ packet: IPv4Packet, source: MACAddress = podAMAC, destination: MACAddress = cni0MAC)
        -> EthernetFrame
    {
        EthernetFrame(
            header: EthernetHeader(destination: destination, source: source, etherType: .ipv4), payload: .ipv4(packet))
    }

    /// The inner frame flannel.1 on node 1 sends to flannel.1 on node 2: pod A's SYN, TTL already 63.
    static var innerFrame: EthernetFrame {
        ethernet(tcpSYN(timeToLive: 63), source: flannel1MAC, destination: flannel2MAC)
    }

    /// `innerFrame` encapsulated by node 1: UDP 51234 → 8472, VNI 1, outer DF clear, TTL 64.
    static var vxlanFrame: EthernetFrame {
        let outer = IPv4Packet(
            header: IPv4Header(dontFragment: false, protocol: .udp, source: node1, destination: node2),
            payload: .udp(
                UDPDatagram(
                    header: UDPHeader(sourcePort: 51234, destinationPort: VXLANHeader.flannelPort),
                    payload: .vxlan(VXLANHeader(vni: 1), innerFrame))))
        return ethernet(outer, source: node1MAC, destination: node2MAC)
    }

    /// An ICMP message from `source` to pod A, framed.
    static func icmpFrame(_ message: ICMPv4Message, from source: IPv4Address) -> EthernetFrame {
        ethernet(
            IPv4Packet(
                header: IPv4Header(protocol: .icmp, source: source, destination: podA), payload: .icmp(message)),
            source: cni0MAC, destination: podAMAC)
    }
}
