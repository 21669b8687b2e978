import NetCore
import Testing

@Suite("IPv4Prefix")
struct IPv4PrefixTests {
    @Test(
        "parses address/length, keeping host bits as written",
        arguments: [
            ("10.244.0.0/16", 16), ("10.244.1.1/24", 24), ("0.0.0.0/0", 0), ("192.168.1.10/32", 32),
            ("10.244.1.64/26", 26),
        ] as [(String, Int)])
    func parses(_ text: String, _ length: Int) throws {
        let prefix = try #require(IPv4Prefix(text))
        let address = String(text.prefix(while: { $0 != "/" }))
        #expect(prefix.address.description == address)
        #expect(prefix.length == length)
    }

    @Test("a bare address parses as a /32")
    func bareAddressIsHostRoute() throws {
        let prefix = try #require(IPv4Prefix("10.244.1.1"))
        #expect(prefix.length == 32)
        #expect(prefix.address == IPv4Address(10, 244, 1, 1))
    }

    @Test(
        "rejects malformed prefixes and lengths over 32",
        arguments: [
            "10.0.0.0/33", "10.0.0.0/-1", "10.0.0.0/+8", "10.0.0.0/", "10.0.0.0/8/8", "10.0.0.0/x", "10.0.0.0/ 8",
            "10.0.0/8", "10.0.0.256/8", "/8", "", "default",
        ])
    func rejectsMalformed(_ text: String) {
        #expect(IPv4Prefix(text) == nil, "\"\(text)\" should not parse")
    }

    @Test(
        "description round-trips through parsing",
        arguments: ["10.244.0.0/16", "10.244.1.1/24", "0.0.0.0/0", "10.96.0.10/32", "10.244.1.64/26"])
    func descriptionRoundTrip(_ text: String) throws {
        let prefix = try #require(IPv4Prefix(text))
        #expect(prefix.description == text)
        #expect(IPv4Prefix(prefix.description) == prefix)
    }

    struct Derived: Sendable, CustomTestStringConvertible {
        var text: String
        var mask: UInt32
        var network: String
        var broadcast: String
        var isNetwork: Bool
        var size: UInt64
        var testDescription: String { text }
    }

    @Test(
        "mask, network, broadcast, isNetwork and size follow from the length",
        arguments: [
            Derived(
                text: "10.244.1.1/24", mask: 0xFFFF_FF00, network: "10.244.1.0", broadcast: "10.244.1.255",
                isNetwork: false, size: 256),
            Derived(
                text: "10.244.0.0/16", mask: 0xFFFF_0000, network: "10.244.0.0", broadcast: "10.244.255.255",
                isNetwork: true, size: 65536),
            Derived(
                text: "192.168.1.130/25", mask: 0xFFFF_FF80, network: "192.168.1.128", broadcast: "192.168.1.255",
                isNetwork: false, size: 128),
            Derived(
                text: "10.244.1.64/26", mask: 0xFFFF_FFC0, network: "10.244.1.64", broadcast: "10.244.1.127",
                isNetwork: true, size: 64),
            Derived(
                text: "10.96.0.10/32", mask: 0xFFFF_FFFF, network: "10.96.0.10", broadcast: "10.96.0.10",
                isNetwork: true, size: 1),
            Derived(
                text: "192.168.1.10/31", mask: 0xFFFF_FFFE, network: "192.168.1.10", broadcast: "192.168.1.11",
                isNetwork: true, size: 2),
            Derived(
                text: "0.0.0.0/0", mask: 0, network: "0.0.0.0", broadcast: "255.255.255.255", isNetwork: true,
                size: 1 << 32),
        ])
    func derivedFields(_ example: Derived) throws {
        let prefix = try #require(IPv4Prefix(example.text))
        #expect(prefix.mask == example.mask)
        #expect(prefix.network.description == example.network)
        #expect(prefix.broadcast.description == example.broadcast)
        #expect(prefix.isNetwork == example.isNetwork)
        #expect(prefix.size == example.size)
    }

    @Test("masked clears host bits and keeps the length")
    func masked() throws {
        let interface = try #require(IPv4Prefix("10.244.1.1/24"))
        let network = try #require(IPv4Prefix("10.244.1.0/24"))
        #expect(interface.masked == network)
        #expect(interface != network, "an interface address keeps its host bits")
        #expect(network.masked == network)
        #expect(interface.masked.isNetwork)
    }

    @Test(
        "contains an address inside the network part",
        arguments: [
            ("10.244.0.0/16", "10.244.1.2"), ("10.244.1.1/24", "10.244.1.200"), ("10.244.1.0/26", "10.244.1.63"),
            ("0.0.0.0/0", "203.0.113.7"), ("10.96.0.10/32", "10.96.0.10"), ("10.244.1.0/24", "10.244.1.0"),
        ])
    func contains(_ prefixText: String, _ addressText: String) throws {
        let prefix = try #require(IPv4Prefix(prefixText))
        let address = try #require(IPv4Address(addressText))
        #expect(prefix.contains(address))
    }

    @Test(
        "does not contain an address outside the network part",
        arguments: [
            ("10.244.0.0/16", "10.245.0.1"), ("10.244.1.1/24", "10.244.2.1"), ("10.244.1.0/26", "10.244.1.64"),
            ("10.96.0.10/32", "10.96.0.11"), ("10.244.1.0/24", "10.244.0.255"),
        ])
    func doesNotContain(_ prefixText: String, _ addressText: String) throws {
        let prefix = try #require(IPv4Prefix(prefixText))
        let address = try #require(IPv4Address(addressText))
        #expect(!prefix.contains(address))
    }

    @Test(
        "overlaps, in both directions, when one prefix contains the other",
        arguments: [
            ("10.244.0.0/16", "10.244.1.0/24"), ("0.0.0.0/0", "192.168.0.0/16"), ("10.244.1.0/24", "10.244.1.64/26"),
            ("10.244.1.5/24", "10.244.1.0/24"), ("10.96.0.10/32", "10.96.0.0/12"), ("10.244.1.0/24", "10.244.1.0/24"),
        ])
    func overlaps(_ lhsText: String, _ rhsText: String) throws {
        let lhs = try #require(IPv4Prefix(lhsText))
        let rhs = try #require(IPv4Prefix(rhsText))
        #expect(lhs.overlaps(rhs))
        #expect(rhs.overlaps(lhs))
    }

    @Test(
        "does not overlap, in either direction, when the prefixes are disjoint",
        arguments: [
            ("10.244.1.0/24", "10.244.2.0/24"), ("10.244.1.0/26", "10.244.1.64/26"), ("10.96.0.0/12", "10.244.0.0/16"),
            ("10.96.0.10/32", "10.96.0.11/32"), ("192.168.1.0/25", "192.168.1.128/25"),
        ])
    func disjoint(_ lhsText: String, _ rhsText: String) throws {
        let lhs = try #require(IPv4Prefix(lhsText))
        let rhs = try #require(IPv4Prefix(rhsText))
        #expect(!lhs.overlaps(rhs))
        #expect(!rhs.overlaps(lhs))
    }

    @Test("defaultRoute is 0.0.0.0/0 and contains everything")
    func defaultRoute() {
        #expect(IPv4Prefix.defaultRoute.description == "0.0.0.0/0")
        #expect(IPv4Prefix.defaultRoute.contains(.limitedBroadcast))
        #expect(IPv4Prefix.defaultRoute.contains(.any))
    }
}
