import NetCore
import Testing
import Wire

@Suite("VXLANHeader")
struct VXLANHeaderTests {
    /// Flags 0x08 (I: VNI valid), VNI 1: what flannel's flannel.1 sends.
    static let fixture: [UInt8] = [0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00]

    /// VNI 0x123456 (1193046): the 24 bits sit in bytes 4–6, byte 7 is reserved.
    static let wideVNI: [UInt8] = [0x08, 0x00, 0x00, 0x00, 0x12, 0x34, 0x56, 0x00]

    @Test("parse reads the flags and the 24-bit VNI")
    func parse() throws {
        let header = try VXLANHeader.parse(Self.fixture[...])
        #expect(header.flags == 0x08)
        #expect(header.flags == VXLANHeader.validVNI)
        #expect(header.vni == 1)
    }

    @Test("parse reads a VNI that uses all three bytes")
    func parseWideVNI() throws {
        let header = try VXLANHeader.parse(Self.wideVNI[...])
        #expect(header.vni == 0x12_3456)
        #expect(header.vni == 1_193_046)
    }

    @Test("parse reads the first 8 bytes of a longer buffer (the inner frame follows)")
    func parseBeforeInnerFrame() throws {
        let bytes = Self.fixture + EthernetHeaderTests.fixture
        #expect(try VXLANHeader.parse(bytes[...]) == VXLANHeader(vni: 1))
    }

    @Test("emit writes exactly the fixture: 08 00 00 00 00 00 01 00")
    func emit() {
        var buffer: [UInt8] = []
        VXLANHeader(vni: 1).emit(into: &buffer)
        #expect(buffer == Self.fixture)
        var wide: [UInt8] = []
        VXLANHeader(vni: 0x12_3456).emit(into: &wide)
        #expect(wide == Self.wideVNI)
    }

    @Test("the VNI is masked to 24 bits")
    func vniIsMasked() {
        #expect(VXLANHeader(vni: 0x0100_0001).vni == 1)
        #expect(VXLANHeader(vni: 0xFFFF_FFFF).vni == 0xFF_FFFF)
    }

    @Test(
        "parse(emit(h)) == h",
        arguments: [
            VXLANHeader(vni: 0), VXLANHeader(vni: 1), VXLANHeader(vni: 4096), VXLANHeader(vni: 0xFF_FFFF),
            VXLANHeader(flags: 0x00, vni: 42), VXLANHeader(flags: 0x88, vni: 7),
        ])
    func roundTrip(_ header: VXLANHeader) throws {
        var buffer: [UInt8] = []
        header.emit(into: &buffer)
        #expect(buffer.count == VXLANHeader.length)
        #expect(try VXLANHeader.parse(buffer[...]) == header)
    }

    @Test("flannel uses the Linux default port 8472; IANA assigned 4789")
    func ports() {
        #expect(VXLANHeader.flannelPort == 8472)
        #expect(VXLANHeader.ianaPort == 4789)
    }

    @Test("fewer than 8 bytes is truncated", arguments: [0, 4, 7])
    func truncated(_ count: Int) {
        #expect(throws: WireError.truncated(header: "VXLAN", needed: 8, available: count)) {
            try VXLANHeader.parse(Self.fixture.prefix(count))
        }
    }
}
