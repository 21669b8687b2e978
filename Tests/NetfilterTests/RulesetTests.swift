import NetCore
import Netfilter
import Testing

@Suite("Ruleset model: tables, chains, layouts and restore semantics")
struct RulesetTests {
    @Test("chain lines keep policy and counters; rules keep iptables-save -c counters")
    func chainsAndCounters() throws {
        let text = "*filter\n:INPUT DROP [12:720]\n:KUBE-X - [0:0]\n[3:180] -A INPUT -j KUBE-X\nCOMMIT\n"
        let ruleset = try Ruleset(parsing: text)
        let input = try #require(ruleset.chain("INPUT", in: .filter))
        #expect(input.policy == .drop)
        #expect(input.counters == Counters(packets: 12, bytes: 720))
        #expect(input.rules.first?.counters == Counters(packets: 3, bytes: 180))
        #expect(input.rules.first?.jumpChain == "KUBE-X")
        #expect(SavePrinter().print(ruleset) == text)
        #expect(RestorePrinter().print(ruleset) == text)
    }

    @Test("-I inserts, -N declares, -F flushes, -P sets the policy, -X is kept for the restore form")
    func commands() throws {
        let text = """
            *filter
            :INPUT ACCEPT [0:0]
            -N KUBE-A
            -A KUBE-A -j DROP
            -F KUBE-A
            -A KUBE-A -j ACCEPT
            -I KUBE-A -j RETURN
            -I KUBE-A 2 -j DROP
            -P INPUT DROP
            -N KUBE-STALE
            -X KUBE-STALE
            COMMIT

            """
        let table = try #require(try Ruleset(parsing: text)[table: .filter])
        #expect(table[chain: "KUBE-A"]?.rules.map(\.target) == [.return, .drop, .accept])
        #expect(table[chain: "INPUT"]?.policy == .drop)
        #expect(table.deletedChains == ["KUBE-STALE"])
        #expect(
            SavePrinter().print(table)
                == "*filter\n:INPUT DROP [0:0]\n:KUBE-A - [0:0]\n-A KUBE-A -j RETURN\n-A KUBE-A -j DROP\n-A KUBE-A -j ACCEPT\nCOMMIT\n"
        )
    }

    @Test("equality ignores how a rule was written; changing a rule drops its layout")
    func layoutIsSpelling() throws {
        let written = try Rule(parsing: "-m comment --comment x -m tcp -p tcp --dport 80 -j ACCEPT")
        let quoted = try Rule(parsing: "-m comment --comment \"x\" -m tcp -p tcp --dport 80 -j ACCEPT")
        let saved = try Rule(parsing: "-p tcp -m comment --comment x -m tcp --dport 80 -j ACCEPT")
        #expect(quoted == written)
        #expect(saved == written, "the kernel does not keep where -p was written")
        #expect(quoted.layout != written.layout)
        #expect(
            RestorePrinter().arguments(of: quoted) == "-m comment --comment \"x\" -m tcp -p tcp --dport 80 -j ACCEPT")
        var edited = written
        edited.target = .drop
        #expect(edited.layout == nil)
        #expect(RestorePrinter().arguments(of: edited) == "-p tcp -m comment --comment x -m tcp --dport 80 -j DROP")
    }

    @Test("rules from the restore form and from iptables-save compare by their saved text")
    func compareAcrossForms() throws {
        let written = try Rule(
            parsing: "-m comment --comment ns1/svc1:p80 -m tcp -p tcp -j DNAT --to-destination 10.180.0.1:80")
        let saved = try Rule(
            parsing: "-p tcp -m comment --comment \"ns1/svc1:p80\" -m tcp -j DNAT --to-destination 10.180.0.1:80")
        #expect(SavePrinter().arguments(of: written) == SavePrinter().arguments(of: saved))
    }

    @Test("a rule built in code prints in save order with restore spellings")
    func builtRule() {
        let rule = Rule(
            matches: [
                .comment("ns1/svc1:p80 -> 10.180.0.1:80"),
                .statistic(.random(Probability.kubeProxy(remainingEndpoints: 3) ?? .zero)),
            ],
            target: .jump("KUBE-SEP-SXIVWICOYRO3J4NJ"))
        #expect(
            RestorePrinter().arguments(of: rule)
                == "-m comment --comment \"ns1/svc1:p80 -> 10.180.0.1:80\" -m statistic --mode random --probability 0.3333333333 -j KUBE-SEP-SXIVWICOYRO3J4NJ"
        )
        #expect(
            SavePrinter().arguments(of: rule)
                == "-m comment --comment \"ns1/svc1:p80 -> 10.180.0.1:80\" -m statistic --mode random --probability 0.33333333349 -j KUBE-SEP-SXIVWICOYRO3J4NJ"
        )
    }

    @Test("rule lines interleaved across chains print back in written order until the rule counts change")
    func interleavedRuleLines() throws {
        let text = "*nat\n:A - [0:0]\n:B - [0:0]\n-A B -j RETURN\n-A A -j RETURN\n-A B -j ACCEPT\nCOMMIT\n"
        var ruleset = try Ruleset(parsing: text)
        #expect(RestorePrinter().print(ruleset) == text)
        ruleset.tables[0].chains[0].rules.append(Rule(target: .drop))
        #expect(
            RestorePrinter().print(ruleset)
                == "*nat\n:A - [0:0]\n:B - [0:0]\n-A A -j RETURN\n-A A -j DROP\n-A B -j RETURN\n-A B -j ACCEPT\nCOMMIT\n"
        )
    }

    @Test("--noflush flushes declared chains only, -X deletes, built-ins keep their rules")
    func restoreSemantics() throws {
        let base = try Ruleset(
            parsing:
                "*nat\n:PREROUTING ACCEPT [0:0]\n:KUBE-B - [0:0]\n:KUBE-A - [0:0]\n-A PREROUTING -j KUBE-A\n-A KUBE-A -j RETURN\n-A KUBE-B -j RETURN\nCOMMIT\n"
        )
        let state = Ruleset.empty.restoring(base)
        let update = try Ruleset(
            parsing: "*nat\n:KUBE-A - [0:0]\n:KUBE-C - [0:0]\n-A KUBE-C -j RETURN\n-X KUBE-B\nCOMMIT\n")
        let after = state.restoring(update, noflush: true)
        let nat = try #require(after[table: .nat])
        #expect(nat.chains.map(\.name) == ["PREROUTING", "INPUT", "OUTPUT", "POSTROUTING", "KUBE-A", "KUBE-C"])
        #expect(nat[chain: "PREROUTING"]?.rules.count == 1)
        #expect(nat[chain: "KUBE-A"]?.rules.isEmpty == true)
        let flushed = state.restoring(update)
        #expect(flushed[table: .nat]?[chain: "PREROUTING"]?.rules.isEmpty == true)
    }
}
