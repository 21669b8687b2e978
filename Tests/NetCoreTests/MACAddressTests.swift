import NetCore
import Testing

@Suite("MACAddress")
struct MACAddressTests {
    @Test("parses colon-separated hex into the 48-bit value, wire order first")
    func parsesColonHex() throws {
        let mac = try #require(MACAddress("0a:58:0a:f4:01:02"))
        #expect(mac.rawValue == 0x0A58_0AF4_0102)
        #expect(mac.bytes == [0x0a, 0x58, 0x0a, 0xf4, 0x01, 0x02])
    }

    @Test("parsing is case-insensitive and prints lower case")
    func parsesUpperCase() throws {
        let mac = try #require(MACAddress("DE:07:AB:56:60:FF"))
        #expect(mac.rawValue == 0xDE07_AB56_60FF)
        #expect(mac.description == "de:07:ab:56:60:ff")
    }

    @Test(
        "rejects anything that is not six two-digit hex groups",
        arguments: [
            "aa:bb:cc:dd:ee",  // five groups
            "aa:bb:cc:dd:ee:ff:00",  // seven groups
            "aa:bb:cc:dd:ee:f",  // one-digit group
            "aa:bb:cc:dd:ee:fff",  // three-digit group
            "aa:bb:cc:dd:ee:fg",  // not hex
            "aa:bb:cc:dd:ee:",  // empty last group
            ":aa:bb:cc:dd:ee",  // empty first group
            "aa-bb-cc-dd-ee-ff",  // wrong separator
            "aabb.ccdd.eeff",  // Cisco notation
            "aabbccddeeff",  // no separators
            " aa:bb:cc:dd:ee:ff",  // leading space
            "aa:bb:cc:dd:ee:ff ",  // trailing space
            "",
        ])
    func rejectsMalformed(_ text: String) {
        #expect(MACAddress(text) == nil, "\"\(text)\" should not parse")
    }

    @Test(
        "rejects a sign inside a group (the parser promises nil for anything but hex digits)",
        arguments: ["+a:bb:cc:dd:ee:ff", "aa:bb:cc:dd:ee:+f", "aa:-0:cc:dd:ee:ff"])
    func rejectsSigns(_ text: String) {
        #expect(MACAddress(text) == nil, "\"\(text)\" should not parse")
    }

    @Test(
        "description round-trips through parsing",
        arguments: [
            "00:00:00:00:00:00", "ff:ff:ff:ff:ff:ff", "0a:58:0a:f4:01:01", "de:07:ab:56:60:ff", "01:00:5e:00:00:fb",
        ])
    func descriptionRoundTrip(_ text: String) throws {
        let mac = try #require(MACAddress(text))
        #expect(mac.description == text)
        #expect(MACAddress(mac.description) == mac)
    }

    @Test("init(bytes:) reads six bytes in wire order, the same as parsing")
    func initFromBytes() {
        let mac = MACAddress(bytes: [0x52, 0x54, 0x00, 0x12, 0x34, 0x56])
        #expect(mac.description == "52:54:00:12:34:56")
        #expect(MACAddress(bytes: mac.bytes) == mac)
    }

    @Test("init(rawValue:) keeps only the low 48 bits")
    func rawValueIsMasked() {
        let mac = MACAddress(rawValue: 0xFFFF_0A58_0AF4_0102)
        #expect(mac.rawValue == 0x0A58_0AF4_0102)
        #expect(mac.description == "0a:58:0a:f4:01:02")
    }

    @Test("broadcast is ff:ff:ff:ff:ff:ff and zero is 00:00:00:00:00:00")
    func wellKnownAddresses() {
        #expect(MACAddress.broadcast.description == "ff:ff:ff:ff:ff:ff")
        #expect(MACAddress.zero.description == "00:00:00:00:00:00")
        #expect(MACAddress.broadcast.isBroadcast)
        #expect(!MACAddress.zero.isBroadcast)
    }

    @Test(
        "the I/G bit of the first octet marks multicast (broadcast included)",
        arguments: [
            ("ff:ff:ff:ff:ff:ff", true), ("01:00:5e:00:00:01", true), ("33:33:00:00:00:01", true),
            ("0a:58:0a:f4:01:01", false), ("02:00:00:00:00:00", false), ("00:00:00:00:00:00", false),
        ])
    func multicastBit(_ text: String, _ multicast: Bool) throws {
        let mac = try #require(MACAddress(text))
        #expect(mac.isMulticast == multicast)
    }

    @Test("ordering follows the 48-bit value")
    func ordering() throws {
        let low = try #require(MACAddress("00:00:00:00:00:ff"))
        let high = try #require(MACAddress("00:00:00:00:01:00"))
        #expect(low < high)
        #expect([high, .broadcast, low, .zero].sorted() == [.zero, low, high, .broadcast])
    }

    @Test(
        "derived(from:) is a locally administered unicast address",
        arguments: ["cni0", "flannel.1", "eth0", "veth0a1b2c3d", "node-a/pod-b/eth0", ""])
    func derivedIsLocalUnicast(_ name: String) {
        let mac = MACAddress.derived(from: name)
        let first = mac.bytes[0]
        #expect(first & 0x02 != 0, "U/L bit must be set (locally administered): \(mac)")
        #expect(first & 0x01 == 0, "I/G bit must be clear (unicast): \(mac)")
        #expect(!mac.isMulticast)
    }

    @Test(
        "derived(from:) is the same in every process: FNV-1a of the name with the first octet fixed up",
        arguments: [
            ("cni0", "16:91:15:fa:e5:d5"), ("flannel.1", "16:d7:50:d3:fc:66"), ("eth0", "f6:60:7a:25:a4:04"),
            ("", "9e:e4:84:22:23:25"),
        ])
    func derivedIsStable(_ name: String, _ expected: String) {
        #expect(MACAddress.derived(from: name).description == expected)
        #expect(MACAddress.derived(from: name) == MACAddress.derived(from: name))
    }

    @Test("different names derive different addresses")
    func derivedDiffers() {
        let names = (0..<64).map { "veth\($0)" } + ["cni0", "flannel.1", "eth0", "eth1"]
        let macs = Set(names.map(MACAddress.derived(from:)))
        #expect(macs.count == names.count)
    }
}
