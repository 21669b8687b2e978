import NetCore
import Testing
import Wire

/// Every expected line here is what tcpdump 4.99 (`tcpdump -n`, and `-e` for the link-level cases) printed
/// for the same bytes, written to a pcap and read back with the real tool (timestamps removed).
@Suite("PacketPrinter")
struct PacketPrinterTests {
    struct Line: Sendable, CustomTestStringConvertible {
        var name: String
        var frame: EthernetFrame
        var expected: String
        var testDescription: String { name }
    }

    // MARK: frames

    static func tcp(
        from source: IPv4Address = Fixture.podA, to destination: IPv4Address = Fixture.podB,
        _ header: TCPHeader, payload: [UInt8] = []
    ) -> EthernetFrame {
        Fixture.ethernet(
            IPv4Packet(
                header: IPv4Header(protocol: .tcp, source: source, destination: destination),
                payload: .tcp(TCPSegment(header: header, payload: payload))))
    }

    static func icmp(_ message: ICMPv4Message, from source: IPv4Address, to destination: IPv4Address)
        -> EthernetFrame
    {
        Fixture.ethernet(
            IPv4Packet(
                header: IPv4Header(protocol: .icmp, source: source, destination: destination), payload: .icmp(message)))
    }

    static func unreachable(_ code: ICMPv4UnreachableCode, quoting packet: IPv4Packet = Fixture.udpHello())
        -> ICMPv4Message
    {
        .destinationUnreachable(code: code, nextHopMTU: 0, invoking: ICMPv4Message.invoking(packet))
    }

    static let abcdefgh = Array("abcdefgh".utf8)

    // MARK: the basics

    static let basics: [Line] = [
        Line(
            name: "ARP request", frame: Fixture.arpRequestFrame,
            expected: "ARP, Request who-has 10.244.1.1 tell 10.244.1.2, length 28"),
        Line(
            name: "ARP reply", frame: Fixture.arpReplyFrame,
            expected: "ARP, Reply 10.244.1.1 is-at 0a:58:0a:f4:01:01, length 28"),
        Line(
            name: "TCP SYN", frame: Fixture.ethernet(Fixture.tcpSYN()),
            expected:
                "IP 10.244.1.2.40000 > 10.244.2.3.80: Flags [S], seq 1000, win 64240, options [mss 1460], length 0"),
        Line(
            name: "TCP SYN-ACK",
            frame: tcp(
                from: Fixture.podB, to: Fixture.podA,
                TCPHeader(
                    sourcePort: 80, destinationPort: 40000, sequenceNumber: 2000, acknowledgmentNumber: 1001,
                    flags: [.syn, .ack], window: 65160, options: TCPHeader.mssOption(1460))),
            expected:
                "IP 10.244.2.3.80 > 10.244.1.2.40000: Flags [S.], seq 2000, ack 1001, win 65160, options [mss 1460], length 0"
        ),
        Line(
            name: "TCP ACK",
            frame: tcp(
                TCPHeader(
                    sourcePort: 40000, destinationPort: 80, sequenceNumber: 1001, acknowledgmentNumber: 2001,
                    flags: .ack, window: 502)),
            expected: "IP 10.244.1.2.40000 > 10.244.2.3.80: Flags [.], ack 2001, win 502, length 0"),
        Line(
            name: "TCP RST-ACK",
            frame: tcp(
                from: Fixture.podB, to: Fixture.podA,
                TCPHeader(
                    sourcePort: 80, destinationPort: 40000, sequenceNumber: 0, acknowledgmentNumber: 1001,
                    flags: [.rst, .ack], window: 0)),
            expected: "IP 10.244.2.3.80 > 10.244.1.2.40000: Flags [R.], seq 0, ack 1001, win 0, length 0"),
        Line(
            name: "UDP", frame: Fixture.ethernet(Fixture.udpHello()),
            expected: "IP 10.244.1.2.40000 > 10.244.2.3.9999: UDP, length 5"),
        Line(
            name: "ICMP echo request",
            frame: icmp(
                .echoRequest(identifier: 7258, sequence: 1, data: abcdefgh), from: Fixture.podA, to: Fixture.podB),
            expected: "IP 10.244.1.2 > 10.244.2.3: ICMP echo request, id 7258, seq 1, length 16"),
        Line(
            name: "ICMP echo reply",
            frame: icmp(
                .echoReply(identifier: 7258, sequence: 1, data: abcdefgh), from: Fixture.podB, to: Fixture.podA),
            expected: "IP 10.244.2.3 > 10.244.1.2: ICMP echo reply, id 7258, seq 1, length 16"),
        Line(
            name: "ICMP port unreachable (UDP)",
            frame: icmp(unreachable(.port), from: Fixture.podB, to: Fixture.podA),
            expected: "IP 10.244.2.3 > 10.244.1.2: ICMP 10.244.2.3 udp port 9999 unreachable, length 36"),
        Line(
            name: "ICMP port unreachable (TCP)",
            frame: icmp(unreachable(.port, quoting: Fixture.tcpSYN()), from: Fixture.podB, to: Fixture.podA),
            expected: "IP 10.244.2.3 > 10.244.1.2: ICMP 10.244.2.3 tcp port 80 unreachable, length 36"),
        Line(
            name: "ICMP fragmentation needed",
            frame: icmp(
                .destinationUnreachable(
                    code: .fragmentationNeeded, nextHopMTU: 1450,
                    invoking: ICMPv4Message.invoking(Fixture.fullSizedSegment)),
                from: Fixture.cni0, to: Fixture.podA),
            expected:
                "IP 10.244.1.1 > 10.244.1.2: ICMP 10.244.2.3 unreachable - need to frag (mtu 1450), length 36"),
        Line(
            name: "ICMP host unreachable",
            frame: icmp(unreachable(.host), from: IPv4Address(10, 244, 2, 0), to: Fixture.podA),
            expected: "IP 10.244.2.0 > 10.244.1.2: ICMP host 10.244.2.3 unreachable, length 36"),
        Line(
            name: "ICMP net unreachable",
            frame: icmp(unreachable(.network), from: Fixture.cni0, to: Fixture.podA),
            expected: "IP 10.244.1.1 > 10.244.1.2: ICMP net 10.244.2.3 unreachable, length 36"),
        Line(
            name: "ICMP time exceeded",
            frame: icmp(
                .timeExceeded(code: 0, invoking: ICMPv4Message.invoking(Fixture.udpHello(timeToLive: 1))),
                from: Fixture.cni0, to: Fixture.podA),
            expected: "IP 10.244.1.1 > 10.244.1.2: ICMP time exceeded in-transit, length 36"),
    ]

    @Test("prints the tcpdump -n line", arguments: PacketPrinterTests.basics)
    func basicLines(_ line: Line) {
        #expect(PacketPrinter.line(line.frame) == line.expected)
    }

    @Test("prints the same line for a frame parsed back from its bytes", arguments: PacketPrinterTests.basics)
    func linesSurviveParsing(_ line: Line) throws {
        let parsed = try EthernetFrame.parse(line.frame.emit()[...])
        #expect(PacketPrinter.line(parsed) == line.expected)
    }

    // MARK: details tcpdump prints

    static let details: [Line] = [
        Line(
            name: "TCP FIN-ACK carries its sequence number",
            frame: tcp(
                TCPHeader(
                    sourcePort: 40000, destinationPort: 9999, sequenceNumber: 1000, acknowledgmentNumber: 2000,
                    flags: [.fin, .ack], window: 502)),
            expected: "IP 10.244.1.2.40000 > 10.244.2.3.9999: Flags [F.], seq 1000, ack 2000, win 502, length 0"),
        Line(
            name: "TCP data prints seq first:last",
            frame: tcp(
                TCPHeader(
                    sourcePort: 40000, destinationPort: 9999, sequenceNumber: 1001, acknowledgmentNumber: 2001,
                    flags: [.psh, .ack], window: 502),
                payload: Array("hello".utf8)),
            expected:
                "IP 10.244.1.2.40000 > 10.244.2.3.9999: Flags [P.], seq 1001:1006, ack 2001, win 502, length 5"),
        Line(
            name: "TCP urgent pointer and flag order",
            frame: tcp(
                TCPHeader(
                    sourcePort: 40000, destinationPort: 9999, sequenceNumber: 1000, acknowledgmentNumber: 2000,
                    flags: [.psh, .ack, .urg], window: 502, urgentPointer: 5)),
            expected: "IP 10.244.1.2.40000 > 10.244.2.3.9999: Flags [P.U], ack 2000, win 502, urg 5, length 0"),
        Line(
            name: "Linux SYN prints every option",
            frame: tcp(
                TCPHeader(
                    sourcePort: 40000, destinationPort: 80, sequenceNumber: 1000, flags: .syn,
                    options: TCPHeaderTests.linuxSYNOptions)),
            expected:
                "IP 10.244.1.2.40000 > 10.244.2.3.80: Flags [S], seq 1000, win 64240, "
                + "options [mss 1460,sackOK,TS val 287454020 ecr 0,nop,wscale 7], length 0"),
        Line(
            name: "ICMP administratively prohibited",
            frame: icmp(unreachable(.administrativelyProhibited), from: Fixture.podB, to: Fixture.podA),
            expected:
                "IP 10.244.2.3 > 10.244.1.2: ICMP host 10.244.2.3 unreachable - admin prohibited filter, length 36"),
        Line(
            name: "ICMP protocol unreachable",
            frame: icmp(unreachable(ICMPv4UnreachableCode.protocol), from: Fixture.podB, to: Fixture.podA),
            expected: "IP 10.244.2.3 > 10.244.1.2: ICMP 10.244.2.3 protocol 17 unreachable, length 36"),
        Line(
            name: "unknown IP protocol",
            frame: Fixture.ethernet(
                IPv4Packet(
                    header: IPv4Header(
                        protocol: IPProtocol(rawValue: 253), source: Fixture.podA, destination: Fixture.podB),
                    payload: .raw([0xde, 0xad, 0xbe, 0xef]))),
            expected: "IP 10.244.1.2 > 10.244.2.3:  ip-proto-253 4"),
    ]

    @Test("prints what tcpdump -n prints beyond the common cases", arguments: PacketPrinterTests.details)
    func detailLines(_ line: Line) {
        #expect(PacketPrinter.line(line.frame) == line.expected)
    }

    // MARK: link level (-e)

    static let linkLevel: [Line] = [
        Line(
            name: "ARP request with -e", frame: Fixture.arpRequestFrame,
            expected:
                "0a:58:0a:f4:01:02 > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 42: "
                + "Request who-has 10.244.1.1 tell 10.244.1.2, length 28"),
        Line(
            name: "ARP reply with -e", frame: Fixture.arpReplyFrame,
            expected:
                "0a:58:0a:f4:01:01 > 0a:58:0a:f4:01:02, ethertype ARP (0x0806), length 42: "
                + "Reply 10.244.1.1 is-at 0a:58:0a:f4:01:01, length 28"),
        Line(
            name: "TCP SYN with -e", frame: Fixture.ethernet(Fixture.tcpSYN()),
            expected:
                "0a:58:0a:f4:01:02 > 0a:58:0a:f4:01:01, ethertype IPv4 (0x0800), length 58: "
                + "10.244.1.2.40000 > 10.244.2.3.80: Flags [S], seq 1000, win 64240, options [mss 1460], length 0"),
        Line(
            name: "UDP with -e", frame: Fixture.ethernet(Fixture.udpHello()),
            expected:
                "0a:58:0a:f4:01:02 > 0a:58:0a:f4:01:01, ethertype IPv4 (0x0800), length 47: "
                + "10.244.1.2.40000 > 10.244.2.3.9999: UDP, length 5"),
    ]

    @Test(
        "with linkLevel, prints tcpdump -e: MACs, EtherType and frame length, then the line without its IP/ARP tag",
        arguments: PacketPrinterTests.linkLevel)
    func linkLevelLines(_ line: Line) {
        #expect(PacketPrinter.line(line.frame, linkLevel: true) == line.expected)
    }

    @Test("the -e prefix names the EtherType in hex with four digits")
    func linkLevelPrefix() {
        let text = PacketPrinter.line(Fixture.arpRequestFrame, linkLevel: true)
        #expect(text.hasPrefix("0a:58:0a:f4:01:02 > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 42: "))
    }

    // MARK: VXLAN

    @Test("VXLAN prints the outer line as tcpdump -T vxlan does, then the inner packet on its own line")
    func vxlan() {
        #expect(
            PacketPrinter.line(Fixture.vxlanFrame)
                == "IP 192.168.1.10.51234 > 192.168.1.11.8472: VXLAN, flags [I] (0x08), vni 1\n"
                + "IP 10.244.1.2.40000 > 10.244.2.3.80: Flags [S], seq 1000, win 64240, options [mss 1460], length 0")
    }

    @Test("VXLAN with linkLevel prints both Ethernet headers, as tcpdump -e -T vxlan does")
    func vxlanLinkLevel() {
        #expect(
            PacketPrinter.line(Fixture.vxlanFrame, linkLevel: true)
                == "52:54:00:00:01:0a > 52:54:00:00:01:0b, ethertype IPv4 (0x0800), length 108: "
                + "192.168.1.10.51234 > 192.168.1.11.8472: VXLAN, flags [I] (0x08), vni 1\n"
                + "de:07:ab:56:60:01 > de:07:ab:56:60:ff, ethertype IPv4 (0x0800), length 58: "
                + "10.244.1.2.40000 > 10.244.2.3.80: Flags [S], seq 1000, win 64240, options [mss 1460], length 0")
    }

    @Test("the VXLAN line starts with the outer addresses and names the VNI")
    func vxlanFirstLine() {
        let firstLine = PacketPrinter.line(Fixture.vxlanFrame).split(separator: "\n").first.map(String.init)
        #expect(firstLine == "IP 192.168.1.10.51234 > 192.168.1.11.8472: VXLAN, flags [I] (0x08), vni 1")
    }

    // MARK: describe

    @Test(
        "describe(_:) is the ICMP part of the line",
        arguments: [
            (ICMPv4Message.echoRequest(identifier: 1, sequence: 2, data: []), "echo request, id 1, seq 2"),
            (.echoReply(identifier: 65535, sequence: 0, data: []), "echo reply, id 65535, seq 0"),
            (.timeExceeded(code: 0, invoking: []), "time exceeded in-transit"),
        ] as [(ICMPv4Message, String)])
    func describe(_ message: ICMPv4Message, _ expected: String) {
        #expect(PacketPrinter.describe(message) == expected)
    }
}
