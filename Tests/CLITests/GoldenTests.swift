import Foundation
import Testing

struct GoldenCase: CustomTestStringConvertible, Sendable {
    var name: String
    var arguments: String
    var testDescription: String { name }

    static var all: [GoldenCase] {
        let url = KDP.root.appendingPathComponent("topologies/golden/cases.tsv")
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { line in
            guard !line.hasPrefix("#") else { return nil }
            let parts = line.split(separator: "\t", maxSplits: 1).map(String.init)
            return parts.count == 2 ? GoldenCase(name: parts[0], arguments: parts[1]) : nil
        }
    }
}

@Suite("Golden traces (topologies/golden): the minimal view is the regression contract")
struct GoldenTests {
    @Test("the golden case list is present and non-trivial")
    func casesExist() {
        #expect(GoldenCase.all.count >= 20)
    }

    @Test("kdp output equals the golden file", arguments: GoldenCase.all)
    func golden(_ golden: GoldenCase) throws {
        let result = try KDP.run(KDP.arguments(golden.arguments))
        #expect(result.status == 0, "\(result.stderr)")
        let file = KDP.root.appendingPathComponent("topologies/golden/\(golden.name).txt")
        if ProcessInfo.processInfo.environment["RECORD_GOLDEN"] == "1" {
            try result.stdout.write(to: file, atomically: true, encoding: .utf8)
            Issue.record("recorded \(file.lastPathComponent); unset RECORD_GOLDEN and run again")
            return
        }
        let expected = try String(contentsOf: file, encoding: .utf8)
        #expect(result.stdout == expected, "kdp \(golden.arguments) differs from \(file.lastPathComponent)")
    }
}
