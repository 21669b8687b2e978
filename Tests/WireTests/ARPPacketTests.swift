import NetCore
import Testing
import Wire

@Suite("ARPPacket")
struct ARPPacketTests {
    /// `who-has 10.244.1.1 tell 10.244.1.2` from 0a:58:0a:f4:01:02.
    static let request: [UInt8] = [
        0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01,  // Ethernet, IPv4, 6, 4, request
        0x0a, 0x58, 0x0a, 0xf4, 0x01, 0x02, 0x0a, 0xf4, 0x01, 0x02,  // sender MAC, sender IP
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0a, 0xf4, 0x01, 0x01,  // target MAC (zero), target IP
    ]

    /// `10.244.1.1 is-at 0a:58:0a:f4:01:01`, to 10.244.1.2.
    static let reply: [UInt8] = [
        0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x02,
        0x0a, 0x58, 0x0a, 0xf4, 0x01, 0x01, 0x0a, 0xf4, 0x01, 0x01,
        0x0a, 0x58, 0x0a, 0xf4, 0x01, 0x02, 0x0a, 0xf4, 0x01, 0x02,
    ]

    @Test("parse reads a request: operation 1, sender, zero target MAC, target IP")
    func parseRequest() throws {
        let arp = try ARPPacket.parse(Self.request[...])
        #expect(arp.operation == .request)
        #expect(arp.senderMAC.description == "0a:58:0a:f4:01:02")
        #expect(arp.senderIP.description == "10.244.1.2")
        #expect(arp.targetMAC == .zero)
        #expect(arp.targetIP.description == "10.244.1.1")
    }

    @Test("parse reads a reply: operation 2 with both addresses filled in")
    func parseReply() throws {
        let arp = try ARPPacket.parse(Self.reply[...])
        #expect(arp == Fixture.arpReply)
        #expect(arp.operation.rawValue == 2)
        #expect(arp.senderMAC.description == "0a:58:0a:f4:01:01")
        #expect(arp.targetMAC.description == "0a:58:0a:f4:01:02")
    }

    @Test("parse ignores Ethernet minimum-size padding after the 28 bytes")
    func parseIgnoresPadding() throws {
        let padded = Self.request + [UInt8](repeating: 0, count: 18)
        #expect(try ARPPacket.parse(padded[...]) == Fixture.arpRequest)
    }

    @Test("emit writes exactly the request and reply fixtures")
    func emit() {
        var request: [UInt8] = []
        Fixture.arpRequest.emit(into: &request)
        #expect(request == Self.request)
        var reply: [UInt8] = []
        Fixture.arpReply.emit(into: &reply)
        #expect(reply == Self.reply)
        #expect(ARPPacket.length == 28)
    }

    @Test(
        "parse(emit(p)) == p, including an operation ARP does not name (RARP 3)", arguments: [1, 2, 3, 4] as [UInt16])
    func roundTrip(_ operation: UInt16) throws {
        let arp = ARPPacket(
            operation: ARPOperation(rawValue: operation), senderMAC: MACAddress.derived(from: "cni0"),
            senderIP: IPv4Address(10, 244, 1, 1), targetMAC: MACAddress.derived(from: "eth0"),
            targetIP: IPv4Address(10, 244, 1, 9))
        var buffer: [UInt8] = []
        arp.emit(into: &buffer)
        #expect(buffer.count == 28)
        #expect(try ARPPacket.parse(buffer[...]) == arp)
    }

    @Test("fewer than 28 bytes is truncated", arguments: [0, 8, 27])
    func truncated(_ count: Int) {
        #expect(throws: WireError.truncated(header: "ARP", needed: 28, available: count)) {
            try ARPPacket.parse(Self.request.prefix(count))
        }
    }

    @Test("a hardware type other than Ethernet (1) is malformed")
    func badHardwareType() {
        var bytes = Self.request
        bytes[1] = 6  // IEEE 802
        #expect(throws: WireError.malformed(header: "ARP", field: "hardware type", value: 6)) {
            try ARPPacket.parse(bytes[...])
        }
    }

    @Test("a protocol type other than IPv4 (0x0800) is malformed")
    func badProtocolType() {
        var bytes = Self.request
        bytes[2] = 0x86
        bytes[3] = 0xdd
        #expect(throws: WireError.malformed(header: "ARP", field: "protocol type", value: 0x86DD)) {
            try ARPPacket.parse(bytes[...])
        }
    }

    @Test("address lengths other than 6 and 4 are malformed")
    func badAddressLength() {
        var bytes = Self.request
        bytes[4] = 8
        #expect(throws: WireError.malformed(header: "ARP", field: "address length", value: 8)) {
            try ARPPacket.parse(bytes[...])
        }
        var shortProtocol = Self.request
        shortProtocol[5] = 16
        #expect(throws: WireError.self) { try ARPPacket.parse(shortProtocol[...]) }
    }
}
