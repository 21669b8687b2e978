import Foundation
import Netfilter
import Synchronization
import Testing

/// One sync of a multi-step conformance case: a `steps.json` entry and what it expects.
struct ConformanceStep: CustomTestStringConvertible, Sendable {
    var conformance: ConformanceCase
    var number: Int
    var action: String
    /// `stepNN-expected-iptables.txt`, or nil where the step expects no payload (a failing restore).
    var expected: String?
    var checkConsistency: Bool
    var natRulesSynced: Int?
    var natRulesTotal: Int?
    var testDescription: String { "\(conformance.name) step \(number)" }

    /// The step's action says the restore must fail (the steps files have no field for it).
    var expectsFailure: Bool { expected == nil && action.contains("must FAIL") }

    /// Every step of every iptables case with a steps.json.
    static var all: [ConformanceStep] {
        ConformanceCase.all.filter { $0.has("steps.json") }.flatMap { c -> [ConformanceStep] in
            guard let data = try? Data(contentsOf: c.file("steps.json")),
                let list = try? JSONSerialization.jsonObject(with: data) as? [[String: Any]]
            else { return [] }
            return list.enumerated().map { index, entry in
                ConformanceStep(
                    conformance: c, number: entry["step"] as? Int ?? index + 1,
                    action: entry["action"] as? String ?? "",
                    expected: entry["expected"] as? String,
                    checkConsistency: entry["checkConsistency"] as? Bool ?? false,
                    natRulesSynced: entry["natRulesSynced"] as? Int, natRulesTotal: entry["natRulesTotal"] as? Int)
            }
        }
    }
}

/// `kdp rules sync` over one case, run once however many of its steps are tested.
enum SyncRuns {
    static let results = Mutex<[String: KDP.Result]>([:])

    static func result(for c: ConformanceCase) throws -> KDP.Result {
        if let cached = results.withLock({ $0[c.name] }) { return cached }
        let result = try KDP.run([
            "rules", "sync", "--mode", "iptables", "--proxy-config", c.file("proxy.yaml").path, "--steps",
            c.file("steps.json").path, c.file("input.yaml").path,
        ])
        results.withLock { $0[c.name] = result }
        return result
    }
}

/// The output of `kdp rules sync`, split at its `# kdp sync step=N …` markers.
struct SyncOutput {
    struct Sync {
        /// The marker's `key=value` fields.
        var fields: [String: String]
        /// The restore payload (with the marker and error comment lines removed).
        var payload: String
    }

    var syncs: [Int: Sync] = [:]

    init(_ text: String) {
        var current: (Int, [String: String])?
        var payload = ""
        func flush() {
            if let (step, fields) = current { syncs[step] = Sync(fields: fields, payload: payload) }
            payload = ""
        }
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("# kdp sync ") {
                flush()
                var fields: [String: String] = [:]
                for word in line.dropFirst("# kdp sync ".count).split(separator: " ") {
                    let parts = word.split(separator: "=", maxSplits: 1)
                    if parts.count == 2 { fields[String(parts[0])] = String(parts[1]) }
                }
                current = (Int(fields["step"] ?? "") ?? -1, fields)
            } else if line.hasPrefix("# kdp state") {
                flush()
                current = nil
            } else if !line.hasPrefix("#"), !line.isEmpty {
                payload += line + "\n"
            }
        }
        flush()
    }
}

/// kube-proxy's `checkIPTablesRuleJumps` (conformance README §4) over one restore payload.
enum RuleJumps {
    static let topLevel: Set<String> = [
        "KUBE-SERVICES", "KUBE-EXTERNAL-SERVICES", "KUBE-NODEPORTS", "KUBE-POSTROUTING", "KUBE-FORWARD",
        "KUBE-MARK-MASQ", "KUBE-PROXY-FIREWALL", "KUBE-FIREWALL",
    ]

    /// Every jump names a declared chain, every jumped-to chain but KUBE-NODEPORTS has rules, and every declared
    /// chain but the top-level ones (and those being deleted) is jumped to.
    static func problems(_ payload: String) throws -> [String] {
        var problems: [String] = []
        for table in try IptablesParser.parse(payload).tables {
            let declared = Set(table.chains.map(\.name))
            var jumped: Set<String> = []
            for chain in table.chains {
                for target in chain.rules.compactMap(\.jumpChain) {
                    jumped.insert(target)
                    if !declared.contains(target) {
                        problems.append("\(table.name): \(chain.name) jumps to undeclared \(target)")
                    }
                }
            }
            for target in jumped.sorted() where target != "KUBE-NODEPORTS" {
                if let chain = table[chain: target], chain.rules.isEmpty {
                    problems.append("\(table.name): \(target) is jumped to but empty")
                }
            }
            let unused = declared.subtracting(jumped).subtracting(topLevel).subtracting(table.deletedChains)
            problems += unused.sorted().map { "\(table.name): \($0) is declared but unused" }
        }
        return problems
    }
}
