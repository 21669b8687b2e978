import NetCore
import Testing
import Wire

@Suite("EthernetHeader")
struct EthernetHeaderTests {
    /// 0a:58:0a:f4:01:02 → 0a:58:0a:f4:01:01, EtherType IPv4.
    static let fixture: [UInt8] = [
        0x0a, 0x58, 0x0a, 0xf4, 0x01, 0x01,  // destination
        0x0a, 0x58, 0x0a, 0xf4, 0x01, 0x02,  // source
        0x08, 0x00,  // EtherType
    ]

    static let value = EthernetHeader(destination: Fixture.cni0MAC, source: Fixture.podAMAC, etherType: .ipv4)

    @Test("parse reads destination, source and EtherType from the first 14 bytes")
    func parse() throws {
        let header = try EthernetHeader.parse(Self.fixture[...])
        #expect(header.destination.description == "0a:58:0a:f4:01:01")
        #expect(header.source.description == "0a:58:0a:f4:01:02")
        #expect(header.etherType == .ipv4)
        #expect(header == Self.value)
    }

    @Test("parse ignores the bytes after the header and works on a slice that does not start at index 0")
    func parseInsideBuffer() throws {
        let buffer: [UInt8] = [0xee, 0xee, 0xee] + Self.fixture + [0x45, 0x00]
        let header = try EthernetHeader.parse(buffer[3...])
        #expect(header == Self.value)
    }

    @Test("emit writes exactly the 14 fixture bytes")
    func emit() {
        var buffer: [UInt8] = []
        Self.value.emit(into: &buffer)
        #expect(buffer == Self.fixture)
        #expect(EthernetHeader.length == 14)
    }

    @Test("emit appends to what the buffer already holds")
    func emitAppends() {
        var buffer: [UInt8] = [0xaa]
        Self.value.emit(into: &buffer)
        #expect(buffer == [0xaa] + Self.fixture)
    }

    @Test(
        "parse(emit(h)) == h for known and unknown EtherTypes",
        arguments: [0x0800, 0x0806, 0x86DD, 0x8100, 0x88B5, 0x0000, 0xFFFF] as [UInt16])
    func roundTrip(_ etherType: UInt16) throws {
        let header = EthernetHeader(
            destination: .broadcast, source: MACAddress.derived(from: "eth0"), etherType: EtherType(rawValue: etherType)
        )
        var buffer: [UInt8] = []
        header.emit(into: &buffer)
        #expect(try EthernetHeader.parse(buffer[...]) == header)
    }

    @Test("fewer than 14 bytes is truncated", arguments: [0, 1, 6, 12, 13])
    func truncated(_ count: Int) {
        #expect(throws: WireError.truncated(header: "Ethernet", needed: 14, available: count)) {
            try EthernetHeader.parse(Self.fixture.prefix(count))
        }
    }
}
