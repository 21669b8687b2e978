import Foundation
import NetCore
import Testing
import Wire

@Suite("PcapWriter")
struct PcapWriterTests {
    @Test("the global header is libpcap 2.4 (magic a1b2c3d4 little-endian), snaplen 262144, LINKTYPE_ETHERNET")
    func globalHeader() {
        let writer = PcapWriter()
        #expect(
            writer.bytes == [
                0xd4, 0xc3, 0xb2, 0xa1,  // magic, microsecond timestamps
                0x02, 0x00, 0x04, 0x00,  // version 2.4
                0x00, 0x00, 0x00, 0x00,  // thiszone
                0x00, 0x00, 0x00, 0x00,  // sigfigs
                0x00, 0x00, 0x04, 0x00,  // snaplen 262144
                0x01, 0x00, 0x00, 0x00,  // LINKTYPE_ETHERNET
            ])
        #expect(writer.count == 0)
        #expect(PcapWriter.linkTypeEthernet == 1)
    }

    @Test("the snap length is written as given")
    func snapLength() {
        let writer = PcapWriter(snapLength: 65535)
        #expect(Array(writer.bytes[16..<20]) == [0xff, 0xff, 0x00, 0x00])
    }

    @Test("each record is seconds, microseconds, captured and original length (little-endian), then the frame")
    func recordHeader() {
        var writer = PcapWriter()
        writer.append([0xaa, 0xbb, 0xcc, 0xdd], at: Instant(nanoseconds: 3_000_250_999))
        #expect(writer.count == 1)
        #expect(
            Array(writer.bytes[24...]) == [
                0x03, 0x00, 0x00, 0x00,  // 3 s
                0xfa, 0x00, 0x00, 0x00,  // 250 µs (nanoseconds truncated)
                0x04, 0x00, 0x00, 0x00,  // captured length
                0x04, 0x00, 0x00, 0x00,  // original length
                0xaa, 0xbb, 0xcc, 0xdd,
            ])
    }

    @Test("records follow one another and count grows")
    func severalRecords() {
        var writer = PcapWriter()
        writer.append(Fixture.arpRequestFrame.emit(), at: .zero)
        writer.append(Fixture.vxlanFrame.emit(), at: .seconds(1))
        #expect(writer.count == 2)
        #expect(writer.bytes.count == 24 + (16 + 42) + (16 + 108))
        #expect(Array(writer.bytes[(24 + 16 + 42)..<(24 + 16 + 42 + 4)]) == [0x01, 0x00, 0x00, 0x00])
    }

    @Test("an instant before the scenario start is written as time zero")
    func negativeTimeClamps() {
        var writer = PcapWriter()
        writer.append([0x00], at: Instant(nanoseconds: -5_000_000_000))
        #expect(Array(writer.bytes[24..<32]) == [UInt8](repeating: 0, count: 8))
    }

    @Test("the real tcpdump reads the file back: ARP request, TCP SYN and a VXLAN frame with VNI 1")
    func tcpdumpReadsTheFile() throws {
        let tcpdump = try #require(
            Self.locate("tcpdump"),
            "tcpdump was not found in PATH, /usr/sbin, /usr/bin, /sbin or /bin; `make deps` installs it")

        var writer = PcapWriter()
        writer.append(Fixture.arpRequestFrame.emit(), at: .seconds(1))
        writer.append(Fixture.ethernet(Fixture.tcpSYN()).emit(), at: .seconds(1.5))
        writer.append(Fixture.vxlanFrame.emit(), at: .seconds(2.25))
        let file = FileManager.default.temporaryDirectory
            .appendingPathComponent("kdp-pcapwriter-\(UUID().uuidString).pcap")
        try Data(writer.bytes).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }

        let plain = try Self.run(tcpdump, ["-n", "-tt", "-r", file.path])
        #expect(plain.status == 0, "tcpdump -n -tt failed: \(plain.stderr)")
        #expect(plain.stderr.contains("link-type EN10MB (Ethernet)"), "\(plain.stderr)")
        #expect(plain.stderr.contains("snapshot length 262144"), "\(plain.stderr)")
        #expect(
            plain.stdout.contains("1.000000 ARP, Request who-has 10.244.1.1 tell 10.244.1.2, length 28"),
            "\(plain.stdout)")
        #expect(
            plain.stdout.contains(
                "1.500000 IP 10.244.1.2.40000 > 10.244.2.3.80: Flags [S], seq 1000, win 64240, options [mss 1460], length 0"
            ), "\(plain.stdout)")
        #expect(plain.stdout.contains("2.250000 IP 192.168.1.10.51234 > 192.168.1.11.8472:"), "\(plain.stdout)")

        let vxlan = try Self.run(tcpdump, ["-n", "-e", "-T", "vxlan", "-r", file.path])
        #expect(vxlan.status == 0, "tcpdump -n -e -T vxlan failed: \(vxlan.stderr)")
        #expect(vxlan.stdout.contains("VXLAN, flags [I] (0x08), vni 1"), "\(vxlan.stdout)")
        #expect(
            vxlan.stdout.contains("0a:58:0a:f4:01:02 > ff:ff:ff:ff:ff:ff, ethertype ARP (0x0806), length 42"),
            "\(vxlan.stdout)")
        #expect(
            vxlan.stdout.contains("52:54:00:00:01:0a > 52:54:00:00:01:0b, ethertype IPv4 (0x0800), length 108"),
            "\(vxlan.stdout)")
        #expect(
            vxlan.stdout.contains(
                "de:07:ab:56:60:01 > de:07:ab:56:60:ff, ethertype IPv4 (0x0800), length 58: "
                    + "10.244.1.2.40000 > 10.244.2.3.80: Flags [S], seq 1000"), "\(vxlan.stdout)")

        // -vv makes tcpdump verify every checksum it can: IP header, TCP, and the outer UDP of the VXLAN frame.
        let verbose = try Self.run(tcpdump, ["-n", "-vv", "-r", file.path])
        #expect(verbose.status == 0, "tcpdump -n -vv failed: \(verbose.stderr)")
        #expect(verbose.stdout.components(separatedBy: "(correct)").count - 1 == 2, "\(verbose.stdout)")
        #expect(verbose.stdout.contains("[udp sum ok]"), "\(verbose.stdout)")
        #expect(verbose.stdout.contains("ttl 63"), "inner TTL: \(verbose.stdout)")
        for complaint in ["incorrect", "bad cksum", "bad udp cksum", "truncated", "[|"] {
            #expect(!verbose.stdout.contains(complaint), "tcpdump complained (\(complaint)): \(verbose.stdout)")
        }
    }

    // MARK: running tools

    struct ToolOutput {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// The first executable named `name` in PATH or the sbin/bin directories (tcpdump lives in /usr/sbin on
    /// some distributions, which is not in every user's PATH).
    static func locate(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let directories = path.split(separator: ":").map(String.init) + ["/usr/sbin", "/usr/bin", "/sbin", "/bin"]
        return directories.map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    static func run(_ executable: String, _ arguments: [String]) throws -> ToolOutput {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        let out = stdout.fileHandleForReading.readDataToEndOfFile()
        let err = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return ToolOutput(
            status: process.terminationStatus, stdout: String(decoding: out, as: UTF8.self),
            stderr: String(decoding: err, as: UTF8.self))
    }
}
