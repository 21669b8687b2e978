import NetCore
import Testing

@Suite("SeededRandom")
struct SeededRandomTests {
    private func sequence(seed: UInt64, count: Int) -> [UInt64] {
        var generator = SeededRandom(seed: seed)
        return (0..<count).map { _ in generator.next() }
    }

    @Test("the same seed gives the same sequence", arguments: [0, 1, 42, 0xDEAD_BEEF, UInt64.max] as [UInt64])
    func sameSeedSameSequence(_ seed: UInt64) {
        #expect(sequence(seed: seed, count: 256) == sequence(seed: seed, count: 256))
    }

    @Test("different seeds give different sequences")
    func differentSeedsDiffer() {
        let seeds: [UInt64] = [0, 1, 2, 42, 43, 1 << 63]
        let firsts = Set(seeds.map { sequence(seed: $0, count: 4) })
        #expect(firsts.count == seeds.count)
    }

    @Test(
        "is SplitMix64, so the values are the same on every machine",
        arguments: [
            (0, [0xE220_A839_7B1D_CDAF, 0x6E78_9E6A_A1B9_65F4, 0x06C4_5D18_8009_454F]),
            (42, [0xBDD7_3226_2FEB_6E95, 0x28EF_E333_B266_F103, 0x4752_6757_130F_9F52]),
        ] as [(UInt64, [UInt64])])
    func referenceValues(_ seed: UInt64, _ expected: [UInt64]) {
        #expect(sequence(seed: seed, count: expected.count) == expected)
    }

    @Test("a copied generator continues the same sequence independently (value semantics)")
    func copiesFork() {
        var original = SeededRandom(seed: 7)
        _ = original.next()
        var copy = original
        let fromOriginal = (0..<8).map { _ in original.next() }
        let fromCopy = (0..<8).map { _ in copy.next() }
        #expect(fromOriginal == fromCopy)
    }

    @Test("drives the standard library's random APIs deterministically")
    func standardLibraryAPIs() {
        var first = SeededRandom(seed: 2024)
        var second = SeededRandom(seed: 2024)
        let picksA = (0..<32).map { _ in Int.random(in: 0..<1000, using: &first) }
        let picksB = (0..<32).map { _ in Int.random(in: 0..<1000, using: &second) }
        #expect(picksA == picksB)
        #expect(Array(1...20).shuffled(using: &first) == Array(1...20).shuffled(using: &second))
        #expect(Set(picksA).count > 1, "a generator that returns one value is not random")
    }

    @Test("values spread over the whole 64-bit range")
    func spread() {
        let values = sequence(seed: 1, count: 1000)
        #expect(values.contains { $0 >> 63 == 1 })
        #expect(values.contains { $0 >> 63 == 0 })
        #expect(Set(values).count == values.count)
    }
}
