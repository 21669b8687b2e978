import NetCore
import Testing
import Wire

@Suite("ICMPv4Message")
struct ICMPv4MessageTests {
    // MARK: fixtures

    /// Echo request, id 0x1c5a (7258), seq 1, data "abcdefgh".
    static let echoRequest: [UInt8] = [
        0x08, 0x00, 0x4a, 0x0f, 0x1c, 0x5a, 0x00, 0x01, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68,
    ]

    /// The matching echo reply.
    static let echoReply: [UInt8] = [
        0x00, 0x00, 0x52, 0x0f, 0x1c, 0x5a, 0x00, 0x01, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68,
    ]

    /// The first 28 bytes of a 1500-byte DF TCP segment 10.244.1.2:40000 → 10.244.2.3:80 (id 0x04d2).
    static let quotedSegment: [UInt8] = [
        0x45, 0x00, 0x05, 0xdc, 0x04, 0xd2, 0x40, 0x00, 0x40, 0x06, 0x17, 0x5e, 0x0a, 0xf4, 0x01, 0x02,
        0x0a, 0xf4, 0x02, 0x03, 0x9c, 0x40, 0x00, 0x50, 0x00, 0x00, 0x03, 0xe8,
    ]

    /// Destination unreachable / fragmentation needed (3/4), next-hop MTU 1450 in bytes 6–7.
    static let fragmentationNeeded: [UInt8] = [
        0x03, 0x04, 0x56, 0xd9, 0x00, 0x00, 0x05, 0xaa,  // type 3, code 4, checksum, unused, MTU 1450
        0x45, 0x00, 0x05, 0xdc, 0x04, 0xd2, 0x40, 0x00, 0x40, 0x06, 0x17, 0x5e, 0x0a, 0xf4, 0x01, 0x02,
        0x0a, 0xf4, 0x02, 0x03, 0x9c, 0x40, 0x00, 0x50, 0x00, 0x00, 0x03, 0xe8,
    ]

    /// The first 28 bytes of pod A's UDP "hello" to 10.244.2.3:9999 with TTL 1 (id 0x99).
    static let quotedExpiredDatagram: [UInt8] = [
        0x45, 0x00, 0x00, 0x21, 0x00, 0x99, 0x40, 0x00, 0x01, 0x11, 0x60, 0x47, 0x0a, 0xf4, 0x01, 0x02,
        0x0a, 0xf4, 0x02, 0x03, 0x9c, 0x40, 0x27, 0x0f, 0x00, 0x0d, 0xdf, 0xc5,
    ]

    /// Time exceeded in transit (11/0), quoting the TTL-1 datagram.
    static let timeExceeded: [UInt8] = [
        0x0b, 0x00, 0x51, 0xdd, 0x00, 0x00, 0x00, 0x00,
        0x45, 0x00, 0x00, 0x21, 0x00, 0x99, 0x40, 0x00, 0x01, 0x11, 0x60, 0x47, 0x0a, 0xf4, 0x01, 0x02,
        0x0a, 0xf4, 0x02, 0x03, 0x9c, 0x40, 0x27, 0x0f, 0x00, 0x0d, 0xdf, 0xc5,
    ]

    /// The same datagram with TTL 64, as quoted by a port unreachable.
    static let quotedDatagram: [UInt8] = [
        0x45, 0x00, 0x00, 0x21, 0x00, 0x99, 0x40, 0x00, 0x40, 0x11, 0x21, 0x47, 0x0a, 0xf4, 0x01, 0x02,
        0x0a, 0xf4, 0x02, 0x03, 0x9c, 0x40, 0x27, 0x0f, 0x00, 0x0d, 0xdf, 0xc5,
    ]

    /// Destination unreachable / port unreachable (3/3).
    static let portUnreachable: [UInt8] = [
        0x03, 0x03, 0x59, 0xda, 0x00, 0x00, 0x00, 0x00,
        0x45, 0x00, 0x00, 0x21, 0x00, 0x99, 0x40, 0x00, 0x40, 0x11, 0x21, 0x47, 0x0a, 0xf4, 0x01, 0x02,
        0x0a, 0xf4, 0x02, 0x03, 0x9c, 0x40, 0x27, 0x0f, 0x00, 0x0d, 0xdf, 0xc5,
    ]

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var message: ICMPv4Message
        var bytes: [UInt8]
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "echo request",
            message: .echoRequest(identifier: 0x1c5a, sequence: 1, data: Array("abcdefgh".utf8)), bytes: echoRequest),
        Case(
            name: "echo reply",
            message: .echoReply(identifier: 0x1c5a, sequence: 1, data: Array("abcdefgh".utf8)), bytes: echoReply),
        Case(
            name: "fragmentation needed",
            message: .destinationUnreachable(code: .fragmentationNeeded, nextHopMTU: 1450, invoking: quotedSegment),
            bytes: fragmentationNeeded),
        Case(
            name: "time exceeded", message: .timeExceeded(code: 0, invoking: quotedExpiredDatagram),
            bytes: timeExceeded),
        Case(
            name: "port unreachable",
            message: .destinationUnreachable(code: .port, nextHopMTU: 0, invoking: quotedDatagram),
            bytes: portUnreachable),
    ]

    // MARK: parse

    @Test("parse decodes each fixture into its message", arguments: ICMPv4MessageTests.cases)
    func parse(_ example: Case) throws {
        #expect(try ICMPv4Message.parse(example.bytes[...]) == example.message)
    }

    @Test("parse reads an echo request's identifier, sequence and data")
    func parseEcho() throws {
        guard case .echoRequest(let identifier, let sequence, let data) = try ICMPv4Message.parse(Self.echoRequest[...])
        else {
            Issue.record("not an echo request")
            return
        }
        #expect(identifier == 7258)
        #expect(sequence == 1)
        #expect(String(decoding: data, as: UTF8.self) == "abcdefgh")
    }

    @Test("parse reads the next-hop MTU of a frag-needed from bytes 6–7 and keeps the quoted datagram")
    func parseFragmentationNeeded() throws {
        #expect(Array(Self.fragmentationNeeded[6...7]) == [0x05, 0xaa])
        let message = try ICMPv4Message.parse(Self.fragmentationNeeded[...])
        guard case .destinationUnreachable(let code, let mtu, let invoking) = message else {
            Issue.record("not a destination unreachable: \(message)")
            return
        }
        #expect(code == .fragmentationNeeded)
        #expect(code.rawValue == 4)
        #expect(mtu == 1450)
        #expect(invoking == Self.quotedSegment)
        #expect(message.type == 3)
        #expect(message.code == 4)
        #expect(message.isError)
        #expect(message.length == 36)
    }

    @Test("parse reads a time exceeded as type 11 code 0 with the quoted datagram")
    func parseTimeExceeded() throws {
        let message = try ICMPv4Message.parse(Self.timeExceeded[...])
        #expect(message == .timeExceeded(code: 0, invoking: Self.quotedExpiredDatagram))
        #expect(message.type == 11)
        #expect(message.code == 0)
        #expect(message.isError)
    }

    @Test("parse keeps a type it does not model whole, as .other")
    func parseOther() throws {
        // Redirect (5/1) for host, gateway 10.244.1.1, quoting the datagram.
        var bytes: [UInt8] = [0x05, 0x01, 0x00, 0x00, 0x0a, 0xf4, 0x01, 0x01] + Self.quotedDatagram
        let checksum = Checksum.compute(bytes)
        bytes[2] = UInt8(checksum >> 8)
        bytes[3] = UInt8(checksum & 0xff)
        let message = try ICMPv4Message.parse(bytes[...])
        #expect(message == .other(type: 5, code: 1, rest: 0x0AF4_0101, data: Self.quotedDatagram))
        #expect(message.isError)
    }

    // MARK: emit

    @Test("emit writes exactly the fixture bytes, checksum included", arguments: ICMPv4MessageTests.cases)
    func emit(_ example: Case) {
        var buffer: [UInt8] = []
        example.message.emit(into: &buffer)
        #expect(buffer == example.bytes)
        #expect(example.message.length == example.bytes.count)
    }

    @Test("invoking(_:) quotes the IP header and the first 8 bytes of the payload")
    func invokingQuotesHeaderAndEightBytes() {
        #expect(ICMPv4Message.invoking(Fixture.fullSizedSegment) == Self.quotedSegment)
        #expect(ICMPv4Message.invoking(Fixture.udpHello(timeToLive: 1)) == Self.quotedExpiredDatagram)
        #expect(ICMPv4Message.invoking(Fixture.udpHello()) == Self.quotedDatagram)
    }

    // MARK: round trip

    static let roundTripCases: [ICMPv4Message] = [
        .echoRequest(identifier: 0, sequence: 0, data: []),
        .echoRequest(identifier: 0xffff, sequence: 0xffff, data: [UInt8](repeating: 0xa5, count: 56)),
        .echoReply(identifier: 1, sequence: 2, data: [1, 2, 3]),  // odd length
        .destinationUnreachable(code: .network, nextHopMTU: 0, invoking: quotedDatagram),
        .destinationUnreachable(code: .host, nextHopMTU: 0, invoking: quotedDatagram),
        .destinationUnreachable(code: .administrativelyProhibited, nextHopMTU: 0, invoking: quotedDatagram),
        .destinationUnreachable(code: ICMPv4UnreachableCode(rawValue: 9), nextHopMTU: 0, invoking: []),
        .destinationUnreachable(code: .fragmentationNeeded, nextHopMTU: 1450, invoking: quotedSegment),
        .timeExceeded(code: 1, invoking: quotedDatagram),
        .other(type: 5, code: 1, rest: 0x0AF4_0101, data: quotedDatagram),
        .other(type: 13, code: 0, rest: 0x0001_0002, data: [UInt8](repeating: 0, count: 12)),
    ]

    @Test("parse(emit(m)) == m", arguments: ICMPv4MessageTests.roundTripCases)
    func roundTrip(_ message: ICMPv4Message) throws {
        var buffer: [UInt8] = []
        message.emit(into: &buffer)
        #expect(buffer.count == message.length)
        #expect(Checksum.compute(buffer) == 0)
        #expect(try ICMPv4Message.parse(buffer[...]) == message)
    }

    @Test("emit(parse(b)) == b even for a destination unreachable whose unused field is not zero")
    func bytesRoundTrip() throws {
        var bytes: [UInt8] = [0x03, 0x01, 0x00, 0x00, 0x00, 0x07, 0x00, 0x00] + Self.quotedDatagram  // RFC 4884 length
        let checksum = Checksum.compute(bytes)
        bytes[2] = UInt8(checksum >> 8)
        bytes[3] = UInt8(checksum & 0xff)
        var emitted: [UInt8] = []
        try ICMPv4Message.parse(bytes[...]).emit(into: &emitted)
        #expect(emitted == bytes)
    }

    // MARK: malformed input

    @Test("fewer than 8 bytes is truncated", arguments: [0, 4, 7])
    func truncated(_ count: Int) {
        #expect(throws: WireError.truncated(header: "ICMP", needed: 8, available: count)) {
            try ICMPv4Message.parse(Self.echoRequest.prefix(count))
        }
    }

    @Test("a wrong checksum is rejected", arguments: [2, 3])
    func badChecksum(_ index: Int) {
        var bytes = Self.fragmentationNeeded
        bytes[index] ^= 0x10
        #expect(throws: WireError.badChecksum(header: "ICMP")) { try ICMPv4Message.parse(bytes[...]) }
    }

    @Test("the checksum covers the data, not only the 8-byte header")
    func checksumCoversData() {
        var bytes = Self.echoRequest
        bytes[15] = UInt8(ascii: "H")
        #expect(throws: WireError.badChecksum(header: "ICMP")) { try ICMPv4Message.parse(bytes[...]) }
    }

    @Test("echo messages are not errors; unreachable and time exceeded are")
    func isError() {
        #expect(!ICMPv4Message.echoRequest(identifier: 1, sequence: 1, data: []).isError)
        #expect(!ICMPv4Message.echoReply(identifier: 1, sequence: 1, data: []).isError)
        #expect(ICMPv4Message.destinationUnreachable(code: .port, nextHopMTU: 0, invoking: []).isError)
        #expect(ICMPv4Message.timeExceeded(code: 0, invoking: []).isError)
    }

    @Test("a quoted datagram reads its tuple; a rewrite replaces address and port and keeps the header checksum valid")
    func quotedDatagram() throws {
        let quoted = try #require(QuotedDatagram(Self.quotedSegment))
        #expect(quoted.source == IPv4Address(10, 244, 1, 2) && quoted.destination == IPv4Address(10, 244, 2, 3))
        #expect(quoted.protocol == .tcp && quoted.sourcePort == 40000 && quoted.destinationPort == 80)
        #expect(quoted.hasTransportHeader)
        let rewritten = QuotedDatagram.rewrite(Self.quotedSegment, destination: (IPv4Address(10, 96, 0, 10), 8080))
        let after = try #require(QuotedDatagram(rewritten))
        #expect(after.destination == IPv4Address(10, 96, 0, 10) && after.destinationPort == 8080)
        #expect(after.source == quoted.source && after.sourcePort == 40000)
        #expect(Checksum.compute(rewritten[0..<20]) == 0)
        #expect(Array(rewritten[24...]) == Array(Self.quotedSegment[24...]))
        #expect(QuotedDatagram(Array(Self.quotedSegment.prefix(22)))?.hasTransportHeader == false)
        // An IHL longer than the quote is not a datagram: nothing to read, nothing to rewrite.
        var longHeader = Self.quotedSegment
        longHeader[0] = 0x4F
        #expect(QuotedDatagram(longHeader) == nil)
        #expect(QuotedDatagram.rewrite(longHeader, source: (IPv4Address(1, 2, 3, 4), 1)) == longHeader)
    }
}
