import NetCore
import Netfilter
import Testing

@Suite("Targets parse and print in both forms")
struct TargetTests {
    static let cases: [PrintCase] = [
        PrintCase("-j ACCEPT", save: "-j ACCEPT", target: .accept),
        PrintCase("-j DROP", save: "-j DROP", target: .drop),
        PrintCase("-j RETURN", save: "-j RETURN", target: .return),
        PrintCase("-j KUBE-SVC-X", save: "-j KUBE-SVC-X", target: .jump("KUBE-SVC-X")),
        PrintCase("-j KUBE-SEP-UNDECLARED", save: "-j KUBE-SEP-UNDECLARED", target: .jump("KUBE-SEP-UNDECLARED")),
        PrintCase("-g KUBE-FOO", save: "-g KUBE-FOO", target: .goto("KUBE-FOO")),
        PrintCase("-j REJECT", save: "-j REJECT --reject-with icmp-port-unreachable", target: .reject(RejectTarget())),
        PrintCase(
            "-p tcp -j REJECT --reject-with tcp-reset", save: "-p tcp -j REJECT --reject-with tcp-reset",
            target: .reject(RejectTarget(with: .tcpReset))),
        PrintCase(
            "-j REJECT --reject-with port-unreach", restore: "-j REJECT --reject-with icmp-port-unreachable",
            save: "-j REJECT --reject-with icmp-port-unreachable"),
        PrintCase(
            "-m tcp -p tcp -j DNAT --to-destination 10.180.0.1:80",
            save: "-p tcp -m tcp -j DNAT --to-destination 10.180.0.1:80",
            target: .dnat(.to(.literal("10.180.0.1"), port: 80))),
        PrintCase(
            "-p tcp -j DNAT --persistent --to-destination 10.0.0.1-10.0.0.5:80-90 --random",
            save: "-p tcp -j DNAT --to-destination 10.0.0.1-10.0.0.5:80-90 --random --persistent"),
        PrintCase(
            "-j SNAT --to-source 1.2.3.4 --random-fully", save: "-j SNAT --to-source 1.2.3.4 --random-fully",
            target: .snat(NATTarget(NATRange(address: .literal("1.2.3.4")), randomFully: true))),
        PrintCase("-j MASQUERADE", save: "-j MASQUERADE", target: .masquerade(MasqueradeTarget())),
        PrintCase(
            "-j MASQUERADE --random-fully", save: "-j MASQUERADE --random-fully",
            target: .masquerade(MasqueradeTarget(randomFully: true))),
        PrintCase("-p tcp -j MASQUERADE --to-ports 1024-2000", save: "-p tcp -j MASQUERADE --to-ports 1024-2000"),
        PrintCase(
            "-j MARK --or-mark 0x4000", save: "-j MARK --set-xmark 0x4000/0x4000",
            target: .mark(MarkTarget(.orMark(0x4000)))
        ),
        PrintCase("-j MARK --xor-mark 0x4000", save: "-j MARK --set-xmark 0x4000/0x0"),
        PrintCase("-j MARK --and-mark 0xff", save: "-j MARK --set-xmark 0x0/0xffffff00"),
        PrintCase("-j MARK --set-mark 0x10/0x1", save: "-j MARK --set-xmark 0x10/0x11"),
        PrintCase("-j MARK --set-mark 0x10", save: "-j MARK --set-xmark 0x10/0xffffffff"),
        PrintCase("-j MARK --set-xmark 0x4000/0x4000", save: "-j MARK --set-xmark 0x4000/0x4000"),
        PrintCase(
            "-j MARK --or-mark 0x00004000", restore: "-j MARK --or-mark 0x4000",
            save: "-j MARK --set-xmark 0x4000/0x4000"),
        PrintCase(
            "-j LOG --log-prefix \"hello world: \" --log-level 4", save: "-j LOG --log-prefix \"hello world: \"",
            target: .log(LogTarget(prefix: "hello world: ", level: 4))),
        PrintCase("-j NOTRACK", save: "-j NOTRACK", target: .notrack),
        PrintCase("-j CT --notrack", save: "-j CT --notrack", target: .ct(CTTarget(notrack: true))),
        PrintCase("-j CT --zone 5", save: "-j CT --zone 5", target: .ct(CTTarget(zone: 5))),
        PrintCase(
            "-j TCPMSS --clamp-mss-to-pmtu", save: "-j TCPMSS --clamp-mss-to-pmtu",
            target: .other(name: "TCPMSS", arguments: ["--clamp-mss-to-pmtu"])),
        PrintCase("-m comment --comment \"no target\"", save: "-m comment --comment \"no target\""),
    ]

    @Test("targets: verdicts, jumps, goto, REJECT, DNAT, SNAT, MASQUERADE, MARK, LOG, NOTRACK, CT", arguments: cases)
    func targets(_ testCase: PrintCase) throws {
        try testCase.check()
    }

    @Test(
        "MARK forms all mean (mark & ~mask) ^ value",
        arguments: [
            (MarkTarget.Operation.orMark(0x4000), UInt32(0x0001), UInt32(0x4001)),
            (.xorMark(0x4000), 0x4001, 0x0001),
            (.andMark(0xFF), 0x4011, 0x0011),
            (.setMark(value: 0x10, mask: nil), 0xFFFF, 0x10),
            (.setXMark(value: 0x4000, mask: 0x4000), 0x0F00, 0x4F00),
        ])
    func markSemantics(_ operation: MarkTarget.Operation, _ before: UInt32, _ after: UInt32) {
        #expect(MarkTarget(operation).apply(to: before) == after)
    }

    @Test("a declared chain wins over a target name, an unknown name with options is an extension")
    func jumpResolution() throws {
        #expect(try Rule(parsing: "-j LOG", chains: ["LOG"]).target == .jump("LOG"))
        #expect(
            try Rule(parsing: "-j CLASSIFY --set-class 1:1").target
                == .other(name: "CLASSIFY", arguments: ["--set-class", "1:1"]))
        #expect(try Rule(parsing: "-j TRACE").target == .jump("TRACE"))
    }
}
