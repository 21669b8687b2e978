import NetCore
import Netfilter
import Testing
import Wire

/// `--syn` and `--tcp-flags` decide on the segment's flags, as xt_tcp does.
@Suite("TCP flag matches are evaluated against the segment")
struct TCPFlagsEvaluationTests {
    static func verdict(_ rule: String, flags: TCPFlags) throws -> NetfilterVerdict {
        let ruleset = try Ruleset(parsing: "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT \(rule)\nCOMMIT\n")
        let evaluator = RuleEvaluator(index: RuleIndex(ruleset))
        let packet = IPv4Packet(
            header: IPv4Header(protocol: .tcp, source: IPv4Address(10, 0, 0, 1), destination: IPv4Address(10, 0, 0, 2)),
            payload: .tcp(TCPSegment(header: TCPHeader(sourcePort: 40000, destinationPort: 80, flags: flags))))
        var recent = RecentTable()
        var chooser = SeededChooser(seed: 1)
        return evaluator.run(
            .filter, hook: .input, context: PacketContext(packet: packet, inInterface: "eth0", state: .new),
            recent: &recent, chooser: &chooser, now: .zero
        ).verdict
    }

    @Test("--syn drops a SYN but not a SYN-ACK or an ACK")
    func syn() throws {
        #expect(try Self.verdict("-p tcp -m tcp --syn -j DROP", flags: .syn) == .drop)
        #expect(try Self.verdict("-p tcp -m tcp --syn -j DROP", flags: [.syn, .ack]) == .accept)
        #expect(try Self.verdict("-p tcp -m tcp --syn -j DROP", flags: .ack) == .accept)
    }

    @Test("--tcp-flags MASK COMP and its negation")
    func tcpFlags() throws {
        #expect(try Self.verdict("-p tcp -m tcp --tcp-flags RST RST -j DROP", flags: .rst) == .drop)
        #expect(try Self.verdict("-p tcp -m tcp --tcp-flags RST RST -j DROP", flags: .ack) == .accept)
        #expect(try Self.verdict("-p tcp -m tcp ! --tcp-flags RST RST -j DROP", flags: .ack) == .drop)
    }
}
