import NetCore
import Testing
import Wire

@Suite("Packet (EthernetFrame, IPv4Packet, VXLAN nesting)")
struct PacketTests {
    /// Node 1 → node 2 (52:54:00:00:01:0a → 52:54:00:00:01:0b, 192.168.1.10 → 192.168.1.11), UDP 51234 → 8472,
    /// VXLAN VNI 1, carrying flannel.1 → flannel.1 (de:07:ab:56:60:01 → de:07:ab:56:60:ff) with pod A's TCP SYN
    /// (10.244.1.2:40000 → 10.244.2.3:80, TTL 63, MSS 1460). Outer DF clear, TTL 64, UDP checksum present.
    static let vxlanFrame: [UInt8] = [
        // outer Ethernet
        0x52, 0x54, 0x00, 0x00, 0x01, 0x0b, 0x52, 0x54, 0x00, 0x00, 0x01, 0x0a, 0x08, 0x00,
        // outer IPv4 (total length 94)
        0x45, 0x00, 0x00, 0x5e, 0x00, 0x00, 0x00, 0x00, 0x40, 0x11, 0xf7, 0x29, 0xc0, 0xa8, 0x01, 0x0a,
        0xc0, 0xa8, 0x01, 0x0b,
        // UDP 51234 → 8472, length 74
        0xc8, 0x22, 0x21, 0x18, 0x00, 0x4a, 0xc7, 0x06,
        // VXLAN, VNI 1
        0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00,
        // inner Ethernet
        0xde, 0x07, 0xab, 0x56, 0x60, 0xff, 0xde, 0x07, 0xab, 0x56, 0x60, 0x01, 0x08, 0x00,
        // inner IPv4 (TTL 63)
        0x45, 0x00, 0x00, 0x2c, 0x00, 0x00, 0x40, 0x00, 0x3f, 0x06, 0x22, 0xe0, 0x0a, 0xf4, 0x01, 0x02,
        0x0a, 0xf4, 0x02, 0x03,
        // inner TCP SYN
        0x9c, 0x40, 0x00, 0x50, 0x00, 0x00, 0x03, 0xe8, 0x00, 0x00, 0x00, 0x00, 0x60, 0x02, 0xfa, 0xf0,
        0xe3, 0xd0, 0x00, 0x00, 0x02, 0x04, 0x05, 0xb4,
    ]

    /// Offset of the outer UDP checksum in `vxlanFrame`.
    static let outerUDPChecksum = 14 + 20 + 6

    /// First fragment (MF, offset 0) of a 108-byte UDP datagram: only 24 of its bytes are here, so neither the
    /// UDP length nor the UDP checksum can be checked against this fragment alone.
    static let firstFragment: [UInt8] = [
        0x45, 0x00, 0x00, 0x2c, 0x00, 0x07, 0x20, 0x00, 0x40, 0x11, 0x41, 0xce, 0x0a, 0xf4, 0x01, 0x02,
        0x0a, 0xf4, 0x02, 0x03, 0x9c, 0x40, 0x27, 0x0f, 0x00, 0x6c, 0x22, 0xda, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    ]

    /// A later fragment (offset 3, i.e. byte 24) of the same datagram, 16 bytes of payload.
    static let laterFragment: [UInt8] = [
        0x45, 0x00, 0x00, 0x24, 0x00, 0x07, 0x00, 0x03, 0x40, 0x11, 0x61, 0xd3, 0x0a, 0xf4, 0x01, 0x02,
        0x0a, 0xf4, 0x02, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00,
    ]

    // MARK: VXLAN

    @Test("the fixture carries the VXLAN header 08 00 00 00 00 00 01 00 after the outer UDP header")
    func fixtureLayout() {
        #expect(Array(Self.vxlanFrame[42..<50]) == [0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00])
        #expect(Self.vxlanFrame.count == 108)
    }

    @Test("EthernetFrame.parse decodes UDP to 8472 as VXLAN VNI 1 and the inner frame down to TCP")
    func parseVXLAN() throws {
        let frame = try EthernetFrame.parse(Self.vxlanFrame[...])
        #expect(frame.header.source.description == "52:54:00:00:01:0a")
        #expect(frame.header.destination.description == "52:54:00:00:01:0b")
        let outer = try #require(frame.ipv4)
        #expect(outer.header.source.description == "192.168.1.10")
        #expect(outer.header.destination.description == "192.168.1.11")
        #expect(outer.header.protocol == .udp)
        #expect(outer.header.timeToLive == 64)
        #expect(!outer.header.dontFragment)
        #expect(outer.totalLength == 94)
        guard case .udp(let datagram) = outer.payload else {
            Issue.record("outer payload is not UDP: \(outer.payload)")
            return
        }
        #expect(datagram.header.sourcePort == 51234)
        #expect(datagram.header.destinationPort == 8472)
        guard case .vxlan(let vxlan, let inner) = datagram.payload else {
            Issue.record("UDP to 8472 was not decoded as VXLAN: \(datagram.payload)")
            return
        }
        #expect(vxlan.vni == 1)
        #expect(vxlan.flags == 0x08)
        #expect(inner.header.source.description == "de:07:ab:56:60:01")
        #expect(inner.header.destination.description == "de:07:ab:56:60:ff")
        let innerPacket = try #require(inner.ipv4)
        #expect(innerPacket.header.timeToLive == 63)
        #expect(innerPacket.header.source == Fixture.podA)
        #expect(innerPacket.header.destination == Fixture.podB)
        guard case .tcp(let segment) = innerPacket.payload else {
            Issue.record("inner payload is not TCP: \(innerPacket.payload)")
            return
        }
        #expect(segment.header.flags == .syn)
        #expect(segment.header.destinationPort == 80)
        #expect(segment.payload.isEmpty)
    }

    @Test("the parsed fixture equals the value built from headers")
    func parseEqualsValue() throws {
        #expect(try EthernetFrame.parse(Self.vxlanFrame[...]) == Fixture.vxlanFrame)
    }

    @Test("emit of the VXLAN value writes exactly the fixture: every length and checksum derived")
    func emitVXLAN() {
        #expect(Fixture.vxlanFrame.emit() == Self.vxlanFrame)
        #expect(Fixture.vxlanFrame.length == 108)
        #expect(Fixture.innerFrame.length == 58)
    }

    @Test("VXLAN adds 50 bytes to the inner frame (outer Ethernet 14 + IPv4 20 + UDP 8 + VXLAN 8)")
    func encapsulationOverhead() {
        #expect(Fixture.vxlanFrame.length - Fixture.innerFrame.length == 50)
    }

    @Test("a zero outer UDP checksum (Linux VXLAN's default) still decodes as VXLAN")
    func zeroOuterChecksum() throws {
        var bytes = Self.vxlanFrame
        bytes[Self.outerUDPChecksum] = 0
        bytes[Self.outerUDPChecksum + 1] = 0
        let frame = try EthernetFrame.parse(bytes[...])
        #expect(frame == Fixture.vxlanFrame)
    }

    @Test("UDP to the IANA port 4789 is decoded as VXLAN too")
    func ianaPort() throws {
        let frame = Self.withDestinationPort(VXLANHeader.ianaPort, Fixture.vxlanFrame)
        let parsed = try EthernetFrame.parse(frame.emit()[...])
        #expect(parsed == frame)
        #expect(Self.vni(parsed) == 1)
    }

    @Test("UDP to another port stays raw bytes even when they look like VXLAN")
    func otherPortIsRaw() throws {
        let frame = Self.withDestinationPort(9999, Fixture.vxlanFrame)
        let parsed = try EthernetFrame.parse(frame.emit()[...])
        guard case .ipv4(let packet) = parsed.payload, case .udp(let datagram) = packet.payload,
            case .raw(let bytes) = datagram.payload
        else {
            Issue.record("expected raw UDP payload, got \(parsed.payload)")
            return
        }
        #expect(bytes == Array(Self.vxlanFrame[42...]))
    }

    @Test("a VXLAN header without the I flag is not decoded")
    func invalidVNIFlagIsRaw() throws {
        var frame = Fixture.vxlanFrame
        if case .ipv4(var packet) = frame.payload, case .udp(var datagram) = packet.payload,
            case .vxlan(_, let inner) = datagram.payload
        {
            datagram.payload = .vxlan(VXLANHeader(flags: 0x00, vni: 1), inner)
            packet.payload = .udp(datagram)
            frame.payload = .ipv4(packet)
        }
        let parsed = try EthernetFrame.parse(frame.emit()[...])
        #expect(Self.vni(parsed) == nil)
    }

    // MARK: round trips

    struct FrameCase: Sendable, CustomTestStringConvertible {
        var name: String
        var frame: EthernetFrame
        var testDescription: String { name }
    }

    static let frames: [FrameCase] = [
        FrameCase(name: "ARP request", frame: Fixture.arpRequestFrame),
        FrameCase(name: "ARP reply", frame: Fixture.arpReplyFrame),
        FrameCase(name: "TCP SYN", frame: Fixture.ethernet(Fixture.tcpSYN())),
        FrameCase(name: "UDP", frame: Fixture.ethernet(Fixture.udpHello())),
        FrameCase(
            name: "ICMP echo",
            frame: Fixture.ethernet(
                IPv4Packet(
                    header: IPv4Header(protocol: .icmp, source: Fixture.podA, destination: Fixture.podB),
                    payload: .icmp(
                        .echoRequest(identifier: 7258, sequence: 1, data: [UInt8](repeating: 0x42, count: 56)))))),
        FrameCase(
            name: "ICMP frag needed",
            frame: Fixture.icmpFrame(
                .destinationUnreachable(
                    code: .fragmentationNeeded, nextHopMTU: 1450,
                    invoking: ICMPv4Message.invoking(Fixture.fullSizedSegment)),
                from: Fixture.cni0)),
        FrameCase(
            name: "IPv4 with options, unknown protocol",
            frame: Fixture.ethernet(
                IPv4Packet(
                    header: IPv4Header(
                        protocol: IPProtocol(rawValue: 253), source: Fixture.podA, destination: Fixture.podB,
                        options: [0x94, 0x04, 0x00, 0x00]),
                    payload: .raw([0xde, 0xad, 0xbe, 0xef])))),
        FrameCase(
            name: "later fragment",
            frame: Fixture.ethernet(
                IPv4Packet(
                    header: IPv4Header(
                        identification: 7, dontFragment: false, fragmentOffset: 3, protocol: .udp,
                        source: Fixture.podA, destination: Fixture.podB),
                    payload: .raw([UInt8](repeating: 0, count: 16))))),
        FrameCase(
            name: "unknown EtherType",
            frame: EthernetFrame(
                header: EthernetHeader(
                    destination: .broadcast, source: Fixture.podAMAC, etherType: EtherType(rawValue: 0x88B5)),
                payload: .raw([1, 2, 3, 4, 5]))),
        FrameCase(name: "VXLAN", frame: Fixture.vxlanFrame),
    ]

    @Test("EthernetFrame.parse(emit(f)) == f, and length is the emitted size", arguments: PacketTests.frames)
    func roundTrip(_ example: FrameCase) throws {
        let bytes = example.frame.emit()
        #expect(bytes.count == example.frame.length)
        #expect(try EthernetFrame.parse(bytes[...]) == example.frame)
    }

    // MARK: fragments

    @Test("a later fragment's payload is kept raw: it has no transport header")
    func laterFragmentIsRaw() throws {
        let packet = try IPv4Packet.parse(Self.laterFragment[...])
        #expect(packet.header.fragmentOffset == 3)
        #expect(packet.payload == .raw([UInt8](repeating: 0, count: 16)))
    }

    @Test("a first fragment parses although the transport length and checksum cover bytes it does not carry")
    func firstFragmentParses() {
        do {
            let packet = try IPv4Packet.parse(Self.firstFragment[...])
            #expect(packet.header.moreFragments)
            #expect(packet.header.fragmentOffset == 0)
            #expect(packet.header.source == Fixture.podA)
        } catch {
            Issue.record("a first fragment must parse (tcpdump prints it as UDP, length 100), got \(error)")
        }
    }

    // MARK: accessors and errors

    @Test("ports and ipv4 expose the transport ports and the IPv4 packet when there is one")
    func accessors() {
        #expect(Fixture.tcpSYN().ports?.source == 40000)
        #expect(Fixture.tcpSYN().ports?.destination == 80)
        #expect(Fixture.udpHello().ports?.destination == 9999)
        let echo = IPv4Packet(
            header: IPv4Header(protocol: .icmp, source: Fixture.podA, destination: Fixture.podB),
            payload: .icmp(.echoRequest(identifier: 1, sequence: 1, data: [])))
        #expect(echo.ports == nil)
        #expect(Fixture.arpRequestFrame.ipv4 == nil)
        #expect(Fixture.ethernet(echo).ipv4 == echo)
    }

    @Test("totalLength is header plus payload")
    func totalLength() {
        #expect(Fixture.tcpSYN().totalLength == 44)
        #expect(Fixture.udpHello().totalLength == 33)
        #expect(Fixture.fullSizedSegment.totalLength == 1500)
    }

    @Test("a padded minimum-size ARP frame parses")
    func paddedARPFrame() throws {
        let bytes = Fixture.arpRequestFrame.emit() + [UInt8](repeating: 0, count: 18)
        #expect(bytes.count == 60)
        #expect(try EthernetFrame.parse(bytes[...]) == Fixture.arpRequestFrame)
    }

    @Test("errors of an inner header surface from EthernetFrame.parse")
    func errorsPropagate() {
        var badIPChecksum = Fixture.ethernet(Fixture.tcpSYN()).emit()
        badIPChecksum[14 + 10] ^= 0xff
        #expect(throws: WireError.badChecksum(header: "IPv4")) { try EthernetFrame.parse(badIPChecksum[...]) }
        var badTCPChecksum = Fixture.ethernet(Fixture.tcpSYN()).emit()
        badTCPChecksum[14 + 20 + 16] ^= 0xff
        #expect(throws: WireError.badChecksum(header: "TCP")) { try EthernetFrame.parse(badTCPChecksum[...]) }
        let shortARP = Array(Fixture.arpRequestFrame.emit().prefix(30))
        #expect(throws: WireError.truncated(header: "ARP", needed: 28, available: 16)) {
            try EthernetFrame.parse(shortARP[...])
        }
    }

    // MARK: helpers

    static func withDestinationPort(_ port: UInt16, _ frame: EthernetFrame) -> EthernetFrame {
        var frame = frame
        if case .ipv4(var packet) = frame.payload, case .udp(var datagram) = packet.payload {
            datagram.header.destinationPort = port
            packet.payload = .udp(datagram)
            frame.payload = .ipv4(packet)
        }
        return frame
    }

    static func vni(_ frame: EthernetFrame) -> UInt32? {
        guard case .ipv4(let packet) = frame.payload, case .udp(let datagram) = packet.payload,
            case .vxlan(let header, _) = datagram.payload
        else { return nil }
        return header.vni
    }
}
