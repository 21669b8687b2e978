import NetCore
import Netfilter
import Testing

/// One rule's arguments: what was written, what the restore form prints back, what iptables-save prints.
struct PrintCase: Sendable, CustomTestStringConvertible {
    var written: String
    var restore: String
    var save: String
    var match: Match?
    var target: Target?

    init(_ written: String, restore: String? = nil, save: String, match: Match? = nil, target: Target? = nil) {
        self.written = written
        self.restore = restore ?? written
        self.save = save
        self.match = match
        self.target = target
    }

    var testDescription: String { written }

    /// Parses, checks the typed value, and prints both ways.
    func check() throws {
        let rule = try Rule(parsing: written, chains: ["KUBE-SVC-X", "KUBE-FOO"])
        if let match { #expect(rule.matches.contains(match), "\(rule.matches)") }
        if let target { #expect(rule.target == target) }
        #expect(RestorePrinter().arguments(of: rule) == restore)
        #expect(SavePrinter().arguments(of: rule) == save)
        let reparsed = try Rule(parsing: save, chains: ["KUBE-SVC-X", "KUBE-FOO"])
        #expect(SavePrinter().arguments(of: reparsed) == save, "iptables-save output is a fixed point")
    }
}

@Suite("Matches parse and print in both forms")
struct MatchTests {
    static let header: [PrintCase] = [
        PrintCase("-s 10.0.0.1", save: "-s 10.0.0.1/32", match: .source(AddressMatch(.literal("10.0.0.1/32")))),
        PrintCase(
            "! -d 10.0.0.0/8", save: "! -d 10.0.0.0/8",
            match: .destination(AddressMatch(.literal("10.0.0.0/8"), negated: true))),
        PrintCase("-d 172.30.0.41/32", save: "-d 172.30.0.41/32"),
        PrintCase("-s 10.1.2.3/255.255.0.0", restore: "-s 10.1.2.3/16", save: "-s 10.1.0.0/16"),
        PrintCase("-s 0.0.0.0/0 -j ACCEPT", save: "-j ACCEPT"),
        PrintCase("-p udp", save: "-p udp", match: .ipProtocol(ProtocolMatch(.udp))),
        PrintCase("! -p tcp", save: "! -p tcp", match: .ipProtocol(ProtocolMatch(.tcp, negated: true))),
        PrintCase("-p 47", restore: "-p gre", save: "-p gre"),
        PrintCase("-p all -j ACCEPT", save: "-j ACCEPT"),
        PrintCase("-i eth+", save: "-i eth+", match: .inInterface(InterfaceMatch("eth+"))),
        PrintCase("! -o cni0", save: "! -o cni0", match: .outInterface(InterfaceMatch("cni0", negated: true))),
        PrintCase("-f", save: "-f", match: .fragment(negated: false)),
        PrintCase(
            "-p tcp -o cni0 -s 10.0.0.1 -i eth0 -d 1.2.3.4", save: "-s 10.0.0.1/32 -d 1.2.3.4/32 -i eth0 -o cni0 -p tcp"
        ),
    ]

    static let modules: [PrintCase] = [
        PrintCase(
            "-m comment --comment \"ns1/svc1:p80 cluster IP\"",
            save: "-m comment --comment \"ns1/svc1:p80 cluster IP\"",
            match: .comment("ns1/svc1:p80 cluster IP")),
        PrintCase("-m comment --comment ns1/svc1:p80", save: "-m comment --comment \"ns1/svc1:p80\""),
        PrintCase("-m comment --comment foo-bar_1", save: "-m comment --comment foo-bar_1"),
        PrintCase("-m comment --comment a.b", save: "-m comment --comment \"a.b\""),
        PrintCase(
            "-m comment --comment kubernetes service portals -j KUBE-SVC-X",
            save: "-m comment --comment \"kubernetes service portals\" -j KUBE-SVC-X",
            match: .comment("kubernetes service portals")),
        PrintCase(
            "-m tcp -p tcp --dport 80", save: "-p tcp -m tcp --dport 80", match: .tcp(.destination(80))),
        PrintCase(
            "-p udp --sport 53", save: "-p udp -m udp --sport 53", match: .udp(PortMatch(sourcePort: PortRange(53)))),
        PrintCase(
            "-p tcp -m tcp ! --dport 1000:2000", save: "-p tcp -m tcp ! --dport 1000:2000",
            match: .tcp(PortMatch(destinationPort: PortRange(1000, 2000), destinationNegated: true))),
        PrintCase("-p sctp -m sctp --dport 3868", save: "-p sctp -m sctp --dport 3868"),
        PrintCase(
            "-p tcp --syn", restore: "-p tcp --tcp-flags FIN,SYN,RST,ACK SYN",
            save: "-p tcp -m tcp --tcp-flags FIN,SYN,RST,ACK SYN", match: .tcp(PortMatch(tcpFlags: .syn))),
        PrintCase(
            "-p tcp -m multiport --dports 80,443,8000:8080", save: "-p tcp -m multiport --dports 80,443,8000:8080",
            match: .multiport(
                MultiportMatch(.destination, ports: [PortRange(80), PortRange(443), PortRange(8000, 8080)]))),
        PrintCase("-p udp -m multiport ! --sports 53", save: "-p udp -m multiport ! --sports 53"),
        PrintCase(
            "-m statistic --mode random --probability 0.3333333333",
            save: "-m statistic --mode random --probability 0.33333333349"),
        PrintCase(
            "-m statistic --mode nth --every 3 --packet 1", save: "-m statistic --mode nth --every 3 --packet 1",
            match: .statistic(StatisticMatch(.nth(every: 3, packet: 1)))),
        PrintCase(
            "-m recent --name KUBE-SEP-X --rcheck --seconds 10800 --reap",
            save: "-m recent --rcheck --seconds 10800 --reap --name KUBE-SEP-X --mask 255.255.255.255 --rsource",
            match: .recent(RecentMatch(.rcheck, name: "KUBE-SEP-X", seconds: 10800, reap: true))),
        PrintCase(
            "-m recent --name KUBE-SEP-X --set",
            save: "-m recent --set --name KUBE-SEP-X --mask 255.255.255.255 --rsource"),
        PrintCase(
            "-m mark ! --mark 0x4000/0x4000", save: "-m mark ! --mark 0x4000/0x4000",
            match: .mark(MarkMatch(value: 0x4000, mask: 0x4000, negated: true))),
        PrintCase("-m mark --mark 0x8000", save: "-m mark --mark 0x8000"),
        PrintCase("-m mark --mark 16/0xffffffff", restore: "-m mark --mark 0x10", save: "-m mark --mark 0x10"),
        PrintCase(
            "-m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT",
            save: "-m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT",
            match: .conntrack(ConntrackMatch(states: [.related, .established, .dnat], statesNegated: true))),
        PrintCase("-m conntrack --ctstate ESTABLISHED,RELATED", save: "-m conntrack --ctstate RELATED,ESTABLISHED"),
        PrintCase(
            "-m conntrack --ctstatus ASSURED", save: "-m conntrack --ctstatus ASSURED",
            match: .conntrack(ConntrackMatch(statuses: [.assured]))),
        PrintCase("-m state --state NEW", save: "-m state --state NEW", match: .state(StateMatch([.new]))),
        PrintCase(
            "-m addrtype --dst-type LOCAL", save: "-m addrtype --dst-type LOCAL", match: .addressType(.destinationLocal)
        ),
        PrintCase(
            "-m addrtype ! --src-type LOCAL --limit-iface-in", save: "-m addrtype ! --src-type LOCAL --limit-iface-in",
            match: .addressType(AddressTypeMatch(sourceTypes: [.local], sourceNegated: true, limitInterfaceIn: true))),
        PrintCase(
            "-m physdev ! --physdev-is-in", save: "-m physdev ! --physdev-is-in",
            match: .physdev(PhysdevMatch(isIn: false))),
        PrintCase(
            "-m nfacct --nfacct-name ct_state_invalid_dropped_pkts",
            save: "-m nfacct --nfacct-name  ct_state_invalid_dropped_pkts",
            match: .nfacct(name: "ct_state_invalid_dropped_pkts")),
        PrintCase(
            "-m set --match-set KUBE-CLUSTER-IP dst,dst", save: "-m set --match-set KUBE-CLUSTER-IP dst,dst",
            match: .set(SetMatch("KUBE-CLUSTER-IP", flags: [.destination, .destination]))),
        PrintCase(
            "-m set ! --match-set KUBE-LOOP-BACK dst,dst,src", save: "-m set ! --match-set KUBE-LOOP-BACK dst,dst,src"),
        PrintCase(
            "-m limit --limit 5/min --limit-burst 7", save: "-m limit --limit 5/min --limit-burst 7",
            match: .other(module: "limit", arguments: ["--limit", "5/min", "--limit-burst", "7"])),
        PrintCase("-p icmp -m icmp --icmp-type 8", save: "-p icmp -m icmp --icmp-type 8"),
    ]

    @Test("header matches: -s/-d with /32 on save, -p, -i/-o, -f, printed -s -d -i -o -p", arguments: header)
    func headerMatches(_ testCase: PrintCase) throws {
        try testCase.check()
    }

    @Test("module matches keep their options and print them in iptables-save's order", arguments: modules)
    func moduleMatches(_ testCase: PrintCase) throws {
        try testCase.check()
    }

    @Test("kube-proxy's argument order comes back in the restore form and is canonical in the save form")
    func kubeProxyOrder() throws {
        let written =
            "-m comment --comment \"ns1/svc1:p80 cluster IP\" -m tcp -p tcp -d 172.30.0.41 --dport 80 ! -s 10.0.0.0/8 -j KUBE-MARK-MASQ"
        let rule = try Rule(parsing: written)
        #expect(RestorePrinter().arguments(of: rule) == written)
        #expect(
            SavePrinter().arguments(of: rule)
                == "! -s 10.0.0.0/8 -d 172.30.0.41/32 -p tcp -m comment --comment \"ns1/svc1:p80 cluster IP\" -m tcp --dport 80 -j KUBE-MARK-MASQ"
        )
    }

    @Test("an implicitly loaded protocol match is printed where its first option was")
    func implicitProtocolMatch() throws {
        let rule = try Rule(parsing: "-p tcp -m comment --comment z --dport 5 -j ACCEPT")
        #expect(SavePrinter().arguments(of: rule) == "-p tcp -m comment --comment z -m tcp --dport 5 -j ACCEPT")
        #expect(RestorePrinter().arguments(of: rule) == "-p tcp -m comment --comment z --dport 5 -j ACCEPT")
    }

    @Test("address and mark matches decide like the kernel")
    func evaluation() {
        #expect(AddressMatch(.literal("10.0.0.0/8"), negated: true).matches(.literal("192.168.0.2")))
        #expect(!AddressMatch(.literal("10.0.0.0/8"), negated: true).matches(.literal("10.1.2.3")))
        #expect(MarkMatch(value: 0x4000, mask: 0x4000).matches(0xC000))
        #expect(!MarkMatch(value: 0x4000, mask: 0x4000, negated: true).matches(0x4000))
        #expect(InterfaceMatch("veth+").matches("veth1234abcd"))
        #expect(PortMatch(destinationPort: PortRange(1000, 2000)).matches(sourcePort: 1, destinationPort: 1500))
    }
}
