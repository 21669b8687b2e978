import NetCore
import Testing
import Wire

@Suite("IPv4Header")
struct IPv4HeaderTests {
    /// 10.244.1.2 → 10.244.2.3, TOS 0xb8 (DSCP EF), id 0x1234, DF, TTL 64, protocol 253, 4 payload bytes.
    static let fixture: [UInt8] = [
        0x45, 0xb8, 0x00, 0x18,  // version 4, IHL 5, TOS, total length 24
        0x12, 0x34, 0x40, 0x00,  // id, flags DF, offset 0
        0x40, 0xfd, 0x0e, 0x11,  // TTL 64, protocol 253, checksum
        0x0a, 0xf4, 0x01, 0x02,  // source
        0x0a, 0xf4, 0x02, 0x03,  // destination
        0xde, 0xad, 0xbe, 0xef,  // payload
    ]

    static let value = IPv4Header(
        typeOfService: 0xb8, identification: 0x1234, protocol: IPProtocol(rawValue: 253), source: Fixture.podA,
        destination: Fixture.podB)

    /// A fragment with options: IHL 7 (NOP + record route), MF, offset 185 (1480 bytes), TTL 1, UDP.
    static let withOptions: [UInt8] = [
        0x47, 0x00, 0x00, 0x20,  // version 4, IHL 7, total length 32
        0xab, 0xcd, 0x20, 0xb9,  // id, flags MF, offset 185
        0x01, 0x11, 0xca, 0x4f,  // TTL 1, UDP, checksum
        0x0a, 0xf4, 0x01, 0x02,
        0x0a, 0xf4, 0x02, 0x03,
        0x01, 0x07, 0x07, 0x04, 0x00, 0x00, 0x00, 0x00,  // NOP, RR len 7 ptr 4, one empty slot
        0x01, 0x02, 0x03, 0x04,  // payload
    ]

    static let withOptionsValue = IPv4Header(
        identification: 0xabcd, dontFragment: false, moreFragments: true, fragmentOffset: 185, timeToLive: 1,
        protocol: .udp, source: Fixture.podA, destination: Fixture.podB,
        options: [0x01, 0x07, 0x07, 0x04, 0x00, 0x00, 0x00, 0x00])

    // MARK: parse

    @Test("parse reads every field and returns the payload the total length declares")
    func parse() throws {
        let (header, payload) = try IPv4Header.parse(Self.fixture[...])
        #expect(header.typeOfService == 0xb8)
        #expect(header.identification == 0x1234)
        #expect(header.dontFragment)
        #expect(!header.moreFragments)
        #expect(header.fragmentOffset == 0)
        #expect(!header.isFragment)
        #expect(header.timeToLive == 64)
        #expect(header.protocol.rawValue == 253)
        #expect(header.source.description == "10.244.1.2")
        #expect(header.destination.description == "10.244.2.3")
        #expect(header.options.isEmpty)
        #expect(header.headerLength == 20)
        #expect(Array(payload) == [0xde, 0xad, 0xbe, 0xef])
        #expect(header == Self.value)
    }

    @Test("parse keeps options, fragment flags and offset")
    func parseWithOptions() throws {
        let (header, payload) = try IPv4Header.parse(Self.withOptions[...])
        #expect(header.options == [0x01, 0x07, 0x07, 0x04, 0x00, 0x00, 0x00, 0x00])
        #expect(header.headerLength == 28)
        #expect(!header.dontFragment)
        #expect(header.moreFragments)
        #expect(header.fragmentOffset == 185)
        #expect(header.isFragment)
        #expect(header.timeToLive == 1)
        #expect(header.protocol == .udp)
        #expect(Array(payload) == [0x01, 0x02, 0x03, 0x04])
        #expect(header == Self.withOptionsValue)
    }

    @Test("parse stops at the total length: Ethernet padding after the datagram is not payload")
    func parseIgnoresPadding() throws {
        let padded = Self.fixture + [UInt8](repeating: 0, count: 22)
        let (header, payload) = try IPv4Header.parse(padded[...])
        #expect(header == Self.value)
        #expect(Array(payload) == [0xde, 0xad, 0xbe, 0xef])
    }

    @Test("parse works on a slice that does not start at index 0 (after an Ethernet header)")
    func parseInsideFrame() throws {
        let frame = EthernetHeaderTests.fixture + Self.fixture
        let (header, payload) = try IPv4Header.parse(frame[14...])
        #expect(header == Self.value)
        #expect(Array(payload) == [0xde, 0xad, 0xbe, 0xef])
    }

    // MARK: emit

    @Test("emit writes the fixture header: IHL, total length and checksum derived")
    func emit() {
        var buffer: [UInt8] = []
        Self.value.emit(payloadLength: 4, into: &buffer)
        #expect(buffer == Array(Self.fixture.prefix(20)))
    }

    @Test("emit writes options and the IHL that covers them")
    func emitWithOptions() {
        var buffer: [UInt8] = []
        Self.withOptionsValue.emit(payloadLength: 4, into: &buffer)
        #expect(buffer == Array(Self.withOptions.prefix(28)))
    }

    @Test("options that are not a multiple of 4 bytes are padded with zero and counted in the IHL")
    func emitPadsOptions() throws {
        let header = IPv4Header(
            protocol: IPProtocol(rawValue: 253), source: Fixture.podA, destination: Fixture.podB,
            options: [0x01, 0x01, 0x01])
        #expect(header.headerLength == 24)
        var buffer: [UInt8] = []
        header.emit(payloadLength: 0, into: &buffer)
        #expect(
            buffer == [
                0x46, 0x00, 0x00, 0x18, 0x00, 0x00, 0x40, 0x00, 0x40, 0xfd, 0x1d, 0xfc, 0x0a, 0xf4, 0x01, 0x02,
                0x0a, 0xf4, 0x02, 0x03, 0x01, 0x01, 0x01, 0x00,
            ])
        let (parsed, _) = try IPv4Header.parse(buffer[...])
        #expect(parsed.options == [0x01, 0x01, 0x01, 0x00])
    }

    @Test("emit's checksum verifies: the one's-complement sum of the header is zero")
    func emitChecksumVerifies() {
        var buffer: [UInt8] = []
        Self.withOptionsValue.emit(payloadLength: 1000, into: &buffer)
        #expect(Checksum.compute(buffer) == 0)
    }

    // MARK: round trip

    static let roundTripCases: [IPv4Header] = [
        IPv4Header(protocol: .tcp, source: Fixture.podA, destination: Fixture.podB),
        IPv4Header(
            typeOfService: 0x02, identification: 0xffff, dontFragment: false, timeToLive: 255, protocol: .icmp,
            source: .any, destination: .limitedBroadcast),
        IPv4Header(
            identification: 7, dontFragment: false, moreFragments: true, fragmentOffset: 0x1fff, protocol: .udp,
            source: Fixture.node1, destination: Fixture.node2),
        IPv4Header(
            timeToLive: 1, protocol: .udp, source: Fixture.podA, destination: Fixture.podB,
            options: [0x94, 0x04, 0x00, 0x00]),  // router alert
        withOptionsValue,
        IPv4Header(
            protocol: .tcp, source: Fixture.podA, destination: Fixture.podB,
            options: [UInt8](repeating: 0x01, count: 40)),  // the 40-byte maximum, IHL 15
    ]

    @Test("parse(emit(h)) == h, options included", arguments: IPv4HeaderTests.roundTripCases)
    func roundTrip(_ header: IPv4Header) throws {
        let payload: [UInt8] = [1, 2, 3, 4, 5, 6, 7]
        var buffer: [UInt8] = []
        header.emit(payloadLength: payload.count, into: &buffer)
        #expect(buffer.count == header.headerLength)
        buffer += payload
        let (parsed, parsedPayload) = try IPv4Header.parse(buffer[...])
        #expect(parsed == header)
        #expect(Array(parsedPayload) == payload)
    }

    // MARK: malformed input

    @Test("fewer than 20 bytes is truncated", arguments: [0, 1, 19])
    func truncatedHeader(_ count: Int) {
        #expect(throws: WireError.truncated(header: "IPv4", needed: 20, available: count)) {
            try IPv4Header.parse(Self.fixture.prefix(count))
        }
    }

    @Test("an IHL larger than the bytes available is truncated")
    func truncatedOptions() {
        #expect(throws: WireError.truncated(header: "IPv4", needed: 28, available: 24)) {
            try IPv4Header.parse(Self.withOptions.prefix(24))
        }
    }

    @Test("a total length beyond the bytes available is truncated")
    func truncatedPayload() {
        #expect(throws: WireError.truncated(header: "IPv4", needed: 24, available: 22)) {
            try IPv4Header.parse(Self.fixture.prefix(22))
        }
    }

    @Test("a version other than 4 is malformed", arguments: [0, 5, 6, 15] as [UInt8])
    func badVersion(_ version: UInt8) {
        var bytes = Self.fixture
        bytes[0] = version << 4 | 5
        #expect(throws: WireError.malformed(header: "IPv4", field: "version", value: Int(version))) {
            try IPv4Header.parse(bytes[...])
        }
    }

    @Test("an IHL below 5 is malformed", arguments: [0, 1, 4] as [UInt8])
    func badIHL(_ ihl: UInt8) {
        var bytes = Self.fixture
        bytes[0] = 0x40 | ihl
        #expect(throws: WireError.malformed(header: "IPv4", field: "IHL", value: Int(ihl))) {
            try IPv4Header.parse(bytes[...])
        }
    }

    @Test("a total length shorter than the header is malformed")
    func badTotalLength() {
        var bytes = Self.fixture
        bytes[2] = 0
        bytes[3] = 16
        #expect(throws: WireError.malformed(header: "IPv4", field: "total length", value: 16)) {
            try IPv4Header.parse(bytes[...])
        }
    }

    @Test("a wrong header checksum is rejected")
    func badChecksum() {
        var bytes = Self.fixture
        bytes[11] ^= 0x01
        #expect(throws: WireError.badChecksum(header: "IPv4")) { try IPv4Header.parse(bytes[...]) }
    }

    @Test("a header changed after the checksum was computed (TTL decremented without update) is rejected")
    func staleChecksum() {
        var bytes = Self.fixture
        bytes[8] -= 1
        #expect(throws: WireError.badChecksum(header: "IPv4")) { try IPv4Header.parse(bytes[...]) }
    }

    @Test("the checksum covers the options")
    func checksumCoversOptions() {
        var bytes = Self.withOptions
        bytes[23] = 0x08  // record-route pointer
        #expect(throws: WireError.badChecksum(header: "IPv4")) { try IPv4Header.parse(bytes[...]) }
    }

    @Test("the checksum does not cover the payload")
    func checksumExcludesPayload() throws {
        var bytes = Self.fixture
        bytes[23] = 0x00
        let (header, payload) = try IPv4Header.parse(bytes[...])
        #expect(header == Self.value)
        #expect(Array(payload) == [0xde, 0xad, 0xbe, 0x00])
    }
}
