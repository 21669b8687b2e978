import Netfilter
import Testing

/// The fixtures are what the real `iptables-nft-save` 1.8.9 printed (Fixtures/record.sh).
@Suite("SavePrinter speaks iptables-save")
struct SaveFormTests {
    static let saveFixtures =
        [
            "corpus-save.txt", "overall-iptables-rules-save.txt", "sync-proxy-rules-repeated-save.txt",
        ] + steps.map { "sync-proxy-rules-repeated-step\($0)-save.txt" }
    static let steps = ["01", "02", "03", "04", "05", "06", "07", "08", "10"]

    @Test("iptables-save output parses and prints back byte for byte", arguments: saveFixtures)
    func saveFormRoundTrip(_ fixture: String) throws {
        let text = try ConformanceFiles.fixture(fixture)
        #expect(SavePrinter().print(try Ruleset(parsing: text)) == text)
    }

    @Test("restoring the corpus into an empty kernel prints what iptables-nft-save printed")
    func corpus() throws {
        let script = try Ruleset(parsing: try ConformanceFiles.fixture("corpus-restore.txt"))
        let state = Ruleset.empty.restoring(script)
        #expect(SavePrinter().print(state) == (try ConformanceFiles.fixture("corpus-save.txt")))
    }

    @Test(
        "restoring kube-proxy's full syncs prints what iptables-nft-save printed",
        arguments: ["overall-iptables-rules", "sync-proxy-rules-repeated"])
    func fullSync(_ testCase: String) throws {
        let script = try Ruleset(parsing: try ConformanceFiles.read("kube-proxy/\(testCase)/expected-iptables.txt"))
        let printed = SavePrinter().print(Ruleset.empty.restoring(script))
        #expect(printed == (try ConformanceFiles.fixture("\(testCase)-save.txt")))
    }

    @Test("kube-proxy's partial syncs applied with --noflush leave what iptables-nft-save printed after each step")
    func partialSyncs() throws {
        var state = Ruleset.empty
        for step in Self.steps {
            let file = "kube-proxy/sync-proxy-rules-repeated/step\(step)-expected-iptables.txt"
            state = state.restoring(try Ruleset(parsing: try ConformanceFiles.read(file)), noflush: true)
            let expected = try ConformanceFiles.fixture("sync-proxy-rules-repeated-step\(step)-save.txt")
            #expect(SavePrinter().print(state) == expected, "after step \(step)")
        }
    }

    @Test("the corpus keeps its meaning through the restore form")
    func corpusRestoreForm() throws {
        let script = try Ruleset(parsing: try ConformanceFiles.fixture("corpus-restore.txt"))
        #expect(try Ruleset(parsing: RestorePrinter().print(script)) == script)
    }

    @Test("newer iptables leave out the default recent mask")
    func recentMaskProfile() throws {
        let rule = try Rule(parsing: "-m recent --name KUBE-SEP-X --set")
        #expect(
            SavePrinter().arguments(of: rule) == "-m recent --set --name KUBE-SEP-X --mask 255.255.255.255 --rsource")
        #expect(
            SavePrinter(printsDefaultRecentMask: false).arguments(of: rule)
                == "-m recent --set --name KUBE-SEP-X --rsource")
    }
}
