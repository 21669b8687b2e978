import Foundation
import Netfilter
import Testing

@Suite("IptablesNormalizer.sortLikeKubeProxyTests (sortIPTablesRules)")
struct NormalizerTests {
    @Test("every expected file is a fixed point", arguments: ConformanceFiles.expectedIptablesFiles())
    func fixedPoint(_ file: String) throws {
        let text = try ConformanceFiles.read(file)
        #expect(try IptablesNormalizer.sortLikeKubeProxyTests(text) == text)
    }

    @Test("services written in another order sort back to the expected file")
    func shuffledServices() throws {
        let text = try ConformanceFiles.read("kube-proxy/overall-iptables-rules/expected-iptables.txt")
        let shuffled = try Self.shuffle(text)
        #expect(shuffled != text)
        let indented = "\n  " + shuffled.replacingOccurrences(of: "\n", with: "\n  ")
        #expect(try IptablesNormalizer.sortLikeKubeProxyTests(indented) == text)
    }

    /// An order Go's map walk could have produced: nat before filter, chains and their rule groups reversed, and
    /// in KUBE-SERVICES / KUBE-NODEPORTS the services reversed (so the "must be the last rule" rule is no longer
    /// last); the rules of one service keep their order.
    static func shuffle(_ text: String) throws -> String {
        let tables = text.components(separatedBy: "COMMIT\n").filter { !$0.isEmpty }
        return try tables.reversed().map { table -> String in
            let lines = table.split(separator: "\n").map(String.init)
            let chains = lines.filter { $0.hasPrefix(":") }.reversed().map {
                String($0.dropFirst().prefix { $0 != " " })
            }
            var output = [lines[0]] + chains.map { ":\($0) - [0:0]" }
            for chain in chains {
                let rules = lines.filter { $0.hasPrefix("-A \(chain) ") }
                guard chain == "KUBE-SERVICES" || chain == "KUBE-NODEPORTS" else {
                    output += rules
                    continue
                }
                var groups: [(String, [String])] = []
                for line in rules {
                    let comment = try Rule(parsing: String(line.dropFirst(3 + chain.count))).comment ?? ""
                    let key = String(comment.prefix { $0 != " " && $0 != ":" })
                    if let index = groups.firstIndex(where: { $0.0 == key }) {
                        groups[index].1.append(line)
                    } else {
                        groups.append((key, [line]))
                    }
                }
                output += groups.reversed().flatMap(\.1)
            }
            return (output + ["COMMIT"]).joined(separator: "\n") + "\n"
        }.joined()
    }

    @Test("a rule without comment stops others from moving past it (Go's stable sort with kube-proxy's less)")
    func ruleWithoutComment() throws {
        let text = """
            *filter
            :KUBE-SERVICES - [0:0]
            -A KUBE-SERVICES -m comment --comment "ns3/c" -j REJECT
            -A KUBE-SERVICES -j DROP
            -A KUBE-SERVICES -m comment --comment "ns1/a" -j REJECT
            -A KUBE-SERVICES -m comment --comment "ns2/b" -j REJECT
            COMMIT

            """
        let sorted = try IptablesNormalizer.sortLikeKubeProxyTests(text)
        let comments = try #require(try Ruleset(parsing: sorted).chain("KUBE-SERVICES", in: .filter)).rules.map(
            \.comment)
        #expect(comments == ["ns3/c", nil, "ns1/a", "ns2/b"])
    }

    @Test("many services sort by name across Go's 20-element insertion blocks and merges")
    func manyServices() throws {
        let names = (0..<57).map { "ns\(($0 * 37) % 57)/svc" }
        var text = "*nat\n:KUBE-SERVICES - [0:0]\n"
        for name in names { text += "-A KUBE-SERVICES -m comment --comment \"\(name):p80 cluster IP\" -j KUBE-SVC-X\n" }
        text += "COMMIT\n"
        let sorted = try IptablesNormalizer.sortLikeKubeProxyTests(text)
        let comments = try #require(try Ruleset(parsing: sorted).chain("KUBE-SERVICES", in: .nat)).rules.compactMap(
            \.comment)
        let keys = comments.map { String($0.prefix { $0 != ":" && $0 != " " }) }
        #expect(keys == names.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) })
    }

    @Test("-X lines follow the sorted chain order; a missing COMMIT is an error")
    func deletedChainsAndErrors() throws {
        let text = "*nat\n:KUBE-SVC-B - [0:0]\n:KUBE-SVC-A - [0:0]\n-X KUBE-SVC-B\n-X KUBE-SVC-A\nCOMMIT\n"
        #expect(
            try IptablesNormalizer.sortLikeKubeProxyTests(text)
                == "*nat\n:KUBE-SVC-A - [0:0]\n:KUBE-SVC-B - [0:0]\n-X KUBE-SVC-A\n-X KUBE-SVC-B\nCOMMIT\n")
        #expect(throws: IptablesParseError.missingCommit(line: 3, column: 1, table: "nat")) {
            try IptablesNormalizer.sortLikeKubeProxyTests("*nat\n:KUBE-SERVICES - [0:0]\n")
        }
    }
}
