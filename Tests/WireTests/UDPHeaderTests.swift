import NetCore
import Testing
import Wire

@Suite("UDPHeader")
struct UDPHeaderTests {
    /// 10.244.1.2:40000 → 10.244.2.3:9999, "hello", checksum over the pseudo-header.
    static let fixture: [UInt8] = [
        0x9c, 0x40, 0x27, 0x0f,  // ports 40000, 9999
        0x00, 0x0d, 0xdf, 0xc5,  // length 13, checksum
        0x68, 0x65, 0x6c, 0x6c, 0x6f,  // "hello"
    ]

    /// The same datagram sent without a checksum (zero: "not computed", as Linux VXLAN sends by default).
    static let withoutChecksum: [UInt8] = [
        0x9c, 0x40, 0x27, 0x0f, 0x00, 0x0d, 0x00, 0x00, 0x68, 0x65, 0x6c, 0x6c, 0x6f,
    ]

    static let value = UDPHeader(sourcePort: 40000, destinationPort: 9999)
    static let hello = Array("hello".utf8)

    @Test("parse reads the ports and returns the payload the length field declares")
    func parse() throws {
        let (header, payload) = try UDPHeader.parse(Self.fixture[...], source: Fixture.podA, destination: Fixture.podB)
        #expect(header.sourcePort == 40000)
        #expect(header.destinationPort == 9999)
        #expect(Array(payload) == Self.hello)
        #expect(header == Self.value)
    }

    @Test("parse accepts a zero checksum without verifying it")
    func parseZeroChecksum() throws {
        let (header, payload) = try UDPHeader.parse(
            Self.withoutChecksum[...], source: Fixture.podA, destination: Fixture.podB)
        #expect(header == Self.value)
        #expect(Array(payload) == Self.hello)
    }

    @Test("parse stops at the length field: bytes after the datagram are not payload")
    func parseIgnoresTrailingBytes() throws {
        let bytes = Self.fixture + [0, 0, 0]
        let (_, payload) = try UDPHeader.parse(bytes[...], source: Fixture.podA, destination: Fixture.podB)
        #expect(Array(payload) == Self.hello)
    }

    @Test("emit writes exactly the fixture: length and pseudo-header checksum derived")
    func emit() {
        var buffer: [UInt8] = []
        Self.value.emit(payload: Self.hello, source: Fixture.podA, destination: Fixture.podB, into: &buffer)
        #expect(buffer == Self.fixture)
    }

    @Test("a checksum that computes to zero is sent as 0xffff (RFC 768)")
    func emitZeroChecksumAsOnes() throws {
        // This two-byte payload makes the one's-complement sum 0xffff, so the computed checksum is 0.
        var buffer: [UInt8] = []
        Self.value.emit(payload: [0x23, 0x9e], source: Fixture.podA, destination: Fixture.podB, into: &buffer)
        #expect(buffer == [0x9c, 0x40, 0x27, 0x0f, 0x00, 0x0a, 0xff, 0xff, 0x23, 0x9e])
        let (_, payload) = try UDPHeader.parse(buffer[...], source: Fixture.podA, destination: Fixture.podB)
        #expect(Array(payload) == [0x23, 0x9e])
    }

    @Test(
        "parse(emit(h)) == h for any ports and payload sizes",
        arguments: [(0, 0), (53, 33000), (8472, 8472), (65535, 1)] as [(UInt16, UInt16)], [0, 1, 5, 1472])
    func roundTrip(_ ports: (UInt16, UInt16), _ payloadLength: Int) throws {
        let header = UDPHeader(sourcePort: ports.0, destinationPort: ports.1)
        let payload = (0..<payloadLength).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        var buffer: [UInt8] = []
        header.emit(payload: payload, source: Fixture.node1, destination: Fixture.node2, into: &buffer)
        let (parsed, parsedPayload) = try UDPHeader.parse(
            buffer[...], source: Fixture.node1, destination: Fixture.node2)
        #expect(parsed == header)
        #expect(Array(parsedPayload) == payload)
    }

    @Test("fewer than 8 bytes is truncated", arguments: [0, 4, 7])
    func truncatedHeader(_ count: Int) {
        #expect(throws: WireError.truncated(header: "UDP", needed: 8, available: count)) {
            try UDPHeader.parse(Self.fixture.prefix(count), source: Fixture.podA, destination: Fixture.podB)
        }
    }

    @Test("a length field beyond the bytes available is truncated")
    func truncatedPayload() {
        #expect(throws: WireError.truncated(header: "UDP", needed: 13, available: 12)) {
            try UDPHeader.parse(Self.fixture.prefix(12), source: Fixture.podA, destination: Fixture.podB)
        }
    }

    @Test("a length field below the 8-byte header is malformed", arguments: [0, 7] as [UInt8])
    func badLength(_ length: UInt8) {
        var bytes = Self.withoutChecksum
        bytes[5] = length
        #expect(throws: WireError.malformed(header: "UDP", field: "length", value: Int(length))) {
            try UDPHeader.parse(bytes[...], source: Fixture.podA, destination: Fixture.podB)
        }
    }

    @Test("a wrong checksum is rejected")
    func badChecksum() {
        var bytes = Self.fixture
        bytes[12] = UInt8(ascii: "O")
        #expect(throws: WireError.badChecksum(header: "UDP")) {
            try UDPHeader.parse(bytes[...], source: Fixture.podA, destination: Fixture.podB)
        }
    }

    @Test("the checksum covers the pseudo-header: other addresses do not verify")
    func checksumCoversPseudoHeader() {
        #expect(throws: WireError.badChecksum(header: "UDP")) {
            try UDPHeader.parse(Self.fixture[...], source: Fixture.podA, destination: Fixture.cni0)
        }
        #expect(throws: WireError.badChecksum(header: "UDP")) {
            try UDPHeader.parse(Self.fixture[...], source: Fixture.podB, destination: Fixture.podB)
        }
    }
}
