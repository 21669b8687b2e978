import NetCore
import Routing
import Testing

@Suite("NeighborTable")
struct NeighborTableTests {
    static let gateway = IPv4Address.literal("10.244.1.1")
    static let gatewayMAC = MACAddress(rawValue: 0x0A58_0AF4_0101)
    static let vtep = IPv4Address.literal("10.244.2.0")
    static let vtepMAC = MACAddress(rawValue: 0xDE07_AB56_60FF)
    static let confirmedAt = Instant.seconds(10)

    static func confirmedTable() -> NeighborTable {
        var table = NeighborTable()
        table.confirm(gateway, device: "eth0", mac: gatewayMAC, now: confirmedAt)
        return table
    }

    @Test(
        "a confirmed entry is REACHABLE for 30 s, then STALE",
        arguments: [
            (0.0, NeighborState.reachable), (1, .reachable), (29.999, .reachable), (30, .stale), (31, .stale),
            (3600, .stale),
        ] as [(Double, NeighborState)])
    func reachableBecomesStale(_ elapsed: Double, _ state: NeighborState) throws {
        let table = Self.confirmedTable()
        let entry = try #require(
            table.lookup(Self.gateway, device: "eth0", now: Self.confirmedAt.advanced(bySeconds: elapsed)))
        #expect(entry.state == state)
        #expect(entry.mac == Self.gatewayMAC, "a STALE entry keeps its address and is still used")
    }

    @Test("a new confirmation makes a STALE entry REACHABLE again, for another 30 s")
    func reconfirm() throws {
        var table = Self.confirmedTable()
        let later = Self.confirmedAt.advanced(bySeconds: 45)
        #expect(table.lookup(Self.gateway, device: "eth0", now: later)?.state == .stale)
        table.confirm(Self.gateway, device: "eth0", mac: Self.gatewayMAC, now: later)
        #expect(table.lookup(Self.gateway, device: "eth0", now: later.advanced(bySeconds: 29))?.state == .reachable)
        #expect(table.lookup(Self.gateway, device: "eth0", now: later.advanced(bySeconds: 30))?.state == .stale)
    }

    @Test("reachableTime is configurable")
    func reachableTime() {
        var table = NeighborTable()
        table.reachableTime = 15
        table.confirm(Self.gateway, device: "eth0", mac: Self.gatewayMAC, now: .zero)
        #expect(table.lookup(Self.gateway, device: "eth0", now: .seconds(14))?.state == .reachable)
        #expect(table.lookup(Self.gateway, device: "eth0", now: .seconds(15))?.state == .stale)
    }

    @Test("a PERMANENT entry never ages", arguments: [0, 30, 86_400, 1e9] as [Double])
    func permanentNeverAges(_ seconds: Double) throws {
        var table = NeighborTable()
        table.addPermanent(Self.vtep, device: "flannel.1", mac: Self.vtepMAC)
        let entry = try #require(table.lookup(Self.vtep, device: "flannel.1", now: .seconds(seconds)))
        #expect(entry.state == .permanent)
        #expect(entry.mac == Self.vtepMAC)
    }

    @Test("confirmations and failures do not overwrite a PERMANENT entry")
    func permanentIsNotOverwritten() throws {
        var table = NeighborTable()
        table.addPermanent(Self.vtep, device: "flannel.1", mac: Self.vtepMAC)
        table.confirm(Self.vtep, device: "flannel.1", mac: MACAddress(rawValue: 0x0200_0000_0001), now: .seconds(5))
        table.fail(Self.vtep, device: "flannel.1", now: .seconds(6))
        let entry = try #require(table.lookup(Self.vtep, device: "flannel.1", now: .seconds(7)))
        #expect(entry.state == .permanent)
        #expect(entry.mac == Self.vtepMAC)
    }

    @Test("a failed resolution is FAILED with no link-layer address, and does not age into STALE")
    func failed() throws {
        var table = NeighborTable()
        table.fail(IPv4Address.literal("10.244.1.9"), device: "cni0", now: .seconds(3))
        let entry = try #require(table.lookup(IPv4Address.literal("10.244.1.9"), device: "cni0", now: .seconds(100)))
        #expect(entry.state == .failed)
        #expect(entry.mac == nil)
    }

    @Test("entries are per device: the same address on another device is another entry")
    func perDevice() {
        let table = Self.confirmedTable()
        #expect(table.lookup(Self.gateway, device: "eth0", now: Self.confirmedAt) != nil)
        #expect(table.lookup(Self.gateway, device: "eth1", now: Self.confirmedAt) == nil)
        #expect(table.lookup(IPv4Address.literal("10.244.1.2"), device: "eth0", now: Self.confirmedAt) == nil)
    }

    @Test(
        "description is ip neigh syntax",
        arguments: [
            (
                NeighborEntry(
                    address: IPv4Address.literal("10.244.1.1"), device: "eth0",
                    mac: MACAddress(rawValue: 0x0A58_0AF4_0101), state: .reachable, updated: .zero),
                "10.244.1.1 dev eth0 lladdr 0a:58:0a:f4:01:01 REACHABLE"
            ),
            (
                NeighborEntry(
                    address: IPv4Address.literal("10.244.2.0"), device: "flannel.1",
                    mac: MACAddress(rawValue: 0xDE07_AB56_60FF), state: .permanent, updated: .zero),
                "10.244.2.0 dev flannel.1 lladdr de:07:ab:56:60:ff PERMANENT"
            ),
            (
                NeighborEntry(
                    address: IPv4Address.literal("10.244.1.9"), device: "cni0", mac: nil, state: .failed,
                    updated: .zero),
                "10.244.1.9 dev cni0 FAILED"
            ),
            (
                NeighborEntry(
                    address: IPv4Address.literal("10.244.1.9"), device: "cni0", mac: nil, state: .incomplete,
                    updated: .zero),
                "10.244.1.9 dev cni0 INCOMPLETE"
            ),
            (
                NeighborEntry(
                    address: IPv4Address.literal("192.168.1.1"), device: "eth0",
                    mac: MACAddress(rawValue: 0x5254_0000_0001), state: .stale, updated: .zero),
                "192.168.1.1 dev eth0 lladdr 52:54:00:00:00:01 STALE"
            ),
        ] as [(NeighborEntry, String)])
    func printsIPNeighSyntax(_ entry: NeighborEntry, _ expected: String) {
        #expect(entry.description == expected)
    }

    @Test("listing is sorted by device, then numerically by address, with states as of now")
    func listing() {
        var table = NeighborTable()
        table.confirm(IPv4Address.literal("10.0.0.10"), device: "eth0", mac: MACAddress(rawValue: 0x10), now: .zero)
        table.addPermanent(IPv4Address.literal("10.244.1.20"), device: "cni0", mac: MACAddress(rawValue: 0x20))
        table.confirm(
            IPv4Address.literal("10.0.0.2"), device: "eth0", mac: MACAddress(rawValue: 0x02), now: .seconds(50))
        table.fail(IPv4Address.literal("10.244.1.3"), device: "cni0", now: .zero)
        let lines = table.listing(now: .seconds(60)).map(\.description)
        #expect(
            lines == [
                "10.244.1.3 dev cni0 FAILED",
                "10.244.1.20 dev cni0 lladdr 00:00:00:00:00:20 PERMANENT",
                "10.0.0.2 dev eth0 lladdr 00:00:00:00:00:02 REACHABLE",
                "10.0.0.10 dev eth0 lladdr 00:00:00:00:00:10 STALE",
            ])
    }

    @Test("an empty table lists nothing")
    func emptyListing() {
        #expect(NeighborTable().listing(now: .zero).isEmpty)
    }
}
