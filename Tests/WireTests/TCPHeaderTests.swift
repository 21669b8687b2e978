import NetCore
import Testing
import Wire

@Suite("TCPHeader")
struct TCPHeaderTests {
    /// SYN 10.244.1.2:40000 → 10.244.2.3:80, seq 1000, window 64240, MSS 1460.
    static let syn: [UInt8] = [
        0x9c, 0x40, 0x00, 0x50,  // ports 40000, 80
        0x00, 0x00, 0x03, 0xe8,  // seq 1000
        0x00, 0x00, 0x00, 0x00,  // ack 0
        0x60, 0x02, 0xfa, 0xf0,  // data offset 6, SYN, window 64240
        0xe3, 0xd0, 0x00, 0x00,  // checksum, urgent pointer
        0x02, 0x04, 0x05, 0xb4,  // MSS 1460
    ]

    static let synValue = TCPHeader(
        sourcePort: 40000, destinationPort: 80, sequenceNumber: 1000, flags: .syn, options: TCPHeader.mssOption(1460))

    /// The SYN Linux sends: MSS, SACK permitted, timestamps (val 0x11223344), NOP, window scale 7.
    static let linuxSYN: [UInt8] = [
        0x9c, 0x40, 0x00, 0x50, 0x00, 0x00, 0x03, 0xe8, 0x00, 0x00, 0x00, 0x00, 0xa0, 0x02, 0xfa, 0xf0,
        0x4f, 0x44, 0x00, 0x00,
        0x02, 0x04, 0x05, 0xb4, 0x04, 0x02, 0x08, 0x0a, 0x11, 0x22, 0x33, 0x44, 0x00, 0x00, 0x00, 0x00,
        0x01, 0x03, 0x03, 0x07,
    ]

    static let linuxSYNOptions: [UInt8] = [
        0x02, 0x04, 0x05, 0xb4, 0x04, 0x02, 0x08, 0x0a, 0x11, 0x22, 0x33, 0x44, 0x00, 0x00, 0x00, 0x00,
        0x01, 0x03, 0x03, 0x07,
    ]

    /// PSH|ACK seq 1001 ack 2001 window 502 carrying "GET / HTTP/1.1\r\n".
    static let data: [UInt8] = [
        0x9c, 0x40, 0x00, 0x50, 0x00, 0x00, 0x03, 0xe9, 0x00, 0x00, 0x07, 0xd1, 0x50, 0x18, 0x01, 0xf6,
        0x1a, 0xf9, 0x00, 0x00,
        0x47, 0x45, 0x54, 0x20, 0x2f, 0x20, 0x48, 0x54, 0x54, 0x50, 0x2f, 0x31, 0x2e, 0x31, 0x0d, 0x0a,
    ]

    static let dataValue = TCPHeader(
        sourcePort: 40000, destinationPort: 80, sequenceNumber: 1001, acknowledgmentNumber: 2001, flags: [.psh, .ack],
        window: 502)
    static let request = Array("GET / HTTP/1.1\r\n".utf8)

    // MARK: parse

    @Test("parse reads ports, sequence, flags, window and the MSS option of a SYN")
    func parseSYN() throws {
        let (header, payload) = try TCPHeader.parse(Self.syn[...], source: Fixture.podA, destination: Fixture.podB)
        #expect(header.sourcePort == 40000)
        #expect(header.destinationPort == 80)
        #expect(header.sequenceNumber == 1000)
        #expect(header.acknowledgmentNumber == 0)
        #expect(header.flags == .syn)
        #expect(header.window == 64240)
        #expect(header.urgentPointer == 0)
        #expect(header.options == [0x02, 0x04, 0x05, 0xb4])
        #expect(header.headerLength == 24)
        #expect(payload.isEmpty)
        #expect(header == Self.synValue)
    }

    @Test("parse keeps every option of a Linux SYN")
    func parseLinuxSYN() throws {
        let (header, _) = try TCPHeader.parse(Self.linuxSYN[...], source: Fixture.podA, destination: Fixture.podB)
        #expect(header.options == Self.linuxSYNOptions)
        #expect(header.headerLength == 40)
    }

    @Test("parse returns the bytes after the data offset as payload")
    func parseData() throws {
        let (header, payload) = try TCPHeader.parse(Self.data[...], source: Fixture.podA, destination: Fixture.podB)
        #expect(header == Self.dataValue)
        #expect(header.flags == [.psh, .ack])
        #expect(Array(payload) == Self.request)
    }

    // MARK: emit

    @Test("emit writes exactly the SYN fixture: data offset and checksum derived")
    func emitSYN() {
        var buffer: [UInt8] = []
        Self.synValue.emit(payload: [], source: Fixture.podA, destination: Fixture.podB, into: &buffer)
        #expect(buffer == Self.syn)
    }

    @Test("emit writes exactly the Linux SYN fixture")
    func emitLinuxSYN() {
        var header = Self.synValue
        header.options = Self.linuxSYNOptions
        var buffer: [UInt8] = []
        header.emit(payload: [], source: Fixture.podA, destination: Fixture.podB, into: &buffer)
        #expect(buffer == Self.linuxSYN)
    }

    @Test("emit writes exactly the data fixture, payload included in the checksum")
    func emitData() {
        var buffer: [UInt8] = []
        Self.dataValue.emit(payload: Self.request, source: Fixture.podA, destination: Fixture.podB, into: &buffer)
        #expect(buffer == Self.data)
    }

    @Test("options that are not a multiple of 4 bytes are zero-padded and counted in the data offset")
    func emitPadsOptions() throws {
        var header = Self.synValue
        header.options = [0x03, 0x03, 0x07]  // window scale alone
        #expect(header.headerLength == 24)
        var buffer: [UInt8] = []
        header.emit(payload: [], source: Fixture.podA, destination: Fixture.podB, into: &buffer)
        #expect(buffer.count == 24)
        #expect(buffer[12] >> 4 == 6)
        #expect(Array(buffer[20...]) == [0x03, 0x03, 0x07, 0x00])
        let (parsed, _) = try TCPHeader.parse(buffer[...], source: Fixture.podA, destination: Fixture.podB)
        #expect(parsed.options == [0x03, 0x03, 0x07, 0x00])
    }

    @Test("mssOption encodes kind 2, length 4 and the MSS big-endian")
    func mssOption() {
        #expect(TCPHeader.mssOption(1460) == [0x02, 0x04, 0x05, 0xb4])
        #expect(TCPHeader.mssOption(1410) == [0x02, 0x04, 0x05, 0x82])
    }

    // MARK: round trip

    static let roundTripCases: [TCPHeader] = [
        synValue,
        TCPHeader(
            sourcePort: 80, destinationPort: 40000, sequenceNumber: 2000, acknowledgmentNumber: 1001,
            flags: [.syn, .ack], window: 65160, options: linuxSYNOptions),
        TCPHeader(
            sourcePort: 1, destinationPort: 65535, sequenceNumber: .max, acknowledgmentNumber: .max,
            flags: TCPFlags(rawValue: 0xff), window: .max, urgentPointer: 0xbeef),
        TCPHeader(
            sourcePort: 40000, destinationPort: 80, sequenceNumber: 0, acknowledgmentNumber: 1001,
            flags: [.rst, .ack], window: 0),
        TCPHeader(sourcePort: 40000, destinationPort: 80, flags: [], options: [UInt8](repeating: 0x01, count: 40)),
    ]

    @Test("parse(emit(h)) == h, options and flags included", arguments: TCPHeaderTests.roundTripCases)
    func roundTrip(_ header: TCPHeader) throws {
        let payload: [UInt8] = [0x0d, 0x0a, 0x0d]  // odd length exercises checksum padding
        var buffer: [UInt8] = []
        header.emit(payload: payload, source: Fixture.podB, destination: Fixture.podA, into: &buffer)
        #expect(buffer.count == header.headerLength + payload.count)
        let (parsed, parsedPayload) = try TCPHeader.parse(buffer[...], source: Fixture.podB, destination: Fixture.podA)
        #expect(parsed == header)
        #expect(Array(parsedPayload) == payload)
    }

    // MARK: malformed input

    @Test("fewer than 20 bytes is truncated", arguments: [0, 13, 19])
    func truncatedHeader(_ count: Int) {
        #expect(throws: WireError.truncated(header: "TCP", needed: 20, available: count)) {
            try TCPHeader.parse(Self.syn.prefix(count), source: Fixture.podA, destination: Fixture.podB)
        }
    }

    @Test("a data offset beyond the bytes available is truncated")
    func truncatedOptions() {
        #expect(throws: WireError.truncated(header: "TCP", needed: 24, available: 20)) {
            try TCPHeader.parse(Self.syn.prefix(20), source: Fixture.podA, destination: Fixture.podB)
        }
        #expect(throws: WireError.truncated(header: "TCP", needed: 40, available: 30)) {
            try TCPHeader.parse(Self.linuxSYN.prefix(30), source: Fixture.podA, destination: Fixture.podB)
        }
    }

    @Test("a data offset below 5 words is malformed", arguments: [0, 4] as [UInt8])
    func badDataOffset(_ words: UInt8) {
        var bytes = Self.syn
        bytes[12] = words << 4
        #expect(throws: WireError.malformed(header: "TCP", field: "data offset", value: Int(words))) {
            try TCPHeader.parse(bytes[...], source: Fixture.podA, destination: Fixture.podB)
        }
    }

    @Test("a wrong checksum is rejected")
    func badChecksum() {
        var bytes = Self.syn
        bytes[17] ^= 0x01
        #expect(throws: WireError.badChecksum(header: "TCP")) {
            try TCPHeader.parse(bytes[...], source: Fixture.podA, destination: Fixture.podB)
        }
    }

    @Test("the checksum covers payload and pseudo-header")
    func checksumCoverage() {
        var bytes = Self.data
        bytes[20] = UInt8(ascii: "P")
        #expect(throws: WireError.badChecksum(header: "TCP")) {
            try TCPHeader.parse(bytes[...], source: Fixture.podA, destination: Fixture.podB)
        }
        #expect(throws: WireError.badChecksum(header: "TCP")) {
            try TCPHeader.parse(Self.data[...], source: Fixture.podA, destination: Fixture.cni0)
        }
    }

    // MARK: flags

    @Test(
        "flags print with tcpdump's letters in tcpdump's order (F S R P . U E W)",
        arguments: [
            (TCPFlags.syn, "S"), ([.syn, .ack], "S."), ([.fin, .ack], "F."), ([.rst, .ack], "R."), (.rst, "R"),
            ([.psh, .ack], "P."), (.ack, "."), ([], "none"), (.fin, "F"),
            ([.fin, .syn], "FS"), ([.syn, .ack, .ece], "S.E"), ([.psh, .ack, .urg], "P.U"), ([.rst, .psh], "RP"),
            ([.syn, .ece, .cwr], "SEW"), ([.fin, .psh, .ack], "FP."),
        ] as [(TCPFlags, String)])
    func flagLetters(_ flags: TCPFlags, _ expected: String) {
        #expect(flags.description == expected)
    }
}
