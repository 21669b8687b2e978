import Foundation
import Netfilter
import Testing

@Suite("Conformance iptables text round-trips")
struct ConformanceRoundTripTests {
    @Test("the shared conformance data is present next to the repository")
    func conformancePresent() {
        var isDirectory: ObjCBool = false
        let exists = FileManager.default.fileExists(
            atPath: ConformanceFiles.conformance.path, isDirectory: &isDirectory)
        #expect(exists && isDirectory.boolValue, "expected \(ConformanceFiles.conformance.path) (repoRoot/../shared)")
        #expect(ConformanceFiles.iptablesFiles() != [ConformanceFiles.missingMarker])
    }

    @Test(
        "kube-proxy's restore input parses and prints back byte for byte", arguments: ConformanceFiles.iptablesFiles())
    func restoreFormRoundTrip(_ file: String) throws {
        let text = try ConformanceFiles.read(file)
        let ruleset = try Ruleset(parsing: text)
        #expect(RestorePrinter().print(ruleset) == ConformanceFiles.withoutCommentsAndBlankLines(text))
    }

    @Test(
        "each rule keeps its meaning when printed from the typed model alone",
        arguments: ConformanceFiles.iptablesFiles())
    func typedModelRoundTrip(_ file: String) throws {
        let ruleset = try Ruleset(parsing: try ConformanceFiles.read(file))
        for table in ruleset.tables {
            let chains = Set(table.chains.map(\.name)).subtracting(table.name.builtinChains)
            for chain in table.chains {
                for rule in chain.rules {
                    var bare = rule
                    bare.layout = nil
                    let restored = try Rule(parsing: RestorePrinter().arguments(of: bare), chains: chains)
                    let saved = try Rule(parsing: SavePrinter().arguments(of: bare), chains: chains)
                    #expect(restored == rule)
                    #expect(SavePrinter().arguments(of: saved) == SavePrinter().arguments(of: rule))
                }
            }
        }
    }

    @Test(
        "every rule of expected-chains.json prints back byte for byte", arguments: ConformanceFiles.expectedChainFiles()
    )
    func expectedChains(_ file: String) throws {
        let data = Data(try ConformanceFiles.read(file).utf8)
        let entries = try #require(try JSONSerialization.jsonObject(with: data) as? [[String: String]])
        for entry in entries {
            let rules = try #require(entry["rules"])
            for line in rules.split(separator: "\n") {
                let words = line.split(separator: " ", maxSplits: 2)
                try #require(words.count == 3 && words[0] == "-A", "\(line)")
                let rule = try Rule(parsing: String(words[2]))
                #expect(RestorePrinter().line(for: rule, in: String(words[1])) == String(line))
            }
        }
    }
}
