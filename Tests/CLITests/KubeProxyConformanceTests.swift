import Foundation
import Netfilter
import Testing

/// One folder of the kube-proxy conformance data.
struct ConformanceCase: CustomTestStringConvertible, Sendable {
    var name: String
    var folder: URL
    var testDescription: String { name }

    /// `../shared/conformance/kube-proxy` beside the repository when it is there, else the copy in
    /// `Tests/SharedConformance` (a clone elsewhere still runs every case).
    static let root: URL = {
        let beside = KDP.root.deletingLastPathComponent().appendingPathComponent("shared/conformance/kube-proxy")
        if FileManager.default.fileExists(atPath: beside.path) { return beside }
        return KDP.root.appendingPathComponent("Tests/SharedConformance/kube-proxy")
    }()
    /// More cases of the same format kept in the repository (see its README).
    static let ownRoot = KDP.root.appendingPathComponent("Tests/CLITests/Conformance/kube-proxy")

    static var all: [ConformanceCase] { cases(in: root) + cases(in: ownRoot, prefix: "repo-") }

    static func cases(in directory: URL, prefix: String = "") -> [ConformanceCase] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.sorted().filter { !$0.hasSuffix(".md") }.map {
            ConformanceCase(name: prefix + $0, folder: directory.appendingPathComponent($0))
        }
    }

    func file(_ name: String) -> URL { folder.appendingPathComponent(name) }
    func has(_ name: String) -> Bool { FileManager.default.fileExists(atPath: file(name).path) }
}

/// The conformance contract of `kdp rules` (issue: kube-proxy iptables mode): rules equal after kube-proxy's
/// test normalisation, chains and rule existence as the Go tests check them, flows equal to its tracer.
@Suite("kube-proxy iptables conformance (shared data and the repository's own cases) through the kdp CLI")
struct KubeProxyConformanceTests {
    @Test("the conformance data is present (it lives beside the repository in shared/)")
    func present() {
        #expect(ConformanceCase.cases(in: ConformanceCase.root).count >= 20, "missing \(ConformanceCase.root.path)")
        #expect(ConformanceCase.cases(in: ConformanceCase.ownRoot).count >= 20)
    }

    @Test(
        "expected-iptables.txt: the payload equals the expected one after kube-proxy's sort",
        arguments: ConformanceCase.all.filter { $0.has("expected-iptables.txt") && !$0.has("steps.json") })
    func fullRuleset(_ c: ConformanceCase) throws {
        let result = try KDP.run([
            "rules", "--mode", "iptables", "--proxy-config", c.file("proxy.yaml").path, c.file("input.yaml").path,
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let expected = try String(contentsOf: c.file("expected-iptables.txt"), encoding: .utf8)
        #expect(try Normalize.iptables(result.stdout) == Normalize.iptables(expected))
    }

    @Test(
        "expected-chains.json: each listed chain holds exactly these rules",
        arguments: ConformanceCase.all.filter { $0.has("expected-chains.json") })
    func chains(_ c: ConformanceCase) throws {
        let result = try KDP.run([
            "rules", "--mode", "iptables", "--proxy-config", c.file("proxy.yaml").path, c.file("input.yaml").path,
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let list =
            try JSONSerialization.jsonObject(with: Data(contentsOf: c.file("expected-chains.json")))
            as? [[String: String]] ?? []
        #expect(!list.isEmpty)
        for entry in list {
            let table = entry["table"] ?? ""
            let chain = entry["chain"] ?? ""
            let rules = Normalize.chainRules(result.stdout, table: table, chain: chain)
            #expect(rules == entry["rules"], "\(table)/\(chain)")
        }
    }

    @Test(
        "expected-rules.json: a nat KUBE-SERVICES rule for the LB IP exists or not",
        arguments: ConformanceCase.all.filter { $0.has("expected-rules.json") })
    func ruleExistence(_ c: ConformanceCase) throws {
        let result = try KDP.run([
            "rules", "--mode", "iptables", "--proxy-config", c.file("proxy.yaml").path, c.file("input.yaml").path,
        ])
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: c.file("expected-rules.json")))
        let entries = (object as? [[String: Any]]) ?? [(object as? [String: Any]) ?? [:]]
        for entry in entries {
            let chain = entry["chain"] as? String ?? ""
            let address = entry["destinationAddress"] as? String ?? ""
            let exists = Normalize.chainRules(result.stdout, table: entry["table"] as? String ?? "", chain: chain)
                .split(separator: "\n").contains { $0.contains(" -d \(address) ") }
            #expect(exists == (entry["ruleExists"] as? Bool ?? true), "\(chain) -d \(address)")
        }
    }

    @Test(
        "flows.json: kube-proxy's tracer results, endpoints in order and the masquerade flag",
        arguments: ConformanceCase.all.filter { $0.has("flows.json") })
    func flows(_ c: ConformanceCase) throws {
        var arguments = [
            "rules", "trace", "--mode", "iptables", "--proxy-config", c.file("proxy.yaml").path, "--flows",
            c.file("flows.json").path, "--format", "json",
        ]
        if c.has("rules-iptables.txt") {
            arguments += ["--iptables-save", c.file("rules-iptables.txt").path]
        } else {
            arguments.append(c.file("input.yaml").path)
        }
        try expectFlows(arguments, expected: c.file("flows.json"))
    }

    @Test(
        "flows after deleting the EndpointSlices or the Service match the second flow table",
        arguments: ConformanceCase.all.filter {
            $0.has("flows-after-endpointslice-delete.json") || $0.has("flows-after-service-delete.json")
        })
    func flowsAfterDelete(_ c: ConformanceCase) throws {
        let kind = c.has("flows-after-service-delete.json") ? "Service" : "EndpointSlice"
        let flowsFile = c.file(
            kind == "Service" ? "flows-after-service-delete.json" : "flows-after-endpointslice-delete.json")
        let input = try String(contentsOf: c.file("input.yaml"), encoding: .utf8)
        let kept = input.components(separatedBy: "\n---").filter { !$0.contains("\nkind: \(kind)\n") }.joined(
            separator: "\n---")
        let reduced = FileManager.default.temporaryDirectory.appendingPathComponent(
            "kdp-\(c.name)-\(UUID().uuidString).yaml")
        try kept.write(to: reduced, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: reduced) }
        try expectFlows(
            [
                "rules", "trace", "--mode", "iptables", "--proxy-config", c.file("proxy.yaml").path, "--flows",
                flowsFile.path, "--format", "json", reduced.path,
            ],
            expected: flowsFile)
    }

    @Test(
        "steps.json: each sync of a multi-step case writes the expected payload, counters and consistent jumps",
        arguments: ConformanceStep.all)
    func syncStep(_ step: ConformanceStep) throws {
        let c = step.conformance
        let result = try SyncRuns.result(for: c)
        #expect(result.status == 0, "\(result.stderr)")
        guard let sync = SyncOutput(result.stdout).syncs[step.number] else {
            Issue.record("no sync for step \(step.number) in the output")
            return
        }
        if let expected = step.expected {
            let text = try String(contentsOf: c.file(expected), encoding: .utf8)
            #expect(try Normalize.iptables(sync.payload) == Normalize.iptables(text))
            #expect(sync.fields["restore"] == "ok")
        }
        if step.expectsFailure { #expect(sync.fields["restore"] == "failed") }
        if let count = step.natRulesSynced { #expect(sync.fields["nat-rules-synced"] == String(count)) }
        if let count = step.natRulesTotal {
            #expect(sync.fields["nat-rules-total"] == String(count))
            if sync.fields["large-cluster"] == "false" {
                #expect(sync.fields["nat-rules-kernel"] == String(count), "stale chains are gone at once")
            }
        }
        if step.checkConsistency { #expect(try RuleJumps.problems(sync.payload) == []) }
        if step.number == 1, c.has("expected-iptables.txt") {
            let full = try String(contentsOf: c.file("expected-iptables.txt"), encoding: .utf8)
            #expect(try Normalize.iptables(sync.payload) == Normalize.iptables(full), "step 1 is the full sync")
        }
    }

    func expectFlows(_ arguments: [String], expected: URL) throws {
        let result = try KDP.run(arguments)
        #expect(result.status == 0, "\(result.stderr)")
        let got = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]] ?? []
        let want = try JSONSerialization.jsonObject(with: Data(contentsOf: expected)) as? [[String: Any]] ?? []
        #expect(got.count == want.count)
        for (mine, theirs) in zip(got, want) {
            let name = theirs["name"] as? String ?? ""
            #expect(mine["name"] as? String == name)
            #expect(mine["output"] as? String == theirs["output"] as? String, "\(name)")
            #expect(mine["masq"] as? Bool == theirs["masq"] as? Bool, "\(name) masq")
        }
    }
}

/// Chain extraction from restore text; the normalisation itself is Netfilter's `IptablesNormalizer`.
enum Normalize {
    static func iptables(_ text: String) throws -> String { try IptablesNormalizer.sortLikeKubeProxyTests(text) }

    /// The `-A` lines of one chain of one table, each ending in a newline ("" when empty or absent).
    static func chainRules(_ text: String, table: String, chain: String) -> String {
        var inTable = false
        var rules = ""
        for line in text.split(separator: "\n") {
            if line.hasPrefix("*") { inTable = line.dropFirst() == table }
            if inTable, line.hasPrefix("-A \(chain) ") { rules += line + "\n" }
        }
        return rules
    }
}
