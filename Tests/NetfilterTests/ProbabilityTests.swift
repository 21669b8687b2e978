import Netfilter
import Testing

@Suite("statistic --probability is stored as a 31-bit fraction")
struct ProbabilityTests {
    /// dataplane-reference §4.5: k remaining endpoints, what kube-proxy writes, what iptables-save prints.
    static let table: [(Int, String, String)] = [
        (2, "0.5000000000", "0.50000000000"), (3, "0.3333333333", "0.33333333349"),
        (4, "0.2500000000", "0.25000000000"), (5, "0.2000000000", "0.20000000019"),
        (6, "0.1666666667", "0.16666666651"), (7, "0.1428571429", "0.14285714272"),
        (8, "0.1250000000", "0.12500000000"), (9, "0.1111111111", "0.11111111101"),
        (10, "0.1000000000", "0.10000000009"), (11, "0.0909090909", "0.09090909082"),
        (20, "0.0500000000", "0.04999999981"), (100, "0.0100000000", "0.00999999978"),
    ]

    @Test("kube-proxy's 1/k is saved as iptables-save prints it (§4.5 table)", arguments: table)
    func savedText(_ remaining: Int, _ written: String, _ saved: String) throws {
        let probability = try #require(Probability.kubeProxy(remainingEndpoints: remaining))
        #expect(probability.description == written)
        #expect(probability.savedText == saved)
        #expect(try #require(Probability(written)).savedText == saved)
    }

    @Test(
        "fact 15: 0.3333333333, 0.5000000000, 0.2000000000 and 0.1000000000",
        arguments: [
            ("0.3333333333", "0.33333333349"), ("0.5000000000", "0.50000000000"), ("0.2000000000", "0.20000000019"),
            ("0.1000000000", "0.10000000009"),
        ])
    func fact15(_ written: String, _ saved: String) throws {
        let rule = try Rule(parsing: "-m statistic --mode random --probability \(written) -j KUBE-SEP-X")
        #expect(SavePrinter().arguments(of: rule) == "-m statistic --mode random --probability \(saved) -j KUBE-SEP-X")
        #expect(
            RestorePrinter().arguments(of: rule) == "-m statistic --mode random --probability \(written) -j KUBE-SEP-X")
    }

    @Test(
        "the kernel value is lround(2^31 · p) and saving is exact, ties to even like glibc",
        arguments: [
            ("0.3333333333", UInt32(715_827_883), "0.33333333349"), ("1", 2_147_483_648, "1.00000000000"),
            ("0.0000099999", 21475, "0.00001000008"), ("0.000244140625", 524_288, "0.00024414062"),
            ("0.000732421875", 1_572_864, "0.00073242188"), ("0", 0, "0.00000000000"),
        ])
    func kernelValue(_ written: String, _ kernel: UInt32, _ saved: String) throws {
        let probability = try #require(Probability(written))
        #expect(probability.kernelValue == kernel)
        #expect(probability.savedText == saved)
    }

    @Test("a saved value parses back to the same kernel value (iptables-save is a fixed point)", arguments: 2...200)
    func savedIsFixedPoint(_ remaining: Int) throws {
        let written = try #require(Probability.kubeProxy(remainingEndpoints: remaining))
        let saved = try #require(Probability(written.savedText))
        #expect(saved.kernelValue == written.kernelValue)
        #expect(saved.savedText == written.savedText)
    }

    @Test("values outside 0…1 or not plain decimals are refused", arguments: ["1.5", "-0.5", "abc", "", ".", "1e-3"])
    func refused(_ text: String) {
        #expect(Probability(text) == nil)
    }
}
