import Foundation
import NetCore
import Testing

/// The shared conformance data (repoRoot/../shared/conformance, or its copy in Tests/SharedConformance) and this
/// target's fixtures, found at run time.
enum ConformanceFiles {
    static let testsDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    static let repoRoot = testsDirectory.deletingLastPathComponent().deletingLastPathComponent()
    /// `../shared/conformance` beside the repository when it is there (the live data), else the copy kept in
    /// `Tests/SharedConformance` so that a clone anywhere still runs every case.
    static let conformance: URL = {
        let beside = repoRoot.deletingLastPathComponent().appendingPathComponent("shared/conformance")
        if FileManager.default.fileExists(atPath: beside.path) { return beside }
        return repoRoot.appendingPathComponent("Tests/SharedConformance")
    }()
    static let fixtures = testsDirectory.appendingPathComponent("Fixtures")

    /// Stands in for the file list when the conformance directory is missing, so that every parameterised test
    /// fails on it instead of running zero cases.
    static let missingMarker =
        "MISSING: shared conformance data not found (../shared/conformance or Tests/SharedConformance)"

    /// Every iptables text file under the conformance directory (`expected-iptables.txt`,
    /// `stepNN-expected-iptables.txt`, `rules-iptables.txt`), as paths relative to it.
    static func iptablesFiles() -> [String] {
        let found = files { $0.hasSuffix("iptables.txt") }
        return found.isEmpty ? [missingMarker] : found
    }

    /// The files kube-proxy's tests compare after `sortIPTablesRules`.
    static func expectedIptablesFiles() -> [String] {
        let found = files { $0.hasSuffix("expected-iptables.txt") }
        return found.isEmpty ? [missingMarker] : found
    }

    /// Every `expected-chains.json`, relative to the conformance directory.
    static func expectedChainFiles() -> [String] {
        let found = files { $0 == "expected-chains.json" }
        return found.isEmpty ? [missingMarker] : found
    }

    static func files(named matches: (String) -> Bool) -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: conformance.path) else { return [] }
        var found: [String] = []
        while let path = enumerator.nextObject() as? String {
            if matches((path as NSString).lastPathComponent) { found.append(path) }
        }
        return found.sorted()
    }

    /// The text of a conformance file; records a failure naming the missing directory.
    static func read(_ relative: String) throws -> String {
        guard relative != missingMarker else {
            throw MissingConformanceData(path: conformance.path)
        }
        return try String(contentsOf: conformance.appendingPathComponent(relative), encoding: .utf8)
    }

    /// The text of a fixture in Tests/NetfilterTests/Fixtures.
    static func fixture(_ name: String) throws -> String {
        try String(contentsOf: fixtures.appendingPathComponent(name), encoding: .utf8)
    }

    /// The text without blank lines and `#` comments, which neither iptables-save nor kube-proxy print.
    static func withoutCommentsAndBlankLines(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { line in
                let trimmed = line.drop { $0 == " " || $0 == "\t" }
                return !trimmed.isEmpty && !trimmed.hasPrefix("#")
            }
            .map { $0 + "\n" }.joined()
    }
}

/// Thrown (so the test fails, never skips) when the conformance data is absent.
struct MissingConformanceData: Error, CustomStringConvertible {
    var path: String
    var description: String {
        "shared conformance data not found at \(path) (expected repoRoot/../shared/conformance or Tests/SharedConformance)"
    }
}

// Literals the tests control: a typo is a bug in the test, so it stops the run loudly.
extension IPv4Prefix {
    static func literal(_ text: String) -> IPv4Prefix {
        guard let prefix = IPv4Prefix(text) else { preconditionFailure("bad prefix literal \(text)") }
        return prefix
    }
}

extension IPv4Address {
    static func literal(_ text: String) -> IPv4Address {
        guard let address = IPv4Address(text) else { preconditionFailure("bad IPv4 literal \(text)") }
        return address
    }
}
