import NetCore
import Testing

@Suite("IPv4Address")
struct IPv4AddressTests {
    @Test(
        "parses dotted quads into the host-order 32-bit value",
        arguments: [
            ("10.244.1.2", 0x0AF4_0102), ("0.0.0.0", 0), ("255.255.255.255", 0xFFFF_FFFF),
            ("192.168.1.10", 0xC0A8_010A), ("127.0.0.1", 0x7F00_0001), ("1.2.3.4", 0x0102_0304),
        ] as [(String, UInt32)])
    func parses(_ text: String, _ raw: UInt32) throws {
        let address = try #require(IPv4Address(text))
        #expect(address.rawValue == raw)
    }

    @Test(
        "rejects anything but four decimal octets of at most 255",
        arguments: [
            "10.0.0.256",  // octet over 255
            "256.0.0.0",
            "1000.0.0.1",  // four digits
            "1.2.3",  // three octets
            "1.2.3.4.5",  // five octets
            "1.2.3.",  // trailing dot
            ".1.2.3",  // leading dot
            "1..2.3",  // empty octet
            "1.2.3.4.",
            "a.b.c.d",
            "0x0a.0.0.1",  // hex
            "+1.2.3.4",  // sign
            "1.2.3.-4",
            "1.2.3.4/24",  // a prefix is not an address
            " 1.2.3.4",  // whitespace
            "1.2.3.4 ",
            "",
            ".",
        ])
    func rejectsMalformed(_ text: String) {
        #expect(IPv4Address(text) == nil, "\"\(text)\" should not parse")
    }

    @Test(
        "description round-trips through parsing",
        arguments: ["0.0.0.0", "10.244.1.2", "10.96.0.10", "169.254.1.1", "192.168.1.255", "255.255.255.255"])
    func descriptionRoundTrip(_ text: String) throws {
        let address = try #require(IPv4Address(text))
        #expect(address.description == text)
        #expect(IPv4Address(address.description) == address)
    }

    @Test("parses a substring, not only a String")
    func parsesSubstring() {
        let text = "via 10.244.2.0 dev flannel.1"
        let word = text.split(separator: " ")[1]
        #expect(IPv4Address(word) == IPv4Address(10, 244, 2, 0))
    }

    @Test("the octet initialiser and bytes agree with the wire order")
    func octets() {
        let address = IPv4Address(10, 244, 1, 2)
        #expect(address.rawValue == 0x0AF4_0102)
        #expect(address.bytes == [10, 244, 1, 2])
        #expect(address.description == "10.244.1.2")
    }

    @Test("any and limitedBroadcast are 0.0.0.0 and 255.255.255.255")
    func wellKnown() {
        #expect(IPv4Address.any.description == "0.0.0.0")
        #expect(IPv4Address.limitedBroadcast.description == "255.255.255.255")
    }

    @Test(
        "classifies 127/8 as loopback",
        arguments: [("127.0.0.1", true), ("127.255.255.254", true), ("128.0.0.1", false), ("10.244.1.2", false)])
    func loopback(_ text: String, _ expected: Bool) throws {
        let address = try #require(IPv4Address(text))
        #expect(address.isLoopback == expected)
    }

    @Test(
        "classifies 224/4 as multicast",
        arguments: [
            ("224.0.0.1", true), ("239.255.255.250", true), ("223.255.255.255", false), ("240.0.0.1", false),
            ("10.244.1.2", false),
        ])
    func multicast(_ text: String, _ expected: Bool) throws {
        let address = try #require(IPv4Address(text))
        #expect(address.isMulticast == expected)
    }

    struct Step: Sendable, CustomTestStringConvertible {
        var start: String
        var offset: Int
        var expected: String
        var testDescription: String { "\(start) advanced by \(offset)" }
    }

    @Test(
        "advanced(by:) moves across octet boundaries and wraps around the address space",
        arguments: [
            Step(start: "10.244.1.254", offset: 1, expected: "10.244.1.255"),
            Step(start: "10.244.1.255", offset: 1, expected: "10.244.2.0"),
            Step(start: "10.0.0.0", offset: -1, expected: "9.255.255.255"),
            Step(start: "255.255.255.255", offset: 1, expected: "0.0.0.0"),
            Step(start: "0.0.0.0", offset: -1, expected: "255.255.255.255"),
            Step(start: "10.96.0.0", offset: 10, expected: "10.96.0.10"),
        ])
    func advanced(_ step: Step) throws {
        let address = try #require(IPv4Address(step.start))
        #expect(address.advanced(by: step.offset).description == step.expected)
    }

    @Test("ordering is numeric, not textual")
    func ordering() throws {
        let two = try #require(IPv4Address("10.0.0.2"))
        let ten = try #require(IPv4Address("10.0.0.10"))
        let big = try #require(IPv4Address("192.168.0.1"))
        #expect(two < ten)
        #expect([big, ten, two].sorted() == [two, ten, big])
    }
}
